"""The prefork pool of the embedded worker, with queue locks that die with the process holding them.

Without an event loop (kombu's filesystem transport has none) Celery runs billiard's blocking pool: its processes
share one pipe of tasks and one of results, each guarded by a multiprocessing lock. An idle process waits for work
holding the task pipe's lock, so a process killed then (OOM killer, SIGKILL) takes the lock with it and its
replacement waits on it forever: the worker hangs. A POSIX record lock (lockf) belongs to its process, and the
kernel releases it when the process dies.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from types import TracebackType

from billiard.pool import Pool as BlockingPool
from celery.concurrency import prefork


class ProcessLock:
    """A lock between processes (and the threads of each) that its holder's death releases."""

    def __init__(self) -> None:
        # Opened once and unlinked at once: the pool's processes inherit the descriptor, and lockf locks belong to
        # processes, not descriptors, so each process locks for itself and nothing is left on disk.
        handle, path = tempfile.mkstemp(prefix="ingest-pool-", suffix=".lock")
        os.unlink(path)
        self.fd = handle
        self._threads = threading.Lock()
        self._pid = os.getpid()

    def _thread_lock(self) -> threading.Lock:
        if self._pid != os.getpid():  # a new process: a lock copied from the parent must not start held
            self._threads, self._pid = threading.Lock(), os.getpid()
        return self._threads

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        threads = self._thread_lock()
        if not threads.acquire(block, -1 if timeout is None else timeout):
            return False
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX if block else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            threads.release()
            return False
        return True

    def release(self) -> None:
        fcntl.lockf(self.fd, fcntl.LOCK_UN)
        self._thread_lock().release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.release()


class RobustBlockingPool(BlockingPool):  # type: ignore[misc]
    """billiard's blocking pool whose processes read tasks and write results under ProcessLocks."""

    def _setup_queues(self) -> None:
        super()._setup_queues()
        # Read by the pool's processes, written by the parent: the readers' lock is the one a killed process held.
        self._inqueue._rlock = ProcessLock()
        # Written by the pool's processes: one killed mid-write would leave the results pipe locked the same way.
        self._outqueue._wlock = ProcessLock()


class TaskPool(prefork.TaskPool):  # type: ignore[misc]
    """Celery's prefork pool with RobustBlockingPool when there is no event loop (the embedded default)."""

    BlockingPool = RobustBlockingPool
