"""Where LMS Board keeps its writable data: ``$LMS_BOARD_DATA``, default ``./data``
(the SQLite store, the trial-status overlay)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DATA_DIR = "./data"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$LMS_BOARD_DATA`` from ``env`` (default: the process environment), else ``./data``."""
    source = os.environ if env is None else env
    return Path(source.get("LMS_BOARD_DATA", "").strip() or DEFAULT_DATA_DIR)
