"""Pure core of claimtrack: plain frozen dataclasses in, plain values out.

Nothing in this package does I/O, reads the clock, touches the ORM or Celery.
"""
