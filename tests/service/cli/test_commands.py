"""Operator commands against the real database: reprocess selections and the embedded default's local key."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from service.access.keys import find_active_key, revoke_key
from service.access.models import DEFAULT_TENANT_ID
from service.articles.models import Article, ArticleStatus, RawDocument
from service.cli import main as ingest_cli
from service.cli.serve import ensure_local_key
from tests.service.articles.test_views import queued_ids


def stored_article(session: Any, source: str, parser_version: str | None, status: str = ArticleStatus.DONE) -> str:
    article = Article(
        tenant_id=DEFAULT_TENANT_ID,
        status=status,
        source=source,
        input_sha256=uuid.uuid4().hex.ljust(64, "0"),
        declared_format="text",
        parser_version=parser_version,
        raw=RawDocument(content_type="text/plain", body=b"words", size=5),
    )
    session.add(article)
    session.commit()
    return article.id


def test_reprocess_selects_by_source_and_parser_version(
    app: Flask, postgres_url: str, monkeypatch: pytest.MonkeyPatch, queued_messages: Any
) -> None:
    monkeypatch.setenv("INGEST_DATABASE_URL", postgres_url)
    monkeypatch.setenv("INGEST_BROKER_URL", app.config["BROKER_URL"])
    source = f"old-{uuid.uuid4().hex[:8]}"
    session = app.extensions["db"].session_factory()
    old = stored_article(session, source, "0.9.0")
    newer = stored_article(session, source, "1.10.0")
    unversioned = stored_article(session, source, None)
    still_queued = stored_article(session, source, None, status=ArticleStatus.QUEUED)
    session.close()
    runner = CliRunner()

    assert runner.invoke(ingest_cli, ["reprocess"]).exit_code != 0  # nothing said: nothing done
    result = runner.invoke(ingest_cli, ["reprocess", "--source", source, "--parser-version-below", "1.2"])

    assert result.exit_code == 0, result.output
    assert "2 articles queued" in result.output
    assert sorted(queued_ids(queued_messages())) == sorted([old, unversioned])
    session = app.extensions["db"].session_factory()
    statuses = {article.id: article.status for article in session.query(Article).filter_by(source=source)}
    session.close()
    assert statuses == {old: "queued", newer: "done", unversioned: "queued", still_queued: "queued"}


def test_the_embedded_default_creates_one_local_key(
    tmp_path: Path, app: Flask, db_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "local-api-key"
    monkeypatch.setitem(app.config, "LOCAL_KEY_FILE", str(key_file))
    with app.app_context():
        first = ensure_local_key(app)
        again = ensure_local_key(app)

    assert first and first == again
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    client = app.test_client()
    assert client.get("/v1/articles", headers={"X-API-Key": first}).status_code == 200

    # A kept key that no longer works (revoked, or its database replaced) is replaced by a new one.
    revoke_key(db_session, find_active_key(db_session, first).id)  # type: ignore[union-attr]
    with app.app_context():
        replaced = ensure_local_key(app)
    assert replaced and replaced != first and key_file.read_text().strip() == replaced
