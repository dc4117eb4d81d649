"""The worker's processing function on real PostgreSQL: idempotence and the contract gate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.models import Article
from workers import processing

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_58a277481ee7be65.txt"


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
