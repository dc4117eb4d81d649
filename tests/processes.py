"""Finding and killing the processes of a running service, as an operator (or the OOM killer) would."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def children(pid: int) -> list[int]:
    """Pids of the live processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != b"Z":
            found.append(int(entry.name))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_of(parent: int, queue: str) -> int | None:
    """The `ingest worker` started by `parent` that works on `queue`."""
    for pid in children(parent):
        words = command_line(pid).split()
        if "worker" in words and queue in words:
            return pid
    return None


def pool_process(worker: int) -> int | None:
    """The (first) pool process of a Celery worker."""
    pool = children(worker)
    return pool[0] if pool else None


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[1].split()[0] != b"Z"
