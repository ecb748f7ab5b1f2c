"""Checking a form: the case it describes, or every problem placed on the widget it names.

``check_form(form)`` validates the form as a case (the case model's own rules and messages,
in plain words: ``lms_board.wording.problem_fragment``); a message about a field lands on that
field's widget (a row's field on its row), the rest are general. Also the warnings for free
text that looks like an identifier, and the live FNCLCC grade.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from lms_board.assessment import Grade
from lms_board.case import Case, CaseError, Pathology, parse_case
from lms_board.grading import fnclcc_grade
from lms_board.identifiers import find_identifiers
from lms_board.intake.fields import (
    FIELD_BY_KEY,
    IHC_OTHER,
    LIST_EDITORS,
    METASTASES,
    TREATMENT_LINES,
    ListEditor,
    dose_key,
    field_for,
    metastasis_key,
    row_key,
)
from lms_board.intake.form import (
    all_keys,
    form_to_case_dict,
    keep_unchanged,
    kept_rows,
    parse_number,
)

_INDEXED = re.compile(r"^extent\.metastases\[(\d+)\]\.(count|resectable|site)")
_LIST_ITEM = re.compile(r"^([\w.]+)\[\d+\]$")


def message_key(message: str, form: Mapping[str, Any]) -> str | None:
    """The form key a ``field.path: message`` belongs to, or ``None`` for a general one."""
    path = message.split(":", 1)[0].strip()
    if path in FIELD_BY_KEY:
        return path
    for editor in LIST_EDITORS:
        if path == editor.key or path.startswith(editor.key + "["):
            return _editor_message_key(editor, path, form)
    match = _INDEXED.match(path)
    if match:
        sites = list(form.get(METASTASES) or [])
        index, part = int(match.group(1)), match.group(2)
        if part == "site" or index >= len(sites):
            return METASTASES
        return metastasis_key(sites[index], part)  # type: ignore[arg-type]
    match = _LIST_ITEM.match(path)
    if match and match.group(1) in FIELD_BY_KEY:
        return match.group(1)
    if path.startswith("pathology.ihc."):
        return path if path in FIELD_BY_KEY else IHC_OTHER
    if path.startswith("pathology.ihc"):
        return IHC_OTHER
    if path.startswith(METASTASES):
        return METASTASES
    return None


_ROW_PATH = re.compile(r"^\[(\d+)\]\.?(\w*)(?:\[\d+\]|\.(.+))?")


def _editor_message_key(editor: ListEditor, path: str, form: Mapping[str, Any]) -> str:
    """``history.treatment_lines[1].doses_mg_m2.doxorubicin`` -> that row's dose widget."""
    match = _ROW_PATH.match(path[len(editor.key) :])
    kept = kept_rows(form, editor)
    if not match or int(match.group(1)) >= len(kept):
        return editor.key
    row, name, rest = kept[int(match.group(1))], match.group(2), match.group(3)
    if editor is TREATMENT_LINES and name == "doses_mg_m2" and rest:
        return dose_key(row, rest)
    if name and any(f.key == name for f in editor.fields):
        return row_key(editor, row, name)
    return editor.key


@dataclass(frozen=True)
class FormCheck:
    """The outcome of checking a form: the case when valid, else errors by form key."""

    case: Case | None
    errors: dict[str, list[str]]
    general: list[str]

    def errors_for(self, key: str, *, include_missing: bool = True) -> list[str]:
        msgs = self.errors.get(key, [])
        if include_missing:
            return msgs
        return [m for m in msgs if not m.endswith(": required")]


def check_form(form: Mapping[str, Any], original: Case | None = None) -> FormCheck:
    """Validate the form as a case; every error is placed on the widget it names. With the
    ``original`` (the stored case the form was opened from), untouched fields keep their
    stored values exactly (:func:`lms_board.intake.form.keep_unchanged`). A number typed so
    that it is not one is an error of its field: the case is not valid until it is fixed."""
    data, errors = form_to_case_dict(form)
    if original is not None:
        data = keep_unchanged(data, form, original)
    try:
        case = parse_case(data)
        messages: list[str] = []
    except CaseError as exc:
        case, messages = None, exc.messages
    if case is not None and not errors:
        return FormCheck(case, {}, [])
    general: list[str] = []
    typed_wrong = set(errors)  # "6a2" in Age is not a missing age: one message is enough
    for message in messages:
        key = message_key(message, form)
        if key is None:
            general.append(message)
        elif not (key in typed_wrong and message.endswith(": required")):
            errors.setdefault(key, []).append(message)
    return FormCheck(None, errors, general)


def identifier_warnings(form: Mapping[str, Any]) -> dict[str, list[str]]:
    """Warnings for free text that looks like a direct identifier, by form key."""
    texts = {
        key: form[key]
        for key in all_keys(form)
        if (f := field_for(key)) is not None
        and f.kind in ("text", "textarea", "lines")
        and isinstance(form.get(key), str)
        and form[key].strip()
    }
    out: dict[str, list[str]] = {}
    for hit in find_identifiers(texts):
        out.setdefault(hit.field, []).append(hit.message)
    return out


def live_grade(form: Mapping[str, Any]) -> Grade | None:
    """The FNCLCC grade from the form's components as they stand (``None`` if incomplete or
    a component is not a valid number)."""
    names = ("differentiation_score", "mitoses_per_10hpf", "necrosis_percent", "reported_grade")
    values = {
        name: parse_number(form.get(f"pathology.{name}"), FIELD_BY_KEY[f"pathology.{name}"].kind)
        for name in names
    }
    if any(problem for _, problem in values.values()):
        return None
    try:
        pathology = Pathology(**{name: value for name, (value, _) in values.items()})
    except ValidationError:
        return None
    return fnclcc_grade(pathology)
