"""Near-duplicates found through the database index, on PostgreSQL and on SQLite, with the real pipeline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text

from service import create_app
from service.access.keys import create_key
from service.articles import near_duplicates, processing
from service.articles.models import Article
from service.articles.submit import Submission, submit
from service.migrate import upgrade
from tests import services
from tests.workers.pipeline.near_duplicates import all_edits, articles, new_headline
from workers.parsing import PIPELINE

pytestmark = pytest.mark.integration

# Prose stories (the corpus also holds a standings table, whose rows the text extractor rightly drops).
PROSE = [story for story in articles() if len(story) >= 5 and sum(map(len, story)) / len(story) >= 120]
STORIES, SPARE_STORY, LATE_STORY, DELETED_STORY = PROSE[:10], PROSE[10], PROSE[11], PROSE[12]
# A story of its own for the fingerprints-column test, so its copies are in no other test's lists.
FINGERPRINTS_STORY = PROSE[13]
THREE_WAY_STORY, FULL_LIST_STORY = PROSE[14], PROSE[15]


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    var = tmp_path_factory.mktemp("near-duplicates")
    if request.param == "postgresql":
        url = services.create_database("ingest_neardup")
    else:
        url = f"sqlite:///{var / 'ingest.db'}"
    upgrade(url)
    # Nothing consumes the queue: this test drives the processing function itself.
    application = create_app({"DATABASE_URL": url, "BROKER_URL": "filesystem://", "QUEUE_DIR": str(var / "queue")})
    yield application
    application.extensions["db"].dispose()
    if request.param == "postgresql":
        services.drop_database(url)


def receive(app: Flask, paragraphs: list[str], source: str) -> str:
    session = app.extensions["db"].session
    text = "\n\n".join(paragraphs).encode()
    with app.app_context():
        submission = Submission(raw=text, content_type="text/plain", declared_format="text", source=source)
        return submit(session, submission).article.id


def process(app: Flask, article_id: str) -> None:
    with app.app_context():
        assert (
            processing.process_article(app.extensions["db"].session, article_id, PIPELINE)
            == processing.ProcessingOutcome.DONE
        )


def ingest(app: Flask, paragraphs: list[str], source: str) -> str:
    article_id = receive(app, paragraphs, source)
    process(app, article_id)
    return article_id


def stored(app: Flask, article_id: str) -> Article:
    with app.app_context():
        article = app.extensions["db"].session.get(Article, article_id)
        assert article is not None
        return article


def test_every_edited_copy_finds_its_original_and_distinct_stories_stay_apart(app: Flask) -> None:
    originals = [ingest(app, story, "wire") for story in STORIES]
    for original_id in originals:
        assert stored(app, original_id).result["duplicate_of"] is None, "distinct stories matched each other"

    for story, original_id in zip(STORIES, originals, strict=True):
        for edit, source in ((new_headline, "site-a"), (all_edits, "site-b")):
            copy = stored(app, ingest(app, edit(story), source)).result
            assert copy["duplicate_of"] == original_id, edit.__name__
            matched = {match["id"]: match["similarity"] for match in copy["near_duplicates"]}
            assert original_id in matched and matched[original_id] >= 0.5
            assert not set(matched) - {original_id} - {a for a in _copies_of(app, original_id)}


def _copies_of(app: Flask, original_id: str) -> set[str]:
    with app.app_context():
        session = app.extensions["db"].session
        return {
            article.id
            for article in session.query(Article).all()
            if (article.result or {}).get("duplicate_of") == original_id
        }


def test_near_duplicates_are_served_by_the_api(app: Flask) -> None:
    story = SPARE_STORY
    original_id = ingest(app, story, "served-original")
    copy_id = ingest(app, new_headline(story), "served-copy")

    with app.app_context():
        key = create_key(app.extensions["db"].session, "default", ["read"]).secret
    document = app.test_client().get(f"/v1/articles/{copy_id}", headers={"X-API-Key": key}).get_json()

    assert document["duplicate_of"] == original_id
    assert document["near_duplicates"][0]["id"] == original_id
    assert set(document["fingerprints"]) == {"content_sha256", "simhash"}


def test_an_original_processed_after_its_copy_still_becomes_its_duplicate_of(app: Flask) -> None:
    original_id = receive(app, LATE_STORY, "slow-original")
    copy_id = receive(app, new_headline(LATE_STORY), "fast-copy")

    process(app, copy_id)  # the copy is processed first: nothing earlier is known yet
    assert stored(app, copy_id).result["duplicate_of"] is None
    process(app, original_id)

    original, copy = stored(app, original_id).result, stored(app, copy_id).result
    assert original["duplicate_of"] is None, "an original cannot duplicate a copy received after it"
    assert [match["id"] for match in original["near_duplicates"]] == [copy_id]
    assert copy["duplicate_of"] == original_id
    assert [match["id"] for match in copy["near_duplicates"]] == [original_id]


def test_look_ups_compare_the_fingerprints_column_and_fall_back_to_the_result(app: Flask) -> None:
    """A processed article keeps its compared fingerprints apart; a row stored before that column is still found."""
    from sqlalchemy import null, update

    story = FINGERPRINTS_STORY
    original_id = ingest(app, story, "fingerprints-original")
    original = stored(app, original_id)
    assert original.fingerprints is not None
    assert set(original.fingerprints) == {"minhash", "content_sha256"}
    assert original.fingerprints["minhash"] == (original.result or {})["fingerprints"]["minhash"]
    with app.app_context():
        session = app.extensions["db"].session
        # As a row stored before migration 0008 has it: SQL NULL (None would store a JSON null).
        session.execute(update(Article).where(Article.id == original_id).values(fingerprints=null()))
        session.commit()
    copy_id = ingest(app, new_headline(story), "fingerprints-copy")
    assert (stored(app, copy_id).result or {})["duplicate_of"] == original_id


def test_originals_list_their_copies_and_a_deleted_original_is_unlinked_both_ways(app: Flask) -> None:
    story = DELETED_STORY
    original_id = ingest(app, story, "deleted-original")
    first_copy_id = ingest(app, new_headline(story), "deleted-copy-a")
    second_copy_id = ingest(app, all_edits(story), "deleted-copy-b")
    listed = {match["id"] for match in stored(app, original_id).result["near_duplicates"]}
    assert listed == {first_copy_id, second_copy_id}, "the original does not list its copies"
    assert stored(app, second_copy_id).result["duplicate_of"] == original_id

    with app.app_context():
        key = create_key(app.extensions["db"].session, "default", ["read", "ingest"]).secret
    client = app.test_client()
    client.environ_base["HTTP_X_API_KEY"] = key
    assert client.delete(f"/v1/articles/{original_id}").status_code == 204

    first, second = (client.get(f"/v1/articles/{copy_id}").get_json() for copy_id in (first_copy_id, second_copy_id))
    assert first["duplicate_of"] is None
    assert second["duplicate_of"] in (first_copy_id, None)
    for document in (first, second):
        assert original_id not in {match["id"] for match in document["near_duplicates"]}
        if document["duplicate_of"]:
            assert client.get(f"/v1/articles/{document['duplicate_of']}").status_code == 200


def test_the_earliest_original_wins_whatever_order_its_copies_are_processed_in(app: Flask) -> None:
    original_id = receive(app, THREE_WAY_STORY, "three-way-original")
    first_copy_id = receive(app, new_headline(THREE_WAY_STORY), "three-way-copy-a")
    second_copy_id = receive(app, all_edits(THREE_WAY_STORY), "three-way-copy-b")

    process(app, second_copy_id)
    process(app, first_copy_id)
    assert stored(app, second_copy_id).result["duplicate_of"] == first_copy_id
    process(app, original_id)  # received before both: re-points the copy that named the first copy

    assert stored(app, original_id).result["duplicate_of"] is None
    assert stored(app, first_copy_id).result["duplicate_of"] == original_id
    assert stored(app, second_copy_id).result["duplicate_of"] == original_id


def test_a_full_list_of_closer_matches_is_left_as_it_is_without_loading_its_result(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each copy's link-back used to load every match's whole result; one it does not change is not even read."""
    monkeypatch.setattr(near_duplicates, "MAX_LISTED", 1)
    original_id = ingest(app, FULL_LIST_STORY, "full-list-original")
    close_copy_id = ingest(app, new_headline(FULL_LIST_STORY), "full-list-close-copy")
    assert [match["id"] for match in stored(app, original_id).result["near_duplicates"]] == [close_copy_id]
    far_copy_id = receive(app, all_edits(FULL_LIST_STORY), "full-list-far-copy")

    loaded: list[str] = []
    listener = lambda target, _context: loaded.append(target.id)  # noqa: E731
    event.listen(Article, "load", listener)
    try:
        process(app, far_copy_id)
    finally:
        event.remove(Article, "load", listener)

    assert [match["id"] for match in stored(app, far_copy_id).result["near_duplicates"]] == [original_id]
    assert [match["id"] for match in stored(app, original_id).result["near_duplicates"]] == [close_copy_id]
    assert original_id not in loaded


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # a PostgreSQL plan
def test_the_band_look_up_is_planned_for_its_keys_and_probes_the_band_index(app: Flask) -> None:
    """On PostgreSQL the look-up names its band keys in the statement (planned for them each time, never a generic
    plan kept from when the table was small) and reaches the rows through the band index, with or without
    statistics: a tenant's thousands of unanalysed band keys are not read one by one."""
    # A story of its own: every word of each paragraph in reverse order shares no shingle with the corpus.
    story = [" ".join(reversed(paragraph.split())) for paragraph in STORIES[0]]
    original_id = ingest(app, story, "band-plan-original")
    engine = app.extensions["db"].engine
    with engine.begin() as connection:  # many band keys for the tenant, as an older tenant has (not analysed)
        connection.execute(
            text(
                "INSERT INTO fingerprint_bands (tenant_id, band, article_id) "
                "SELECT tenant_id, 'x' || n, id FROM articles, generate_series(1, 20000) AS n WHERE id = :id"
            ),
            {"id": original_id},
        )
    copy_id = receive(app, new_headline(story), "band-plan-copy")
    look_ups: list[tuple[str, Any]] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM fingerprint_bands" in statement:
            look_ups.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        process(app, copy_id)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    assert (stored(app, copy_id).result or {})["duplicate_of"] == original_id
    bands = stored(app, copy_id).result["fingerprints"]["minhash_bands"]
    [(statement, parameters)] = look_ups
    assert all(band in statement for band in bands)
    assert not any(band in str(parameters) for band in bands)
    with engine.connect() as connection:
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars())
    assert "Seq Scan" not in plan
    assert re.search(r"Index Cond: \(+band", plan), plan
