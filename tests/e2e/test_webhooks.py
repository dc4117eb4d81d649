"""Webhooks end to end with a real worker consuming `ingest,webhooks`: inbound deliveries become processed
articles, and subscribers on local HTTP servers receive signed events (verified by `standardwebhooks`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests import services
from tests.e2e.conftest import Stack, _stack, embedded_services, production_services
from tests.receivers import Receiver, receiver
from tests.senders import FIXTURES, ghost_headers, standard_headers, websub_headers, wordpress_headers

pytestmark = pytest.mark.integration

ROOT = services.PROJECT_ROOT
SEED = ROOT / "seeds" / "000_58a277481ee7be65.txt"
# The operator allow-list that lets the worker reach the receivers on 127.0.0.1 (nothing else is allowed).
WEBHOOK_CONFIG = {"WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]', "WEBHOOK_TIMEOUT_SECONDS": "3"}


@pytest.fixture(scope="module", params=["production", "embedded"])
def webhook_stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if request.param == "production":
        with production_services("ingest_hooks") as config:
            yield from _stack("production", {**config, **WEBHOOK_CONFIG}, tmp_path_factory.mktemp("hooks-production"))
    else:
        config = embedded_services(tmp_path_factory.mktemp("hooks-embedded-var"))
        yield from _stack("embedded", {**config, **WEBHOOK_CONFIG}, tmp_path_factory.mktemp("hooks-embedded"))


@pytest.fixture(scope="module")
def worker(webhook_stack: Stack) -> Iterator[services.ServiceProcess]:
    process = webhook_stack.start_worker("--queues", "ingest,webhooks")
    yield process
    process.stop()


def subscribe(stack: Stack, target: Receiver, events: list[str]) -> dict[str, Any]:
    response = stack.client.post("/v1/subscriptions", json={"url": target.url(), "events": events})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def received_events(target: Receiver, secret: str, count: int, timeout: float = 90) -> list[dict[str, Any]]:
    """The first `count` deliveries the receiver got, each verified by the reference library."""
    services.wait_until(lambda: len(target.requests) >= count, timeout, message=f"{count} webhook deliveries")
    return [Webhook(secret).verify(request.body, request.headers) for request in target.requests[:count]]


def test_a_subscriber_receives_article_processed_for_the_seed_article(webhook_stack: Stack, worker: Any) -> None:
    stack = webhook_stack
    with receiver(200) as target:
        subscription = subscribe(stack, target, ["article.processed", "article.duplicate"])
        submitted = stack.client.post(
            "/v1/articles?source=hooks-e2e", data=SEED.read_bytes(), content_type="text/plain; charset=utf-8"
        )
        article_id = submitted.get_json()["id"]

        [processed] = received_events(target, subscription["secret"], 1)
        again = stack.client.post(
            "/v1/articles?source=hooks-e2e", data=SEED.read_bytes(), content_type="text/plain; charset=utf-8"
        )
        _, duplicate = received_events(target, subscription["secret"], 2)

    assert processed["type"] == "article.processed"
    assert processed["data"]["id"] == article_id and processed["data"]["status"] == "done"
    assert processed["data"]["links"]["self"] == f"/v1/articles/{article_id}"
    assert stack.client.get(f"/v1/articles/{article_id}").get_json()["status"] == "done"
    assert again.status_code == 200
    assert duplicate["type"] == "article.duplicate" and duplicate["data"]["id"] == article_id
    log = stack.client.get(f"/v1/subscriptions/{subscription['id']}/deliveries").get_json()["items"]
    assert {item["state"] for item in log} == {"succeeded"}
    assert all(item["attempts"][0]["status_code"] == 200 for item in log)


def test_a_failing_subscriber_shows_its_attempts_and_next_retry(webhook_stack: Stack, worker: Any) -> None:
    stack = webhook_stack
    with receiver(500) as target:
        subscription = subscribe(stack, target, ["article.processed", "article.failed"])
        stack.client.post(
            "/v1/articles", data="<html><body><script>x()</script></body></html>", content_type="text/html"
        )

        def two_attempts() -> list[dict[str, Any]] | None:
            response = stack.client.get(f"/v1/subscriptions/{subscription['id']}/deliveries")
            items: list[dict[str, Any]] = response.get_json()["items"]
            return items if items and len(items[0]["attempts"]) >= 2 else None

        # The first retry comes 5 s after the first failure, through the worker's countdown.
        [delivery] = services.wait_until(two_attempts, 90, interval=0.5, message="a retried delivery")

    first, second = delivery["attempts"][:2]
    assert delivery["event_type"] == "article.failed" and delivery["state"] == "pending"
    assert first["status_code"] == 500 and first["error"].startswith("HTTP 500") and first["latency_ms"] >= 0
    first_wait = datetime.fromisoformat(first["next_attempt_at"]) - datetime.fromisoformat(first["attempted_at"])
    assert timedelta(seconds=4.5) <= first_wait <= timedelta(seconds=5.5)
    # A countdown may fire a hair early; the claim lets it through up to a second before the planned time.
    planned = datetime.fromisoformat(first["next_attempt_at"])
    assert datetime.fromisoformat(second["attempted_at"]) >= planned - timedelta(seconds=1)
    second_wait = datetime.fromisoformat(second["next_attempt_at"]) - datetime.fromisoformat(second["attempted_at"])
    assert timedelta(minutes=4.5) <= second_wait <= timedelta(minutes=5.5)
    assert delivery["next_attempt_at"] == second["next_attempt_at"]
    assert len(target.requests) == 2 and len({r.headers["webhook-id"] for r in target.requests}) == 1


def _standard(secret: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {"text": SEED.read_text(encoding="utf-8"), "published_at": "2022-03-07T09:00:00+00:00", "external_id": "sw-1"}
    ).encode()
    return body, standard_headers(secret, body)


def _websub(secret: str) -> tuple[bytes, dict[str, str]]:
    body = (FIXTURES / "feed.atom").read_bytes()
    return body, websub_headers(secret, body, "sha256", "application/atom+xml")


def _wordpress(secret: str) -> tuple[bytes, dict[str, str]]:
    body = (FIXTURES / "wordpress-post.json").read_bytes()
    return body, wordpress_headers(secret, body, "wp-e2e-1")


def _ghost(secret: str) -> tuple[bytes, dict[str, str]]:
    body = (FIXTURES / "ghost-post-published.json").read_bytes()
    return body, ghost_headers(secret, body)


@pytest.mark.parametrize(
    ("integration_type", "sign", "expected_title", "expected_author"),
    [
        ("standard", _standard, None, None),
        ("websub", _websub, "Valley school wins national robotics prize", "Lena Fischer"),
        ("wordpress", _wordpress, "Bridge closure extended by two weeks", "Daniel Brooks"),
        ("ghost", _ghost, "Library extends opening hours for exam season", "Olivia Grant"),
    ],
)
def test_each_inbound_type_ingests_end_to_end(
    webhook_stack: Stack,
    worker: Any,
    integration_type: str,
    sign: Any,
    expected_title: str | None,
    expected_author: str | None,
) -> None:
    stack = webhook_stack
    integration = stack.client.post("/v1/integrations", json={"type": integration_type}).get_json()
    body, headers = sign(integration["secret"])
    forged = stack.client.post(f"/v1/webhooks/{integration['id']}", data=body + b" ", headers=headers)

    response = stack.client.post(f"/v1/webhooks/{integration['id']}", data=body, headers=headers)

    assert forged.status_code == 401
    assert response.status_code == 202, response.get_json()
    [article_id] = response.get_json()["created"]
    article = stack.wait_for_status(article_id, timeout=90)
    assert article["status"] == "done", article.get("error")
    assert article["source"] == integration["source"]
    assert len(article["paragraphs"]) >= 2
    if expected_title:
        assert article["title"] == expected_title
        assert expected_author in article["authors"] or expected_author in article["metadata"]["authors"]
    replay = stack.client.post(f"/v1/webhooks/{integration['id']}", data=body, headers=headers)
    assert replay.status_code == 200 and replay.get_json()["created"] == [article_id]
