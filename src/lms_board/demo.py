"""The shipped demo cases: de-identified, invented LMS cases for a board on 2026-12-01.

One case per classification subtype plus the awkward ones a board meets (incomplete workup,
ECOG 3, anthracycline limit reached, GIST not excluded). They live as case-format JSON files
in ``lms_board/demo_cases/`` and are validated by the same :class:`~lms_board.case.Case`
model as any uploaded case.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from lms_board.case import Case, parse_case_json

_FOLDER = "demo_cases"


def _demo_files() -> list[Traversable]:
    return sorted(
        (f for f in files("lms_board").joinpath(_FOLDER).iterdir() if f.name.endswith(".json")),
        key=lambda f: f.name,
    )


def demo_cases() -> list[Case]:
    """Every demo case, validated, sorted by ``case_id``; a fresh copy on every call."""
    cases = [parse_case_json(f.read_bytes()) for f in _demo_files()]
    return sorted(cases, key=lambda c: c.case_id)


def demo_case(case_id: str) -> Case:
    """The demo case with this id (e.g. ``"DEMO-03"``); ``KeyError`` if there is none."""
    for case in demo_cases():
        if case.case_id == case_id:
            return case
    raise KeyError(f"no demo case with id {case_id!r}")
