"""The worker's processing function on real PostgreSQL: idempotence and the contract gate."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.articles import processing
from service.articles.models import Article
from tests import services

SEED = services.SEED_ARTICLE


def submit_seed(client: FlaskClient) -> str:
    response = client.post("/v1/articles?source=processing-test", data=SEED.read_bytes(), content_type="text/plain")
    return str(response.get_json()["id"])


def test_processing_twice_stores_one_result(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    article_id = submit_seed(client)

    assert processing.process_article(db_session, article_id) == processing.Outcome.DONE
    first = db_session.get(Article, article_id).result
    assert processing.process_article(db_session, article_id) == processing.Outcome.SKIPPED

    article = db_session.get(Article, article_id)
    assert article.result == first and article.attempts == 1
    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "done" and served["body"] == first["body"]


def test_output_that_breaks_the_contract_is_failed_not_stored(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = submit_seed(client)
    real_parse = processing.parse

    def parse_with_a_broken_paragraph(*args: Any, **kwargs: Any) -> dict[str, Any]:
        result = real_parse(*args, **kwargs)
        result["paragraphs"][0]["kind"] = "sidebar"
        return result

    monkeypatch.setattr(processing, "parse", parse_with_a_broken_paragraph)

    assert processing.process_article(db_session, article_id) == processing.Outcome.FAILED
    article = db_session.get(Article, article_id)
    assert article.result is None
    assert article.error["code"] == "contract_violation"
    assert "paragraphs" in article.error["messages"]
    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "failed" and served["error"]["code"] == "contract_violation"


def test_missing_article_is_reported_not_raised(db_session: Any) -> None:
    assert processing.process_article(db_session, "no-such-id") == processing.Outcome.MISSING


def test_a_redelivered_message_reprocesses_once_then_gives_up(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same message arriving again while its article is still `processing` means its worker died mid-task.
    article_id = submit_seed(client)
    crashing = processing.ClaimToken("task-1")
    options = {"max_attempts": 2, "stale_after": processing.timedelta(minutes=5)}
    assert processing.claim(db_session, article_id, crashing, **options) is not None  # first worker, then "killed"

    other = processing.ClaimToken("task-2")
    assert processing.claim(db_session, article_id, other, **options) is None, "a live claim was taken over"
    assert processing.claim(db_session, article_id, crashing, **options) is not None  # redelivered: second attempt
    assert processing.claim(db_session, article_id, crashing, **options) is None  # died again: given up

    article = db_session.get(Article, article_id, populate_existing=True)
    assert article.status == "failed" and article.error["code"] == "worker_lost"
    assert article.attempts == 2


def test_a_transient_error_hands_the_article_back_without_counting_a_crash(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    article_id = submit_seed(client)
    real_find = processing.near_duplicates.find
    calls = []

    def database_blip_once(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly"))
        return real_find(*args, **kwargs)

    monkeypatch.setattr(processing.near_duplicates, "find", database_blip_once)
    token = processing.ClaimToken("task-7", retry=0)

    with pytest.raises(OperationalError):
        processing.process_article(db_session, article_id, token=token)
    handed_back = db_session.get(Article, article_id, populate_existing=True)
    assert (handed_back.status, handed_back.attempts, handed_back.claim_token) == ("queued", 0, None)

    retry = processing.ClaimToken("task-7", retry=1)
    assert processing.process_article(db_session, article_id, token=retry) == processing.Outcome.DONE
    assert db_session.get(Article, article_id, populate_existing=True).attempts == 1


def test_an_error_while_storing_fails_the_article_with_its_reason(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = submit_seed(client)

    def broken_index(*args: Any, **kwargs: Any) -> None:
        raise ValueError("index exploded")

    monkeypatch.setattr(processing, "index_article", broken_index)

    assert processing.process_article(db_session, article_id) == processing.Outcome.FAILED
    article = db_session.get(Article, article_id, populate_existing=True)
    assert article.status == "failed" and article.result is None
    assert article.error["code"] == "internal_error" and "index exploded" in article.error["detail"]


def test_the_reconciler_does_not_resend_what_it_just_resent(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_seed(client)
    hour_ago = processing.utcnow() - processing.timedelta(hours=1)
    db_session.execute(
        processing.update(Article)
        .where(Article.id == article_id)
        .values(status="processing", attempts=1, processing_started_at=hour_ago, updated_at=hour_ago)
    )
    db_session.commit()
    window = {"queued_for": processing.timedelta(minutes=5), "processing_for": processing.timedelta(minutes=5)}

    assert article_id in processing.find_stuck(db_session, **window)
    processing.touch(db_session, [article_id])
    assert article_id not in processing.find_stuck(db_session, **window)


def test_a_failed_reprocess_stops_serving_the_old_result(
    client: FlaskClient, db_session: Any, queued_messages: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    article_id = submit_seed(client)
    assert processing.process_article(db_session, article_id) == processing.Outcome.DONE
    assert client.get("/v1/articles?person=Wang+Yi").get_json()["items"]

    def unreadable(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise processing.UnparseableDocument("the new parser cannot read it")

    monkeypatch.setattr(processing, "parse", unreadable)
    assert processing.process_article(db_session, article_id, reprocess=True) == processing.Outcome.FAILED

    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert served["status"] == "failed" and served.get("body") is None and served.get("entities") in (None, [])
    assert client.get("/v1/articles?person=Wang+Yi").get_json()["items"] == []
