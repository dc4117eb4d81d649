"""What a worker runs beside Celery: message leases on Redis, and pool processes that die with their worker."""

from __future__ import annotations

import ctypes
import logging
import signal
import threading
import weakref
from typing import Any

import redis
from celery.signals import task_received, worker_process_init, worker_ready, worker_shutdown
from flask import Flask

from service.broker import LeaseKeeper
from service.config import is_embedded

log = logging.getLogger(__name__)

# prctl(2): deliver this signal to the calling process when its parent dies.
PR_SET_PDEATHSIG = 1


def install(app: Flask) -> None:
    """Connect the worker's signal handlers; call before the worker starts."""
    held: weakref.WeakSet[Any] = weakref.WeakSet()
    stopped = threading.Event()

    @task_received.connect(weak=False)
    def remember(request: Any = None, **_kwargs: Any) -> None:
        # Every message this worker took, those waiting for a countdown included (Celery's reserved set has not).
        held.add(request)

    @worker_process_init.connect(weak=False)
    def die_with_the_worker(**_kwargs: Any) -> None:
        # A worker killed whole must not leave pool processes behind, still holding claims and memory.
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            log.warning("pool processes will not die with their worker (no prctl here)")

    @worker_ready.connect(weak=False)
    def keep_leases(**_kwargs: Any) -> None:
        if is_embedded(app.config):
            return  # the filesystem transport drops a message once taken: nothing to lease
        keeper = LeaseKeeper(
            redis.Redis.from_url(app.config["BROKER_URL"], socket_timeout=5, socket_connect_timeout=3),
            float(app.config["BROKER_LEASE_SECONDS"]),
            lambda: held_tags(held),
        )
        interval = float(app.config["BROKER_LEASE_RENEW_SECONDS"])
        threading.Thread(target=_renew_until, args=(keeper, interval, stopped), name="leases", daemon=True).start()

    @worker_shutdown.connect(weak=False)
    def stop_leases(**_kwargs: Any) -> None:
        stopped.set()


def held_tags(held: weakref.WeakSet[Any]) -> list[str]:
    """Delivery tags of the messages this worker still holds."""
    while True:
        try:
            requests = list(held)
            break
        except RuntimeError:  # the set changed while it was copied (the consumer thread adds to it)
            continue
    return [request.message.delivery_tag for request in requests if not request.acknowledged]


def _renew_until(keeper: LeaseKeeper, interval: float, stopped: threading.Event) -> None:
    while not stopped.wait(interval):
        try:
            keeper.tick()
        except Exception:  # the leases must outlive any surprise: a worker without them looks dead in 30 s
            log.exception("lease renewal failed")
