"""The one Celery app: its settings from the app config, and a base task that runs inside the Flask app context."""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

from service.config import is_embedded


def celery_config(config: dict[str, Any]) -> dict[str, Any]:
    """Celery settings from the app config: JSON only, late acks, one message per worker process at a time."""
    settings: dict[str, Any] = {
        "broker_url": config["BROKER_URL"],
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        # A message is acknowledged only after its task finished, so a crash returns it to the queue...
        "task_acks_late": True,
        # ...and a worker process killed mid-task (OOM, segfault) requeues its message instead of dropping it.
        "task_reject_on_worker_lost": True,
        # Late acks with prefetch would hold messages hostage behind a long task on the same process.
        "worker_prefetch_multiplier": 1,
        "task_default_queue": "ingest",
        "task_routes": {
            "workers.tasks.process_article": {"queue": "ingest"},
            "workers.tasks.reconcile": {"queue": "ingest"},
            # Deliveries have a queue of their own so a slow subscriber never delays parsing.
            "workers.tasks.deliver_webhook": {"queue": "webhooks"},
            "workers.tasks.sweep_webhooks": {"queue": "webhooks"},
        },
        "task_soft_time_limit": config["TASK_SOFT_TIME_LIMIT"],
        "task_time_limit": config["TASK_TIME_LIMIT"],
        "broker_connection_retry_on_startup": True,
        # A publish must not hang a request when the broker is away: the row is committed and the
        # reconciler sends it later.
        "broker_connection_timeout": 3,
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        "beat_schedule": {
            "reconcile-stuck-articles": {
                "task": "workers.tasks.reconcile",
                "schedule": float(config["RECONCILE_EVERY_SECONDS"]),
            },
            "sweep-webhooks": {
                "task": "workers.tasks.sweep_webhooks",
                "schedule": float(config["WEBHOOK_SWEEP_EVERY_SECONDS"]),
            },
        },
        "worker_hijack_root_logger": False,
    }
    if is_embedded(config):
        queue_dir = config["QUEUE_DIR"]
        settings["broker_transport_options"] = {
            "data_folder_in": f"{queue_dir}/messages",
            "data_folder_out": f"{queue_dir}/messages",
            "processed_folder": f"{queue_dir}/processed",
            "store_processed": False,
        }
        settings["beat_schedule_filename"] = f"{queue_dir}/beat-schedule"
    else:
        # Redis redelivers an unacknowledged message only after the visibility timeout. It must exceed the
        # longest task (TASK_TIME_LIMIT) plus the longest retry countdown, or a healthy slow task would be
        # handed to a second worker while the first is still on it. Webhook retries use countdowns up to
        # WEBHOOK_MAX_COUNTDOWN_SECONDS (600) only; longer waits are kept in the database for the sweeper.
        settings["broker_transport_options"] = {"visibility_timeout": 3600}
    return settings


def celery_init_app(app: Flask) -> Celery:
    """The one Celery app, configured from the Flask app, whose tasks run inside its app context."""

    from service.ops.logs import bind_task_request_id, unbind_task_request_id

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            # The request id of the HTTP request that queued this task goes into every log line it writes.
            token = bind_task_request_id(getattr(self.request, "request_id", None))
            with app.app_context():
                try:
                    return super().__call__(*args, **kwargs)
                finally:
                    app.extensions["db"].session.remove()
                    unbind_task_request_id(token)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(app.config))
    celery.flask_app = app
    # Registers the tasks on this app (shared_task binds to every app created).
    celery.autodiscover_tasks(["workers"], related_name="tasks", force=True)
    app.extensions["celery"] = celery
    return celery
