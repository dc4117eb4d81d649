"""What the broker holds, read on real Redis and on the filesystem transport; leases on unacknowledged messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from service import create_app
from service.broker import UNACKED, UNACKED_INDEX, LeaseKeeper, pending_arguments
from service.celery import Message, Queues, Tasks
from tests import services

TASK = Tasks.PROCESS_ARTICLE


def kombu_message(article_id: str, tag: str) -> dict[str, Any]:
    """A message as kombu stores it in Redis (what a worker takes, and what goes to `unacked`)."""
    import base64

    body = base64.b64encode(json.dumps([[article_id], {}, {}]).encode()).decode()
    return {
        "body": body,
        "headers": {"task": TASK, "id": f"task-{article_id}"},
        "properties": {"body_encoding": "base64", "delivery_tag": tag, "delivery_info": {"routing_key": "ingest"}},
    }


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    client = services.redis_client(services.redis_db("api"))
    for key in (UNACKED, UNACKED_INDEX, Queues.ARTICLES, Queues.ARTICLES_AGAIN):
        client.delete(key)
    yield client
    for key in (UNACKED, UNACKED_INDEX, Queues.ARTICLES, Queues.ARTICLES_AGAIN):
        client.delete(key)


def take(client: redis.Redis, article_id: str, tag: str, at: float) -> None:
    """Put a message where a worker that took it at `at` leaves it: unacknowledged, scored by delivery time."""
    client.hset(UNACKED, tag, json.dumps([kombu_message(article_id, tag), "ingest", "ingest"]))
    client.zadd(UNACKED_INDEX, {tag: at})


def test_pending_arguments_reads_queues_and_unacknowledged_messages(broker: redis.Redis) -> None:
    config = {"BROKER_URL": services.redis_url(services.redis_db("api"))}
    broker.lpush(Queues.ARTICLES, json.dumps(kombu_message("waiting", "t1")))
    broker.lpush(Queues.ARTICLES_AGAIN, json.dumps(kombu_message("again", "t2")))
    take(broker, "taken", "t3", at=1000.0)
    other = kombu_message("not-an-article", "t4")
    other["headers"]["task"] = Tasks.DELIVER_WEBHOOK
    broker.lpush(Queues.ARTICLES, json.dumps(other))

    assert pending_arguments(config, TASK, [Queues.ARTICLES_AGAIN, Queues.ARTICLES]) == {"waiting", "again", "taken"}


def test_pending_arguments_reads_the_filesystem_queue(tmp_path: Path) -> None:
    database, queue = f"sqlite:///{tmp_path / 'db'}", str(tmp_path / "queue")
    app = create_app({"DATABASE_URL": database, "BROKER_URL": "filesystem://", "QUEUE_DIR": queue})
    with app.app_context():
        app.extensions["publisher"].send(
            [Message(TASK, ("one",)), Message(TASK, ("two",), queue=Queues.ARTICLES_AGAIN), Message(Tasks.RECONCILE)]
        )
    found = pending_arguments(app.config, TASK, [Queues.ARTICLES_AGAIN, Queues.ARTICLES])
    app.extensions["db"].dispose()
    assert found == {"one", "two"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_live_workers_leases_are_renewed_and_a_dead_ones_handed_back_first_in_line(broker: redis.Redis) -> None:
    clock = Clock(10_000.0)
    take(broker, "held-by-me", "mine", at=clock.now)
    take(broker, "held-by-the-dead", "theirs", at=clock.now)
    broker.lpush(Queues.ARTICLES, json.dumps(kombu_message("backlog", "b")))
    keeper = LeaseKeeper(broker, lease_seconds=30, held_tags=lambda: ["mine"], clock=clock)

    assert keeper.tick() == 0  # renewing since now: too soon to judge anyone
    clock.now += 31
    assert keeper.tick() == 1

    assert broker.hkeys(UNACKED) == [b"mine"], "the live worker's message was taken from it"
    # Back at the head: the next BRPOP takes it before the backlog.
    head = json.loads(broker.rpop(Queues.ARTICLES))  # type: ignore[arg-type]
    assert head["headers"]["id"] == "task-held-by-the-dead" and head["headers"]["redelivered"] is True
    assert broker.llen(Queues.ARTICLES) == 1


def test_after_an_outage_no_lease_is_judged_before_live_workers_renewed(broker: redis.Redis) -> None:
    clock = Clock(10_000.0)
    take(broker, "other-live-worker", "other", at=clock.now - 300)  # its renewals stopped with the outage too
    keeper = LeaseKeeper(broker, lease_seconds=30, held_tags=list, clock=clock)
    keeper.renewing_since = clock.now - 300
    keeper.client = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)  # the broker is away

    assert keeper.tick() == 0 and keeper.renewing_since is None
    keeper.client = broker  # back
    assert keeper.tick() == 0, "handed back a message its live worker had no chance to renew"
    clock.now += 31
    assert keeper.tick() == 1  # a lease still unrenewed a whole lease after the outage: its holder is gone
