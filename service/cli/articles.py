"""Articles from the command line: seed, parse offline, submit files to an API, reprocess."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from service.cli.context import app_context, current_session

SEED_DIR = Path("seeds")
SEED_SUFFIXES = {".txt": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8", ".htm": "text/html"}


def seed_directory(app: Any, directory: Path) -> list[tuple[str, str, bool]]:
    """Submit every seed file through the same path as the API."""
    from service.articles.submit import Submission, submit

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


@click.command("seed")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default=SEED_DIR)
def seed_command(directory: Path) -> None:
    """Ingest the sample articles in DIRECTORY (default seeds/)."""
    from service import create_app

    app = create_app()
    with app.app_context():
        seed_directory(app, directory)


@click.command()
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


@click.command("submit")
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

    from service.cli.submitter import StateFile, Submitter, submit_paths
    from service.config import load_config

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
    table.add_row("submitted (new articles)", str(summary.submitted))
    table.add_row("duplicates (already stored)", str(summary.duplicates))
    table.add_row("replayed (sent before, answer lost)", str(summary.replayed))
    table.add_row("already sent (state file)", str(summary.resumed))
    table.add_row("failed", str(len(summary.failures)))
    if summary.interrupted:
        table.add_row("not sent (interrupted; run again to send)", str(summary.not_sent))
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
    if summary.interrupted:
        sys.exit(130)
    if summary.failures:
        sys.exit(1)


@click.command()
@click.option("--all", "everything", is_flag=True, help="Every finished article.")
@click.option("--parser-version-below", default=None, help="Articles parsed by a parser older than this version.")
@click.option("--source", default=None, help="Articles of this source.")
@click.option("--tenant", "tenant_name", default=None, help="Only this tenant's articles.")
def reprocess(everything: bool, parser_version_below: str | None, source: str | None, tenant_name: str | None) -> None:
    """Run the current pipeline again on stored raw inputs (finished articles only)."""
    from service.articles.lifecycle import reprocess_matching

    if not (everything or parser_version_below or source):
        raise click.UsageError("say which articles: --all, --parser-version-below X or --source S")
    with app_context() as app:
        publisher = app.extensions["publisher"]
        try:
            article_ids = reprocess_matching(
                current_session(), parser_version_below=parser_version_below, source=source, tenant_name=tenant_name
            )
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        click.echo(
            f"{len(article_ids)} articles queued for reprocessing ({publisher.failed} left to the "
            "reconciler: the broker did not take them)"
        )
