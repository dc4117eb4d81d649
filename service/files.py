"""Files and folders only their owner may read: the var directory, the SQLite database, the rate-limit counts."""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _tighten(path: Path, mode: int) -> None:
    """Set the owner-only mode on a path of ours that is looser (left by an older version, or a umask of 022)."""
    status = path.stat()
    if status.st_uid == os.geteuid() and status.st_mode & 0o777 & ~mode:
        path.chmod(mode)
        log.info("made %s owner-only (%o)", path, mode)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """The folder, created (with its parents) if missing, readable by its owner only."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _tighten(folder, PRIVATE_DIR_MODE)
    return folder


def private_file(path: str | os.PathLike[str]) -> Path:
    """The file, created empty if missing, readable by its owner only (SQLite gives its -wal and -shm the same)."""
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(file, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    _tighten(file, PRIVATE_FILE_MODE)
    return file
