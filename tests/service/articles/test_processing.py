"""The worker's processing function on real PostgreSQL: idempotence and the contract gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.access.keys import get_tenant
from service.articles import near_duplicates, processing, search
from service.articles.claims import ClaimPolicy, ClaimToken, claim
from service.articles.models import Article
from service.articles.processing import Parser, RawInput
from service.articles.submit import Submission, submit
from service.subscriptions import service as subscriptions
from service.subscriptions.models import Delivery, EventType
from service.subscriptions.network import NetworkPolicy
from tests import services
from tests.service.subscriptions.test_delivery import hooks_example
from workers.parsing import PIPELINE

SEED = services.SEED_ARTICLE


def submit_seed(client: FlaskClient) -> str:
    response = client.post("/v1/articles?source=processing-test", data=SEED.read_bytes(), content_type="text/plain")
    return str(response.get_json()["id"])


def test_processing_twice_stores_one_result(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    article_id = submit_seed(client)

    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.DONE
    first = db_session.get(Article, article_id).result
    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.SKIPPED

    article = db_session.get(Article, article_id)
    assert article.result == first and article.attempts == 1
    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "done" and served["body"] == first["body"]


def test_output_that_breaks_the_contract_is_failed_not_stored(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = submit_seed(client)

    def parse_with_a_broken_paragraph(raw: RawInput) -> dict[str, Any]:
        result = PIPELINE.parse(raw)
        result["paragraphs"][0]["kind"] = "sidebar"
        return result

    broken = Parser(PIPELINE.version, parse_with_a_broken_paragraph)
    assert processing.process_article(db_session, article_id, broken) == processing.ProcessingOutcome.FAILED
    article = db_session.get(Article, article_id)
    assert article.result is None
    assert article.error["code"] == "contract_violation"
    assert "paragraphs" in article.error["messages"]
    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "failed" and served["error"]["code"] == "contract_violation"


def test_missing_article_is_reported_not_raised(db_session: Any) -> None:
    assert processing.process_article(db_session, "no-such-id", PIPELINE) == processing.ProcessingOutcome.MISSING


def test_a_redelivered_message_reprocesses_once_then_gives_up(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    # The same message arriving again while its article is still `processing` means its worker died mid-task.
    article_id = submit_seed(client)
    crashing, other = ClaimToken("task-1"), ClaimToken("task-2")
    policy = ClaimPolicy(max_attempts=2, stale_after=timedelta(minutes=5))
    now = datetime.now(UTC)

    def claim_as(token: ClaimToken) -> Any:
        return claim(db_session, article_id, token, policy, reprocess=False, now=now)

    assert claim_as(crashing) is not None  # first worker, then "killed"
    assert claim_as(other) is None, "a live claim was taken over"
    assert claim_as(crashing) is not None  # redelivered: second attempt
    # Died again: the same message may not try a third time; processing fails it.
    assert processing.process_article(db_session, article_id, PIPELINE, policy=policy, token=crashing, now=now) == (
        processing.ProcessingOutcome.FAILED
    )

    article = db_session.get(Article, article_id, populate_existing=True)
    assert article.status == "failed" and article.error["code"] == "worker_lost"
    assert article.attempts == 2


def test_a_transient_error_hands_the_article_back_without_counting_a_crash(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    article_id = submit_seed(client)
    real_find = near_duplicates.find
    calls = []

    def database_blip_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly"))
        return real_find(*args, **kwargs)

    monkeypatch.setattr(near_duplicates, "find", database_blip_once)
    token = ClaimToken("task-7", retry=0)

    with pytest.raises(OperationalError):
        processing.process_article(db_session, article_id, PIPELINE, token=token)
    handed_back = db_session.get(Article, article_id, populate_existing=True)
    assert (handed_back.status, handed_back.attempts, handed_back.claim_token) == ("queued", 0, None)

    retry = ClaimToken("task-7", retry=1)
    assert (
        processing.process_article(db_session, article_id, PIPELINE, token=retry) == processing.ProcessingOutcome.DONE
    )
    assert db_session.get(Article, article_id, populate_existing=True).attempts == 1


def test_an_error_while_storing_fails_the_article_with_its_reason(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = submit_seed(client)

    def broken_index(*args: Any, **kwargs: Any) -> None:
        raise ValueError("index exploded")

    monkeypatch.setattr(search, "index_article", broken_index)

    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.FAILED
    article = db_session.get(Article, article_id, populate_existing=True)
    assert article.status == "failed" and article.result is None
    assert article.error["code"] == "internal_error" and "index exploded" in article.error["detail"]


def test_the_reconciler_does_not_resend_what_it_just_resent(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_seed(client)
    now = datetime.now(UTC)
    hour_ago = now - timedelta(hours=1)
    db_session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(status="processing", attempts=1, processing_started_at=hour_ago, updated_at=hour_ago)
    )
    db_session.commit()
    window = {"queued_for": timedelta(minutes=5), "processing_for": timedelta(minutes=5)}
    queued_messages_before = len(queued_messages())

    assert processing.resend_stuck(db_session, **window, now=now) == 1
    assert len(queued_messages()) == queued_messages_before + 1, "the re-send went to the queue"
    assert processing.resend_stuck(db_session, **window, now=now + timedelta(minutes=1)) == 0
    assert article_id in processing.find_stuck(db_session, **window, now=now + timedelta(minutes=6))


def test_a_failed_reprocess_stops_serving_the_old_result(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_seed(client)
    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.DONE
    assert client.get("/v1/articles?person=Wang+Yi").get_json()["items"]

    def unreadable(raw: RawInput) -> dict[str, Any]:
        raise processing.Unparseable("the new parser cannot read it")

    newer = Parser("9.9.9", unreadable)
    assert processing.process_article(db_session, article_id, newer, reprocess=True) == (
        processing.ProcessingOutcome.FAILED
    )

    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "failed" and served.get("body") is None and served.get("entities") in (None, [])
    assert client.get("/v1/articles?person=Wang+Yi").get_json()["items"] == []


def test_a_binary_document_that_got_past_the_api_fails_and_tells_subscribers(
    app: Any, client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    # Stored by a route that does not check (a webhook, or a row from before the API checked): a 6-byte blob.
    tenant_id = get_tenant(db_session, "default").id
    subscriptions.create_subscription(
        db_session,
        tenant_id,
        {"url": "https://hooks.example/ingest", "events": [EventType.FAILED]},
        NetworkPolicy(allowed_hosts=frozenset({"hooks.example"})),
        hooks_example,
    )
    blob = Submission(raw=b"\xff\xfe\x00\xd8\x01\x02", content_type="text/plain", tenant_id=tenant_id)
    article = submit(db_session, blob).article

    assert processing.process_article(db_session, article.id, PIPELINE) == processing.ProcessingOutcome.FAILED
    served = client.get(f"/v1/articles/{article.id}").get_json()
    assert served["status"] == "failed" and served["error"]["code"] == "unparseable"
    assert "byte-order mark" in served["error"]["detail"]
    events = db_session.scalars(select(Delivery.event_type).where(Delivery.article_id == article.id)).all()
    assert events == [EventType.FAILED]
