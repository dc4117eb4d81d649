"""`make stack`: the processes of docker-compose.yml, started from its own commands and environment, against the
local PostgreSQL (127.0.0.1:5432, user postgres, trust) and Redis (127.0.0.1:6379), since no container engine runs
here. Only addresses change: the database is `ingest_stack` (INGEST_STACK_DATABASE), the queues use Redis database 8
and the rate limits database 9 (INGEST_STACK_REDIS_DB), the API listens on 127.0.0.1:8800 (INGEST_STACK_PORT), and
logs and metrics go under var/stack/. A process that exits is started again, as compose's `restart: unless-stopped`.

    python scripts/stack.py [--fresh]     # runs until Ctrl-C; prints the API address and a key
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
import redis
import yaml

PROJECT = Path(__file__).resolve().parents[1]
COMPOSE = PROJECT / "docker-compose.yml"
# The processes of the compose file this runs (postgres and redis are the machine's; flower is left out).
ROLES = ("api", "worker", "webhook-worker", "beat")
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Test suites on this machine lease Redis databases by this key (tests/services.py) and empty the ones they take:
# the stack holds the same lease on its own two, so no suite takes them while it runs.
LEASE_KEY = "ingest-test:lease"
LEASE_SECONDS = 120


class StackSettings:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.database = os.environ.get("INGEST_STACK_DATABASE", "ingest_stack")
        self.redis_db = int(os.environ.get("INGEST_STACK_REDIS_DB", "8"))
        self.port = int(os.environ.get("INGEST_STACK_PORT", "8800"))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def local(self, value: str) -> str:
        """A compose value with the containers' addresses replaced by this machine's."""
        return (
            value.replace(
                "postgresql://ingest:ingest@postgres:5432/ingest",
                f"postgresql://postgres@127.0.0.1:5432/{self.database}",
            )
            .replace("redis://redis:6379/0", f"redis://127.0.0.1:6379/{self.redis_db}")
            .replace("redis://redis:6379/1", f"redis://127.0.0.1:6379/{self.redis_db + 1}")
            .replace("/var/lib/ingest/metrics", str(self.folder / "metrics"))
            .replace("0.0.0.0:8000", f"127.0.0.1:{self.port}")
        )


def compose_services() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())["services"]  # type: ignore[no-any-return]


class Stack:
    """The compose file's processes on this machine: start, kill, restart, and keep them running."""

    def __init__(self, folder: Path, overrides: dict[str, str] | None = None) -> None:
        self.settings = StackSettings(folder)
        self.overrides = overrides or {}
        self.services = compose_services()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.stopped: set[str] = set()
        self._lock = threading.Lock()
        self._supervising = threading.Event()
        self._lease = f"stack-{os.getpid()}"
        folder.mkdir(parents=True, exist_ok=True)

    def _redis_databases(self) -> list[redis.Redis]:
        return [
            redis.Redis(host="127.0.0.1", port=6379, db=db)
            for db in (self.settings.redis_db, self.settings.redis_db + 1)
        ]

    def hold_lease(self) -> None:
        """Mark the stack's Redis databases taken (again after a flush or a Redis restart), for LEASE_SECONDS."""
        for client in self._redis_databases():
            # Redis may be away (a fault being injected): the next renewal takes it again.
            with contextlib.suppress(redis.RedisError):
                client.set(LEASE_KEY, self._lease, ex=LEASE_SECONDS)

    def _keep_lease(self) -> None:
        while self._supervising.is_set():
            self.hold_lease()
            time.sleep(5)

    def env(self, role: str) -> dict[str, str]:
        compose_env = {
            key: self.settings.local(str(value)) for key, value in self.services[role]["environment"].items()
        }
        var = {"INGEST_VAR_DIR": str(self.settings.folder / "var")}
        return {**os.environ, **compose_env, **var, **self.overrides, "PYTHONUNBUFFERED": "1"}

    def command(self, role: str) -> list[str]:
        command = [self.settings.local(word) for word in self.services[role]["command"]]
        assert command[0] == "ingest", command
        return [sys.executable, "-m", "service.cli", *command[1:]]

    def log_path(self, role: str) -> Path:
        return self.settings.folder / f"{role}.log"

    def prepare(self, fresh: bool) -> None:
        """The database (created, or recreated when fresh), empty Redis databases when fresh, then `migrate`."""
        with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
            if fresh:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.settings.database}" WITH (FORCE)')
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.settings.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.settings.database}"')
        if fresh:
            for client in self._redis_databases():
                held = client.get(LEASE_KEY)
                if held and not held.decode().startswith("stack-"):
                    raise RuntimeError(
                        f"Redis db {client.connection_pool.connection_kwargs['db']} is leased by a test run"
                    )
                client.flushdb()
        self.hold_lease()
        subprocess.run(self.command("migrate"), env=self.env("migrate"), cwd=PROJECT, check=True, capture_output=True)

    def create_key(self) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "service.cli", "keys", "create", "--tenant", "default", "--create-tenant",
             "--scope", "ingest", "--scope", "read", "--scope", "admin"],
            env=self.env("api"), cwd=PROJECT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return result.stdout.strip().splitlines()[-1]

    def start(self, role: str) -> None:
        with self._lock:
            log = self.log_path(role).open("ab")
            self.processes[role] = subprocess.Popen(
                self.command(role), env=self.env(role), cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            self.stopped.discard(role)

    def start_all(self) -> None:
        for role in ROLES:
            self.start(role)
        self.wait_until_ready()
        self._supervising.set()
        threading.Thread(target=self._supervise, daemon=True).start()
        threading.Thread(target=self._keep_lease, daemon=True).start()

    def wait_until_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.settings.base_url}/readyz", timeout=2):
                    pass
                if all(
                    "ready." in self.log_path(role).read_text(errors="replace") for role in ("worker", "webhook-worker")
                ):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the stack did not come up within {timeout:.0f} s; logs in {self.settings.folder}")

    def _supervise(self) -> None:
        # compose's `restart: unless-stopped`: a process that exited (killed, crashed) is started again.
        while self._supervising.is_set():
            for role, process in list(self.processes.items()):
                if role not in self.stopped and process.poll() is not None:
                    self.start(role)
            time.sleep(0.5)

    def pid(self, role: str) -> int:
        return self.processes[role].pid

    def stop_all(self) -> None:
        self._supervising.clear()
        for client in self._redis_databases():
            if client.get(LEASE_KEY) == self._lease.encode():
                client.delete(LEASE_KEY)
        self.stopped.update(self.processes)
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description="Run docker-compose.yml's processes on this machine.")
    parser.add_argument("--fresh", action="store_true", help="drop the stack's database and Redis databases first")
    arguments = parser.parse_args()
    stack = Stack(PROJECT / "var" / "stack")
    stack.prepare(arguments.fresh)
    key = stack.create_key()
    stack.start_all()
    print(f"The stack runs at {stack.settings.base_url} (logs in {stack.settings.folder}). Ctrl-C stops it.")
    print(f"API key (ingest, read, admin): {key}")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    stack.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
