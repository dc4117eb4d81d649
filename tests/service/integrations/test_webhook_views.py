"""Inbound webhooks on real PostgreSQL and Redis: integrations, each sender type, replays and bad signatures."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.articles.models import Article
from service.integrations.adapters import InboundDelivery, standard
from service.integrations.models import ReceivedDelivery
from service.integrations.signatures import SignatureInvalid
from tests.senders import FIXTURES, ghost_headers, standard_headers, websub_headers, wordpress_headers

ARTICLE_TEXT = (
    "The harbour reopened on Thursday after four months of repairs to the northern breakwater. "
    "Fishing boats returned to their berths before dawn."
)


def integration(client: FlaskClient, integration_type: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/integrations", json={"type": integration_type, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def deliver(client: FlaskClient, created: dict[str, Any], body: bytes, headers: dict[str, str]) -> Any:
    return client.post(f"/v1/webhooks/{created['id']}", data=body, headers=headers)


def article_count(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Article)))


def receipt_count(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(ReceivedDelivery)))


def assert_refused(response: Any, db_session: Any) -> None:
    """Refused as an invalid signature, with nothing recorded as received."""
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("/invalid-signature")
    assert receipt_count(db_session) == 0


# --- Integrations -----------------------------------------------------------------------------------------------


def test_an_integration_shows_its_secret_once(client: FlaskClient) -> None:
    created = integration(client, "ghost", name="Our blog", source="blog")

    assert created["secret"] and created["webhook_url"] == f"/v1/webhooks/{created['id']}"
    assert created["source"] == "blog" and created["type"] == "ghost"
    read = client.get(f"/v1/integrations/{created['id']}").get_json()
    listed = client.get("/v1/integrations").get_json()["items"]
    assert "secret" not in read and all("secret" not in item for item in listed)
    assert created["id"] in [item["id"] for item in listed]


def test_standard_integrations_get_a_standard_webhooks_secret(client: FlaskClient) -> None:
    created = integration(client, "standard")

    assert created["secret"].startswith("whsec_")
    assert created["source"] == f"standard-{created['id'][:8]}"


def test_integration_validation_and_deletion(client: FlaskClient) -> None:
    invalid = client.post("/v1/integrations", json={"type": "myspace", "topic": "https://x.example/feed"})
    assert invalid.status_code == 422 and "type" in invalid.get_json()["errors"]["json"]
    topic_elsewhere = client.post("/v1/integrations", json={"type": "ghost", "topic": "https://x.example/feed"})
    assert topic_elsewhere.status_code == 422 and "topic" in topic_elsewhere.get_json()["errors"]["json"]

    created = integration(client, "wordpress")
    assert client.delete(f"/v1/integrations/{created['id']}").status_code == 204
    assert client.get(f"/v1/integrations/{created['id']}").status_code == 404
    gone = deliver(client, created, b"{}", wordpress_headers(created["secret"], b"{}"))
    assert gone.status_code == 404 and gone.mimetype == "application/problem+json"


# --- Standard Webhooks --------------------------------------------------------------------------------------------


def test_the_standard_webhooks_test_vector_verifies() -> None:
    # The published vector of the Standard Webhooks reference libraries.
    delivery = InboundDelivery(
        body=b'{"test": 2432232314}',
        headers={
            "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp": "1614265330",
            "webhook-signature": "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        },
        secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        source="s",
        tenant_id="t",
        request_id=None,
        now=datetime.fromtimestamp(1614265330, UTC),
        tolerance=timedelta(minutes=5),
    )

    assert standard.verify(delivery) == "msg_p5jXN8AQM9LWM0D4loKWxJek"
    with pytest.raises(SignatureInvalid):
        standard.verify(InboundDelivery(**{**delivery.__dict__, "body": b'{"test": 2432232315}'}))


def test_standard_delivery_of_one_article_is_submitted_and_queued(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    created = integration(client, "standard")
    body = json.dumps({"text": ARTICLE_TEXT, "url": "https://gazette.example/a", "language": "en"}).encode()

    response = deliver(client, created, body, standard_headers(created["secret"], body))

    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["replay"] is False and answer["duplicates"] == [] and len(answer["created"]) == 1
    article = client.get(f"/v1/articles/{answer['created'][0]}").get_json()
    assert article["status"] == "queued" and article["source"] == created["source"]
    assert article["url"] == "https://gazette.example/a"
    assert len(queued_messages()) == 1


def test_standard_delivery_of_a_list_recognises_duplicates(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    created = integration(client, "standard")
    first = json.dumps({"text": ARTICLE_TEXT}).encode()
    known = deliver(client, created, first, standard_headers(created["secret"], first)).get_json()["created"][0]
    body = json.dumps([{"text": ARTICLE_TEXT}, {"html": f"<article><p>{ARTICLE_TEXT} More.</p></article>"}]).encode()

    answer = deliver(client, created, body, standard_headers(created["secret"], body)).get_json()

    assert answer["duplicates"] == [known] and len(answer["created"]) == 1
    assert [item["duplicate"] for item in answer["articles"]] == [True, False]


def test_a_replayed_delivery_answers_200_and_creates_nothing(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    created = integration(client, "standard")
    body = json.dumps({"text": ARTICLE_TEXT}).encode()
    headers = standard_headers(created["secret"], body, message_id="msg_replayed")
    first = deliver(client, created, body, headers)
    count = article_count(db_session)

    again = deliver(client, created, body, headers)

    assert first.status_code == 202 and again.status_code == 200
    assert again.get_json()["replay"] is True and again.get_json()["created"] == first.get_json()["created"]
    assert article_count(db_session) == count and len(queued_messages()) == 1
    # The id is remembered per integration: another integration may use the same one.
    other = integration(client, "standard")
    elsewhere = deliver(client, other, body, standard_headers(other["secret"], body, message_id="msg_replayed"))
    assert elsewhere.status_code == 202


def _tampered(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body.replace(b"harbour", b"airport"), standard_headers(secret, body)


def _wrong_secret(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, standard_headers("whsec_" + "QUJD" * 8, body)


def _expired(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, standard_headers(secret, body, timestamp=time.time() - 6 * 60)


def _future(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, standard_headers(secret, body, timestamp=time.time() + 6 * 60)


def _malformed(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    headers = standard_headers(secret, body)
    return body, {**headers, "webhook-signature": headers["webhook-signature"].replace("v1,", "v1;")}


def _not_base64(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {**standard_headers(secret, body), "webhook-signature": "v1,***"}


def _bad_timestamp(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {**standard_headers(secret, body), "webhook-timestamp": "yesterday"}


def _superscript_timestamp(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    # str.isdigit() accepts "²"; int() does not.
    return body, {**standard_headers(secret, body), "webhook-timestamp": "²"}


def _huge_timestamp(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {**standard_headers(secret, body), "webhook-timestamp": "9" * 30}


def _negative_timestamp(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {**standard_headers(secret, body), "webhook-timestamp": "-1700000000"}


def _unsigned(secret: str, body: bytes) -> tuple[bytes, dict[str, str]]:
    headers = standard_headers(secret, body)
    del headers["webhook-signature"]
    return body, headers


@pytest.mark.parametrize(
    "forge",
    [
        _tampered,
        _wrong_secret,
        _expired,
        _future,
        _malformed,
        _not_base64,
        _bad_timestamp,
        _superscript_timestamp,
        _huge_timestamp,
        _negative_timestamp,
        _unsigned,
    ],
)
def test_a_bad_standard_delivery_is_401_and_stores_nothing(
    client: FlaskClient, db_session: Any, queued_messages: Any, forge: Any
) -> None:
    created = integration(client, "standard")
    body, headers = forge(created["secret"], json.dumps({"text": ARTICLE_TEXT}).encode())
    before = article_count(db_session)

    assert_refused(deliver(client, created, body, headers), db_session)
    assert article_count(db_session) == before and queued_messages() == []


def test_one_of_several_signatures_is_enough(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = integration(client, "standard")
    body = json.dumps({"text": ARTICLE_TEXT}).encode()
    headers = standard_headers(created["secret"], body)
    headers["webhook-signature"] = "v1,bm9wZQ== v2,whatever " + headers["webhook-signature"]

    assert deliver(client, created, body, headers).status_code == 202


def test_a_signed_but_invalid_article_is_422_with_field_errors(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    created = integration(client, "standard")
    body = json.dumps([{"text": ARTICLE_TEXT}, {"url": "https://x.example/"}]).encode()

    response = deliver(client, created, body, standard_headers(created["secret"], body))

    assert response.status_code == 422
    assert "text" in response.get_json()["errors"]["json"]["1"]
    assert queued_messages() == [], "nothing of a partly invalid delivery is ingested"


# --- WebSub -------------------------------------------------------------------------------------------------------


def test_websub_hub_verification_echoes_the_challenge(client: FlaskClient) -> None:
    created = integration(client, "websub", topic="https://gazette.example/feed.xml")
    query = {"hub.mode": "subscribe", "hub.topic": "https://gazette.example/feed.xml", "hub.challenge": "c4ll3ng3"}

    response = client.get(f"/v1/webhooks/{created['id']}", query_string={**query, "hub.lease_seconds": "86400"})

    assert response.status_code == 200 and response.mimetype == "text/plain" and response.data == b"c4ll3ng3"
    wrong_topic = client.get(f"/v1/webhooks/{created['id']}", query_string={**query, "hub.topic": "https://x/"})
    assert wrong_topic.status_code == 404
    no_challenge = client.get(f"/v1/webhooks/{created['id']}", query_string={"hub.mode": "subscribe"})
    assert no_challenge.status_code == 404
    denied = client.get(f"/v1/webhooks/{created['id']}", query_string={"hub.mode": "denied", "hub.reason": "spam"})
    assert denied.status_code == 200 and denied.data == b""
    not_websub = integration(client, "ghost")
    assert client.get(f"/v1/webhooks/{not_websub['id']}", query_string=query).status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<rss><channel>" + b"<x>" * 100_000 + b"</x>" * 100_000 + b"</channel></rss>", "nested deeper than 48"),
        (b"<rss><channel>" + b"<item/>" * 3 + b"<x></x>" * 100_001 + b"</channel></rss>", "more than 100,000"),
        (b"<rss>" + b" " * (4 * 1024 * 1024) + b"</rss>", "larger than 4,194,304 bytes"),
    ],
)
def test_a_validly_signed_hostile_feed_is_refused_before_it_is_parsed(
    client: FlaskClient, db_session: Any, body: bytes, reason: str
) -> None:
    created = integration(client, "websub")
    before = article_count(db_session)

    response = deliver(client, created, body, websub_headers(created["secret"], body))

    assert response.status_code == 422 and reason in response.get_json()["detail"]
    assert article_count(db_session) == before


def test_a_websub_integration_without_a_topic_confirms_no_topic(client: FlaskClient) -> None:
    created = integration(client, "websub")
    query = {"hub.mode": "subscribe", "hub.topic": "https://anyone.example/feed.xml", "hub.challenge": "c4ll3ng3"}

    response = client.get(f"/v1/webhooks/{created['id']}", query_string=query)

    assert response.status_code == 404 and b"c4ll3ng3" not in response.data
    assert "no topic configured" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("fixture", "algorithm", "content_type", "expected"),
    [
        ("feed.rss", "sha1", "application/rss+xml", 2),
        ("feed.rss", "sha256", "application/rss+xml", 2),
        ("feed.atom", "sha256", "application/atom+xml", 1),
        ("feed.atom", "sha512", "application/atom+xml", 1),
    ],
)
def test_websub_feed_entries_become_articles(
    client: FlaskClient,
    db_session: Any,
    queued_messages: Any,
    fixture: str,
    algorithm: str,
    content_type: str,
    expected: int,
) -> None:
    created = integration(client, "websub")
    body = (FIXTURES / fixture).read_bytes()

    response = deliver(client, created, body, websub_headers(created["secret"], body, algorithm, content_type))

    assert response.status_code == 202, response.get_json()
    ids = response.get_json()["created"]
    assert len(ids) == expected and len(queued_messages()) == expected
    article = db_session.get(Article, ids[0])
    assert article.url and article.url.startswith("https://")
    assert article.external_id and article.published_at_hint and article.published_at_hint.startswith("2024-03-0")
    assert article.client_metadata["authors"] and article.client_metadata["title"]
    page = article.raw.body.decode()
    assert article.client_metadata["title"] in page and "<p>" in page


def test_websub_atom_entry_maps_its_fields(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = integration(client, "websub")
    body = (FIXTURES / "feed.atom").read_bytes()

    [article_id] = deliver(client, created, body, websub_headers(created["secret"], body, "sha1")).get_json()["created"]

    article = db_session.get(Article, article_id)
    assert article.url == "https://courier.example/news/robotics-prize"
    assert article.external_id == "urn:uuid:1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"
    assert article.published_at_hint == "2024-03-07T07:30:00+00:00"
    assert article.client_metadata == {
        "title": "Valley school wins national robotics prize",
        "authors": ["Lena Fischer"],
        "feed": "Valley Courier",
    }


@pytest.mark.parametrize(
    "signature",
    ["sha1=" + "0" * 40, "md5=abc", "sha256=not-hex", "sha256", ""],
)
def test_a_bad_websub_signature_is_401(client: FlaskClient, db_session: Any, signature: str) -> None:
    created = integration(client, "websub")
    body = (FIXTURES / "feed.rss").read_bytes()
    headers = {"Content-Type": "application/rss+xml", "X-Hub-Signature": signature}

    assert_refused(deliver(client, created, body, headers), db_session)


def test_a_repeated_websub_push_is_a_replay(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = integration(client, "websub")
    body = (FIXTURES / "feed.rss").read_bytes()
    headers = websub_headers(created["secret"], body)

    assert deliver(client, created, body, headers).status_code == 202
    assert deliver(client, created, body, headers).status_code == 200
    assert len(queued_messages()) == 2


def test_a_signed_body_that_is_not_a_feed_is_422(client: FlaskClient, db_session: Any) -> None:
    created = integration(client, "websub")
    body = b"<html><body>not a feed</body></html>"

    response = deliver(client, created, body, websub_headers(created["secret"], body))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"


# --- WordPress ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["X-WP-Webhook-Signature", "X-WC-Webhook-Signature"])
def test_wordpress_post_becomes_an_article(
    client: FlaskClient, db_session: Any, queued_messages: Any, header: str
) -> None:
    created = integration(client, "wordpress")
    body = (FIXTURES / "wordpress-post.json").read_bytes()

    response = deliver(client, created, body, wordpress_headers(created["secret"], body, "wc-delivery-1", header))

    assert response.status_code == 202, response.get_json()
    assert response.get_json()["delivery_id"] == "sha256:" + hashlib.sha256(body).hexdigest()
    article = db_session.get(Article, response.get_json()["created"][0])
    assert article.url == "https://news.example/2024/03/07/bridge-closure-extended/"
    assert article.external_id == "wordpress:4812"
    assert article.published_at_hint == "2024-03-07T09:00:00+00:00"
    assert article.client_metadata["authors"] == ["Daniel Brooks"]
    assert article.client_metadata["title"] == "Bridge closure extended by two weeks"
    replay = deliver(client, created, body, wordpress_headers(created["secret"], body, "wc-delivery-1", header))
    assert replay.status_code == 200 and replay.get_json()["replay"] is True


def test_a_wordpress_body_resent_with_a_fresh_delivery_id_is_a_replay(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    created = integration(client, "wordpress")
    body = (FIXTURES / "wordpress-post.json").read_bytes()
    first = deliver(client, created, body, wordpress_headers(created["secret"], body, "wc-delivery-1"))
    assert first.status_code == 202
    articles_before = article_count(db_session)
    queued_before = len(queued_messages())

    # The delivery-id header is not signed: anyone holding a captured body can change it.
    replay = deliver(client, created, body, wordpress_headers(created["secret"], body, "wc-delivery-2"))

    assert replay.status_code == 200 and replay.get_json()["replay"] is True
    assert article_count(db_session) == articles_before and len(queued_messages()) == queued_before
    assert receipt_count(db_session) == 1


def test_wordpress_drafts_are_skipped_not_ingested(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = integration(client, "wordpress")
    post = json.loads((FIXTURES / "wordpress-post.json").read_text()) | {"status": "draft"}
    body = json.dumps(post).encode()

    response = deliver(client, created, body, wordpress_headers(created["secret"], body))

    assert response.status_code == 202
    assert response.get_json()["created"] == [] and response.get_json()["skipped"][0]["id"] == "4812"
    assert queued_messages() == []


@pytest.mark.parametrize("forge", ["tampered", "wrong-secret", "not-base64", "missing"])
def test_a_bad_wordpress_signature_is_401(client: FlaskClient, db_session: Any, forge: str) -> None:
    created = integration(client, "wordpress")
    body = (FIXTURES / "wordpress-post.json").read_bytes()
    headers = wordpress_headers("another secret" if forge == "wrong-secret" else created["secret"], body)
    if forge == "tampered":
        body = body.replace(b"two more weeks", b"three more weeks")
    elif forge == "not-base64":
        headers["X-WP-Webhook-Signature"] = "%%%"
    elif forge == "missing":
        del headers["X-WP-Webhook-Signature"]

    assert_refused(deliver(client, created, body, headers), db_session)


# --- Ghost --------------------------------------------------------------------------------------------------------


def test_ghost_post_published_becomes_an_article(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = integration(client, "ghost")
    body = (FIXTURES / "ghost-post-published.json").read_bytes()
    headers = ghost_headers(created["secret"], body)

    response = deliver(client, created, body, headers)

    assert response.status_code == 202, response.get_json()
    article = db_session.get(Article, response.get_json()["created"][0])
    assert article.url == "https://blog.example/library-extends-opening-hours/"
    assert article.external_id == "ghost:8c3f2a1e-4b5d-4e6f-9a7b-1c2d3e4f5a6b"
    assert article.published_at_hint == "2024-03-07T09:00:00+00:00"
    assert article.client_metadata["authors"] == ["Olivia Grant"]
    assert deliver(client, created, body, headers).status_code == 200, "the same signed delivery is a replay"


@pytest.mark.parametrize(
    "forge",
    [
        "tampered",
        "wrong-secret",
        "expired",
        "malformed",
        "seconds-not-ms-resigned",
        "superscript-timestamp",
        "huge-timestamp",
        "negative-timestamp",
    ],
)
def test_a_bad_ghost_signature_is_401(client: FlaskClient, db_session: Any, forge: str) -> None:
    created = integration(client, "ghost")
    body = (FIXTURES / "ghost-post-published.json").read_bytes()
    now_ms = int(time.time() * 1000)
    headers = {
        "tampered": ghost_headers(created["secret"], body),
        "wrong-secret": ghost_headers("not the secret", body),
        "expired": ghost_headers(created["secret"], body, now_ms - 6 * 60 * 1000),
        "malformed": {"X-Ghost-Signature": "sha256=zz, t=abc"},
        # A timestamp in seconds reads as January 1970 in milliseconds: far outside the tolerance.
        "seconds-not-ms-resigned": ghost_headers(created["secret"], body, now_ms // 1000),
        "superscript-timestamp": {"X-Ghost-Signature": "sha256=abcd, t=²"},
        "huge-timestamp": {"X-Ghost-Signature": "sha256=abcd, t=" + "9" * 30},
        "negative-timestamp": {"X-Ghost-Signature": f"sha256=abcd, t=-{now_ms}"},
    }[forge]
    if forge == "tampered":
        body = body.replace(b"midnight", b"noon")

    assert_refused(deliver(client, created, body, headers), db_session)


def test_a_signed_ghost_body_of_another_shape_is_422(client: FlaskClient, db_session: Any) -> None:
    created = integration(client, "ghost")
    body = json.dumps({"member": {"current": {"email": "a@b.example"}}}).encode()

    response = deliver(client, created, body, ghost_headers(created["secret"], body))

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
