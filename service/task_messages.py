"""Task messages written straight into the broker's Redis lists, in exactly the form Celery's `send_task` gives them.

Celery builds each message through its router, signature and kombu producer layers: about 0.8 ms of CPU per message
in the API process, more than everything else an accepted article costs there. The messages the API sends are all
alike (a task name, an article id, a request id), so this module writes them itself: protocol 2 headers, the JSON body
kombu's Redis transport base64-encodes, and the envelope it LPUSHes onto the queue's list, many in one pipelined round
trip. Workers cannot tell the difference (tests/service/test_task_messages.py compares both with Celery's own).
Messages that need more than this (a countdown, another transport) still go through Celery.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import uuid
from typing import Any, NamedTuple

import redis

# kombu's Redis transport: the default exchange ("") routes a message to the list named by its routing key, and
# priority 0 is the list itself (no suffix).
DEFAULT_EXCHANGE = ""
EMBED = {"callbacks": None, "errbacks": None, "chain": None, "chord": None}


HOST = socket.gethostname()


class TaskMessage(NamedTuple):
    task: str
    queue: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] | None
    headers: dict[str, Any] | None


def is_redis_url(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "unix://"))


def task_envelope(
    task: str,
    queue: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any] | None,
    headers: dict[str, Any] | None,
    *,
    origin: str,
    reply_to: str,
) -> str:
    """One message as kombu's Redis transport stores it (Celery protocol 2), serialised."""
    task_id = str(uuid.uuid4())
    kwargs = kwargs or {}
    body = json.dumps([list(args), kwargs, EMBED]).encode()
    message = {
        "body": base64.b64encode(body).decode(),
        "content-encoding": "utf-8",
        "content-type": "application/json",
        "headers": {
            "lang": "py",
            "task": task,
            "id": task_id,
            "shadow": None,
            "eta": None,
            "expires": None,
            "group": None,
            "group_index": None,
            "retries": 0,
            "timelimit": [None, None],
            "root_id": task_id,
            "parent_id": None,
            "argsrepr": repr(list(args)),
            "kwargsrepr": repr(kwargs),
            "origin": origin,
            "ignore_result": None,
            "replaced_task_nesting": 0,
            "stamped_headers": None,
            "stamps": {},
            **(headers or {}),
        },
        "properties": {
            "correlation_id": task_id,
            "reply_to": reply_to,
            "delivery_mode": 2,
            "delivery_info": {"exchange": DEFAULT_EXCHANGE, "routing_key": queue},
            "priority": 0,
            "body_encoding": "base64",
            "delivery_tag": str(uuid.uuid4()),
        },
    }
    return json.dumps(message)


class RedisTaskWriter:
    """LPUSHes task messages onto their queues' lists, all of one send in one pipeline (MULTI/EXEC: all or none)."""

    def __init__(self, url: str, timeout: float) -> None:
        # redis-py's pool notices a fork and opens new connections in the child.
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        # Celery's reply queue id for this sender; only results would use it, and we keep none.
        self.reply_to = str(uuid.uuid4())

    def write(self, messages: list[TaskMessage]) -> None:
        # What Celery puts in every message as its origin: the sending process (`gen<pid>@<host>`).
        origin = f"gen{os.getpid()}@{HOST}"
        with self.client.pipeline(transaction=True) as pipe:
            for message in messages:
                envelope = task_envelope(*message, origin=origin, reply_to=self.reply_to)
                pipe.lpush(message.queue, envelope)
            pipe.execute()
