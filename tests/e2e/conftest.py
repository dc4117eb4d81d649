"""End-to-end stacks: a real `ingest worker` process, its broker and database, and the API in-process."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests import services
from tests.conftest import keyed_client


@dataclass
class Stack:
    name: str
    env: dict[str, str]
    app: Flask
    client: FlaskClient
    tmp: Path

    def start_worker(self, *extra: str) -> services.ServiceProcess:
        worker = services.ServiceProcess(
            ["worker", "--concurrency", "1", *extra], self.env, self.tmp / f"worker-{len(list(self.tmp.iterdir()))}.log"
        )
        worker.wait_for_log("ready.", timeout=90)
        return worker

    def wait_for_status(
        self, article_id: str, statuses: tuple[str, ...] = ("done", "failed"), timeout: float = 60
    ) -> dict[str, Any]:
        def finished() -> dict[str, Any] | None:
            article = self.client.get(f"/v1/articles/{article_id}").get_json()
            return article if article["status"] in statuses else None

        return services.wait_until(finished, timeout, interval=0.3, message=f"article {article_id} in {statuses}")


def migrate_with_cli(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "service.cli", "db", "upgrade"],
        env=env,
        cwd=services.PROJECT_ROOT,
        check=True,
        capture_output=True,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stack(name: str, config: dict[str, str], tmp: Path) -> Iterator[Stack]:
    import os

    config = {**config, "METRICS_DIR": str(tmp / "metrics"), "WORKER_METRICS_PORT": str(free_port())}
    env = {**os.environ, **{f"INGEST_{key}": value for key, value in config.items()}, "INGEST_LOG_LEVEL": "INFO"}
    migrate_with_cli(env)
    app = create_app({**config, "WORKER_METRICS_PORT": int(config["WORKER_METRICS_PORT"])})
    yield Stack(name, env, app, keyed_client(app), tmp)
    app.extensions["db"].dispose()


@contextmanager
def production_services(database_name: str) -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and an empty Redis db for the workers (the config naming them); both go after."""
    database_url = services.create_database(database_name)
    services.flush_redis(services.redis_db("workers"))
    try:
        yield {"DATABASE_URL": database_url, "BROKER_URL": services.redis_url(services.redis_db("workers"))}
    finally:
        services.flush_redis(services.redis_db("workers"))
        services.drop_database(database_url)


def embedded_services(var: Path) -> dict[str, str]:
    """SQLite and kombu's filesystem transport under `var`: the config naming them."""
    database_url = f"sqlite:///{var / 'ingest.db'}"
    return {"DATABASE_URL": database_url, "BROKER_URL": "filesystem://", "QUEUE_DIR": str(var / "queue")}


@pytest.fixture(scope="module")
def production_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """PostgreSQL + Redis, as in production."""
    with production_services("ingest_e2e") as config:
        yield from _stack("production", config, tmp_path_factory.mktemp("production"))


@pytest.fixture(scope="module")
def embedded_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """SQLite + kombu's filesystem transport: the no-server default."""
    config = embedded_services(tmp_path_factory.mktemp("embedded-var"))
    yield from _stack("embedded", config, tmp_path_factory.mktemp("embedded"))


@pytest.fixture(scope="module", params=["production", "embedded"])
def stack(request: pytest.FixtureRequest) -> Stack:
    return request.getfixturevalue(f"{request.param}_stack")  # type: ignore[no-any-return]
