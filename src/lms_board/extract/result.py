"""What an extraction gives back: values with their sources, conflicts, identifiers,
missing fields; the partial case built from the chosen values; JSON for the CLI.

Field paths name list items by key, the way a board reads them:
``extent.metastases[lung].count``, ``history.treatment_lines[docetaxel+gemcitabine].cycles``,
``history.radiotherapy_courses[postoperative].dose_gy``, ``pathology.ihc.desmin``,
``patient.coded_comorbidities[renal_impairment].egfr_ml_min``. A list stated empty ("no
evidence of metastatic disease") is the path alone with ``[]``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any

from lms_board.extract.identifiers import IdentifierSpan

_KEYED = re.compile(r"^(?P<list>[a-z_.]+)\[(?P<key>[^\]]+)\](?:\.(?P<attr>[a-z_0-9]+))?$")
#: List fields whose items are keyed, and the item field the key fills.
KEYED_LISTS: dict[str, str | None] = {
    "extent.metastases": "site",
    "history.treatment_lines": "drugs",
    "history.radiotherapy_courses": "timing",
    "patient.coded_comorbidities": "code",
    "patient.comorbidities": None,
    "patient.declines": None,
    "pathology.molecular": None,
}


@dataclass(frozen=True)
class Source:
    """Where a value was read: the document, the span of the matched words, the sentence
    (identifiers replaced by ``[removed]``) and where the match is in that sentence."""

    file: str
    start: int
    end: int
    sentence: str
    mark: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "mark": list(self.mark),
        }


@dataclass(frozen=True)
class FieldValue:
    """One value of the partial case, with its source and the rule that found it."""

    path: str
    value: Any
    source: Source
    rule: str
    note: str = ""
    seen_in: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "value": self.value,
            "source": self.source.to_json(),
            "rule": self.rule,
        }
        if self.note:
            out["note"] = self.note
        if len(self.seen_in) > 1:
            out["seen_in"] = list(self.seen_in)
        return out


@dataclass(frozen=True)
class Conflict:
    """Documents that disagree on one field: every candidate, the chosen one and why."""

    path: str
    candidates: tuple[FieldValue, ...]
    chosen: int
    why: str

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "candidates": [c.to_json() for c in self.candidates],
            "chosen": self.chosen,
            "why": self.why,
        }


@dataclass
class ExtractionResult:
    """The result of :func:`lms_board.extract.extract_documents`."""

    fields: list[FieldValue]
    conflicts: list[Conflict]
    identifiers: list[IdentifierSpan]
    documents: list[str]
    notes: list[str] = field(default_factory=list)
    required: tuple[str, ...] = ()
    wanted: tuple[str, ...] = ()

    # ------------------------------------------------------------------ choices
    def resolve(self, path: str, candidate: int) -> None:
        """Choose candidate ``candidate`` of the conflict on ``path`` (the reviewer's click)."""
        for i, c in enumerate(self.conflicts):
            if c.path != path:
                continue
            if not 0 <= candidate < len(c.candidates):
                raise IndexError(f"{path}: no candidate {candidate}")
            chosen = c.candidates[candidate]
            self.conflicts[i] = replace(c, chosen=candidate, why="chosen by the reviewer")
            self.fields = [chosen if f.path == path else f for f in self.fields]
            return
        raise KeyError(f"{path}: no conflict on this field")

    def value(self, path: str) -> Any:
        return next((f.value for f in self.fields if f.path == path), None)

    # ------------------------------------------------------------------ the case
    def case_dict(self) -> dict[str, Any]:
        """The partial case (format v2 shape) from the chosen values, only what the
        documents state, cross-field rules kept (a value that would break one is left out
        and said in ``notes``)."""
        case, _ = build_case(self.fields)
        return case

    @property
    def missing(self) -> list[str]:
        """Required fields, then fields the board needs, that no document states."""
        have = {f.path.split("[")[0] for f in self.fields}
        have |= {p.rsplit(".", 1)[0] for p in have if p.startswith("pathology.ihc.")}
        out = [p for p in self.required if p not in have]
        return out + [p for p in self.wanted if p not in have and p not in out]

    def provenance(self) -> list[dict[str, Any]]:
        """What to keep with a saved case: path, value, file, rule and the sentence with
        identifiers removed (never the documents themselves)."""
        return [
            {
                "path": f.path,
                "value": f.value,
                "file": f.source.file,
                "rule": f.rule,
                "sentence": f.source.sentence,
            }
            for f in self.fields
        ]

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON: case, fields, conflicts, identifiers, missing, notes."""
        case, dropped = build_case(self.fields)
        return {
            "case": case,
            "fields": [f.to_json() for f in self.fields],
            "conflicts": [c.to_json() for c in self.conflicts],
            "identifiers": [i.to_json() for i in self.identifiers],
            "missing": self.missing,
            "notes": [*self.notes, *dropped],
        }


# --------------------------------------------------------------------------- building


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for p in path.split("."):
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    return node


def _keyed_items(fields: list[FieldValue]) -> dict[str, dict[str, dict[str, Any]]]:
    items: dict[str, dict[str, dict[str, Any]]] = {}
    for f in fields:
        m = _KEYED.match(f.path)
        if not m or m.group("list") not in KEYED_LISTS:
            continue
        item = items.setdefault(m.group("list"), {}).setdefault(m.group("key"), {})
        if m.group("attr"):
            item[m.group("attr")] = f.value
    return items


def build_case(fields: list[FieldValue]) -> tuple[dict[str, Any], list[str]]:
    """The partial case dict and the notes on values left out to keep it valid."""
    case: dict[str, Any] = {}
    for f in fields:
        if "[" in f.path:
            continue
        if f.path.startswith("pathology.ihc."):
            _set(case, "pathology.ihc." + f.path.split(".", 2)[2], f.value)
        else:
            _set(case, f.path, copy.deepcopy(f.value))
    for list_path, keys in _keyed_items(fields).items():
        key_field = KEYED_LISTS[list_path]
        values: list[Any] = []
        for key, attrs in keys.items():
            if key_field is None:
                values.append(key)
            elif key_field == "drugs":
                values.append({"drugs": key.split("+"), **attrs})
            else:
                values.append({key_field: key, **attrs})
        _set(case, list_path, values)
    dropped = _keep_valid(case)
    return case, dropped


def _drop(case: dict[str, Any], path: str, why: str, out: list[str]) -> None:
    parts = path.split(".")
    node = _get(case, ".".join(parts[:-1])) if len(parts) > 1 else case
    if isinstance(node, dict) and parts[-1] in node:
        del node[parts[-1]]
        out.append(f"{path}: left out ({why})")


def _keep_valid(case: dict[str, Any]) -> list[str]:
    """Apply the format's cross-field rules to the partial case; returns what was left out."""
    out: list[str] = []
    site = _get(case, "tumor.site")
    biopsy = _get(case, "pathology.biopsy")
    if biopsy != "core_needle":
        _drop(case, "pathology.needle_gauge", "a needle gauge is for a core needle biopsy", out)
    if site != "uterus":
        for f in ("uterine_extension", "morcellated"):
            _drop(case, f"tumor.{f}", "only for a uterine primary", out)
    if _get(case, "pathology.margin") is not None and not (
        _get(case, "extent.primary_resectability") == "resected"
        or biopsy in ("excisional", "resection")
    ):
        _drop(case, "pathology.margin", "a margin needs a resection or excision", out)
    if _get(case, "patient.sex") == "male":
        _drop(case, "patient.menopausal_status", "not for a male patient", out)
    lines = _get(case, "history.treatment_lines")
    if isinstance(lines, list) and lines:
        lines.sort(key=lambda tl: (tl.get("line") or 0, tl.get("start_date") or ""))
        last = 0
        for tl in lines:
            tl.setdefault("setting", "unknown")
            if tl.get("line") is not None and (
                tl["setting"] not in ("advanced", "maintenance") or tl["line"] <= last
            ):
                out.append(
                    f"history.treatment_lines[{'+'.join(tl['drugs'])}].line: left out (order)"
                )
                del tl["line"]
            elif tl.get("line") is not None:
                last = tl["line"]
            if tl.get("stop_reason") == "ongoing" and "end_date" in tl:
                del tl["end_date"]
            if tl.get("end_date") and tl.get("start_date") and tl["end_date"] < tl["start_date"]:
                del tl["end_date"]
    courses = _get(case, "history.radiotherapy_courses")
    for rt in courses if isinstance(courses, list) else []:
        if rt.get("end_date") and rt.get("start_date") and rt["end_date"] < rt["start_date"]:
            del rt["end_date"]
    coded = _get(case, "patient.coded_comorbidities")
    for c in coded if isinstance(coded, list) else []:
        if c.get("code") != "renal_impairment":
            c.pop("egfr_ml_min", None)
    for sec in [k for k, v in case.items() if isinstance(v, dict) and not v]:
        del case[sec]
    return out
