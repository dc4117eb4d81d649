"""Real HTTP receivers on 127.0.0.1 for outbound webhook tests: each answers one way and records what it got."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes = b"ok"
    # Seconds between the bytes of the response, status line included: every read is quick, the whole is not.
    trickle: float = 0.0


class Receiver:
    """A threaded http.server answering every POST with the given behaviour."""

    def __init__(self, behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> None:
        self.behaviour = behaviour
        self.requests: list[ReceivedRequest] = []
        # Trickled answers that reached their last byte (a client that gives up first stops one short).
        self.trickles_finished = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.requests.append(ReceivedRequest(self.path, dict(self.headers.items()), body))
                if receiver.behaviour.delay:
                    time.sleep(receiver.behaviour.delay)
                try:
                    if receiver.behaviour.trickle:
                        self._trickle()
                        return
                    self.send_response(receiver.behaviour.status)
                    for name, value in receiver.behaviour.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(receiver.behaviour.body)))
                    self.end_headers()
                    self.wfile.write(receiver.behaviour.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _trickle(self) -> None:
                body = receiver.behaviour.body
                head = f"HTTP/1.1 {receiver.behaviour.status} OK\r\nContent-Length: {len(body)}\r\n\r\n"
                for byte in head.encode() + body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(receiver.behaviour.trickle)
                receiver.trickles_finished += 1

            do_GET = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.scheme = "https" if tls else "http"
        if tls:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiver(
    status: int = 200,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
    tls: ssl.SSLContext | None = None,
    trickle: float = 0.0,
) -> Iterator[Receiver]:
    """A running receiver for the duration of the block (HTTPS when given a server TLS context)."""
    running = Receiver(Behaviour(status=status, headers=headers or {}, delay=delay, trickle=trickle), tls).start()
    try:
        yield running
    finally:
        running.stop()
