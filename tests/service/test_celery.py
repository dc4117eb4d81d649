"""Publishing task messages: several in one batch, in the background after the response, none before the commit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from service import create_app
from service.celery import (
    BackgroundPublisher,
    Message,
    Outbox,
    Publisher,
    Tasks,
    publish_in_background,
    send_after_commit,
)
from tests import services


def _article_ids(queued: Callable[[], list[bytes]]) -> list[str]:
    return [json.loads(raw)["headers"]["argsrepr"].strip("[]()',") for raw in reversed(queued())]


def _messages(*article_ids: str) -> list[Message]:
    return [Message(Tasks.PROCESS_ARTICLE, (article_id,)) for article_id in article_ids]


def test_several_messages_go_out_in_one_batch_in_order(app: Flask, queued_messages: Any) -> None:
    publisher: Publisher = app.extensions["publisher"]
    assert publisher.send(_messages("a-1", "a-2", "a-3")) == 3
    assert _article_ids(queued_messages) == ["a-1", "a-2", "a-3"]


def test_an_unreachable_broker_fails_the_batch_and_pauses(postgres_url: str) -> None:
    app = create_app(
        {"DATABASE_URL": postgres_url, "BROKER_URL": "redis://127.0.0.1:1/0", "BROKER_CONNECT_TIMEOUT_SECONDS": 1}
    )
    publisher: Publisher = app.extensions["publisher"]
    try:
        assert publisher.send(_messages("b-1", "b-2")) == 0
        assert publisher.failed == 2
        # Paused: the next batch is not even tried (its rows are committed; the reconciler sends them later).
        assert publisher.send(_messages("b-3")) == 0
        assert publisher.failed == 3
    finally:
        app.extensions["db"].dispose()


@pytest.fixture
def background(app: Flask) -> Iterator[BackgroundPublisher]:
    outbox: Outbox = app.extensions["outbox"]
    synchronous = outbox.sender
    sender = publish_in_background(app)
    yield sender
    sender.flush()
    outbox.sender = synchronous


def test_the_background_publisher_sends_after_the_call_returns(
    background: BackgroundPublisher, queued_messages: Any
) -> None:
    assert background.send(_messages("c-1", "c-2")) == 0
    services.wait_until(lambda: len(queued_messages()) == 2, timeout=30, message="both messages sent")
    assert _article_ids(queued_messages) == ["c-1", "c-2"]


def test_flush_sends_what_is_waiting(background: BackgroundPublisher, queued_messages: Any) -> None:
    background.send(_messages("d-1"))
    background.flush()
    services.wait_until(lambda: len(queued_messages()) == 1, timeout=30, message="the message sent")


def test_the_background_outbox_sends_only_committed_messages(
    app: Flask, background: BackgroundPublisher, queued_messages: Any
) -> None:
    session = app.extensions["db"].session_factory()
    try:
        session.execute(text("SELECT 1"))  # as a submission would, inside a transaction
        send_after_commit(session, *_messages("rolled-back"))
        session.rollback()
        send_after_commit(session, *_messages("committed"))
        session.commit()
    finally:
        session.close()
    background.flush()
    services.wait_until(lambda: len(queued_messages()) >= 1, timeout=30, message="the committed message")
    assert _article_ids(queued_messages) == ["committed"]


def _normalised(raw: bytes) -> dict[str, Any]:
    """A queued message with what differs between any two sends (ids, tags, the sender) set aside."""
    message: dict[str, Any] = json.loads(raw)
    headers, properties = message["headers"], message["properties"]
    assert headers["root_id"] == headers["id"] == properties["correlation_id"]
    assert headers["origin"].startswith("gen")
    for name in ("id", "root_id", "origin"):
        headers.pop(name)
    for name in ("correlation_id", "reply_to", "delivery_tag"):
        properties.pop(name)
    return message


@pytest.mark.parametrize(
    "message",
    [
        Message(Tasks.PROCESS_ARTICLE, ("e-1",)),
        Message(Tasks.PROCESS_ARTICLE, ("e-2",), kwargs={"reprocess": True}, headers={"request_id": "req-1"}),
        Message(Tasks.DELIVER_WEBHOOK, ("delivery-1",)),
    ],
)
def test_messages_written_directly_are_those_celery_would_send(
    app: Flask, queued_messages: Any, message: Message
) -> None:
    publisher: Publisher = app.extensions["publisher"]
    assert publisher.writer is not None, "on Redis, plain messages are written directly"
    client = services.redis_client(services.redis_db("api"))  # the app fixture's broker
    queue = "webhooks" if message.task == Tasks.DELIVER_WEBHOOK else "ingest"
    client.delete(queue)  # whatever earlier tests left there
    writer, publisher.writer = publisher.writer, None
    try:
        assert publisher.send([message]) == 1  # through Celery's send_task
    finally:
        publisher.writer = writer
    assert publisher.send([message]) == 1  # written directly
    through_celery, direct = reversed(client.lrange(queue, 0, -1))
    client.delete(queue)
    assert _normalised(direct) == _normalised(through_celery)
