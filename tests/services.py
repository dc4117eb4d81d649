"""Where the real test services are, and helpers to run the service's own processes against them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import redis

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("INGEST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("INGEST_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("INGEST_TEST_REDIS_PORT", "6379"))
# Redis database indexes of our own, so the suite never touches anyone else's keys (overridable so that two
# checkouts can run their suites side by side on one Redis).
REDIS_DB_API = int(os.environ.get("INGEST_TEST_REDIS_DB_API", "11"))
REDIS_DB_END_TO_END = int(os.environ.get("INGEST_TEST_REDIS_DB_END_TO_END", "12"))
REDIS_DB_WEBHOOKS = int(os.environ.get("INGEST_TEST_REDIS_DB_WEBHOOKS", "13"))
# Rate-limit storage of tests/api/test_rate_limits.py.
REDIS_DB_RATE_LIMITS = int(os.environ.get("INGEST_TEST_REDIS_DB_RATE_LIMITS", "14"))


def redis_url(db: int) -> str:
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"


def redis_client(db: int) -> redis.Redis:
    return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db)


def create_database(prefix: str) -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.2, message: str = "") -> Any:
    """Poll until predicate returns something truthy; fail with a message after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message or predicate}")
        time.sleep(interval)


class ServiceProcess:
    """An `ingest` subcommand running as a real child process with its own INGEST_* environment."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self.log_file = log_path.open("wb")
        full_env = {**os.environ, **env, "PYTHONUNBUFFERED": "1"}
        # Metrics files beside the log, not in the checkout; no metrics port unless a test asks for one.
        full_env.setdefault("INGEST_METRICS_DIR", str(log_path.parent / "metrics"))
        full_env.setdefault("INGEST_WORKER_METRICS_PORT", "0")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", *args],
            cwd=PROJECT_ROOT,
            env=full_env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        wait_until(lambda: text in self.log() or self.process.poll() is not None, timeout, message=repr(text))
        if text not in self.log():
            raise AssertionError(f"process exited before logging {text!r}:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
