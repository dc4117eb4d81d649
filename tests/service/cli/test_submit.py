"""`ingest submit` against a real HTTP server: files and folders, retries, resume without duplicates, summary."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from service.access.keys import SCOPES, create_key, create_tenant
from service.articles.models import Article
from service.cli import main as ingest_cli
from tests import services

SEED = services.SEED_ARTICLE


class FlakyFront:
    """Answers 503 to the first `failures` requests, as a restarting upstream would, then passes them on."""

    def __init__(self, app: Any, failures: int) -> None:
        self.app = app
        self.failures = failures
        self.lock = threading.Lock()
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.requests += 1
            fail = self.requests <= self.failures
        if fail:
            start_response("503 Service Unavailable", [("Retry-After", "0"), ("Content-Type", "text/plain")])
            return [b"restarting"]
        return self.app(environ, start_response)


@pytest.fixture
def server(app: Flask) -> Iterator[tuple[str, FlakyFront]]:
    front = FlakyFront(app, failures=2)
    http = make_server("127.0.0.1", 0, front, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", front
    http.shutdown()
    thread.join()


@pytest.fixture
def tenant_key(app: Flask) -> tuple[str, str]:
    session = app.extensions["db"].session_factory()
    tenant = create_tenant(session, f"submit-{uuid.uuid4().hex[:8]}")
    key = create_key(session, tenant.name, list(SCOPES)).secret
    tenant_id = tenant.id
    session.close()
    return tenant_id, key


def count_articles(app: Flask, tenant_id: str) -> int:
    session = app.extensions["db"].session_factory()
    try:
        return int(session.scalar(select(func.count()).select_from(Article).where(Article.tenant_id == tenant_id)))
    finally:
        session.close()


def test_submit_folder_retries_resumes_and_summarises(
    app: Flask, server: tuple[str, FlakyFront], tenant_key: tuple[str, str], tmp_path: Path, queued_messages: Any
) -> None:
    url, front = server
    tenant_id, key = tenant_key
    folder = tmp_path / "articles"
    (folder / "nested").mkdir(parents=True)
    (folder / "seed.txt").write_bytes(SEED.read_bytes())
    (folder / "copy-of-seed.txt").write_bytes(SEED.read_bytes())  # the same document: a duplicate
    (folder / "page.html").write_text("<html><body><h1>Title</h1><p>A paragraph of text.</p></body></html>")
    (folder / "nested" / "two.json").write_text(json.dumps([{"text": "First JSON."}, {"text": "Second JSON."}]))
    (folder / "nested" / "lines.ndjson").write_text(
        json.dumps({"text": "Line one."}) + "\n\n" + json.dumps({"headline": "no text"}) + "\n"
    )
    (folder / "notes.md").write_text("not an article format")
    state = tmp_path / "state.jsonl"
    args = ["submit", str(folder), "--api", url, "--key", key, "--concurrency", "3", "--state", str(state)]
    runner = CliRunner()

    first = runner.invoke(ingest_cli, args)

    assert first.exit_code == 1, first.output  # one document was refused
    assert front.requests > 2  # the two 503s were retried
    output = first.stdout
    assert "submitted" in output and "duplicates" in output and "failed" in output
    assert "Unknown field" in output or "headline" in output
    assert count_articles(app, tenant_id) == 5
    assert len(state.read_text().splitlines()) == 5  # the copy was never sent: same content, same key

    # Interrupted before the last two answers were recorded: a rerun sends those two again and stores nothing twice.
    lines = state.read_text().splitlines()
    state.write_text("\n".join(lines[:-2]) + "\n" + lines[-2][:10])
    requests_before = front.requests
    second = runner.invoke(ingest_cli, args)

    assert count_articles(app, tenant_id) == 5
    assert front.requests - requests_before == 3  # two lost answers (replayed) and the refused line, nothing else
    assert "already sent" in second.stdout


def test_submit_without_a_key_says_how_to_get_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGEST_API_KEY", raising=False)
    monkeypatch.setenv("INGEST_LOCAL_KEY_FILE", str(tmp_path / "no-such-key"))
    (tmp_path / "a.txt").write_text("words")
    result = CliRunner().invoke(ingest_cli, ["submit", str(tmp_path / "a.txt"), "--api", "http://127.0.0.1:1"])
    assert result.exit_code == 2 and "API key" in result.output


class SlowFront:
    """Passes requests on after a short pause (a busy server), counting them."""

    def __init__(self, app: Any, hold_after: int | None = None) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.requests = 0
        # Requests past `hold_after` wait for `release`, so a signal sent meanwhile finds them under way however
        # slowly a loaded machine schedules the test (without it, the client could finish everything first).
        self.hold_after = hold_after
        self.release = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            self.requests += 1
            held = self.hold_after is not None and self.requests > self.hold_after
        if held:
            self.release.wait(timeout=60)
        time.sleep(0.05)
        return self.app(environ, start_response)


def summary_row(output: str, label: str) -> int:
    match = re.search(re.escape(label) + r"\D*(\d+)", output)
    assert match, f"{label!r} not in:\n{output}"
    return int(match.group(1))


def test_ctrl_c_stops_sending_and_the_state_file_holds_every_accepted_document(
    app: Flask, tenant_key: tuple[str, str], tmp_path: Path, queued_messages: Any
) -> None:
    tenant_id, key = tenant_key
    front = SlowFront(app, hold_after=100)
    http = make_server("127.0.0.1", 0, front, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{http.server_port}"
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(200):
        (folder / f"{number:03}.txt").write_text(
            f"Article {number}. The council met on Tuesday to vote on budget {number}."
        )
    state = tmp_path / "state.jsonl"
    args = ["submit", str(folder), "--api", url, "--key", key, "--concurrency", "2", "--state", str(state)]
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", *args],
            cwd=services.PROJECT_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            # A child inherits an ignored SIGINT (and Python then keeps ignoring it): in the whole suite something
            # before this test leaves it ignored in the pytest process, and Ctrl-C never reached the client.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        services.wait_until(lambda: front.requests >= 100, 120, interval=0.01, message="100 requests")
        sent_at_interrupt = front.requests
        process.send_signal(signal.SIGINT)
        time.sleep(2)  # the client takes the signal while its requests are held
        front.release.set()
        output, _ = process.communicate(timeout=60)

        assert process.returncode == 130, output
        # Only the requests already under way (one per connection) were finished; nothing new was started.
        assert front.requests <= sent_at_interrupt + 2
        stored = count_articles(app, tenant_id)
        assert len(state.read_text().splitlines()) == stored
        assert summary_row(output, "not sent (interrupted") == 200 - front.requests

        second = CliRunner().invoke(ingest_cli, args)
    finally:
        http.shutdown()

    assert second.exit_code == 0, second.output
    assert count_articles(app, tenant_id) == 200
    assert summary_row(second.stdout, "already sent (state file)") == stored
    assert summary_row(second.stdout, "submitted (new articles)") == 200 - stored
    assert summary_row(second.stdout, "replayed (sent before, answer lost)") == 0
