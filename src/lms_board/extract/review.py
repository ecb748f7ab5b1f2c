"""An extraction result in clinician words, for the review on the Case intake page.

One row per value: the field's label (never its path), the value in words, and its source
(the document's name and the sentence, split around the matched words so a page can mark
them); the conflicts with every candidate and why one was chosen (the policy's id left
out); the identifiers by kind and count only; the fields still missing, by label. Pure
Python: the page escapes every piece before it shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from lms_board.extract.result import (
    KEYED_LISTS,
    Conflict,
    ExtractionResult,
    FieldValue,
    Source,
    build_case,
)
from lms_board.wording import (
    FIELD_LABELS,
    ROW_NAMES,
    cap,
    drug_label,
    field_label,
    label,
)

#: How each kind of identifier reads, one and several.
IDENTIFIER_KINDS: dict[str, tuple[str, str]] = {
    "name": ("name", "names"),
    "record_number": ("hospital or record number", "hospital or record numbers"),
    "nhs_number": ("NHS number", "NHS numbers"),
    "date_of_birth": ("date of birth", "dates of birth"),
    "address": ("address", "addresses"),
    "phone": ("phone number", "phone numbers"),
    "email": ("e-mail address", "e-mail addresses"),
}
#: Longest quote shown of a sentence (characters); a longer one is cut around the match.
QUOTE_CHARS = 240
_KEYED = re.compile(r"^(?P<list>[a-z_.]+)\[(?P<key>[^\]]+)\](?:\.(?P<attr>[a-z_0-9]+))?$")
_POLICY_ID = re.compile(r"\s*\((?:conflict-[a-z0-9-]+)\)\s*$")
#: What a list stated empty reads as.
_NONE_WORDS = {"extent.metastases": "none found"}


@dataclass(frozen=True)
class Quote:
    """A source sentence cut in three around the matched words (``marked``)."""

    file: str
    before: str
    marked: str
    after: str

    @property
    def text(self) -> str:
        return f"{self.before}{self.marked}{self.after}"


@dataclass(frozen=True)
class ReviewRow:
    """One value of the review table."""

    path: str
    label: str
    value: str
    quote: Quote
    note: str = ""
    also_in: tuple[str, ...] = ()
    conflict: bool = False


@dataclass(frozen=True)
class ReviewConflict:
    """A field the documents disagree on: its candidates in words and the current choice."""

    path: str
    label: str
    options: tuple[tuple[str, Quote], ...]
    chosen: int
    why: str


#: What an unnamed pasted document is called, by the kind its heading shows.
KIND_NAMES = {
    "pathology": "Pathology report",
    "radiology": "Imaging report",
    "clinic_note": "Clinic note",
    "letter": "Letter",
}


def document_name(text: str, taken: Collection[str], given: str = "") -> str:
    """The name a document is shown by: ``given`` (a file's or the user's), else its kind
    ("Pathology report", read from its heading, never its words); " (2)" when taken."""
    from lms_board.extract.fields import document_kind

    base = " ".join(given.split()) or KIND_NAMES[document_kind(text)]
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} ({n})"
    return name


def quote(source: Source, width: int = QUOTE_CHARS) -> Quote:
    """The sentence around the matched words, on one line, cut to ``width`` characters."""
    sentence = source.sentence
    start, end = (max(0, min(len(sentence), i)) for i in source.mark)
    before, marked, after = sentence[:start], sentence[start:end], sentence[end:]
    room = max(0, width - len(marked)) // 2
    if len(before) > room:  # cut at a word, never inside one
        cut = before[len(before) - room :]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut.strip() else cut).lstrip()
    if len(after) > room:
        cut = after[:room]
        after = (cut.rsplit(" ", 1)[0] if " " in cut.strip() else cut).rstrip() + "…"
    return Quote(source.file, before, marked, after)


def _item_label(list_path: str, key: str) -> str:
    if list_path == "history.treatment_lines":
        return " + ".join(drug_label(d) for d in key.split("+"))
    if KEYED_LISTS.get(list_path) is None:
        return key  # free text read from the document (a comorbidity, a finding)
    return label(key)


def path_label(path: str) -> str:
    """A result path in clinician words: ``extent.metastases[lung].count`` -> "Distant
    metastases: lung · Lesions"; ``extent.metastases[lung]`` -> "Distant metastases" (its
    value reads "lung"); ``pathology.ihc.er`` -> "Immunohistochemistry: ER"."""
    m = _KEYED.match(path)
    if not m:
        return field_label(path)
    list_path, key, attr = m.group("list"), m.group("key"), m.group("attr")
    head = FIELD_LABELS.get(list_path) or ROW_NAMES.get(list_path) or cap(label(list_path))
    if not attr:
        return head  # the item itself: its name is the value
    inner = FIELD_LABELS.get(f"{list_path}[].{attr}", cap(label(attr)))
    return f"{head}: {_item_label(list_path, key)} · {inner}"


def value_text(path: str, value: Any) -> str:
    """A value in words: codes as words, yes/no, a list stated empty as "none", a list item
    found as its name ("lung", "doxorubicin + ifosfamide", "hypertension")."""
    if isinstance(value, list):
        return ", ".join(value_text(path, v) for v in value) or _NONE_WORDS.get(path, "none")
    if path.startswith("pathology.ihc.") and isinstance(value, str):
        return label(value)
    keyed = _KEYED.match(path)
    if keyed and not keyed.group("attr") and value is True:
        return _item_label(keyed.group("list"), keyed.group("key"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return label(value) if isinstance(value, str | bool) or value is None else str(value)


def why_text(conflict: Conflict) -> str:
    """Why the chosen candidate was chosen, without the policy's id."""
    return _POLICY_ID.sub("", conflict.why)


def review_rows(result: ExtractionResult) -> list[ReviewRow]:
    """Every value found, in case order, with its source."""
    conflicted = {c.path for c in result.conflicts}
    rows = [_row(f, f.path in conflicted) for f in result.fields]
    return sorted(rows, key=lambda r: _FORMAT_ORDER.get(_base(r.path), len(_FORMAT_ORDER)))


#: The case format's field order (the form's), to list the values as the form does.
_FORMAT_ORDER = {path: i for i, path in enumerate(FIELD_LABELS)}


def _base(path: str) -> str:
    base = path.split("[", 1)[0]
    return "pathology.ihc" if base.startswith("pathology.ihc.") else base


def _row(f: FieldValue, conflict: bool) -> ReviewRow:
    also = tuple(name for name in f.seen_in if name != f.source.file)
    return ReviewRow(
        path=f.path,
        label=path_label(f.path),
        value=value_text(f.path, f.value),
        quote=quote(f.source),
        note=f.note,
        also_in=also,
        conflict=conflict,
    )


def review_conflicts(result: ExtractionResult) -> list[ReviewConflict]:
    """The conflicts, each candidate as (value in words, its quote)."""
    return [
        ReviewConflict(
            path=c.path,
            label=path_label(c.path),
            options=tuple((value_text(c.path, v.value), quote(v.source)) for v in c.candidates),
            chosen=c.chosen,
            why=why_text(c),
        )
        for c in result.conflicts
    ]


def identifier_counts(result: ExtractionResult) -> list[str]:
    """``["5 names", "2 hospital or record numbers", "1 date of birth"]``: kinds and counts,
    never the text."""
    counts = Counter(span.kind for span in result.identifiers)
    out = []
    for kind, n in counts.most_common():
        one, many = IDENTIFIER_KINDS.get(kind, (label(kind), label(kind)))
        out.append(f"{n} {one if n == 1 else many}")
    return out


def missing_labels(result: ExtractionResult) -> tuple[list[str], list[str]]:
    """The fields no document states: (required by the case format, needed by the board)."""
    missing = result.missing
    required = [field_label(p) for p in missing if p in result.required]
    wanted = [field_label(p) for p in missing if p not in result.required]
    return required, wanted


def left_out(result: ExtractionResult) -> list[str]:
    """Values found but left out of the partial case to keep it valid, in words."""
    _, dropped = build_case(result.fields)
    return [note_text(n) for n in dropped]


def note_text(note: str) -> str:
    """A result note (``path: text``) with the path as its label."""
    head, sep, rest = note.partition(": ")
    if sep and re.fullmatch(r"[a-z_]+\.[a-z_.0-9]+(?:\[[^\]]+\](?:\.[a-z_0-9]+)?)?", head):
        return f"{path_label(head)}: {rest}"
    return note
