"""The compose file, Dockerfile and CI script are checked by parsing them: no Docker engine runs here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from service.cli import main as ingest_cli
from service.config import known_env_vars

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
OUR_SERVICES = {name: spec for name, spec in SERVICES.items() if spec.get("image") == "article-ingest:latest"}


def test_compose_has_every_role() -> None:
    assert {"api", "worker", "webhook-worker", "beat", "migrate", "redis", "postgres", "flower"} <= set(SERVICES)
    assert set(OUR_SERVICES) == {"api", "worker", "webhook-worker", "beat", "migrate"}


@pytest.mark.parametrize("name", sorted(OUR_SERVICES))
def test_every_command_is_a_real_ingest_entry(name: str) -> None:
    command = OUR_SERVICES[name]["command"]
    assert command[0] == "ingest"
    group: Any = ingest_cli
    for word in command[1:]:
        if word.startswith("-"):
            break
        assert word in group.commands, f"{name}: `ingest {word}` does not exist"
        group = group.commands[word]
    options = {opt for param in group.params for opt in getattr(param, "opts", [])}
    for word in command[1:]:
        if word.startswith("--"):
            assert word in options, f"{name}: {word} is not an option of `{' '.join(command[:2])}`"


@pytest.mark.parametrize("name", sorted(OUR_SERVICES))
def test_every_ingest_variable_is_one_the_config_reads(name: str) -> None:
    environment = OUR_SERVICES[name]["environment"]
    variables = {key for key in environment if key.startswith("INGEST_")}
    assert variables, f"{name} sets no INGEST_ variables"
    assert variables <= known_env_vars(), variables - known_env_vars()


def test_production_wiring() -> None:
    redis_command = " ".join(SERVICES["redis"]["command"])
    assert "--appendonly yes" in redis_command and "noeviction" in redis_command
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    for name in ("api", "worker", "webhook-worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["webhook-worker"]["command"][:5] == ["ingest", "worker", "--queues", "webhooks", "--concurrency"]
    for name in ("api", "worker", "redis", "postgres"):
        assert "healthcheck" in SERVICES[name], name
    env = OUR_SERVICES["api"]["environment"]
    assert env["INGEST_DATABASE_URL"].startswith("postgresql://")
    assert env["INGEST_BROKER_URL"].startswith("redis://")


def test_dockerfile_installs_pinned_and_runs_the_api() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -c constraints.txt ." in dockerfile
    assert 'CMD ["ingest", "api"' in dockerfile
    assert "USER ingest" in dockerfile


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_flower_is_authenticated_and_not_published_beyond_loopback() -> None:
    flower = SERVICES["flower"]
    assert any(part.startswith("--basic-auth=") for part in flower["command"])
    assert all(str(port).startswith("127.0.0.1:") for port in flower["ports"])
