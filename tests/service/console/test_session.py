"""The console's session secret and the console switched off when production gives none."""

from __future__ import annotations

import stat
from pathlib import Path

from service import create_app
from service.console.session import read_or_create_secret


def test_the_embedded_secret_is_made_once_and_kept_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret-key"

    first = read_or_create_secret(path)

    assert len(first) >= 48 and read_or_create_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_secret_in_production_the_console_is_off(tmp_path: Path) -> None:
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'ingest.db'}",
            "BROKER_URL": "redis://127.0.0.1:1/0",
            "SECRET_KEY": "",
        }
    )

    answer = app.test_client().get("/console/articles")

    assert answer.status_code == 503 and b"INGEST_SECRET_KEY" in answer.data
    assert not (tmp_path / "secret-key").exists()
