"""The `ingest` command: run the service, parse files offline, seed, migrate."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
    from gunicorn.glogging import Logger as GunicornLogger

    from service.config import load_config, use_multiprocess_metrics

    # Before the app (and prometheus_client) load: gunicorn's workers share one metrics folder.
    use_multiprocess_metrics(load_config()["METRICS_DIR"], "api")
    from service import create_app

    app = create_app()

    class JsonLogger(GunicornLogger):  # type: ignore[misc]
        """gunicorn's own messages go through the root handler too, so they are JSON like the app's."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for logger in (self.error_log, self.access_log):
                logger.handlers.clear()
                logger.propagate = True

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("logger_class", JsonLogger)
            self.cfg.set("bind", bind or app.config["BIND"])
            self.cfg.set("workers", workers or app.config["API_WORKERS"])
            # The app writes its own JSON access line (with request id and key prefix).
            self.cfg.set("accesslog", None)
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
    from celery.signals import setup_logging, worker_ready

    from service.config import load_config, use_multiprocess_metrics

    # Before prometheus_client loads: the pool's processes write to one folder the main process serves.
    use_multiprocess_metrics(load_config()["METRICS_DIR"], "worker")
    from service import create_app, metrics

    app = create_app()
    celery = app.extensions["celery"]
    metrics.connect_task_signals()

    @setup_logging.connect(weak=False)
    def keep_our_logging(**_kwargs: Any) -> None:
        # create_app configured JSON logging already; a receiver here stops Celery from replacing it.
        pass

    @worker_ready.connect(weak=False)
    def reconcile_at_start(**_kwargs: Any) -> None:
        # Whatever was lost while no worker ran (a crash, a broker restart) is sent again now, not in a minute.
        consumed = queues.split(",")
        if "ingest" in consumed:
            celery.send_task("workers.tasks.reconcile", queue="ingest")
        if "webhooks" in consumed:
            celery.send_task("workers.tasks.sweep_webhooks", queue="webhooks")
        if port := app.config["WORKER_METRICS_PORT"]:
            metrics.serve_worker_metrics(port)

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
    with app.app_context():
        local_key = ensure_local_key(app)
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
        click.echo(banner(base_url, local_key))
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


LOCAL_TENANT = "default"


def ensure_local_key(app: Any) -> str | None:
    """On first start, a key with every scope for the default tenant, written owner-only to LOCAL_KEY_FILE."""
    from service.auth.keys import SCOPES, create_key, find_active_key

    key_file = Path(app.config["LOCAL_KEY_FILE"])
    session = app.extensions["db"].session
    if key_file.exists():
        kept = key_file.read_text().strip()
        # A key file that outlived its database (or whose key was revoked) is replaced, not trusted.
        if kept and find_active_key(session, kept) is not None:
            return kept
        key_file.unlink()
    issued = create_key(session, LOCAL_TENANT, list(SCOPES), name="local (ingest run)")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.touch(mode=0o600)
    key_file.write_text(issued.secret + "\n")
    click.echo(f"Created a local API key ({issued.record.prefix}...) with scopes {', '.join(SCOPES)}: {key_file}")
    return issued.secret


def banner(base_url: str, key: str | None) -> str:
    seed = SEED_DIR / "000_58a277481ee7be65.txt"
    auth = f"-H 'Authorization: Bearer {key}'" if key else "-H 'Authorization: Bearer YOUR_KEY'"
    return f"""
The ingestion service is running at {base_url} (docs: {base_url}/docs). Ctrl-C stops it.
Local API key (all scopes; kept in the file LOCAL_KEY_FILE): {key or "see `ingest keys create`"}

  curl -s {auth} -X POST -H 'Content-Type: text/plain' --data-binary @{seed} {base_url}/v1/articles
  curl -s {auth} '{base_url}/v1/articles?q=Ukraine'
  curl -s {auth} {base_url}/v1/articles/ID
  ingest submit --api {base_url} path/to/articles/
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


@main.command("submit")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--api", default=None, help="Base URL of the API (default http://INGEST_BIND).")
@click.option(
    "--key",
    envvar="INGEST_API_KEY",
    default=None,
    help="API key with the ingest scope ($INGEST_API_KEY; default: the embedded default's local key file).",
)
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--source", default=None, help="Source to record for every document.")
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".ingest-submit-state.jsonl"),
    show_default=True,
    help="What was already sent: a rerun skips it.",
)
@click.option("--retries", type=click.IntRange(0, 20), default=5, show_default=True)
def submit_command(
    paths: tuple[Path, ...],
    api: str | None,
    key: str | None,
    concurrency: int,
    source: str | None,
    state_path: Path,
    retries: int,
) -> None:
    """Send files and directories (txt, html, json, ndjson) to the API; safe to interrupt and run again."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.table import Table

    from service.config import load_config
    from service.submitter import StateFile, Submitter, submit_paths

    config = load_config()
    api = api or f"http://{config['BIND']}"
    if key is None and Path(config["LOCAL_KEY_FILE"]).exists():
        key = Path(config["LOCAL_KEY_FILE"]).read_text().strip()
    if not key:
        raise click.UsageError("give an API key: --key, $INGEST_API_KEY, or run `ingest run` once for a local key")
    console = Console(stderr=True)
    submitter = Submitter(api, key, source=source, retries=retries)
    with Progress(
        TextColumn("submitting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    ) as progress:
        task = progress.add_task("submit", total=None)
        summary = submit_paths(
            list(paths),
            submitter,
            StateFile(state_path),
            concurrency=concurrency,
            on_total=lambda total: progress.update(task, total=total),
            on_done=lambda _outcome: progress.advance(task),
        )
    table = Table(title="ingest submit")
    table.add_column("outcome")
    table.add_column("documents", justify="right")
    table.add_row("submitted", str(summary.submitted))
    table.add_row("duplicates", str(summary.duplicates))
    table.add_row("already sent (state file)", str(summary.resumed))
    table.add_row("failed", str(len(summary.failures)))
    if summary.skipped_files:
        table.add_row("files skipped (not txt/html/json/ndjson)", str(len(summary.skipped_files)))
    Console().print(table)
    if summary.failures:
        failures = Table(title="failed")
        failures.add_column("document")
        failures.add_column("reason")
        for outcome in summary.failures:
            failures.add_row(outcome.label, outcome.reason or "")
        Console().print(failures)
        sys.exit(1)


# --- Access -----------------------------------------------------------------------------------------------------


@contextmanager
def _app_context() -> Iterator[Any]:
    """An app context for a one-shot command; its connections are closed when the command ends."""
    from service import create_app

    app = create_app()
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["db"].dispose()


def _session() -> Any:
    from flask import current_app

    return current_app.extensions["db"].session


@main.group()
def tenants() -> None:
    """Tenants: every article, key and query belongs to one."""


@tenants.command("create")
@click.argument("name")
def tenants_create(name: str) -> None:
    """Create a tenant called NAME."""
    from service.auth.keys import create_tenant, get_tenant

    with _app_context():
        if get_tenant(_session(), name):
            raise click.ClickException(f"tenant {name!r} exists already")
        tenant = create_tenant(_session(), name)
        click.echo(f"tenant {tenant.name}: {tenant.id}")


@tenants.command("list")
def tenants_list() -> None:
    """List tenants."""
    from service.auth.keys import list_tenants

    with _app_context():
        for tenant in list_tenants(_session()):
            click.echo(f"{tenant.id}  {tenant.name}")


@main.group()
def keys() -> None:
    """API keys: shown once when created, stored only as a hash."""


@keys.command("create")
@click.option("--tenant", "tenant_name", required=True, help="Tenant name (see `ingest tenants`).")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(["ingest", "read", "admin", "metrics"])
)
@click.option("--name", default=None, help="A label for people, e.g. who uses the key.")
@click.option("--create-tenant", is_flag=True, help="Create the tenant first when it does not exist.")
def keys_create(tenant_name: str, scopes: tuple[str, ...], name: str | None, create_tenant: bool) -> None:
    """Issue a key; the key itself is printed once, on stdout, and cannot be shown again."""
    from service.auth.keys import UnknownTenant, create_key, get_tenant
    from service.auth.keys import create_tenant as make_tenant

    with _app_context():
        if create_tenant and get_tenant(_session(), tenant_name) is None:
            make_tenant(_session(), tenant_name)
        try:
            issued = create_key(_session(), tenant_name, list(scopes), name=name)
        except UnknownTenant:
            raise click.ClickException(
                f"no tenant {tenant_name!r}: `ingest tenants create {tenant_name}` or add --create-tenant"
            ) from None
        click.echo(f"key {issued.record.id} for {tenant_name}, scopes {' '.join(issued.record.scopes)}", err=True)
        click.echo("Store it now: it is not kept and cannot be shown again.", err=True)
        click.echo(issued.secret)


@keys.command("list")
@click.option("--tenant", "tenant_name", default=None)
def keys_list(tenant_name: str | None) -> None:
    """List keys (prefix, scopes, state), never the keys themselves."""
    from service.auth.keys import list_keys

    with _app_context():
        for record in list_keys(_session(), tenant_name):
            state = f"revoked {record.revoked_at:%Y-%m-%d}" if record.revoked_at else "active"
            click.echo(
                f"{record.id}  {record.tenant.name:<20} {record.prefix}...  {','.join(record.scopes):<18} "
                f"{state:<18} {record.name or ''}"
            )


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (or its prefix); requests with it are refused from now on."""
    from service.auth.keys import revoke_key

    with _app_context():
        record = revoke_key(_session(), key_id)
        if record is None:
            raise click.ClickException(f"no key {key_id!r}")
        click.echo(f"revoked {record.id} ({record.prefix}...)")


# --- Reprocessing ----------------------------------------------------------------------------------------------


@main.command()
@click.option("--all", "everything", is_flag=True, help="Every finished article.")
@click.option("--parser-version-below", default=None, help="Articles parsed by a parser older than this version.")
@click.option("--source", default=None, help="Articles of this source.")
@click.option("--tenant", "tenant_name", default=None, help="Only this tenant's articles.")
def reprocess(everything: bool, parser_version_below: str | None, source: str | None, tenant_name: str | None) -> None:
    """Run the current pipeline again on stored raw inputs (finished articles only)."""
    from rich.progress import Progress

    from service.articles import select_for_reprocessing
    from service.ingest import enqueue_processing

    if not (everything or parser_version_below or source):
        raise click.UsageError("say which articles: --all, --parser-version-below X or --source S")
    with _app_context():
        try:
            article_ids = select_for_reprocessing(
                _session(), parser_version_below=parser_version_below, source=source, tenant_name=tenant_name
            )
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        sent = 0
        with Progress(transient=False) as progress:
            task = progress.add_task("queueing", total=len(article_ids))
            for article_id in article_ids:
                sent += enqueue_processing(article_id, reprocess=True)
                progress.advance(task)
        click.echo(
            f"{len(article_ids)} articles queued for reprocessing ({len(article_ids) - sent} left to the "
            "reconciler: the broker did not take them)"
        )


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
