"""Serving: the API under gunicorn, workers, the scheduler, and `ingest run` with all of them on one machine."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import click

from service.celery import Message, Queues, Tasks
from service.cli.articles import SEED_DIR, seed_directory


@click.command()
@click.option("--bind", default=None, help="host:port (default INGEST_BIND, 127.0.0.1:8000).")
@click.option("--workers", type=int, default=None, help="gunicorn worker processes (default INGEST_API_WORKERS).")
@click.option("--threads", type=int, default=None, help="Threads per process (default INGEST_API_THREADS).")
def api(bind: str | None, workers: int | None, threads: int | None) -> None:
    """Serve the HTTP API with gunicorn."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger as GunicornLogger

    from service.config import load_config, use_multiprocess_metrics

    # Before the app (and prometheus_client) load: gunicorn's workers share one metrics folder.
    use_multiprocess_metrics(load_config()["METRICS_DIR"], "api")
    from service import create_app
    from service.celery import BackgroundPublisher, publish_in_background

    app = create_app()
    background: BackgroundPublisher | None = None
    if app.config["API_PUBLISH_IN_BACKGROUND"]:
        background = publish_in_background(app)

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
            threads_per_process = threads or app.config["API_THREADS"]
            self.cfg.set("worker_class", "gthread" if threads_per_process > 1 else "sync")
            self.cfg.set("threads", threads_per_process)
            # The app writes its own JSON access line (with request id and key prefix).
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", app.config["API_TIMEOUT_SECONDS"])
            if background is not None:
                # A worker leaving normally (restart, deploy, max requests) sends what it still holds first.
                self.cfg.set("worker_exit", lambda _server, _worker: background.flush())

        def load(self) -> Any:
            return app

    # Everything loaded so far lives as long as the process: out of the collector's way, and shared with the
    # forked workers page for page instead of being touched (copied) by their collections.
    gc.freeze()
    Server().run()


@click.command()
@click.option(
    "--queues",
    default=Queues.ARTICLES,
    show_default=True,
    help="Comma-separated queues to work on; every worker also consumes the control queue first, and the articles "
    "sent again ahead of the `ingest` backlog.",
)
@click.option("--concurrency", type=int, default=None, help="Processes (default INGEST_WORKER_CONCURRENCY).")
@click.option("--beat/--no-beat", default=False, help="Also run the periodic scheduler (the reconciler).")
def worker(queues: str, concurrency: int | None, beat: bool) -> None:
    """Run a Celery worker."""
    from celery.signals import setup_logging, worker_ready

    from service.cli import worker_runtime
    from service.config import load_config, use_multiprocess_metrics

    # Before prometheus_client loads: the pool's processes write to one folder the main process serves.
    use_multiprocess_metrics(load_config()["METRICS_DIR"], "worker")
    from service import create_app
    from service.ops import metrics

    app = create_app()
    celery = app.extensions["celery"]
    metrics.connect_task_signals()

    @setup_logging.connect(weak=False)
    def keep_our_logging(**_kwargs: Any) -> None:
        # create_app configured JSON logging already; a receiver here stops Celery from replacing it.
        pass

    worker_runtime.install(app)
    work = queues.split(",")

    @worker_ready.connect(weak=False)
    def reconcile_at_start(**_kwargs: Any) -> None:
        # Whatever was lost while no worker ran (a crash, a broker restart) is sent again now, not in a minute.
        if Queues.ARTICLES in work:
            app.extensions["publisher"].send([Message(Tasks.RECONCILE)])
        if Queues.WEBHOOKS in work:
            app.extensions["publisher"].send([Message(Tasks.SWEEP_WEBHOOKS)])
        if port := app.config["WORKER_METRICS_PORT"]:
            metrics.serve_worker_metrics(port)

    argv = [
        "worker",
        f"--loglevel={app.config['LOG_LEVEL']}",
        f"--queues={','.join(Queues.consumed(work))}",
        f"--concurrency={concurrency or app.config['WORKER_CONCURRENCY']}",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        keep_schedule_file(app.config)
        argv.append("--beat")
    celery.worker_main(argv)


@click.command()
def beat() -> None:
    """Run the periodic scheduler alone (production runs one, beside any number of workers)."""
    from service import create_app

    app = create_app()
    keep_schedule_file(app.config)
    app.extensions["celery"].start(["beat", "--loglevel=INFO"])


def keep_schedule_file(config: dict[str, Any]) -> None:
    # Beat keeps its schedule under the var directory, which a fresh checkout on PostgreSQL + Redis has not made.
    Path(config["BEAT_SCHEDULE_FILE"]).parent.mkdir(parents=True, exist_ok=True)


@click.command()
@click.option("--seed/--no-seed", default=True, help="Ingest seeds/ once the API answers.")
def run(seed: bool) -> None:
    """Run the API, a parsing worker and a webhook worker with the scheduler (embedded SQLite + filesystem queue
    unless INGEST_* say otherwise); a worker that exits is started again."""
    from service import create_app
    from service.migrate import upgrade

    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    with app.app_context():
        local_key = ensure_local_key(app)
    base_url = f"http://{app.config['BIND']}"
    command = [sys.executable, "-m", "service.cli"]
    worker_commands = [
        # Parsing and webhooks on workers of their own, as in production: deliveries and their retries go out on
        # time however many articles wait, and the scheduler runs beside the deliveries.
        [*command, "worker", "--concurrency", "1", "--queues", Queues.ARTICLES],
        [*command, "worker", "--beat", "--concurrency", "1", "--queues", Queues.WEBHOOKS],
    ]
    port = app.config["WORKER_METRICS_PORT"]
    # Each worker serves its own metrics: the second on the next port.
    worker_envs = [os.environ, {**os.environ, "INGEST_WORKER_METRICS_PORT": str(port + 1 if port else 0)}]
    workers = [subprocess.Popen(worker, env=env) for worker, env in zip(worker_commands, worker_envs, strict=True)]
    api_process = subprocess.Popen([*command, "api", "--workers", "2"])
    children = [*workers, api_process]

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
        click.echo(banner(base_url, local_key, Path(app.config["LOCAL_KEY_FILE"])))
        while api_process.poll() is None:
            for index, worker in enumerate(workers):
                if worker.poll() is not None:
                    # A worker killed whole (OOM killer, kill -9) is started again; the reconciler it runs at start
                    # sends again whatever it held.
                    click.echo(f"a worker exited ({worker.returncode}); starting it again", err=True)
                    restarted = subprocess.Popen(worker_commands[index], env=worker_envs[index])
                    workers[index] = children[index] = restarted
            time.sleep(0.5)
        click.echo("the API exited; stopping", err=True)
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
    from service.access.keys import SCOPES, create_key, find_active_key

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


def banner(base_url: str, key: str | None, key_file: Path) -> str:
    seed = SEED_DIR / "000_58a277481ee7be65.txt"
    auth = f"-H 'Authorization: Bearer {key}'" if key else "-H 'Authorization: Bearer YOUR_KEY'"
    return f"""
The ingestion service is running at {base_url} (docs: {base_url}/docs). Ctrl-C stops it.
Local API key (all scopes; kept in {key_file}): {key or "see `ingest keys create`"}
Console: {base_url}/console/ (sign in with the key above)

  curl -s {auth} -X POST -H 'Content-Type: text/plain' --data-binary @{seed} {base_url}/v1/articles
  curl -s {auth} '{base_url}/v1/articles?q=Ukraine'
  curl -s {auth} {base_url}/v1/articles/ID
  ingest submit --api {base_url} path/to/articles/
"""
