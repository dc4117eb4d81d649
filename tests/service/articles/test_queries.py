"""Search and filters on PostgreSQL and SQLite; ETag, fields=, reprocess and delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text

from service import create_app
from service.articles import processing
from service.articles.models import Article, ArticleEntity
from service.articles.processing import Parser, RawInput
from service.migrate import downgrade, upgrade
from tests import services
from tests.conftest import keyed_client
from workers.parsing import PIPELINE

# The migration before the one that keys SQLite's full-text index on article_id.
FTS_BY_ARTICLE_ID_REVISION_PARENT = "0004_idempotency_lease"
# The migration before the one that computes PostgreSQL's tsvector in a trigger instead of a generated column.
SEARCH_VECTOR_TRIGGER_PARENT = "0012_entity_keys_on_sqlite"
SEED = services.SEED_ARTICLE
WANG_YI = {"name": "Wang Yi", "type": "person", "aliases": ["Wang"], "mentions": 4}
CHINA = {"name": "China", "type": "place", "aliases": ["Beijing"], "mentions": 3}


def parse_with_entities(raw: RawInput) -> dict[str, Any]:
    """The pipeline's result with exactly the entities these tests search for, whatever the model finds."""
    result = PIPELINE.parse(raw)
    if "Wang Yi" in result["body"]:
        result["entities"] = [WANG_YI, CHINA]
    return result


WITH_ENTITIES = Parser(PIPELINE.version, parse_with_entities)


def submit_and_process(client: FlaskClient, session: Any, body: bytes, query: str) -> str:
    response = client.post(f"/v1/articles{query}", data=body, content_type="text/plain")
    article_id = str(response.get_json()["id"])
    assert processing.process_article(session, article_id, WITH_ENTITIES) == processing.ProcessingOutcome.DONE
    return article_id


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def check_search(client: FlaskClient, session: Any) -> None:
    seed_id = submit_and_process(
        client, session, SEED.read_bytes(), "?source=search-seed&published_at=2022-03-07T09:00:00Z"
    )
    other_id = submit_and_process(
        client, session, b"The football season opened in Lisbon with a late goal.\n\nFans cheered.", "?source=search"
    )

    assert ids(client.get('/v1/articles?q="active measures"')) == [seed_id]
    assert ids(client.get("/v1/articles?q=humanitarian assistance Ukrainian civilians")) == [seed_id]
    assert ids(client.get("/v1/articles?q=negotiation")) == [seed_id]  # stemmed: the text says negotiations
    assert ids(client.get("/v1/articles?q=football -Ukraine")) == [other_id]
    assert ids(client.get('/v1/articles?q="measures active"')) == []
    assert ids(client.get("/v1/articles?person=Wang Yi")) == [seed_id]
    assert ids(client.get("/v1/articles?person=wang  yi")) == [seed_id]
    assert ids(client.get("/v1/articles?person=Wang")) == [seed_id]  # an alias
    assert ids(client.get("/v1/articles?place=Beijing&q=Ukraine")) == [seed_id]
    assert ids(client.get("/v1/articles?organisation=Wang Yi")) == []
    assert ids(client.get("/v1/articles?person=Xi Jinping")) == []
    assert ids(client.get("/v1/articles?language=en&source=search-seed")) == [seed_id]
    assert ids(client.get("/v1/articles?language=fr&source=search-seed")) == []
    assert ids(client.get("/v1/articles?published_after=2022-03-01&published_before=2022-03-08")) == [seed_id]
    assert ids(client.get("/v1/articles?published_after=2022-03-08T00:00:00Z")) == []
    assert ids(client.get("/v1/articles?status=done&person=Wang Yi&limit=1")) == [seed_id]


def test_search_on_postgresql(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    check_search(client, db_session)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    config = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ingest.db'}",
        "BROKER_URL": "filesystem://",
        "QUEUE_DIR": str(tmp_path / "queue"),
    }
    upgrade(config["DATABASE_URL"])
    app = create_app(config)
    yield app
    app.extensions["db"].dispose()


def test_search_on_sqlite(sqlite_app: Flask) -> None:
    client = keyed_client(sqlite_app)
    with sqlite_app.app_context():
        session = sqlite_app.extensions["db"].session
        check_search(client, session)
        # Deleting keeps the full-text index in step.
        seed_id = ids(client.get("/v1/articles?person=Wang Yi"))[0]
        assert client.delete(f"/v1/articles/{seed_id}").status_code == 204
        assert ids(client.get('/v1/articles?q="active measures"')) == []


def test_etag_and_if_none_match(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    created = client.post("/v1/articles", data=b"Versioned words.", content_type="text/plain")
    location = created.headers["Location"]
    first = client.get(location)
    etag = first.headers["ETag"]

    assert client.get(location, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(location, headers={"If-None-Match": '"something-else"'}).status_code == 200
    processing.process_article(db_session, created.get_json()["id"], PIPELINE)
    changed = client.get(location, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_fields_selects_parts_of_the_contract(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    article_id = submit_and_process(client, db_session, SEED.read_bytes(), "?source=fields")

    partial = client.get(f"/v1/articles/{article_id}?fields=title,entities")

    assert partial.status_code == 200
    assert set(partial.get_json()) == {"id", "status", "source", "received_at", "title", "entities"}
    unknown = client.get(f"/v1/articles/{article_id}?fields=title,headline")
    assert unknown.status_code == 422
    assert "fields" in unknown.get_json()["errors"]["query"]


def test_reprocess_runs_the_pipeline_again(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    article_id = submit_and_process(client, db_session, SEED.read_bytes(), "?source=reprocess")
    queued_messages()  # the first processing message

    response = client.post(f"/v1/articles/{article_id}/reprocess")

    assert response.status_code == 202 and response.get_json()["queued"] is True
    assert response.get_json()["status"] == "queued"
    assert len(queued_messages()) == 2
    assert (
        processing.process_article(db_session, article_id, PIPELINE, reprocess=True)
        == processing.ProcessingOutcome.DONE
    )
    article = db_session.get(Article, article_id)
    assert article.status == "done" and article.attempts == 1
    # Already queued: asking again changes nothing and sends nothing.
    client.post(f"/v1/articles/{article_id}/reprocess")
    again = client.post(f"/v1/articles/{article_id}/reprocess")
    assert again.get_json()["queued"] is False


def test_delete_removes_the_article_and_its_raw_input(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    article_id = submit_and_process(client, db_session, SEED.read_bytes(), "?source=delete")
    assert db_session.query(ArticleEntity).filter_by(article_id=article_id).count() == 4  # names and aliases

    assert client.delete(f"/v1/articles/{article_id}").status_code == 204

    assert client.get(f"/v1/articles/{article_id}").status_code == 404
    assert client.get(f"/v1/articles/{article_id}/raw").status_code == 404
    assert client.delete(f"/v1/articles/{article_id}").status_code == 404
    db_session.expire_all()
    assert db_session.query(ArticleEntity).filter_by(article_id=article_id).count() == 0


def test_the_real_pipeline_makes_the_seed_findable_by_its_person(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    # No stand-in entities: enrichment itself names Wang Yi (alias Wang), and the side table is filled from it.
    seed_id = submit_and_process(client, db_session, SEED.read_bytes(), "?source=real-pipeline")

    assert ids(client.get("/v1/articles?person=Wang Yi&source=real-pipeline")) == [seed_id]
    assert ids(client.get("/v1/articles?place=Beijing&source=real-pipeline")) == [seed_id]
    assert ids(client.get('/v1/articles?q="active measures"&source=real-pipeline')) == [seed_id]


def test_sqlite_search_survives_vacuum_and_renumbered_rowids(sqlite_app: Flask) -> None:
    client = keyed_client(sqlite_app)
    with sqlite_app.app_context():
        session = sqlite_app.extensions["db"].session
        texts = {
            topic: f"A report about {topic} that runs over two paragraphs.\n\nIt says more about {topic}."
            for topic in ("harvests", "glaciers", "lighthouses", "volcanoes")
        }
        article_ids = {topic: submit_and_process(client, session, text.encode(), "") for topic, text in texts.items()}
        assert client.delete(f"/v1/articles/{article_ids.pop('harvests')}").status_code == 204
        session.commit()
        session.execute(text("VACUUM"))
        # VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY (SQLite does so when it cannot
        # copy the table as is; so does rebuilding the table); renumber them here so the test does not hang on when.
        session.execute(text("UPDATE articles SET rowid = rowid + 1000"))
        session.execute(text("UPDATE articles SET rowid = 2001 - rowid"))
        session.commit()

        for topic, article_id in article_ids.items():
            assert ids(client.get(f"/v1/articles?q={topic}")) == [article_id]
        assert ids(client.get("/v1/articles?q=harvests")) == []


def store_lighthouses_and_disconnect(app: Flask, client: FlaskClient) -> str:
    """A processed article, then no connection left open for a migration to wait on; returns its id."""
    session = app.extensions["db"].session
    kept = submit_and_process(client, session, b"Lighthouses guide ships.\n\nThey stand on rocky capes.", "")
    session.close()
    app.extensions["db"].dispose()
    return kept


def test_sqlite_full_text_migration_downgrades_and_upgrades(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'ingest.db'}"
    upgrade(database_url)
    app = create_app({"DATABASE_URL": database_url, "BROKER_URL": "filesystem://", "QUEUE_DIR": str(tmp_path / "q")})
    client = keyed_client(app)
    with app.app_context():
        session = app.extensions["db"].session
        kept = store_lighthouses_and_disconnect(app, client)

        downgrade(database_url, FTS_BY_ARTICLE_ID_REVISION_PARENT)
        upgrade(database_url)

        assert ids(client.get("/v1/articles?q=lighthouses")) == [kept]  # repopulated from the stored articles
        added = submit_and_process(client, session, b"Glaciers retreat.\n\nThe ice thins every summer.", "")
        assert ids(client.get("/v1/articles?q=glaciers")) == [added]
    app.extensions["db"].dispose()


def test_postgresql_entity_keys_migration_fills_the_array_from_the_side_table() -> None:
    """Articles processed before 0010 are found by the array filter after it, from their entity rows."""
    database_url = services.create_database("ingest_entity_keys")
    try:
        upgrade(database_url, "0009_article_fingerprints")
        app = create_app({"DATABASE_URL": database_url, "BROKER_URL": services.redis_url(services.redis_db("api"))})
        client = keyed_client(app)
        with app.app_context():
            session = app.extensions["db"].session
            # 0009's schema has no array, so the worker code of 0010 cannot run here: an entity row as 0009 wrote it.
            response = client.post("/v1/articles?source=before-0010", data=SEED.read_bytes(), content_type="text/plain")
            article_id = response.get_json()["id"]
            session.add(
                ArticleEntity(
                    article_id=article_id,
                    tenant_id=session.get(Article, article_id).tenant_id,
                    type="person",
                    name="Wang Yi",
                    name_key="wang yi",
                )
            )
            session.commit()
            session.close()
            app.extensions["db"].dispose()

            upgrade(database_url)

            assert ids(client.get("/v1/articles?person=WANG yi")) == [article_id]
            assert ids(client.get("/v1/articles?place=Wang Yi")) == []
            stored = session.execute(text("SELECT entity_keys FROM articles WHERE id = :id"), {"id": article_id})
            assert stored.scalar_one() == ["person:wang yi"]
        app.extensions["db"].dispose()
    finally:
        services.drop_database(database_url)


def test_sqlite_full_text_is_rewritten_only_when_title_or_body_change(sqlite_app: Flask) -> None:
    """A copy processed later rewrites its original's near-duplicate list: the original's text, unchanged, is not
    indexed again (that re-indexing was most of the embedded worker's time on a cluster of copies)."""
    client = keyed_client(sqlite_app)
    with sqlite_app.app_context():
        session = sqlite_app.extensions["db"].session
        original = submit_and_process(client, session, SEED.read_bytes(), "?source=fts-original")

        def index_row() -> int:
            return int(
                session.execute(
                    text("SELECT rowid FROM articles_fts WHERE article_id = :id"), {"id": original}
                ).scalar_one()
            )

        before = index_row()
        copy = submit_and_process(client, session, SEED.read_bytes() + b"\n\nA line of the copy's own.\n", "")
        session.expire_all()
        linked = session.get(Article, original)
        assert linked is not None and copy in {match["id"] for match in (linked.result or {})["near_duplicates"]}
        assert index_row() == before, "the original's unchanged text was indexed again"
        assert set(ids(client.get('/v1/articles?q="active measures"'))) == {original, copy}

        session.execute(
            text("UPDATE articles SET title = 'Lighthouse keepers strike' WHERE id = :id"), {"id": original}
        )
        session.commit()
        assert index_row() != before
        assert ids(client.get("/v1/articles?q=lighthouse keepers")) == [original]


def test_postgresql_writes_a_result_in_one_update_of_the_article(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    """The claim and the result are one UPDATE each: the entity keys and the result go in the same row version (each
    extra one put the whole tsvector and every key into the GIN indexes again)."""
    response = client.post("/v1/articles?source=one-update", data=SEED.read_bytes(), content_type="text/plain")
    article_id = response.get_json()["id"]
    updates: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE articles"):
            updates.append(statement)

    connection = db_session.connection()
    event.listen(connection, "before_cursor_execute", remember)
    try:
        assert processing.process_article(db_session, article_id, WITH_ENTITIES) == processing.ProcessingOutcome.DONE
    finally:
        event.remove(connection, "before_cursor_execute", remember)
    assert len(updates) == 2, updates
    assert "entity_keys" in updates[1] and "result" in updates[1]
    assert ids(client.get('/v1/articles?person=Wang Yi&q="active measures"')) == [article_id]


def test_postgresql_search_vector_is_computed_only_when_title_or_body_change(
    client: FlaskClient, db_session: Any, queued_messages: Any
) -> None:
    """A copy processed later rewrites its original's near-duplicate list: the original's text, unchanged, is not
    turned into a tsvector again (migration 0013); a new title or body is."""
    original = submit_and_process(client, db_session, SEED.read_bytes(), "?source=tsvector-original")

    def stored_vector() -> str:
        query = text("SELECT search_vector::text FROM articles WHERE id = :id")
        return str(db_session.execute(query, {"id": original}).scalar_one())

    assert "'measur'" in stored_vector()
    # A marker no computation from the text would give: it stays as long as the vector is not computed again.
    db_session.execute(text("UPDATE articles SET search_vector = 'marker' WHERE id = :id"), {"id": original})
    copy = submit_and_process(client, db_session, SEED.read_bytes() + b"\n\nA line of the copy's own.\n", "")
    db_session.expire_all()
    linked = db_session.get(Article, original)
    assert linked is not None and copy in {match["id"] for match in (linked.result or {})["near_duplicates"]}
    assert stored_vector() == "'marker'", "the original's unchanged text was turned into a tsvector again"

    db_session.execute(text("UPDATE articles SET title = 'Lighthouse keepers strike' WHERE id = :id"), {"id": original})
    assert "'lighthous'" in stored_vector() and "'measur'" in stored_vector()
    assert ids(client.get("/v1/articles?q=lighthouse keepers")) == [original]


def test_postgresql_search_vector_migration_keeps_the_vectors_both_ways() -> None:
    """Articles stored under the generated column are found after 0013 and again after going back to it."""
    database_url = services.create_database("ingest_search_vector")
    try:
        upgrade(database_url)
        app = create_app({"DATABASE_URL": database_url, "BROKER_URL": services.redis_url(services.redis_db("api"))})
        client = keyed_client(app)
        with app.app_context():
            session = app.extensions["db"].session
            kept = store_lighthouses_and_disconnect(app, client)
            for revision in (SEARCH_VECTOR_TRIGGER_PARENT, "head"):
                (downgrade if revision != "head" else upgrade)(database_url, revision)
                assert ids(client.get("/v1/articles?q=lighthouses")) == [kept]
                app.extensions["db"].dispose()
            added = submit_and_process(client, session, b"Glaciers retreat.\n\nThe ice thins every summer.", "")
            assert ids(client.get("/v1/articles?q=glaciers")) == [added]
        app.extensions["db"].dispose()
    finally:
        services.drop_database(database_url)
