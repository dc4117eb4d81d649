"""The one Celery app: queue and task names, its settings from the app config, the base task that runs inside the
Flask app context, and the outbox that sends a transaction's messages only once it has committed.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from celery import Celery, Task
from flask import Flask
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError as DatabaseUnavailable
from sqlalchemy.orm import Session, sessionmaker

from service.config import is_embedded
from service.task_messages import RedisTaskWriter, TaskMessage, is_redis_url

log = logging.getLogger(__name__)


class Queues:
    # Named "ingest" since the first release; deployments consume it by that name.
    ARTICLES = "ingest"
    # Articles sent again (after their worker died, an outage, a lost message): consumed ahead of the backlog.
    ARTICLES_AGAIN = "ingest.again"
    # Deliveries have a queue of their own so a slow subscriber never delays parsing.
    WEBHOOKS = "webhooks"
    # The reconciler, the sweeper and the purge: every worker consumes this queue first, so they run on time
    # whatever the backlog.
    CONTROL = "control"

    @staticmethod
    def consumed(work: list[str]) -> list[str]:
        """What a worker asked for `work` consumes, in the order it takes messages: control, then each queue's
        sent-again messages ahead of its backlog."""
        ordered = [Queues.CONTROL]
        for queue in work:
            if queue == Queues.ARTICLES:
                ordered.append(Queues.ARTICLES_AGAIN)
            ordered.append(queue)
        return list(dict.fromkeys(ordered))


class Tasks:
    """Task names, defined once: the worker registers them, everyone else sends by them."""

    PROCESS_ARTICLE = "workers.tasks.process_article"
    RECONCILE = "workers.tasks.reconcile"
    DELIVER_WEBHOOK = "workers.tasks.deliver_webhook"
    SWEEP_WEBHOOKS = "workers.tasks.sweep_webhooks"
    PURGE_EXPIRED = "workers.tasks.purge_expired"


ROUTES = {
    Tasks.PROCESS_ARTICLE: Queues.ARTICLES,
    Tasks.RECONCILE: Queues.CONTROL,
    Tasks.PURGE_EXPIRED: Queues.CONTROL,
    Tasks.DELIVER_WEBHOOK: Queues.WEBHOOKS,
    Tasks.SWEEP_WEBHOOKS: Queues.CONTROL,
}

# Errors of the infrastructure, not of the document or the subscriber: every task retries them with backoff.
TRANSIENT_ERRORS = (DatabaseUnavailable, InterfaceError, BrokerUnavailable, ConnectionError)


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
        "task_default_queue": Queues.ARTICLES,
        "task_routes": {task: {"queue": queue} for task, queue in ROUTES.items()},
        "task_soft_time_limit": config["TASK_SOFT_TIME_LIMIT"],
        "task_time_limit": config["TASK_TIME_LIMIT"],
        "worker_max_memory_per_child": config["WORKER_MAX_MEMORY_MB"] * 1024,  # Celery counts KiB
        # Limits that depend on the configuration, set on the tasks here (config.check_config keeps them consistent
        # with the broker's visibility timeout).
        "task_annotations": {
            "*": {"retry_backoff_max": config["TASK_RETRY_BACKOFF_MAX_SECONDS"]},
            Tasks.DELIVER_WEBHOOK: {
                "soft_time_limit": config["WEBHOOK_TASK_SOFT_TIME_LIMIT"],
                "time_limit": config["WEBHOOK_TASK_TIME_LIMIT"],
            },
        },
        "broker_connection_retry_on_startup": True,
        # A worker whose broker is away waits for it as long as it takes (Celery's default gives up after 100 tries).
        "broker_connection_max_retries": None,
        # A publish must not hang a request when the broker is away: the row is committed and the
        # reconciler sends it later.
        "broker_connection_timeout": config["BROKER_CONNECT_TIMEOUT_SECONDS"],
        "task_publish_retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        "beat_schedule": {
            "reconcile-stuck-articles": {
                "task": Tasks.RECONCILE,
                "schedule": float(config["RECONCILE_EVERY_SECONDS"]),
            },
            "sweep-webhooks": {
                "task": Tasks.SWEEP_WEBHOOKS,
                "schedule": float(config["WEBHOOK_SWEEP_EVERY_SECONDS"]),
            },
            "purge-expired": {
                "task": Tasks.PURGE_EXPIRED,
                "schedule": float(config["PURGE_EVERY_SECONDS"]),
            },
        },
        # Beat keeps its last run times in a file: under the var directory, never the working directory.
        "beat_schedule_filename": str(config["BEAT_SCHEDULE_FILE"]),
        "worker_hijack_root_logger": False,
    }
    if is_embedded(config):
        queue_dir = config["QUEUE_DIR"]
        # billiard's pool shares one lock among its processes to read tasks; a process killed holding it (idle, it
        # waits for work holding it) would leave its replacement waiting forever. This pool's locks die with them.
        settings["worker_pool"] = "workers.pool:TaskPool"
        # kombu's filesystem transport, waking the worker for its next message as soon as it acknowledges the last.
        settings["broker_transport"] = "service.filesystem_queue:Transport"
        settings["broker_transport_options"] = {
            # kombu looks for new messages once a second by default: most of a short task's time, spent idle.
            "polling_interval": config["BROKER_POLLING_INTERVAL_SECONDS"],
            "data_folder_in": f"{queue_dir}/messages",
            "data_folder_out": f"{queue_dir}/messages",
            "processed_folder": f"{queue_dir}/processed",
            # The exchange tables; kombu's default is ./control in whatever directory the process started in.
            "control_folder": f"{queue_dir}/control",
            "store_processed": False,
        }
    else:
        # Redis redelivers an unacknowledged message only after the visibility timeout: it must exceed the longest
        # task plus the longest retry countdown, or a healthy slow task would be handed to a second worker while
        # the first is still on it (config.check_config refuses settings where it does not).
        settings["broker_transport_options"] = {
            "visibility_timeout": config["BROKER_VISIBILITY_TIMEOUT_SECONDS"],
            # Queues in the order a worker lists them (Queues.consumed): control first, sent-again before backlog.
            "queue_order_strategy": "priority",
        }
    return settings


@dataclass(frozen=True)
class Message:
    """A task to send: its name, arguments and the options Celery's send_task takes."""

    task: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None
    countdown: float | None = None
    queue: str | None = None


@dataclass
class Publisher:
    """Sends messages to the broker. A failed send is logged and left to the reconciler or the sweeper, which find
    the committed rows; after a failure the broker is not tried again for a moment, so a batch of a thousand does
    not wait on a thousand connection timeouts."""

    celery: Celery
    pause_after_failure: float
    # Writes plain task messages straight into Redis (see service/task_messages.py); None on other brokers.
    writer: RedisTaskWriter | None = None
    failed: int = 0
    _paused_until: float = field(default=0.0, repr=False)

    def send(self, messages: list[Message]) -> int:
        """Send what can be sent now; returns how many went out.

        On Redis, plain messages are written straight onto their queues by the writer, all in one round trip; the
        others go through one Celery producer as one kombu publish batch.
        """
        if time.monotonic() < self._paused_until:
            self.failed += len(messages)
            return 0
        direct, through_celery = self._split(messages)
        sent = 0
        try:
            if direct:
                assert self.writer is not None
                self.writer.write(direct)
                sent += len(direct)
            if through_celery:
                with self.celery.producer_or_acquire() as producer, producer.batch():
                    for message in through_celery:
                        self.celery.send_task(
                            message.task,
                            args=list(message.args),
                            kwargs=message.kwargs,
                            queue=message.queue or ROUTES[message.task],
                            headers=message.headers,
                            countdown=message.countdown,
                            producer=producer,
                        )
                sent += len(through_celery)
        except Exception:  # the rows are committed, so nothing is lost: the reconciler and sweeper send them
            first = messages[0]
            log.exception(
                "could not send %d messages (%s%s, ...); they are sent again from the database",
                len(messages) - sent,
                first.task,
                first.args,
            )
            self.failed += len(messages) - sent
            self._paused_until = time.monotonic() + self.pause_after_failure
        return sent

    def _split(self, messages: list[Message]) -> tuple[list[TaskMessage], list[Message]]:
        """The messages the writer can send itself (on Redis, without a countdown), and the rest, for Celery."""
        direct: list[TaskMessage] = []
        through_celery: list[Message] = []
        for message in messages:
            if self.writer is None or message.countdown is not None:
                through_celery.append(message)
            else:
                queue = message.queue or ROUTES[message.task]
                direct.append(TaskMessage(message.task, queue, message.args, message.kwargs, message.headers))
        return direct, through_celery


class BackgroundPublisher:
    """Sends a process's messages from a thread of its own, so a request answers as soon as its rows are committed.

    Whatever piles up while a send is on its way goes out together in the next batch. A message still waiting here
    when the process dies is not lost: its rows are committed, and the reconciler (articles) and the sweeper
    (webhook deliveries) send them again from the database. A process that exits normally sends what is left first
    (`flush`, from gunicorn's worker_exit hook and at interpreter exit).
    """

    MAX_BATCH = 500

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self._waiting: deque[Message] = deque()
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def send(self, messages: list[Message]) -> int:
        """Hand messages over to the sending thread; returns 0, as nothing went out yet."""
        self._ensure_thread()
        with self._ready:
            self._waiting.extend(messages)
            self._ready.notify()
        return 0

    def flush(self) -> int:
        """Send everything waiting, in the calling thread; returns how many went out."""
        sent = 0
        while batch := self._take():
            sent += self.publisher.send(batch)
        return sent

    def _take(self) -> list[Message]:
        with self._ready:
            count = min(len(self._waiting), self.MAX_BATCH)
            return [self._waiting.popleft() for _ in range(count)]

    def _ensure_thread(self) -> None:
        # Started in the process that sends, never inherited across gunicorn's fork (threads do not survive one).
        if self._thread is not None and self._pid == os.getpid():
            return
        with self._ready:
            if self._thread is not None and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="publisher", daemon=True)
            self._thread.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._waiting:
                    self._ready.wait()
            self.flush()


PENDING_MESSAGES = "pending_messages"
PENDING_MESSAGES = "pending_messages"


def send_after_commit(session: Session, *messages: Message) -> None:
    """Send these messages once the session's transaction commits; a rollback drops them with the rows they name.

    The worker must always find the row its message names, so nothing is sent before the commit that stores it.
    """
    session.info.setdefault(PENDING_MESSAGES, []).extend(messages)


@dataclass
class Outbox:
    """Where committed messages go: the publisher itself (sent before the commit returns), or a background publisher
    (sent after the response; see BackgroundPublisher)."""

    sender: Publisher | BackgroundPublisher


def install_outbox(session_factory: sessionmaker[Session], outbox: Outbox) -> None:
    """Every session made by the factory sends its pending messages after each successful commit."""

    def send_pending(session: Session) -> None:
        if pending := session.info.pop(PENDING_MESSAGES, None):
            outbox.sender.send(pending)

    def drop_pending(session: Session, _previous_transaction: Any) -> None:
        session.info.pop(PENDING_MESSAGES, None)

    event.listen(session_factory, "after_commit", send_pending)
    event.listen(session_factory, "after_soft_rollback", drop_pending)


def celery_init_app(app: Flask) -> Celery:
    """The one Celery app, configured from the Flask app, whose tasks run inside its app context."""

    from service.ops.logs import bind_task_request_id, unbind_task_request_id

    class FlaskTask(Task):  # type: ignore[misc]
        # Where this task's retries go (its own and those Celery sends after its worker process died): a queue
        # consumed ahead of the backlog, so a retry waits for a free process, not for every message before it.
        again_queue: str | None = None

        def signature_from_request(
            self, request: Any = None, args: Any = None, kwargs: Any = None, queue: str | None = None, **extra: Any
        ) -> Any:
            return super().signature_from_request(request, args, kwargs, queue=queue or self.again_queue, **extra)

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
    publisher = Publisher(celery, pause_after_failure=float(app.config["BROKER_PAUSE_AFTER_FAILURE_SECONDS"]))
    if is_redis_url(app.config["BROKER_URL"]):
        publisher.writer = RedisTaskWriter(
            app.config["BROKER_URL"], float(app.config["BROKER_CONNECT_TIMEOUT_SECONDS"])
        )
    app.extensions["publisher"] = publisher
    app.extensions["outbox"] = Outbox(publisher)
    install_outbox(app.extensions["db"].session_factory, app.extensions["outbox"])
    return celery


def publish_in_background(app: Flask) -> BackgroundPublisher:
    """From now on this app's committed messages are sent by a background thread (the API process: see
    BackgroundPublisher for why nothing is lost)."""
    background = BackgroundPublisher(app.extensions["publisher"])
    app.extensions["outbox"].sender = background
    return background
