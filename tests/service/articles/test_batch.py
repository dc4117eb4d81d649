"""POST /v1/articles/batch: a JSON array or NDJSON, one result per item, a bad item fails alone."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.articles.models import Article


def test_a_thousand_items_with_ten_bad_ones_store_990(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    run = uuid.uuid4().hex[:8]
    bad = set(range(5, 1000, 100))
    items: list[Any] = []
    for index in range(1000):
        if index in bad:
            # Every kind of wrong: no document, both documents, unknown field, bad date, not an object.
            items.append(
                [
                    {"source": "x"},
                    {"text": "a", "html": "<p>a</p>"},
                    {"text": "a", "headline": "b"},
                    {"text": "a", "published_at": "yesterday"},
                    "just a string",
                ][index % 5]
            )
        else:
            items.append({"text": f"Batch article {index} of run {run}.", "source": f"batch-{run}"})

    response = client.post("/v1/articles/batch", json=items)

    assert response.status_code == 200, response.data
    body = response.get_json()
    assert body["summary"] == {"submitted": 990, "duplicates": 0, "failed": 10}
    results = body["items"]
    assert [result["index"] for result in results] == list(range(1000))
    refused = [result for result in results if result["status"] >= 400]
    assert {result["index"] for result in refused} == bad
    assert all(result["problem"]["status"] == 422 and result["problem"]["detail"] for result in refused)
    stored = db_session.scalar(select(func.count()).select_from(Article).where(Article.source == f"batch-{run}"))
    assert stored == 990
    assert len(queued_messages()) == 990
    accepted = results[0]
    assert accepted["status"] == 202 and accepted["duplicate"] is False
    assert client.get(accepted["links"]["self"]).get_json()["status"] == "queued"


def test_ndjson_with_duplicates_and_an_unreadable_line(client: FlaskClient, queued_messages: Any) -> None:
    existing = client.post("/v1/articles", json={"text": "Already here.", "source": "nd"}).get_json()
    lines = [
        json.dumps({"text": "Already here.", "source": "nd"}),
        json.dumps({"text": "New one.", "source": "nd"}),
        "{not json",
        "",
        json.dumps({"text": "New one.", "source": "nd"}),
    ]

    response = client.post("/v1/articles/batch", data="\n".join(lines), content_type="application/x-ndjson")

    results = response.get_json()["items"]
    assert [result["status"] for result in results] == [200, 202, 400, 200]
    assert results[0]["id"] == existing["id"] and results[0]["duplicate"] is True
    assert results[3]["id"] == results[1]["id"]  # the same document twice in one batch is one article
    assert response.get_json()["summary"] == {"submitted": 1, "duplicates": 2, "failed": 1}


def test_batch_limits_and_media_types(client: FlaskClient) -> None:
    assert client.post("/v1/articles/batch", json=[]).status_code == 422
    assert client.post("/v1/articles/batch", json={"text": "not a list"}).status_code == 422
    too_many = [{"text": f"item {n}"} for n in range(1001)]
    assert client.post("/v1/articles/batch", json=too_many).status_code == 422
    assert client.post("/v1/articles/batch", data="a", content_type="text/plain").status_code == 415


def test_a_batch_is_idempotent_too(client: FlaskClient, queued_messages: Any) -> None:
    items = [{"text": "Idempotent batch item.", "source": "idem-batch"}]
    first = client.post("/v1/articles/batch", json=items, headers={"Idempotency-Key": "batch-1"})
    again = client.post("/v1/articles/batch", json=items, headers={"Idempotency-Key": "batch-1"})
    assert again.get_json() == first.get_json()
    assert again.get_json()["items"][0]["status"] == 202
    assert len(queued_messages()) == 1
