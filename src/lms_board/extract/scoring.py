"""Field precision and recall of an extracted partial case against a gold one (the corpus
under ``tests/extract/corpus``; used by the tests and by ``make bench``).

A case is flattened into units, one per stated value: ``tumor.size_cm``,
``pathology.ihc.desmin``, ``extent.metastases[lung]`` (the site is there) and
``extent.metastases[lung].count``, ``history.treatment_lines[docetaxel+gemcitabine].cycles``
(lines are matched by their drugs, radiotherapy courses by their timing, comorbidities by
code or name), and a list stated empty as the path with ``[]``. Free text
(``tumor.location``) matches case-insensitively when one contains the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms_board.extract.result import KEYED_LISTS

#: Item fields that are free-text copies, not values the documents state as such.
_NOT_SCORED = frozenset({"regimen", "note", "other_drugs", "doses_mg_m2", "drugs"})
_LOOSE = frozenset({"tumor.location"})
GROUPS = ("patient", "tumor", "pathology", "workup", "extent", "history")


def _key(list_path: str, item: Any) -> str:
    key_field = KEYED_LISTS[list_path]
    if key_field is None:
        return str(item).lower()
    if key_field == "drugs":
        return "+".join(sorted(item.get("drugs", [])))
    return str(item.get(key_field))


def units(case: dict[str, Any]) -> dict[str, Any]:
    """The scoring units of a (partial) case dict."""
    out: dict[str, Any] = {}
    for section, body in case.items():
        if not isinstance(body, dict):
            continue
        for name, value in body.items():
            path = f"{section}.{name}"
            if path in KEYED_LISTS and isinstance(value, list):
                if not value:
                    out[path] = "[]"
                for item in value:
                    key = _key(path, item)
                    out[f"{path}[{key}]"] = True
                    if isinstance(item, dict):
                        for attr, v in item.items():
                            if attr not in _NOT_SCORED and attr != KEYED_LISTS[path]:
                                out[f"{path}[{key}].{attr}"] = v
            elif path == "pathology.ihc" and isinstance(value, dict):
                for marker, result in value.items():
                    out[f"{path}.{marker}"] = result
            elif value is not None:
                out[path] = (
                    float(value)
                    if isinstance(value, int) and not isinstance(value, bool)
                    else value
                )
    return out


def same(path: str, a: Any, b: Any) -> bool:
    if path in _LOOSE and isinstance(a, str) and isinstance(b, str):
        return a.lower() in b.lower() or b.lower() in a.lower()
    return bool(a == b)


@dataclass
class Score:
    """Counts of correct, extracted and gold units, overall and per field group."""

    correct: int = 0
    extracted: int = 0
    gold: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.correct += other.correct
        self.extracted += other.extracted
        self.gold += other.gold
        self.wrong += other.wrong
        self.missed += other.missed


def score(extracted: dict[str, Any], gold: dict[str, Any], label: str = "") -> dict[str, Score]:
    """Scores by field group (and ``"all"``) of an extracted case against its gold case."""
    got, want = units(extracted), units(gold)
    scores = {g: Score() for g in (*GROUPS, "all")}
    for path, value in got.items():
        group = path.split(".")[0]
        ok = path in want and same(path, value, want[path])
        for g in (group, "all"):
            scores[g].extracted += 1
            scores[g].correct += ok
        if not ok:
            scores["all"].wrong.append(f"{label} {path} = {value!r} (gold {want.get(path, '-')!r})")
    for path, value in want.items():
        group = path.split(".")[0]
        for g in (group, "all"):
            scores[g].gold += 1
        if path not in got:
            scores["all"].missed.append(f"{label} {path} = {value!r}")
    return scores


def corpus_cases(root: Path) -> list[tuple[str, list[Path], dict[str, Any]]]:
    """``(case id, document paths, gold)`` for every case folder under ``root``."""
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        docs = sorted(p for p in folder.iterdir() if p.name != "gold.json")
        out.append((folder.name, docs, gold))
    return out
