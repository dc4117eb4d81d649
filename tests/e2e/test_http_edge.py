"""The embedded default served by `ingest api` (gunicorn, two worker processes) to real HTTP clients: chunked uploads
over the limit, the rate limit across processes, and the permissions of what it keeps under var/."""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import sqlite3
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service import create_app
from service.access.keys import SCOPES, create_key
from tests import services
from tests.e2e.conftest import free_port, migrate_with_cli

LIMIT = 1024 * 1024
RATE = 40


@dataclass
class Server:
    port: int
    var: Path
    keys: list[str]

    def count_articles(self) -> int:
        with sqlite3.connect(self.var / "ingest.db") as connection:
            return int(connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("edge")
    var = tmp / "var"
    config = {
        "VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'ingest.db'}",
        "QUEUE_DIR": str(var / "queue"),
        "METRICS_DIR": str(tmp / "metrics"),
        "MAX_CONTENT_LENGTH": str(LIMIT),
        # Per hour, so no window ends during the test; the default storage (shared by the API's processes).
        "RATE_LIMIT": f"{RATE}/hour",
    }
    env = {f"INGEST_{name}": value for name, value in config.items()}
    # Started under the usual umask, which is what left var/ and the database world-readable.
    previous_umask = os.umask(0o022)
    try:
        migrate_with_cli({**os.environ, **env})
        app = create_app({**config, "MAX_CONTENT_LENGTH": LIMIT})
        with app.app_context():
            keys = [create_key(app.extensions["db"].session, "default", list(SCOPES)).secret for _ in range(3)]
        app.extensions["db"].dispose()
        port = free_port()
        process = services.ServiceProcess(
            ["api", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, tmp / "api.log"
        )
    finally:
        os.umask(previous_umask)
    try:
        process.wait_for_log("Booting worker", timeout=60)
        services.wait_until(lambda: _answers(port), 60, message="the API to answer")
        yield Server(port, var, keys)
    finally:
        process.stop()


def _answers(port: int) -> bool:
    # Closed explicitly: the API keeps connections alive (gthread workers), so nothing else would close it.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def chunked_post(port: int, key: str, total: int, chunk: bytes = b"word " * 13107) -> tuple[int, dict[str, Any]]:
    """POST `total` bytes of text as a chunked body, stopping early if the server answers first (as curl does)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = (
            "POST /v1/articles?source=chunked HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
            f"Authorization: Bearer {key}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        sent = 0
        try:
            while sent < total:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop sending
                piece = chunk[: total - sent]
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                sent += len(piece)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {"type": response.getheader("Content-Type"), "body": json.loads(response.read())}


def test_a_chunked_upload_over_the_limit_is_413_and_stores_nothing(server: Server) -> None:
    before = server.count_articles()
    status, answer = chunked_post(server.port, server.keys[0], 3 * LIMIT)
    assert status == 413 and answer["type"] == "application/problem+json"
    assert answer["body"]["type"].endswith("/too-large")
    assert server.count_articles() == before


def test_a_chunked_upload_under_the_limit_is_stored_whole(server: Server) -> None:
    status, answer = chunked_post(server.port, server.keys[0], LIMIT - 10)
    assert status == 202, answer
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", answer["body"]["links"]["raw"], headers={"Authorization": f"Bearer {server.keys[0]}"})
    assert len(connection.getresponse().read()) == LIMIT - 10
    connection.close()


def test_the_rate_limit_holds_across_the_api_processes(server: Server) -> None:
    statuses: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(RATE // 2):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request("GET", "/v1/articles?limit=1", headers={"Authorization": f"Bearer {server.keys[1]}"})
            status = connection.getresponse().status
            connection.close()
            with lock:
                statuses.append(status)

    # Four clients at once keep both gunicorn workers busy, so each counts its share.
    threads = [threading.Thread(target=client) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == RATE and statuses.count(429) == RATE


def test_var_and_the_database_are_owner_only(server: Server) -> None:
    assert stat.S_IMODE(server.var.stat().st_mode) == 0o700
    for name in ("ingest.db", "rate-limits.db"):
        assert stat.S_IMODE((server.var / name).stat().st_mode) == 0o600, name


def test_the_hostile_section_of_the_reliability_runner_passes(server: Server) -> None:
    from bench.reliability import hostile

    base_url = f"http://127.0.0.1:{server.port}"
    rows = hostile.run(base_url, server.keys[2], chunked_bytes=3 * LIMIT, quote_counts=(1000,), wait_seconds=0)
    assert [row.case for row in rows if not row.ok and row.expected != "done/failed"] == [], rows
    # No worker here: the documents are accepted and stay queued.
    assert [row.status for row in rows if row.expected == "done/failed"] == [202, 202]
