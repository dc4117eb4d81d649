"""kombu's filesystem transport (the embedded default's queue), woken by an acknowledgement instead of a clock.

A worker takes one message per pool process at a time (late acks, no prefetch: a message taken early would wait in
the worker's memory, where the reconciler cannot see it). kombu's transport then sleeps a whole polling interval
whenever it may not take a message, so after each task the next one waited half an interval on average before it
was even looked for (14 ms of a 0.2 s task, measured in bench/embedded.py). Here an acknowledgement, which is what
frees the slot, ends that wait at once; new messages are still found by polling, as before.

kombu also creates a message's file before writing it, so a consumer looking at that moment moved and read an empty
file, and the worker stopped on the JSON error ("Unrecoverable error"). Here a message is written under a name no
consumer reads and renamed into place whole.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport.virtual import Empty
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """kombu's message file (same name, so the same order), written aside and renamed into the folder whole."""
        data = str_to_bytes(dumps(payload))  # type: ignore[no-untyped-call]
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # Named so that no consumer (kombu reads "<anything>.<queue>.msg" after the first dot), the reconciler nor the
        # queue-depth metric takes it for a message.
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as handle:
                handle.write(data)
            os.replace(partial, final)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from error

    def basic_ack(self, delivery_tag: Any, multiple: bool = False) -> None:
        super().basic_ack(delivery_tag, multiple)  # type: ignore[no-untyped-call]
        self.connection.slot_freed.set()

    def basic_reject(self, delivery_tag: Any, requeue: bool = False) -> None:
        super().basic_reject(delivery_tag, requeue)  # type: ignore[no-untyped-call]
        self.connection.slot_freed.set()


class Transport(filesystem.Transport):
    Channel = Channel

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)  # type: ignore[no-untyped-call]
        # Set by whichever thread acknowledges (the pool's result handler), waited on by the consuming loop.
        self.slot_freed = threading.Event()

    def drain_events(self, connection: Any, timeout: float | None = None, **_kwargs: Any) -> None:
        """kombu's virtual Transport.drain_events, with its sleep between polls cut short by an acknowledgement."""
        started = time.monotonic()
        cycle = self.cycle
        assert cycle is not None  # made by the first channel, which consuming needs
        polling_interval = self.polling_interval
        if timeout and polling_interval and polling_interval > timeout:
            polling_interval = timeout
        while True:
            # Cleared before looking: an acknowledgement from now on ends the wait below, none is missed.
            self.slot_freed.clear()
            try:
                cycle.get(self._deliver, timeout=timeout)  # type: ignore[no-untyped-call]
            except Empty:
                if timeout is not None and time.monotonic() - started >= timeout:
                    raise TimeoutError from None  # socket.timeout, as kombu raises
                if polling_interval is not None:
                    self.slot_freed.wait(polling_interval)
            else:
                return
