"""The embedded queue's transport: a consumer holding its one message is handed the next as soon as it acknowledges."""

from __future__ import annotations

import json
import os
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection, Consumer, Exchange, Producer, Queue
from kombu.transport import filesystem

from service.celery import celery_config
from service.config import load_config
from service.filesystem_queue import Transport

# Far longer than the test may take: the next message can only arrive because the acknowledgement woke the consumer.
POLLING_INTERVAL = 3600.0
# How long the test waits for the second delivery before it calls the consumer stuck.
STUCK_AFTER = 30.0


def test_the_embedded_default_uses_this_transport(tmp_path: Path) -> None:
    settings = celery_config(_config(tmp_path))
    with Connection(settings["broker_url"], transport=settings["broker_transport"]) as connection:
        assert isinstance(connection.transport, Transport)


def test_an_acknowledgement_hands_the_next_message_over_without_waiting_for_the_next_poll(tmp_path: Path) -> None:
    folder, control = tmp_path / "messages", tmp_path / "control"
    folder.mkdir()
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(control),
        "polling_interval": POLLING_INTERVAL,
    }
    queue = _queue()
    with Connection("filesystem://", transport=Transport, transport_options=options) as connection:
        channel = connection.channel()
        producer = Producer(channel)
        for number in (1, 2):
            producer.publish({"number": number}, exchange=queue.exchange, routing_key=queue.name, declare=[queue])
        received: list[Any] = []
        channel.basic_qos(0, prefetch_count=1)  # one message at a time, as a worker takes them
        Consumer(channel, [queue], callbacks=[lambda _body, message: received.append(message)]).consume()
        connection.drain_events(timeout=STUCK_AFTER)
        assert len(received) == 1  # which of the two comes first is the transport's business (same millisecond)

        looked = _signal_when_refused(connection.transport)
        waiting = threading.Thread(target=connection.drain_events, daemon=True)
        waiting.start()
        assert looked.wait(STUCK_AFTER), "the consumer never looked for a second message"
        received[0].ack()  # while the consumer sleeps between polls
        waiting.join(STUCK_AFTER)

        assert not waiting.is_alive(), "the acknowledgement did not wake the consumer"
        assert sorted(message.payload["number"] for message in received) == [1, 2]
        received[1].ack()


def test_a_message_file_appears_in_the_folder_only_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kombu created the file, then wrote it: a consumer looking in between read it empty and the worker stopped."""
    folder, control = tmp_path / "messages", tmp_path / "control"
    folder.mkdir()
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder), "control_folder": str(control)}
    seen: list[bytes] = []

    def look(*_args: Any) -> None:  # what a consumer listing the folder now would read
        seen.extend(path.read_bytes() for path in folder.iterdir() if path.name.endswith(".msg"))

    # The moments a put is under way: kombu locks the file it created before writing it; ours renames it into place.
    monkeypatch.setattr(filesystem, "lock", lambda *args: look())
    replace = os.replace
    monkeypatch.setattr(os, "replace", lambda *args: (look(), replace(*args)))
    queue = _queue()
    with Connection("filesystem://", transport=Transport, transport_options=options) as connection:
        producer = Producer(connection.channel())
        for number in range(3):
            producer.publish({"number": number}, exchange=queue.exchange, routing_key=queue.name, declare=[queue])

    assert len(list(folder.glob("*.msg"))) == 3
    assert seen, "nothing was looked at"
    assert all(json.loads(payload) for payload in seen), "a consumer could read a message file not yet written"


def _queue() -> Queue:
    """A queue of its own: kombu remembers declared exchanges per process, not per folder."""
    name = f"articles-{uuid.uuid4().hex}"
    return Queue(name, Exchange(name, "direct"), name)


def _signal_when_refused(transport: Transport) -> threading.Event:
    """An event set once the consumer has looked for a message and been refused (its one slot is taken)."""
    looked = threading.Event()
    get = transport.cycle.get

    def get_and_signal(*args: Any, **kwargs: Any) -> Any:
        try:
            return get(*args, **kwargs)
        except Exception:
            looked.set()
            raise

    transport.cycle.get = get_and_signal
    return looked


def _config(tmp_path: Path) -> dict[str, Any]:
    return load_config({"BROKER_URL": "filesystem://", "QUEUE_DIR": str(tmp_path / "queue")}, environ={})
