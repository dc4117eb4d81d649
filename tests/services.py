"""Where the real test services are, and helpers to run the service's own processes against them."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import redis

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The mission's example article, as `make run` ingests it.
SEED_ARTICLE = PROJECT_ROOT / "seeds" / "000_58a277481ee7be65.txt"
POSTGRES_ADMIN_URL = os.environ.get("INGEST_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("INGEST_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("INGEST_TEST_REDIS_PORT", "6379"))
# Redis database indexes this run may lease (INGEST_TEST_REDIS_DBS, "first-last"): a run holds two of them, one for
# the in-process API and one for tests that start worker processes, so several checkouts' suites (or CI beside a
# developer) can share one Redis without touching each other's queues.
REDIS_DB_RANGE = os.environ.get("INGEST_TEST_REDIS_DBS", "2-15")
REDIS_ROLES = ("api", "workers")
LEASE_KEY = "ingest-test:lease"
LEASE_SECONDS = 600
LEASE_WAIT_SECONDS = 900
RENEW_IF_OURS = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end"


class RedisLease:
    """Redis databases held by this test run: taken with SET NX, renewed while the run lives, expiring if it dies."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex
        self.databases: dict[str, int] = {}
        self._renewer: threading.Thread | None = None
        self._stopped = threading.Event()

    def database(self, role: str) -> int:
        if not self.databases:
            self._acquire()
        return self.databases[role]

    def _candidates(self) -> list[int]:
        first, _, last = REDIS_DB_RANGE.partition("-")
        return list(range(int(first), int(last or first) + 1))

    def _acquire(self) -> None:
        held: list[int] = []
        deadline = time.monotonic() + LEASE_WAIT_SECONDS
        while len(held) < len(REDIS_ROLES):
            for db in self._candidates():
                if db not in held and redis_client(db).set(LEASE_KEY, self.token, nx=True, ex=LEASE_SECONDS):
                    held.append(db)
                    if len(held) == len(REDIS_ROLES):
                        break
            if len(held) < len(REDIS_ROLES):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no free Redis databases in {REDIS_DB_RANGE} (INGEST_TEST_REDIS_DBS)")
                time.sleep(2)
        self.databases = dict(zip(REDIS_ROLES, held, strict=True))
        self._renewer = threading.Thread(target=self._renew, name="redis-lease", daemon=True)
        self._renewer.start()

    def _renew(self) -> None:
        while not self._stopped.wait(LEASE_SECONDS / 5):
            for db in self.databases.values():
                # Only while it is still ours: a lease that lapsed (a stalled run) is never taken back from another.
                redis_client(db).eval(RENEW_IF_OURS, 1, LEASE_KEY, self.token, LEASE_SECONDS)

    def flush(self, db: int) -> None:
        """Empty a database of ours and keep it marked ours in one transaction: between the two, another run could
        otherwise take it (and then flush away our queues' bindings, so our messages would vanish)."""
        with redis_client(db).pipeline(transaction=True) as pipeline:
            pipeline.flushdb()
            pipeline.set(LEASE_KEY, self.token, ex=LEASE_SECONDS)
            pipeline.execute()

    def release(self) -> None:
        self._stopped.set()
        for db in self.databases.values():
            client = redis_client(db)
            if client.get(LEASE_KEY) == self.token.encode():
                client.flushdb()
        self.databases = {}


LEASE = RedisLease()


def redis_db(role: str) -> int:
    """This run's Redis database for a role: "api" (in-process apps, rate limits) or "workers" (worker processes)."""
    return LEASE.database(role)


def flush_redis(db: int) -> None:
    """Empty one of this run's Redis databases, keeping it leased."""
    LEASE.flush(db)


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
