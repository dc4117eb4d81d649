"""Near-duplicates found through the database index, on PostgreSQL and on SQLite, with the real pipeline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from service import create_app
from service.ingest import Submission, submit
from service.migrate import upgrade
from service.models import Article
from tests import services
from tests.unit.test_fingerprint import all_edits, articles, new_headline
from workers import processing

pytestmark = pytest.mark.integration

# Prose stories (the corpus also holds a standings table, whose rows the text extractor rightly drops).
PROSE = [story for story in articles() if len(story) >= 5 and sum(map(len, story)) / len(story) >= 120]
STORIES, SPARE_STORY = PROSE[:10], PROSE[10]


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


def ingest(app: Flask, paragraphs: list[str], source: str) -> str:
    session = app.extensions["db"].session
    text = "\n\n".join(paragraphs).encode()
    with app.app_context():
        article = submit(
            session, Submission(raw=text, content_type="text/plain", declared_format="text", source=source)
        ).article
        assert processing.process_article(session, article.id) == processing.Outcome.DONE
        return article.id


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

    with app.test_request_context():
        document = app.test_client().get(f"/v1/articles/{copy_id}").get_json()

    assert document["duplicate_of"] == original_id
    assert document["near_duplicates"][0]["id"] == original_id
    assert set(document["fingerprints"]) == {"content_sha256", "simhash"}
