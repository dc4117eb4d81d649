"""The `ingest` command: run the service, parse files offline, seed, migrate."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import click

SEED_DIR = Path("seeds")
SEED_SUFFIXES = {".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8", ".htm": "text/html"}


@click.group()
def main() -> None:
    """Article ingestion service."""


# --- Serving ----------------------------------------------------------------------------------------------------


@main.command()
@click.option("--bind", default=None, help="host:port (default INGEST_BIND, 127.0.0.1:8000).")
@click.option("--workers", type=int, default=None, help="gunicorn worker processes (default INGEST_API_WORKERS).")
def api(bind: str | None, workers: int | None) -> None:
    """Serve the HTTP API with gunicorn."""
    from gunicorn.app.base import BaseApplication

    from service import create_app

    app = create_app()

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind or app.config["BIND"])
            self.cfg.set("workers", workers or app.config["API_WORKERS"])
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 60)

        def load(self) -> Any:
            return app

    Server().run()


@main.command()
@click.option("--queues", default="ingest", show_default=True, help="Comma-separated queues to consume.")
@click.option("--concurrency", type=int, default=None, help="Processes (default INGEST_WORKER_CONCURRENCY).")
@click.option("--beat/--no-beat", default=False, help="Also run the periodic scheduler (the reconciler).")
def worker(queues: str, concurrency: int | None, beat: bool) -> None:
    """Run a Celery worker."""
    from celery.signals import worker_ready

    from service import create_app

    app = create_app()
    celery = app.extensions["celery"]

    @worker_ready.connect(weak=False)
    def reconcile_at_start(**_kwargs: Any) -> None:
        # Whatever was lost while no worker ran (a crash, a broker restart) is sent again now, not in a minute.
        consumed = queues.split(",")
        if "ingest" in consumed:
            celery.send_task("workers.tasks.reconcile", queue="ingest")
        if "webhooks" in consumed:
            celery.send_task("workers.tasks.sweep_webhooks", queue="webhooks")

    argv = [
        "worker",
        f"--loglevel={app.config['LOG_LEVEL']}",
        f"--queues={queues}",
        f"--concurrency={concurrency or app.config['WORKER_CONCURRENCY']}",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        argv.append("--beat")
    celery.worker_main(argv)


@main.command()
def beat() -> None:
    """Run the periodic scheduler alone (production runs one, beside any number of workers)."""
    from service import create_app

    celery = create_app().extensions["celery"]
    celery.start(["beat", "--loglevel=INFO"])


@main.command()
@click.option("--seed/--no-seed", default=True, help="Ingest seeds/ once the API answers.")
def run(seed: bool) -> None:
    """Run API and one worker together (embedded SQLite + filesystem queue unless INGEST_* say otherwise)."""
    from service import create_app
    from service.migrate import upgrade

    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    base_url = f"http://{app.config['BIND']}"
    command = [sys.executable, "-m", "service.cli"]
    children = [
        # One worker consumes both queues here; production runs a webhook worker of its own.
        subprocess.Popen([*command, "worker", "--beat", "--concurrency", "1", "--queues", "ingest,webhooks"]),
        subprocess.Popen([*command, "api", "--workers", "2"]),
    ]

    def stop(*_args: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        wait_for_http(f"{base_url}/healthz", timeout=30)
        if seed:
            with app.app_context():
                seed_directory(app, SEED_DIR)
        click.echo(banner(base_url))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        click.echo("a child process exited; stopping", err=True)
    except KeyboardInterrupt:
        pass
    stop()


def wait_for_http(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise click.ClickException(f"{url} did not answer within {timeout:.0f} s") from None
            time.sleep(0.3)


def banner(base_url: str) -> str:
    seed = SEED_DIR / "000_58a277481ee7be65.txt"
    return f"""
The ingestion service is running at {base_url} (docs: {base_url}/docs). Ctrl-C stops it.

  curl -s -X POST -H 'Content-Type: text/plain' --data-binary @{seed} {base_url}/v1/articles
  curl -s {base_url}/v1/articles
  curl -s {base_url}/v1/articles/ID
"""


# --- Data -------------------------------------------------------------------------------------------------------


def seed_directory(app: Any, directory: Path) -> list[tuple[str, str, bool]]:
    """Submit every seed file through the same path as the API."""
    from service.ingest import Submission, submit

    results = []
    session = app.extensions["db"].session
    for path in sorted(directory.iterdir()):
        content_type = SEED_SUFFIXES.get(path.suffix.lower())
        if content_type is None:
            continue
        declared = "html" if content_type.startswith("text/html") else "text"
        submission = Submission(
            raw=path.read_bytes(), content_type=content_type, declared_format=declared, source="seed"
        )
        outcome = submit(session, submission)
        results.append((path.name, outcome.article.id, outcome.duplicate))
        click.echo(f"seeded {path.name}: {outcome.article.id}{' (already there)' if outcome.duplicate else ''}")
    return results


@main.command("seed")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default=SEED_DIR)
def seed_command(directory: Path) -> None:
    """Ingest the sample articles in DIRECTORY (default seeds/)."""
    from service import create_app

    app = create_app()
    with app.app_context():
        seed_directory(app, directory)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "declared_format", type=click.Choice(["auto", "text", "html"]), default="auto")
@click.option("--url", default=None, help="The page URL (helps HTML metadata).")
@click.option("--published-at", default=None, help="ISO 8601; resolves relative dates.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Write DIR/<stem>.json.")
def parse(
    files: tuple[Path, ...], declared_format: str, url: str | None, published_at: str | None, out: Path | None
) -> None:
    """Run the pure pipeline on files, no services needed; one JSON document per file."""
    from workers.pipeline import UnparseableDocument
    from workers.pipeline import parse as parse_document

    failed = False
    for path in files:
        try:
            result = parse_document(
                path.read_bytes(), declared_format=declared_format, url=url, published_at=published_at
            )
        except UnparseableDocument as error:
            click.echo(f"{path}: {error}", err=True)
            failed = True
            continue
        rendered = json.dumps(result, ensure_ascii=False, indent=2)
        if out:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{path.stem}.json").write_text(rendered + "\n", encoding="utf-8")
        else:
            click.echo(rendered)
    if failed:
        sys.exit(1)


@main.group()
def integrations() -> None:
    """Inbound webhook integrations (senders that push articles)."""


@integrations.command("create")
@click.option(
    "--type", "integration_type", required=True, type=click.Choice(["standard", "websub", "wordpress", "ghost"])
)
@click.option("--source", default=None, help="Source of the articles it creates (default <type>-<id prefix>).")
@click.option("--name", default=None, help="A name to recognise it by.")
@click.option("--topic", default=None, help="websub: the feed URL the hub must name when verifying.")
def integrations_create(integration_type: str, source: str | None, name: str | None, topic: str | None) -> None:
    """Create an integration; prints its webhook URL and its secret (shown only this once)."""
    from marshmallow import ValidationError

    from service import create_app
    from service.integrations import service as integration_service
    from service.integrations.schemas import IntegrationCreateSchema, IntegrationWithSecretSchema
    from service.models import DEFAULT_TENANT_ID

    request = {"type": integration_type, "source": source, "name": name, "topic": topic}
    try:
        data = IntegrationCreateSchema().load({key: value for key, value in request.items() if value is not None})
    except ValidationError as error:
        raise click.ClickException(json.dumps(error.messages)) from error
    app = create_app()
    try:
        with app.app_context():
            session = app.extensions["db"].session
            integration = integration_service.create_integration(session, DEFAULT_TENANT_ID, data)
            click.echo(json.dumps(IntegrationWithSecretSchema().dump(integration), indent=2))
    finally:
        app.extensions["db"].dispose()


@integrations.command("list")
def integrations_list() -> None:
    """List the integrations (without secrets)."""
    from service import create_app
    from service.integrations import service as integration_service
    from service.integrations.schemas import IntegrationSchema
    from service.models import DEFAULT_TENANT_ID

    app = create_app()
    try:
        with app.app_context():
            found = integration_service.list_integrations(app.extensions["db"].session, DEFAULT_TENANT_ID)
            click.echo(json.dumps(IntegrationSchema(many=True).dump(found), indent=2))
    finally:
        app.extensions["db"].dispose()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    from service.config import load_config
    from service.migrate import upgrade

    url = load_config()["DATABASE_URL"]
    upgrade(url, revision)
    click.echo(f"database at {revision}")


if __name__ == "__main__":
    main()
