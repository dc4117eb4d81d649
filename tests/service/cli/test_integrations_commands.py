"""`ingest integrations create | list` against the test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import delete

from service.cli import main as ingest_cli
from service.integrations.models import Integration
from tests import services


@pytest.fixture
def cli_env(app: Flask, postgres_url: str) -> Iterator[dict[str, str]]:
    yield {"INGEST_DATABASE_URL": postgres_url, "INGEST_BROKER_URL": services.redis_url(services.redis_db("api"))}
    # The CLI commits for real (no test transaction around it): remove what it made.
    with app.extensions["db"].engine.begin() as connection:
        connection.execute(delete(Integration).where(Integration.source == "cli-test-feed"))


def run(env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(ingest_cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_create_prints_the_secret_once_and_list_shows_it_without(cli_env: dict[str, str]) -> None:
    created = run(
        cli_env,
        "integrations",
        "create",
        "--type",
        "websub",
        "--source",
        "cli-test-feed",
        "--topic",
        "https://f.example/x",
    )

    assert created["type"] == "websub" and created["source"] == "cli-test-feed" and created["secret"]
    assert created["webhook_url"] == f"/v1/webhooks/{created['id']}"
    listed = {item["id"]: item for item in run(cli_env, "integrations", "list")}
    assert created["id"] in listed and "secret" not in listed[created["id"]]


def test_create_refuses_an_unknown_type(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(ingest_cli, ["integrations", "create", "--type", "myspace"], env=cli_env)

    assert result.exit_code != 0 and "myspace" in result.output
