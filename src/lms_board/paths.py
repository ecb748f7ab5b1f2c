"""Where LMS Board keeps its writable data: ``$LMS_BOARD_DATA``, default ``./data``
(the SQLite store, the trial-status overlay). Case data at rest is for its owner only: the
folder is made 0700 and the database files 0600 when they are created."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DATA_DIR = "./data"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$LMS_BOARD_DATA`` from ``env`` (default: the process environment), else ``./data``."""
    source = os.environ if env is None else env
    return Path(source.get("LMS_BOARD_DATA", "").strip() or DEFAULT_DATA_DIR)


def private_dir(path: Path) -> Path:
    """``path`` as a folder, created (with its parents) readable by its owner only (0700)."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is reduced by the umask, never widened; be exact
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty, readable and writable by its owner only (0600), if it is not
    there yet (SQLite then gives its -wal and -shm files the same mode)."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    os.close(fd)
    return path
