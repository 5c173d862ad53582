"""Generated inputs and process helpers shared by tests/ and bench/ (not installed).

``articles``: synthetic articles stating attributed head counts, as lists or streamed
to JSON Lines of any size. ``bad_inputs``: the kinds of bad files and poison payloads
that must be rejected with a reason. ``processes``: real Celery worker processes, store
counts, peak memory of a command.
"""
