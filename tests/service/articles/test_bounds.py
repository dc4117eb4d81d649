"""Bounded output: hostile documents make a small article (capped lists, aggregated warnings) or fail too_large."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from service.articles import processing
from service.articles.bounds import OutputLimits, aggregate_warnings, bound_result
from service.articles.models import Article
from service.articles.processing import Parser, RawInput
from workers.parsing import PIPELINE

LIMITS = OutputLimits()


def test_warnings_of_one_kind_become_one_line_with_a_count() -> None:
    warnings = ["no article prose found"] + [
        f"paragraph 0: closing quotation mark at {n} without one" for n in range(10)
    ]
    assert aggregate_warnings(warnings, 50) == [
        "no article prose found",
        "paragraph 0: closing quotation mark at 0 without one (and 9 more like it)",
    ]


def test_many_kinds_of_warnings_are_capped_with_a_last_line_that_counts_the_rest() -> None:
    warnings = [f"kind {letter}" for letter in "abcdefghij"] * 2
    lines = aggregate_warnings(warnings, 4)
    assert lines[:3] == ["kind a (and 1 more like it)", "kind b (and 1 more like it)", "kind c (and 1 more like it)"]
    assert lines[3] == "14 more warnings of 7 other kinds"


def test_every_list_is_capped_and_the_body_keeps_the_paragraphs_kept() -> None:
    limits = OutputLimits(max_paragraphs=3, max_items=2, max_warnings=10)
    result = {
        "body": "a\n\nb\n\nc\n\nd",
        "paragraphs": [{"index": i, "text": text, "kind": "body"} for i, text in enumerate("abcd")],
        "quotes": [{"text": str(n)} for n in range(5)],
        "entities": [{"name": "X", "aliases": ["a", "b", "c"]}],
        "warnings": [],
    }
    bounded = bound_result(result, 1000, limits)
    assert [p["text"] for p in bounded["paragraphs"]] == ["a", "b", "c"] and bounded["body"] == "a\n\nb\n\nc"
    assert len(bounded["quotes"]) == 2 and bounded["entities"][0]["aliases"] == ["a", "b"]
    assert "paragraphs: 4 found, the first 3 kept" in bounded["warnings"]
    assert "quotes: 5 found, the first 2 kept" in bounded["warnings"]


def submit_text(client: FlaskClient, body: bytes) -> str:
    response = client.post("/v1/articles?source=bounds", data=body, content_type="text/plain")
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def test_a_million_warnings_and_quotes_are_stored_bounded(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_text(client, b"The council met on Tuesday. " * 20)

    def flood(raw: RawInput) -> dict[str, Any]:
        result = PIPELINE.parse(raw)
        result["warnings"] = [f"paragraph 0: closing quotation mark at {n} without one" for n in range(1_000_001)]
        quote = {"text": "met", "speaker": None, "cue": None, "paragraph": 0, "start": 4, "end": 7}
        result["quotes"] = [quote] * 50_000
        return result

    outcome = processing.process_article(db_session, article_id, Parser(PIPELINE.version, flood))

    assert outcome == processing.ProcessingOutcome.DONE
    served = client.get(f"/v1/articles/{article_id}").get_json()
    assert len(served["warnings"]) <= LIMITS.max_warnings and len(served["quotes"]) == LIMITS.max_items
    assert any("(and 1,000,000 more like it)" in warning for warning in served["warnings"])
    assert "quotes: 50,000 found, the first 1,000 kept" in served["warnings"]


def test_a_result_still_too_large_fails_with_the_reason(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_text(client, b"Short story. " * 10)

    def bloat(raw: RawInput) -> dict[str, Any]:
        return {**PIPELINE.parse(raw), "description": "x" * (LIMITS.size_floor_bytes + 1)}

    outcome = processing.process_article(db_session, article_id, Parser(PIPELINE.version, bloat))

    assert outcome == processing.ProcessingOutcome.FAILED
    article = db_session.get(Article, article_id)
    assert article.error["code"] == "too_large" and "more than 262,144" in article.error["detail"]
    assert article.result is None


def test_hostile_quotes_through_the_real_pipeline_stay_within_the_size_bound(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    body = b'The mayor said "yes" ' + b'"' * 100_000 + b" and left."
    article_id = submit_text(client, body)

    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.DONE
    article = db_session.get(Article, article_id)
    assert len(json.dumps(article.result).encode()) <= LIMITS.max_result_bytes(len(body))
    assert len(article.result["warnings"]) <= 10


def test_nothing_but_quote_marks_fails_as_unparseable(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_text(client, b'"' * 1_000_000)

    assert processing.process_article(db_session, article_id, PIPELINE) == processing.ProcessingOutcome.FAILED
    assert db_session.get(Article, article_id).error["code"] == "unparseable"
