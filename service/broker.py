"""What the broker holds, read directly: which task messages wait or are in flight (so the reconciler and the sweeper
never send a second one), and on Redis the leases that hand a dead worker's unacknowledged messages back in seconds.

Redis keeps a message a worker took in its `unacked` hash, scored by delivery time in `unacked_index`, until the
worker acknowledges it; kombu gives it back only after the visibility timeout (an hour). Each live worker renews the
score of every message it holds (`LeaseKeeper.renew`); a message whose score has not moved for the lease has no live
holder and is pushed back to the head of its queue, the same message, so nothing is sent twice.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import redis

log = logging.getLogger(__name__)

# kombu's Redis transport keeps unacknowledged messages under these keys (its defaults; we set no prefix).
UNACKED = "unacked"
UNACKED_INDEX = "unacked_index"


def first_arguments(payloads: Iterable[bytes | str], task: str) -> set[str]:
    """The first argument of every message of `task` among kombu message payloads (JSON, base64 bodies)."""
    found = set()
    for payload in payloads:
        try:
            message = json.loads(payload)
            if isinstance(message, list):  # an unacked entry: [message, exchange, routing_key]
                message = message[0]
            if message.get("headers", {}).get("task") != task:
                continue
            body = message["body"]
            if message.get("properties", {}).get("body_encoding") == "base64":
                body = base64.b64decode(body)
            args = json.loads(body)[0]
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue  # not one of our task messages
        if args:
            found.add(str(args[0]))
    return found


def pending_arguments(config: dict[str, Any], task: str, queues: Iterable[str]) -> set[str]:
    """First arguments of `task`'s messages waiting in `queues` or held unacknowledged by a worker.

    Read in one Redis transaction (a consistent snapshot), or from the filesystem transport's folder. A message the
    embedded worker has taken is in its memory only: the callers wait a grace period before they count it missing.
    """
    if str(config["BROKER_URL"]).startswith("filesystem://"):
        return first_arguments(_folder_payloads(Path(config["QUEUE_DIR"]) / "messages", queues), task)
    client = redis.Redis.from_url(config["BROKER_URL"])
    try:
        pipe = client.pipeline(transaction=True)
        for queue in queues:
            pipe.lrange(queue, 0, -1)
        pipe.hvals(UNACKED)
        lists = pipe.execute()
    finally:
        client.close()
    return first_arguments((payload for found in lists for payload in found), task)


def _folder_payloads(folder: Path, queues: Iterable[str]) -> Iterable[bytes]:
    suffixes = tuple(f".{queue}.msg" for queue in queues)
    try:
        names = [name for name in sorted(folder.iterdir()) if name.name.endswith(suffixes)]
    except FileNotFoundError:
        return
    for name in names:
        try:
            yield name.read_bytes()
        except OSError:
            continue  # taken by a worker while we listed


class LeaseKeeper:
    """In a Redis worker's main process: keep the messages it holds leased, and hand back expired ones.

    Expired leases are handed back only after this worker has itself renewed without a gap for a whole lease: after
    a Redis or network outage every lease looks expired, and live workers must get the time to renew theirs first.
    """

    def __init__(
        self,
        client: redis.Redis,
        lease_seconds: float,
        held_tags: Callable[[], list[str]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.lease_seconds = lease_seconds
        self.held_tags = held_tags
        self.clock = clock
        self.renewing_since: float | None = None

    def tick(self) -> int:
        """Renew, then hand back what expired; returns how many messages went back. Never raises on Redis errors."""
        now = self.clock()
        try:
            if tags := self.held_tags():
                self.client.zadd(UNACKED_INDEX, dict.fromkeys(tags, now), xx=True)
            else:
                self.client.ping()  # holding nothing, it must still notice an outage
        except redis.RedisError as error:
            log.warning("could not renew message leases: %s", error)
            self.renewing_since = None
            return 0
        if self.renewing_since is None:
            self.renewing_since = now
        if now - self.renewing_since < self.lease_seconds:
            return 0
        try:
            return self.hand_back_expired(now)
        except redis.RedisError as error:
            log.warning("could not hand back expired messages: %s", error)
            self.renewing_since = None
            return 0

    def hand_back_expired(self, now: float) -> int:
        expired: list[bytes] = self.client.zrangebyscore(UNACKED_INDEX, 0, now - self.lease_seconds)  # type: ignore[assignment]
        restored = sum(restore(self.client, tag) for tag in expired)
        if restored:
            log.warning("handed back %d messages whose worker stopped renewing them", restored)
        return restored


def restore(client: redis.Redis, tag: bytes | str) -> bool:
    """Move one unacknowledged message back to the head of its queue, atomically (False: acknowledged meanwhile)."""
    restored = False

    def move(pipe: Any) -> None:
        nonlocal restored
        restored = False  # WATCH may run this again when the entry changed meanwhile
        raw = pipe.hget(UNACKED, tag)
        pipe.multi()
        pipe.zrem(UNACKED_INDEX, tag)
        pipe.hdel(UNACKED, tag)
        if raw:
            message, _exchange, routing_key = json.loads(raw)
            message.setdefault("headers", {})["redelivered"] = True
            message.get("properties", {}).setdefault("delivery_info", {})["redelivered"] = True
            # Workers pop from the right (BRPOP): RPUSH puts it first in line, not behind the backlog.
            pipe.rpush(routing_key, json.dumps(message))
            restored = True

    client.transaction(move, UNACKED)
    return restored
