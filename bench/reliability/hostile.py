"""The hostile documents of issue 10 against a running API: what each is answered, and what it becomes.

`run(base_url, key)` returns one row per case (the reliability runner calls it and adds the memory it measures);
`python bench/reliability/hostile.py --api URL --key K` prints the rows. Loopback only: it sends up to 50 MB.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import hmac
import http.client
import json
import select
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
DEEP_FEED = b"<rss><channel>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"</channel></rss>"


@dataclass
class Row:
    case: str
    input_bytes: int
    expected: str
    status: int
    problem_type: str | None = None
    final_status: str | None = None
    result_bytes: int | None = None
    warnings: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return str(self.status) in self.expected.split("/") or (self.final_status or "") in self.expected.split("/")


class Client:
    def __init__(self, base_url: str, key: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.key = key

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        connection.request(method, path, body=body, headers={"Authorization": f"Bearer {self.key}", **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        document = json.loads(data) if data and "json" in (response.getheader("Content-Type") or "") else None
        return response.status, document

    def chunked(self, path: str, total: int) -> tuple[int, Any]:
        """POST `total` bytes of text in chunks, stopping as soon as the server answers."""
        chunk = b"word " * 13107
        with socket.create_connection((self.host, self.port), timeout=120) as sock:
            sock.sendall(
                f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: text/plain\r\nAuthorization: Bearer "
                f"{self.key}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
            )
            sent = 0
            try:
                while sent < total and not select.select([sock], [], [], 0)[0]:
                    piece = chunk[: total - sent]
                    sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    sent += len(piece)
                if sent >= total:
                    sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass
            response = http.client.HTTPResponse(sock)
            response.begin()
            return response.status, json.loads(response.read() or b"null")


def _problem_type(document: Any) -> str | None:
    if isinstance(document, dict) and isinstance(document.get("type"), str):
        return str(document["type"]).rsplit("/", 1)[-1]
    return None


def _wait(client: Client, article_id: str, timeout: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, document = client.request("GET", f"/v1/articles/{article_id}")
        if status == 200 and document["status"] in ("done", "failed"):
            return document  # type: ignore[no-any-return]
        time.sleep(0.5)
    return None


def _case(name: str, size: int, expected: str, send: Callable[[], tuple[int, Any]]) -> Row:
    started = time.monotonic()
    status, document = send()
    return Row(name, size, expected, status, _problem_type(document), seconds=round(time.monotonic() - started, 2))


def _document_case(client: Client, name: str, body: bytes, wait_seconds: float) -> Row:
    """A document the API accepts: how long it takes to finish, and how large its stored result is."""
    started = time.monotonic()
    status, answer = client.request("POST", "/v1/articles?source=hostile", body, {"Content-Type": "text/plain"})
    row = Row(name, len(body), "done/failed", status, _problem_type(answer))
    if status in (200, 202) and wait_seconds > 0 and (finished := _wait(client, answer["id"], wait_seconds)):
        row.final_status = finished["status"]
        row.result_bytes = len(json.dumps(finished, ensure_ascii=False).encode())
        row.warnings = len(finished.get("warnings") or [])
    row.seconds = round(time.monotonic() - started, 2)
    return row


def run(
    base_url: str,
    key: str,
    *,
    chunked_bytes: int = 50 * 1024 * 1024,
    quote_counts: tuple[int, ...] = (1_000_000, 3_000_000),
    wait_seconds: float = 300,
) -> list[Row]:
    """Every hostile case against the API at `base_url` with an API key of every scope; one row per case."""
    client = Client(base_url, key)
    text, json_type = {"Content-Type": "text/plain"}, {"Content-Type": "application/json"}

    def post(body: bytes, headers: dict[str, str], path: str = "/v1/articles") -> Callable[[], tuple[int, Any]]:
        return lambda: client.request("POST", path, body, headers)

    ls = Path("/bin/ls").read_bytes()
    zipped = gzip.compress(b"The council met on Tuesday. " * 1000)
    _, integration = client.request("POST", "/v1/integrations", json.dumps({"type": "websub"}).encode(), json_type)
    signature = "sha256=" + hmac.new(integration["secret"].encode(), DEEP_FEED, hashlib.sha256).hexdigest()
    feed_headers = {"Content-Type": "application/rss+xml", "X-Hub-Signature": signature}
    rows = [
        _case("chunked over the limit", chunked_bytes, "413", lambda: client.chunked("/v1/articles", chunked_bytes)),
        _case("JSON 100,000 deep", len(DEEP_JSON), "400", post(DEEP_JSON, json_type)),
        _case("PNG as text/plain", len(PNG), "415", post(PNG, text)),
        _case("/bin/ls as text/plain", len(ls), "415", post(ls, text)),
        _case("Content-Encoding: gzip", len(zipped), "415", post(zipped, {**text, "Content-Encoding": "gzip"})),
        _case("invalid UTF-8 JSON", 17, "400", post(b'{"text": "caf\xe9"}', json_type)),
        _case("empty JSON", 0, "400", post(b"", json_type)),
        _case("HTML as JSON", 21, "400", post(b"<html><p>x</p></html>", json_type)),
        _case("unknown query parameter", 0, "422", lambda: client.request("GET", "/v1/articles?organization=NASA")),
        _case(
            "WebSub feed 100,000 deep",
            len(DEEP_FEED),
            "422",
            post(DEEP_FEED, feed_headers, f"/v1/webhooks/{integration['id']}"),
        ),
    ]
    for count in quote_counts:
        rows.append(_document_case(client, f'{count:,} " as text', b'"' * count, wait_seconds))
        # Words first, so the document is parsed rather than refused for having no letters.
        mixed = b'The mayor said "yes" ' + b'"' * count + b" and left."
        rows.append(_document_case(client, f'words and {count:,} "', mixed, wait_seconds))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    for row in run(args.api, args.key):
        print(json.dumps({**asdict(row), "ok": row.ok}))


if __name__ == "__main__":
    main()
