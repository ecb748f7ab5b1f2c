"""Fixtures shared by the whole suite.

- ``repo_root``: the checkout (``/work/main``).
- ``shared_dir``: ``../shared`` beside the checkout (spec, example cases, evidence), or
  ``$LMS_BOARD_SHARED_DIR`` (a checkout in a worktree folder has no ``../shared``); tests that
  use it skip with a clear reason when it is absent.
- ``shared_cases``: ``{case_id: decoded JSON}`` of every ``shared/cases/PUB-*.json``.
- ``expected``: ``shared/cases/expected.json`` decoded.
- ``demo_cases``: the shipped demo cases as validated ``Case`` objects (fresh per test).
- ``case_dict``: a factory ``case_dict()`` for a complete, valid case dict that a test edits in
  place (a deep copy of the fully worked-up localized extremity case ``DEMO-01``); see
  ``strategies.changed`` to edit it by field path.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lms_board.case import Case
from lms_board.demo import demo_cases as _demo_cases

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("LMS_BOARD_SHARED_DIR") or REPO_ROOT.parent / "shared")
SHARED_CASES_DIR = SHARED_DIR / "cases"
DEMO_DIR = REPO_ROOT / "src" / "lms_board" / "demo_cases"


def shared_case_files() -> list[Path]:
    """The example case files of ``../shared/cases`` (empty when shared/ is absent)."""
    if not SHARED_CASES_DIR.is_dir():
        return []
    return sorted(SHARED_CASES_DIR.glob("PUB-*.json"))


def require_shared() -> Path:
    """``../shared``, or skip the calling test with the reason."""
    if not SHARED_CASES_DIR.is_dir():
        pytest.skip(f"shared material not found at {SHARED_DIR} (expected beside the checkout)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def shared_cases(shared_dir: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((shared_dir / "cases").glob("PUB-*.json")):
        out[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="session")
def expected(shared_dir: Path) -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(
        (shared_dir / "cases" / "expected.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture
def demo_cases() -> list[Case]:
    return _demo_cases()


def _base_case() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / "DEMO-01.json").read_text(encoding="utf-8"))
    return data


_BASE = _base_case()


@pytest.fixture
def case_dict() -> Callable[..., dict[str, Any]]:
    """``case_dict()`` returns a fresh deep copy of a complete valid case (DEMO-01)."""

    def make() -> dict[str, Any]:
        return copy.deepcopy(_BASE)

    return make
