"""Outbound deliveries over real HTTP to local receivers: signatures, failures, retries, disabling, the SSRF guard.

The delivery function is called in-process (the worker's task is a thin wrapper around it); the end-to-end tests
run it in a real worker.
"""

from __future__ import annotations

import json
import ssl
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from flask import Flask
from flask.testing import FlaskClient
from standardwebhooks import Webhook

from service.articles.models import Article
from service.subscriptions import service as subscription_service
from service.subscriptions.delivery import AttemptResult, DeliveryOutcome, DeliverySettings, attempt_delivery
from service.subscriptions.events import record_event
from service.subscriptions.models import Delivery, DeliveryState, EventType, Subscription
from service.subscriptions.network import IPAddress, NetworkPolicy
from tests import services
from tests.receivers import receiver
from workers.parsing import PIPELINE

SEED = services.SEED_ARTICLE
LOOPBACK_ALLOWED = NetworkPolicy(allowed_networks=(ip_network("127.0.0.1/32"),))
SETTINGS = DeliverySettings(timeout=1.0, policy=LOOPBACK_ALLOWED, disable_after=timedelta(days=5))
NO_ALLOW_LIST = DeliverySettings(timeout=1.0, policy=NetworkPolicy(), disable_after=timedelta(days=5))


@pytest.fixture
def loopback_allowed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", ["127.0.0.1/32"])


@pytest.fixture
def webhook_messages(app: Flask) -> Any:
    broker = services.redis_client(services.redis_db("api"))
    broker.delete("webhooks", "ingest")
    yield lambda: broker.lrange("webhooks", 0, -1)
    broker.delete("webhooks", "ingest")


def subscribe(client: FlaskClient, url: str, events: list[str] | None = None) -> dict[str, Any]:
    response = client.post("/v1/subscriptions", json={"url": url, "events": events or list(EventType.ALL)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def submit_article(client: FlaskClient, db_session: Any) -> Article:
    response = client.post("/v1/articles?source=delivery-test", data=SEED.read_bytes(), content_type="text/plain")
    return db_session.get(Article, response.get_json()["id"])  # type: ignore[no-any-return]


def pending_delivery(app: Flask, db_session: Any, article: Article, event: str = EventType.PROCESSED) -> str:
    with app.app_context():
        article.status = "done"
        delivery_ids = record_event(db_session, article, event)
        db_session.commit()
    assert len(delivery_ids) == 1
    return delivery_ids[0]


# A public-looking name that resolves to our local receiver: lets a test see which address and Host are used.
HOOKS_EXAMPLE_ALLOWED = NetworkPolicy(allowed_hosts=frozenset({"hooks.example"}))


def hooks_example(host: str, port: int) -> list[IPAddress]:
    return [ip_address("127.0.0.1")]


def deliver_to_hooks_example(
    app: Flask, db_session: Any, article: Article, url: str, settings: DeliverySettings
) -> tuple[str, Any]:
    """Subscribe `url` (on hooks.example) and make one delivery attempt to it: the delivery id and the result."""
    subscription_service.create_subscription(
        db_session,
        article.tenant_id,
        {"url": url, "events": [EventType.PROCESSED]},
        HOOKS_EXAMPLE_ALLOWED,
        hooks_example,
    )
    delivery_id = pending_delivery(app, db_session, article)
    return delivery_id, attempt_delivery(db_session, delivery_id, settings, resolver=hooks_example)


def delivery_log(client: FlaskClient, subscription_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/subscriptions/{subscription_id}/deliveries")
    assert response.status_code == 200
    return response.get_json()["items"]  # type: ignore[no-any-return]


def wait_before_retry(attempt: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(attempt["next_attempt_at"]) - datetime.fromisoformat(attempt["attempted_at"])


@pytest.fixture
def article(client: FlaskClient, db_session: Any, webhook_messages: Any) -> Article:
    return submit_article(client, db_session)


@dataclass
class Deliveries:
    """Subscriptions to loopback receivers and deliveries of one article's events, attempted as the worker does."""

    app: Flask
    client: FlaskClient
    db_session: Any
    article: Article

    def pending(self, event: str = EventType.PROCESSED) -> str:
        return pending_delivery(self.app, self.db_session, self.article, event)

    def attempt(self, delivery_id: str, settings: DeliverySettings = SETTINGS, **options: Any) -> AttemptResult:
        return attempt_delivery(self.db_session, delivery_id, settings, **options)

    def first_attempt(
        self, url: str, settings: DeliverySettings = SETTINGS, **options: Any
    ) -> tuple[dict[str, Any], str, AttemptResult]:
        """Subscribe `url`, record one event for it and attempt its delivery: the subscription, delivery id, result."""
        subscription = subscribe(self.client, url)
        delivery_id = self.pending()
        return subscription, delivery_id, self.attempt(delivery_id, settings, **options)

    def log(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        return delivery_log(self.client, subscription["id"])

    def read(self, subscription: dict[str, Any]) -> dict[str, Any]:
        return self.client.get(f"/v1/subscriptions/{subscription['id']}").get_json()  # type: ignore[no-any-return]


@pytest.fixture
def deliveries(
    app: Flask, client: FlaskClient, db_session: Any, loopback_allowed: None, article: Article
) -> Deliveries:
    return Deliveries(app, client, db_session, article)


def test_a_delivery_is_signed_and_verified_by_the_reference_library(deliveries: Deliveries) -> None:
    with receiver(200) as target:
        subscription, delivery_id, result = deliveries.first_attempt(target.url())

    assert result.outcome == DeliveryOutcome.SUCCEEDED
    [request] = target.requests
    payload = Webhook(subscription["secret"]).verify(request.body, request.headers)
    article_id = deliveries.article.id
    assert payload["type"] == "article.processed"
    assert payload["data"]["id"] == article_id and payload["data"]["status"] == "done"
    assert payload["data"]["links"]["self"].endswith(f"/v1/articles/{article_id}")
    assert "body" not in payload["data"], "the payload links to the article, it does not carry it"
    assert request.headers["webhook-id"] == delivery_id
    assert request.headers["Content-Type"] == "application/json"
    [logged] = deliveries.log(subscription)
    assert logged["state"] == "succeeded" and logged["next_attempt_at"] is None
    [attempt] = logged["attempts"]
    assert attempt["status_code"] == 200 and attempt["error"] is None and attempt["latency_ms"] >= 0
    assert deliveries.attempt(delivery_id).outcome == DeliveryOutcome.SKIPPED, "done means done"
    assert len(target.requests) == 1


def test_a_failing_subscriber_shows_its_attempt_and_next_retry(deliveries: Deliveries) -> None:
    with receiver(500) as target:
        subscription, delivery_id, result = deliveries.first_attempt(target.url())
        not_yet = deliveries.attempt(delivery_id)

    assert result.outcome == DeliveryOutcome.RETRY
    assert not_yet.outcome == DeliveryOutcome.SKIPPED and len(target.requests) == 1, "a retry waits for its time"
    [logged] = deliveries.log(subscription)
    assert logged["state"] == "pending" and logged["last_status_code"] == 500
    [attempt] = logged["attempts"]
    assert attempt["status_code"] == 500 and attempt["error"].startswith("HTTP 500")
    assert timedelta(seconds=4.5) <= wait_before_retry(attempt) <= timedelta(seconds=5.5)
    assert logged["next_attempt_at"] == attempt["next_attempt_at"]
    assert deliveries.read(subscription)["failing_since"]


def test_a_slow_subscriber_times_out(deliveries: Deliveries) -> None:
    with receiver(200, delay=3) as target:
        subscription, _, result = deliveries.first_attempt(target.url())

    assert result.outcome == DeliveryOutcome.RETRY
    [attempt] = deliveries.log(subscription)[0]["attempts"]
    assert attempt["status_code"] is None and attempt["error"] == "timed out after 1 s", "it gave up before the answer"
    assert attempt["latency_ms"] >= 900, "an attempt cut off by its timeout lasted at least that long"


def test_a_trickling_subscriber_is_cut_off_at_the_deadline(deliveries: Deliveries) -> None:
    # Every byte arrives well within the per-read timeout; the whole answer would take about 20 s.
    settings = DeliverySettings(timeout=1.5, policy=LOOPBACK_ALLOWED, disable_after=timedelta(days=5))
    with receiver(200, trickle=0.4) as target:
        subscription, _, result = deliveries.first_attempt(target.url(), settings)
        finished_while_attempting = target.trickles_finished

    assert result.outcome == DeliveryOutcome.RETRY and result.next_attempt_at is not None
    assert finished_while_attempting == 0, "the attempt ended at its deadline, before the subscriber's last byte"
    [logged] = deliveries.log(subscription)
    assert logged["state"] == "pending"
    [attempt] = logged["attempts"]
    assert attempt["status_code"] is None and attempt["error"] == "timed out after 1.5 s"
    assert deliveries.read(subscription)["failing_since"]


def test_the_soft_time_limit_mid_attempt_is_recorded_as_a_failed_attempt(deliveries: Deliveries) -> None:
    def interrupted(host: str, port: int) -> list[IPAddress]:
        raise SoftTimeLimitExceeded()  # what Celery raises in the worker when the soft limit strikes

    with receiver(200) as target:
        # A name, not the literal address: only a name is resolved at delivery.
        subscription, _, result = deliveries.first_attempt(f"http://localhost:{target.port}/hook", resolver=interrupted)

    assert not target.requests

    assert result.outcome == DeliveryOutcome.RETRY and result.next_attempt_at is not None
    [logged] = deliveries.log(subscription)
    assert logged["state"] == "pending", "not stranded in sending"
    [attempt] = logged["attempts"]
    assert attempt["error"].startswith("attempt did not finish: SoftTimeLimitExceeded")


def test_retry_after_is_honoured_on_429(deliveries: Deliveries) -> None:
    with receiver(429, headers={"Retry-After": "120"}) as target:
        subscription, _, result = deliveries.first_attempt(target.url())

    assert result.outcome == DeliveryOutcome.RETRY
    [attempt] = deliveries.log(subscription)[0]["attempts"]
    assert timedelta(seconds=119) <= wait_before_retry(attempt) <= timedelta(seconds=121)


def test_redirects_are_not_followed(deliveries: Deliveries) -> None:
    with receiver(200) as canary, receiver(302, headers={"Location": canary.url("/stolen")}) as target:
        subscription, _, result = deliveries.first_attempt(target.url())

    assert result.outcome == DeliveryOutcome.RETRY
    assert canary.requests == []
    [attempt] = deliveries.log(subscription)[0]["attempts"]
    assert attempt["status_code"] == 302 and "not followed" in attempt["error"]


def test_410_gone_disables_the_subscription(deliveries: Deliveries) -> None:
    with receiver(410) as target:
        subscription = subscribe(deliveries.client, target.url())
        first = deliveries.pending()
        second = deliveries.pending(EventType.DUPLICATE)

        assert deliveries.attempt(first).outcome == DeliveryOutcome.FAILED
        assert deliveries.attempt(second).outcome == DeliveryOutcome.FAILED

    assert len(target.requests) == 1, "nothing more is sent to a disabled subscription"
    read = deliveries.read(subscription)
    assert read["enabled"] is False and "410" in read["disabled_reason"]
    states = {item["id"]: item["state"] for item in deliveries.log(subscription)}
    assert states == {first: "failed", second: "failed"}
    response = deliveries.client.post(f"/v1/subscriptions/{subscription['id']}/deliveries/{first}/redeliver")
    assert response.status_code == 409


def test_five_days_of_failures_disable_the_subscription_and_say_why(deliveries: Deliveries) -> None:
    db_session = deliveries.db_session
    with receiver(503) as target:
        subscription = subscribe(deliveries.client, target.url())
        row = db_session.get(Subscription, subscription["id"])
        row.failing_since = datetime.now(UTC) - timedelta(days=5, minutes=1)
        db_session.commit()

        assert deliveries.attempt(deliveries.pending()).outcome == DeliveryOutcome.FAILED

    read = deliveries.read(subscription)
    assert read["enabled"] is False
    assert "failed since" in read["disabled_reason"] and "HTTP 503" in read["disabled_reason"]


def test_a_delivery_gives_up_after_the_last_retry(deliveries: Deliveries) -> None:
    db_session = deliveries.db_session
    with receiver(500) as target:
        subscription = subscribe(deliveries.client, target.url())
        delivery_id = deliveries.pending()
        db_session.get(Delivery, delivery_id).attempt_count = 9
        db_session.commit()

        assert deliveries.attempt(delivery_id).outcome == DeliveryOutcome.FAILED

    [logged] = deliveries.log(subscription)
    assert logged["state"] == "failed" and "Gave up after 10 attempts" in logged["last_error"]
    assert deliveries.read(subscription)["enabled"] is True


def test_success_after_failures_clears_the_failing_streak(deliveries: Deliveries) -> None:
    db_session = deliveries.db_session
    with receiver(500) as target:
        subscription, delivery_id, _ = deliveries.first_attempt(target.url())
        target.behaviour.status = 204
        db_session.get(Delivery, delivery_id).next_attempt_at = datetime.now(UTC)
        db_session.commit()

        assert deliveries.attempt(delivery_id).outcome == DeliveryOutcome.SUCCEEDED

    assert deliveries.read(subscription)["failing_since"] is None
    assert [attempt["status_code"] for attempt in deliveries.log(subscription)[0]["attempts"]] == [500, 204]
    bodies = {request.body for request in target.requests}
    ids = {request.headers["webhook-id"] for request in target.requests}
    assert len(bodies) == 1 and ids == {delivery_id}, "every attempt sends the same message"


def test_after_rotation_both_secrets_sign_until_the_overlap_ends(deliveries: Deliveries) -> None:
    db_session = deliveries.db_session
    with receiver(200) as target:
        subscription = subscribe(deliveries.client, target.url())
        rotated = deliveries.client.post(f"/v1/subscriptions/{subscription['id']}/rotate-secret", json={}).get_json()
        deliveries.attempt(deliveries.pending())
        row = db_session.get(Subscription, subscription["id"])
        row.previous_secret_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db_session.commit()
        deliveries.attempt(deliveries.pending(EventType.FAILED))

    during, after = target.requests
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(subscription["secret"]).verify(during.body, during.headers)
    Webhook(rotated["secret"]).verify(during.body, during.headers)
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(rotated["secret"]).verify(after.body, after.headers)


def test_redeliver_sends_the_same_delivery_again(deliveries: Deliveries, webhook_messages: Any) -> None:
    with receiver(200) as target:
        subscription, delivery_id, _ = deliveries.first_attempt(target.url())
        queued_before = len(webhook_messages())

        response = deliveries.client.post(f"/v1/subscriptions/{subscription['id']}/deliveries/{delivery_id}/redeliver")
        assert response.status_code == 202 and response.get_json()["state"] == "pending"
        assert len(webhook_messages()) == queued_before + 1, "the redelivery is queued on the webhooks queue"
        assert deliveries.attempt(delivery_id).outcome == DeliveryOutcome.SUCCEEDED

    assert len(target.requests) == 2
    assert len(deliveries.log(subscription)[0]["attempts"]) == 2


def test_the_loopback_canary_receives_nothing_without_an_allow_list(deliveries: Deliveries) -> None:
    with receiver(200) as canary:
        # Created while an operator allowed loopback; delivered after the allow-list is gone.
        subscription, _, result = deliveries.first_attempt(canary.url(), NO_ALLOW_LIST)

    assert canary.requests == []
    assert result.outcome == DeliveryOutcome.RETRY
    [attempt] = deliveries.log(subscription)[0]["attempts"]
    assert attempt["status_code"] is None and "not a public address" in attempt["error"]


def test_dns_rebinding_cannot_reach_the_canary(
    app: Flask, client: FlaskClient, db_session: Any, article: Article
) -> None:
    # Name resolution is stubbed here only: the name is public when checked at creation, loopback at delivery.
    answers = {"creation": ip_address("93.184.216.34"), "delivery": ip_address("127.0.0.1")}
    moment = "creation"

    def rebinding(host: str, port: int) -> list[IPAddress]:
        return [answers[moment]]

    with receiver(200) as canary:
        subscription = subscription_service.create_subscription(
            db_session,
            article.tenant_id,
            {"url": f"http://rebind.example:{canary.port}/hook", "events": [EventType.PROCESSED]},
            NetworkPolicy(),
            rebinding,
        )
        delivery_id = pending_delivery(app, db_session, article)
        moment = "delivery"

        result = attempt_delivery(db_session, delivery_id, NO_ALLOW_LIST, resolver=rebinding)

    assert canary.requests == []
    assert result.outcome == DeliveryOutcome.RETRY
    assert "127.0.0.1" in db_session.get(Delivery, delivery_id).last_error
    assert subscription.enabled


def test_the_connection_goes_to_the_vetted_address_with_the_name_as_host(
    app: Flask, client: FlaskClient, db_session: Any, article: Article
) -> None:
    settings = DeliverySettings(timeout=1.0, policy=HOOKS_EXAMPLE_ALLOWED, disable_after=timedelta(days=5))
    with receiver(200) as target:
        _, result = deliver_to_hooks_example(
            app, db_session, article, f"http://hooks.example:{target.port}/in?x=1", settings
        )

    assert result.outcome == DeliveryOutcome.SUCCEEDED
    [request] = target.requests
    assert request.headers["Host"] == f"hooks.example:{target.port}" and request.path == "/in?x=1"


def test_a_duplicate_submission_emits_article_duplicate_after_commit(
    client: FlaskClient, db_session: Any, loopback_allowed: None, webhook_messages: Any
) -> None:
    subscription = subscribe(client, "http://127.0.0.1:9/hook", [EventType.DUPLICATE])
    first = client.post("/v1/articles?source=dup", data=b"Some article text. " * 20, content_type="text/plain")
    assert webhook_messages() == []

    again = client.post("/v1/articles?source=dup", data=b"Some article text. " * 20, content_type="text/plain")

    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    [logged] = delivery_log(client, subscription["id"])
    assert logged["event_type"] == "article.duplicate" and logged["article_id"] == first.get_json()["id"]
    [message] = webhook_messages()
    assert json.loads(message)["headers"]["task"] == "workers.tasks.deliver_webhook"
    assert logged["id"] in json.dumps(json.loads(message)["headers"]["argsrepr"])


def test_processing_emits_processed_and_failed_events(
    app: Flask, client: FlaskClient, db_session: Any, loopback_allowed: None, webhook_messages: Any
) -> None:
    from service.articles import processing

    subscription = subscribe(client, "http://127.0.0.1:9/hook", [EventType.PROCESSED, EventType.FAILED])
    good = submit_article(client, db_session)
    bad = client.post("/v1/articles", data="<html><body><script>x()</script></body></html>", content_type="text/html")

    with app.app_context():
        assert processing.process_article(db_session, good.id, PIPELINE) == processing.ProcessingOutcome.DONE
        assert (
            processing.process_article(db_session, bad.get_json()["id"], PIPELINE)
            == processing.ProcessingOutcome.FAILED
        )

    events = {item["article_id"]: item for item in delivery_log(client, subscription["id"])}
    assert events[good.id]["event_type"] == "article.processed"
    failed = events[bad.get_json()["id"]]
    assert failed["event_type"] == "article.failed"
    payload = json.loads(db_session.get(Delivery, failed["id"]).payload)
    assert payload["data"]["status"] == "failed" and payload["data"]["error"]["code"] == "unparseable"
    assert len(webhook_messages()) == 2
    assert {item["state"] for item in events.values()} == {DeliveryState.PENDING}


@pytest.fixture(scope="module")
def hooks_example_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for hooks.example (made with the openssl command line)."""
    folder = tmp_path_factory.mktemp("tls")
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=hooks.example",
         "-addext", "subjectAltName=DNS:hooks.example", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


@pytest.mark.parametrize("trusted", [True, False])
def test_https_goes_to_the_vetted_address_and_checks_the_certificate_of_the_name(
    app: Flask, db_session: Any, article: Article, hooks_example_certificate: tuple[Path, Path], trusted: bool
) -> None:
    certificate, key = hooks_example_certificate
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(certificate, key)
    seen_names: list[str | None] = []
    server_tls.sni_callback = lambda _socket, name, _context: seen_names.append(name)  # type: ignore[func-returns-value]

    settings = DeliverySettings(
        timeout=2.0,
        policy=HOOKS_EXAMPLE_ALLOWED,
        disable_after=timedelta(days=5),
        ca_bundle=str(certificate) if trusted else None,
    )
    with receiver(200, tls=server_tls) as target:
        delivery_id, result = deliver_to_hooks_example(
            app, db_session, article, f"https://hooks.example:{target.port}/in", settings
        )

    assert seen_names and seen_names[0] == "hooks.example", "SNI names the host, not the address"
    if trusted:
        assert result.outcome == DeliveryOutcome.SUCCEEDED
        assert target.requests[0].headers["Host"] == f"hooks.example:{target.port}"
    else:
        assert result.outcome == DeliveryOutcome.RETRY and target.requests == []
        assert "CERTIFICATE_VERIFY_FAILED" in db_session.get(Delivery, delivery_id).last_error
