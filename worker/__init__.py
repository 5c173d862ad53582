"""claimtrack worker: the pure core, the pipeline shell, the Celery app and the CLI."""

__version__ = "0.1.0"
