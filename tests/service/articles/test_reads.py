"""GET /v1/articles/{id} answers what ArticleSchema dumps, whatever the article's state, and follows its changes."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.articles import contract, processing
from service.articles.models import Article
from service.articles.processing import Parser, RawInput
from service.articles.schemas import ArticleSchema
from tests import services
from workers.parsing import PIPELINE

SEED = services.SEED_ARTICLE


def as_dumped(app: Flask, session: Any, article_id: str) -> Any:
    """The article as the API answered it before reads skipped marshmallow: ArticleSchema's dump, as JSON data."""
    session.expire_all()
    article = session.get(Article, article_id)
    assert article is not None
    return json.loads(app.json.dumps(ArticleSchema().dump(contract.document(article))))


def read(client: FlaskClient, article_id: str, query: str = "", **headers: str) -> Any:
    response = client.get(f"/v1/articles/{article_id}{query}", headers=headers)
    if response.status_code == 200:
        assert response.mimetype == "application/json"
    return response


def served_as_dumped(app: Flask, client: FlaskClient, session: Any, article_id: str) -> Any:
    """Read the article in full and with `fields=`, check both against the dump, and return the full read."""
    expected = as_dumped(app, session, article_id)
    served = read(client, article_id)
    assert served.status_code == 200
    assert json.loads(served.data) == expected
    partial = read(client, article_id, "?fields=title,entities,fingerprints,error")
    wanted = {"title", "entities", "fingerprints", "error", "id", "status", "source", "received_at"}
    assert json.loads(partial.data) == {key: value for key, value in expected.items() if key in wanted}
    return served


def submit_text(client: FlaskClient, body: bytes, source: str) -> str:
    response = client.post(f"/v1/articles?source={source}", data=body, content_type="text/plain")
    assert response.status_code == 202
    return str(response.get_json()["id"])


def test_processed_queued_and_failed_articles_read_as_the_schema_dumps_them(
    app: Flask, client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    processed_id = submit_text(client, SEED.read_bytes(), "reads-processed")
    assert processing.process_article(db_session, processed_id, PIPELINE) == processing.ProcessingOutcome.DONE
    queued_id = submit_text(client, b"Queued words, not parsed yet.", "reads-queued")
    failed_id = submit_text(client, b"Words the parser cannot read.", "reads-failed")

    def unreadable(raw: RawInput) -> dict[str, Any]:
        raise processing.Unparseable("nothing like an article")

    failing = Parser(PIPELINE.version, unreadable)
    assert processing.process_article(db_session, failed_id, failing) == processing.ProcessingOutcome.FAILED

    processed = served_as_dumped(app, client, db_session, processed_id).get_json()
    # The stored result holds more than the contract (the MinHash and its band keys): only the contract is served.
    stored = db_session.get(Article, processed_id).result
    assert set(stored["fingerprints"]) > {"content_sha256", "simhash"}
    assert set(processed["fingerprints"]) == {"content_sha256", "simhash"}
    assert processed["status"] == "done" and processed["paragraphs"] and processed["entities"]
    assert served_as_dumped(app, client, db_session, queued_id).get_json()["status"] == "queued"
    failed = served_as_dumped(app, client, db_session, failed_id).get_json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "unparseable"


def test_client_metadata_beyond_64_bit_integers_reads_as_the_schema_dumps_it(
    app: Flask, client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    metadata = {"desk": "Économie – 経済", "ids": [2**70, -(2**63), 7], "ratio": 0.1, "flags": {"ok": True, "no": None}}
    created = client.post("/v1/articles", json={"text": "A story with metadata.", "metadata": metadata})

    served = served_as_dumped(app, client, db_session, created.get_json()["id"])

    assert served.get_json()["metadata"] == metadata
    # PostgreSQL keeps JSON numbers as numeric: 1.5e300 comes back as a 301-digit integer, still served as dumped.
    created = client.post("/v1/articles", json={"text": "Another story with metadata.", "metadata": {"n": 1.5e300}})
    served_as_dumped(app, client, db_session, created.get_json()["id"])


def test_etag_names_the_bytes_served_and_changes_with_the_article(
    app: Flask, client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    original_id = submit_text(client, SEED.read_bytes(), "reads-etag-original")
    assert processing.process_article(db_session, original_id, PIPELINE) == processing.ProcessingOutcome.DONE
    full = read(client, original_id)
    partial = read(client, original_id, "?fields=title")
    assert full.headers["ETag"] != partial.headers["ETag"]
    assert read(client, original_id, **{"If-None-Match": full.headers["ETag"]}).status_code == 304
    assert read(client, original_id, "?fields=title", **{"If-None-Match": full.headers["ETag"]}).status_code == 200
    assert read(client, original_id, "?fields=title", **{"If-None-Match": partial.headers["ETag"]}).status_code == 304

    # A copy processed later adds itself to the original's near-duplicates: the original's read must say so.
    copy_id = submit_text(client, SEED.read_bytes() + b"\n\nA paragraph the copy adds.\n", "reads-etag-copy")
    assert processing.process_article(db_session, copy_id, PIPELINE) == processing.ProcessingOutcome.DONE
    linked = read(client, original_id, **{"If-None-Match": full.headers["ETag"]})
    assert linked.status_code == 200 and linked.headers["ETag"] != full.headers["ETag"]
    assert [match["id"] for match in linked.get_json()["near_duplicates"]] == [copy_id]
    served_as_dumped(app, client, db_session, original_id)

    # Reprocessing puts it back in the queue: status and ETag change again.
    assert client.post(f"/v1/articles/{original_id}/reprocess").status_code == 202
    requeued = read(client, original_id, **{"If-None-Match": linked.headers["ETag"]})
    assert requeued.status_code == 200 and requeued.get_json()["status"] == "queued"
    assert requeued.headers["ETag"] != linked.headers["ETag"]
