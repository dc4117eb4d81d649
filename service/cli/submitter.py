"""`ingest submit`: send files to a running API, with retries, resumable, never twice.

Each document gets an Idempotency-Key derived from its content, and every answer is appended to a local state
file. A rerun after an interruption skips what the state file records; a document whose answer was lost in the
interruption is sent again with the same key, and the API replays its first answer instead of storing it twice.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

RAW_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html", ".htm": "text/html"}
JSON_SUFFIXES = {".json"}
NDJSON_SUFFIXES = {".ndjson", ".jsonl"}
# Worth another try: the server or the network may recover; everything else is the document's fault.
RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class Document:
    """One article to send: where it came from, and the exact request body."""

    label: str
    body: bytes
    content_type: str

    def idempotency_key(self, source: str | None) -> str:
        digest = hashlib.sha256(f"{self.content_type}\0{source or ''}\0".encode() + self.body).hexdigest()
        return f"submit-{digest[:48]}"


@dataclass
class Outcome:
    label: str
    key: str
    status: int | None
    article_id: str | None = None
    reason: str | None = None
    # The API answered from its Idempotency-Key record: an earlier run sent this and lost the answer.
    replayed: bool = False
    # Never sent, or its retries stopped, because the run was interrupted.
    interrupted: bool = False

    @property
    def accepted(self) -> bool:
        return self.status in (200, 202)

    @property
    def kind(self) -> str:
        if self.interrupted:
            return "not sent"
        if self.replayed and self.accepted:
            return "replayed"
        if self.status == 202:
            return "submitted"
        if self.status == 200:
            return "duplicate"
        return "failed"


@dataclass
class Summary:
    submitted: int = 0
    duplicates: int = 0
    replayed: int = 0
    resumed: int = 0
    not_sent: int = 0
    interrupted: bool = False
    skipped_files: list[str] = field(default_factory=list)
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        kind = outcome.kind
        if kind == "submitted":
            self.submitted += 1
        elif kind == "duplicate":
            self.duplicates += 1
        elif kind == "replayed":
            self.replayed += 1
        elif kind == "not sent":
            self.not_sent += 1
        else:
            self.failures.append(outcome)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(candidate for candidate in path.rglob("*") if candidate.is_file())
        else:
            yield path


def read_documents(path: Path) -> list[Document]:
    """The documents in one file: a raw text/HTML file is one; a JSON file one or a list; NDJSON one per line."""
    suffix = path.suffix.lower()
    if suffix in RAW_TYPES:
        return [Document(str(path), path.read_bytes(), RAW_TYPES[suffix])]
    if suffix in JSON_SUFFIXES:
        data = json.loads(path.read_bytes())
        items = data if isinstance(data, list) else [data]
        return [
            _json_document(f"{path}[{index}]" if isinstance(data, list) else str(path), item)
            for index, item in enumerate(items)
        ]
    if suffix in NDJSON_SUFFIXES:
        return [
            Document(f"{path}:{number}", line.strip().encode(), "application/json")
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if line.strip()
        ]
    return []


def _json_document(label: str, item: Any) -> Document:
    return Document(label, json.dumps(item, ensure_ascii=False, sort_keys=True).encode(), "application/json")


class StateFile:
    """Append-only JSON lines of finished documents; a line cut short by a crash is ignored."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.done: dict[str, dict[str, Any]] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                self.done[entry["key"]] = entry

    def record(self, outcome: Outcome) -> None:
        entry = {"key": outcome.key, "status": outcome.status, "id": outcome.article_id, "label": outcome.label}
        with self.lock, self.path.open("a", encoding="utf-8") as state:
            state.write(json.dumps(entry) + "\n")
            state.flush()
        self.done[outcome.key] = entry


class Submitter:
    """Sends documents to POST /v1/articles with retries and exponential backoff."""

    def __init__(
        self, api: str, key: str, *, source: str | None, retries: int = 5, backoff: float = 0.5, timeout: float = 60
    ) -> None:
        self.url = api.rstrip("/") + "/v1/articles"
        self.key = key
        self.source = source
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.headers["Authorization"] = f"Bearer {self.key}"
        session: requests.Session = self.local.session
        return session

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        retry_after = response.headers.get("Retry-After") if response is not None else None
        if retry_after and retry_after.isdigit():
            return min(float(retry_after), 60.0)
        delay: float = min(self.backoff * 2**attempt, 30.0) * (0.5 + random.random() / 2)
        return delay

    def send(self, document: Document, stop: threading.Event | None = None) -> Outcome:
        """Send one document, retrying what is worth it, until `stop` is set (then it is left unsent)."""
        stop = stop or threading.Event()
        key = document.idempotency_key(self.source)
        params = {"source": self.source} if self.source and document.content_type != "application/json" else None
        body = document.body
        if self.source and document.content_type == "application/json":
            body = _with_source(body, self.source)
        reason = "not sent"
        for attempt in range(self.retries + 1):
            if stop.is_set():
                return Outcome(document.label, key, None, reason="interrupted", interrupted=True)
            response = None
            try:
                response = self._session().post(
                    self.url,
                    data=body,
                    params=params,
                    headers={"Content-Type": document.content_type, "Idempotency-Key": key},
                    timeout=self.timeout,
                )
            except requests.RequestException as error:
                reason = f"{type(error).__name__}: {error}"
            else:
                if response.status_code in (200, 202):
                    replayed = response.headers.get("Idempotent-Replayed") == "true"
                    return Outcome(
                        document.label, key, response.status_code, response.json().get("id"), replayed=replayed
                    )
                reason = _problem_reason(response)
                if response.status_code not in RETRY_STATUSES:
                    return Outcome(document.label, key, response.status_code, reason=reason)
            if attempt < self.retries:
                stop.wait(self._delay(attempt, response))
        return Outcome(document.label, key, None, reason=f"gave up after {self.retries + 1} attempts: {reason}")


def _with_source(body: bytes, source: str) -> bytes:
    try:
        item = json.loads(body)
    except ValueError:
        return body
    if isinstance(item, dict) and "source" not in item:
        item["source"] = source
        return json.dumps(item, ensure_ascii=False, sort_keys=True).encode()
    return body


def _problem_reason(response: requests.Response) -> str:
    try:
        problem = response.json()
        return f"{response.status_code} {problem.get('detail') or problem.get('title')}"
    except ValueError:
        return f"{response.status_code} {response.reason}"


def submit_paths(
    paths: list[Path],
    submitter: Submitter,
    state: StateFile,
    *,
    concurrency: int,
    on_total: Callable[[int], None] = lambda _total: None,
    on_done: Callable[[Outcome | None], None] = lambda _outcome: None,
) -> Summary:
    """Read every document, skip those the state file has, send the rest concurrently."""
    summary = Summary()
    pending: list[Document] = []
    keys_pending: set[str] = set()
    for path in iter_files(paths):
        try:
            documents = read_documents(path)
        except (OSError, ValueError) as error:
            summary.failures.append(Outcome(str(path), "-", None, reason=f"unreadable: {error}"))
            continue
        if not documents:
            summary.skipped_files.append(str(path))
        for document in documents:
            key = document.idempotency_key(submitter.source)
            if key in state.done:
                summary.resumed += 1
            elif key in keys_pending:
                # The same document twice in this run: the API would only answer "duplicate", so do not ask.
                summary.duplicates += 1
            else:
                keys_pending.add(key)
                pending.append(document)
    on_total(len(pending))
    _send_all(pending, submitter, state, summary, concurrency, on_done)
    return summary


def _send_all(
    pending: list[Document],
    submitter: Submitter,
    state: StateFile,
    summary: Summary,
    concurrency: int,
    on_done: Callable[[Outcome | None], None],
) -> None:
    """Send concurrently; on Ctrl-C stop starting requests at once, and still record every answer that comes back.

    Each answer is recorded by the thread that got it, so the state file holds everything the API accepted even when
    the main thread is interrupted (it used to wait for the whole queue to be sent, recording none of it).
    """
    stop = threading.Event()

    def send_and_record(document: Document) -> Outcome:
        outcome = submitter.send(document, stop)
        if outcome.accepted:
            state.record(outcome)
        return outcome

    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    futures = [pool.submit(send_and_record, document) for document in pending]
    counted: set[Future[Outcome]] = set()
    try:
        for future in as_completed(futures):
            counted.add(future)
            summary.add(future.result())
            on_done(future.result())
    except KeyboardInterrupt:
        stop.set()
        summary.interrupted = True
        # Requests under way finish (their answers are recorded); queued ones are never started.
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future in counted:
                continue
            if future.cancelled():
                summary.not_sent += 1
            else:
                summary.add(future.result())
    finally:
        pool.shutdown(wait=True)
