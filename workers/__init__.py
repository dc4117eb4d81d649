"""Background side of the service: the Celery app, its tasks, and the pure parsing pipeline."""
