"""Several documents → one result: candidates of every document merged field by field.

- Same value from several documents: one field, its first source, the others in ``seen_in``.
- Different values: a :class:`Conflict` with every candidate; the chosen one follows the
  conflict policy of ``documents.yaml`` (pathology report for pathology fields, a report
  over a letter, the newest imaging for extent), and ``why`` says so.
- Special merges, not conflicts: ``pathology.biopsy`` keeps the most definitive sample
  (resection > excisional > incisional > core needle > FNA); ``workup.last_imaging_date``
  the newest study; a list stated empty loses to items found elsewhere.
- The disease-free interval is computed from the surgery date and the date metastases were
  found (whole months), when no document states it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from lms_board.extract.dates import FoundDate, whole_months
from lms_board.extract.fields import Candidate, DocText, candidates, relapse_dates
from lms_board.extract.identifiers import redacted
from lms_board.extract.result import Conflict, ExtractionResult, FieldValue, Source
from lms_board.extract.rules import ConflictPolicy, rules

BIOPSY_RANK = ("fine_needle_aspirate", "core_needle", "incisional", "excisional", "resection")


def source_of(doc: DocText, c: Candidate) -> Source:
    s, e = doc.ctx.sentence(c.start)
    s, e = min(s, c.start), max(e, c.end)
    raw = doc.masked[s:e]
    sentence = " ".join(redacted(raw).split())
    before_raw = redacted(doc.masked[s : c.start])
    before = " ".join(before_raw.split())
    match = " ".join(redacted(doc.masked[c.start : c.end]).split())
    # A space between them only where the text had one ("grade 3 (D3 M2 N1)": none before D3).
    spaced = before_raw[-1:].isspace() or doc.masked[c.start : c.start + 1].isspace()
    mark_start = len(before) + (1 if before and match and spaced else 0)
    mark_start = min(mark_start, len(sentence))
    return Source(
        doc.name,
        c.start,
        c.end,
        sentence,
        (mark_start, min(len(sentence), mark_start + len(match))),
    )


def _field(doc: DocText, c: Candidate) -> FieldValue:
    return FieldValue(c.path, c.value, source_of(doc, c), c.rule, c.note, (doc.name,))


def policy_for(path: str) -> ConflictPolicy:
    for p in rules().documents.conflicts:
        if any(path.startswith(prefix) for prefix in p.fields):
            return p
    raise LookupError(path)  # pragma: no cover - the default policy matches every path


def _rank(policy: ConflictPolicy, doc: DocText) -> tuple[int, int]:
    kind = policy.prefer.index(doc.kind) if doc.kind in policy.prefer else len(policy.prefer)
    newest = -(doc.date.toordinal() if doc.date and policy.newest_first else 0)
    return (kind, newest)


def _same(path: str, a: Any, b: Any) -> bool:
    if path == "tumor.location" and isinstance(a, str) and isinstance(b, str):
        return a.lower() in b.lower() or b.lower() in a.lower()
    return bool(a == b)


def _merge_path(
    path: str, cands: list[Candidate], docs: list[DocText]
) -> tuple[FieldValue, Conflict | None]:
    if path == "pathology.biopsy":
        best = max(cands, key=lambda c: BIOPSY_RANK.index(c.value))
        return _field(docs[best.doc], best), None
    if path == "workup.last_imaging_date":
        best = max(cands, key=lambda c: c.value)
        return _field(docs[best.doc], best), None
    groups: list[list[Candidate]] = []
    for c in cands:
        for g in groups:
            if _same(path, g[0].value, c.value):
                g.append(c)
                break
        else:
            groups.append([c])
    policy = policy_for(path)

    def group_rank(g: list[Candidate]) -> tuple[int, int, int]:
        best = min(_rank(policy, docs[c.doc]) for c in g)
        return (*best, -len(g))

    ordered = sorted(groups, key=group_rank)
    chosen_group = ordered[0]
    if path == "tumor.location":
        first = max(chosen_group, key=lambda c: len(str(c.value)))
    else:
        first = min(chosen_group, key=lambda c: _rank(policy, docs[c.doc]))
    seen = tuple(dict.fromkeys(docs[c.doc].name for c in chosen_group))
    value = FieldValue(
        path, first.value, source_of(docs[first.doc], first), first.rule, first.note, seen
    )
    if len(groups) == 1:
        return value, None
    reps = [min(g, key=lambda c: _rank(policy, docs[c.doc])) for g in ordered]
    options = tuple(_field(docs[c.doc], c) for c in reps)
    options = (value, *options[1:])
    same_doc = len({c.doc for c in cands}) == 1
    why = (
        policy.why
        if not same_doc
        else "one document gives several values; the first stated is shown"
    )
    return value, Conflict(path, options, 0, f"{why} ({policy.id})")


def _drop_empty_lists(by_path: dict[str, list[Candidate]]) -> None:
    for path in list(by_path):
        if (
            by_path[path]
            and by_path[path][0].value == []
            and any(p.startswith(path + "[") for p in by_path)
        ):
            del by_path[path]


def _dfi(docs: list[DocText], fields: dict[str, FieldValue]) -> FieldValue | None:
    surgery = fields.get("history.surgery_date")
    if surgery is None or "extent.disease_free_interval_months" in fields:
        return None
    operated = date.fromisoformat(surgery.value)
    found: list[tuple[date, Candidate]] = []
    for d in docs:
        for when, cand in relapse_dates(d):
            day = when.value if isinstance(when, FoundDate) else when
            if day > operated:
                found.append((day, cand))
    if not found:
        return None
    day, cand = min(found, key=lambda x: x[0])
    months = whole_months(operated, day)
    doc = docs[cand.doc]
    note = f"from the surgery date {operated.isoformat()} to {day.isoformat()}"
    return FieldValue(cand.path, months, source_of(doc, cand), cand.rule, note, (doc.name,))


def merge(docs: list[DocText]) -> tuple[list[FieldValue], list[Conflict]]:
    by_path: dict[str, list[Candidate]] = defaultdict(list)
    for d in docs:
        for c in candidates(d):
            by_path[c.path].append(c)
    _drop_empty_lists(by_path)
    fields: dict[str, FieldValue] = {}
    conflicts: list[Conflict] = []
    for path, cands in by_path.items():
        value, conflict = _merge_path(path, cands, docs)
        fields[path] = value
        if conflict is not None:
            conflicts.append(conflict)
    dfi = _dfi(docs, fields)
    if dfi is not None:
        fields[dfi.path] = dfi
    ordered = sorted(fields.values(), key=lambda f: _order(f.path))
    return ordered, conflicts


_SECTIONS = ("patient", "tumor", "pathology", "workup", "extent", "history")


def _order(path: str) -> tuple[int, str]:
    head = path.split(".")[0]
    return (_SECTIONS.index(head) if head in _SECTIONS else len(_SECTIONS), path)


def result_of(docs: list[DocText], identifiers: list[Any]) -> ExtractionResult:
    fields, conflicts = merge(docs)
    notes = []
    for f in fields:
        if f.note and "could be" in f.note:
            notes.append(f"{f.path}: {f.note}")
    return ExtractionResult(
        fields=fields,
        conflicts=conflicts,
        identifiers=identifiers,
        documents=[d.name for d in docs],
        notes=notes,
        required=tuple(rules().documents.required),
        wanted=tuple(rules().documents.wanted),
    )
