"""Rate-limit counts in a SQLite file, shared by every API process of one machine (the embedded default).

`memory://` counts per process, so two gunicorn workers let twice the configured limit through. Production keeps
its counts in Redis; the embedded default has no Redis, so its processes share this file under the var directory.
URL: `ingest-sqlite:///absolute/path/rate-limits.db`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

from service.files import private_file

SCHEME = "ingest-sqlite"
SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at REAL NOT NULL)"
# Expired windows of other keys are deleted now and then, not on every hit.
PURGE_EVERY_HITS = 1000


def storage_url(path: str) -> str:
    return f"{SCHEME}://{path}"


class SQLiteStorage(Storage):
    """Fixed-window counters: one row per key and window, incremented atomically under SQLite's write lock."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: object) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = uri.split("://", 1)[1]
        self._local = threading.local()
        self._hits = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: gunicorn forks after the app is built.
        if getattr(self._local, "pid", None) != os.getpid():
            private_file(self.path)
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=True)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        connection = self._local.connection
        assert isinstance(connection, sqlite3.Connection)
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        with _transaction(connection):
            connection.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            row = connection.execute(
                "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET count = count + excluded.count RETURNING count",
                (key, amount, now + expiry),
            ).fetchone()
            self._hits += 1
            if self._hits % PURGE_EVERY_HITS == 0:
                connection.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute("SELECT count FROM counters WHERE key = ? AND expires_at > ?", (key, time.time()))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute("SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row and row[0] > time.time() else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        connection = self._connection()
        with _transaction(connection):
            count = connection.execute("SELECT COUNT(*) FROM counters").fetchone()[0]
            connection.execute("DELETE FROM counters")
        return int(count)

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))


class _transaction:
    """BEGIN IMMEDIATE ... COMMIT: the write lock is taken first, so two processes never both read the old count."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, error_type: object, *_: object) -> None:
        self.connection.execute("ROLLBACK" if error_type else "COMMIT")
