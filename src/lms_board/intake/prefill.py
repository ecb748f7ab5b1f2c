"""Values read from documents into the intake form, without losing anything typed.

:func:`prefill_values` turns a partial case (``ExtractionResult.case_dict()``: only what the
documents state) into form values, exactly as the form keeps them (the case model checks
every value first; one the form cannot hold is left out and named). :func:`apply_prefill`
puts them in the form: a field (or a whole list: treatment lines, metastases…) the user left
blank is filled; one the user filled differently is kept as typed and named, so the user
decides; the case is then completed and saved through the form as usual.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from lms_board.case import SCHEMA_VERSION, Case, cross_field_problems_raw
from lms_board.extract.review import value_text
from lms_board.intake.fields import (
    FIELDS,
    LIST_EDITORS,
    METASTASES,
    METASTASES_NONE,
    ListEditor,
    field_for,
)
from lms_board.intake.form import (
    FormState,
    add_row,
    case_to_form,
    empty_form,
    form_to_case_dict,
    rows,
)
from lms_board.wording import FIELD_LABELS, field_label, plain_message

#: Stand-ins for the required fields a document did not state (never put in the form).
_STAND_INS: dict[str, Any] = {
    "case_id": "FROM-DOCUMENTS",
    "patient.age": 50,
    "patient.sex": "unknown",
    "tumor.site": "other",
}
_DECLINES, _DECLINES_NONE = "patient.declines", "patient.declines.none"


@dataclass(frozen=True)
class Prefill:
    """The form values the documents give (only those), and what the form cannot take."""

    values: FormState
    left_out: list[str] = field(default_factory=list)


@dataclass
class Applied:
    """What :func:`apply_prefill` did: the form keys it changed (their widgets must be
    reset), the labels of what it filled, and what it kept as the user typed it."""

    changed: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def _has(data: Mapping[str, Any], path: str) -> bool:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return node is not None


def _remove(data: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Remove the value at ``loc`` (a pydantic error location); when it is not there (a
    required part of a list item is missing), remove the item. False when nothing was."""
    for end in range(len(loc), 0, -1):
        node: Any = data
        for part in loc[: end - 1]:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        leaf = loc[end - 1]
        if isinstance(node, dict) and leaf in node:
            del node[leaf]
            return True
        if isinstance(node, list) and isinstance(leaf, int) and 0 <= leaf < len(node):
            del node[leaf]
            return True
    return False


def _loc_of(path: str) -> tuple[Any, ...]:
    """``history.treatment_lines[0].cycles`` -> ``("history", "treatment_lines", 0, "cycles")``."""
    out: list[Any] = []
    for part in path.replace("[", ".[").split("."):
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            out.append(int(part[1:-1]))
        elif part:
            out.append(part)
    return tuple(out)


def _valid_case(data: dict[str, Any], left_out: list[str], refused: set[str]) -> Case | None:
    """``data`` as a case, leaving out each value the model refuses (its message added to
    ``left_out``, its path to ``refused``); ``None`` when it cannot be made valid."""
    for _ in range(100):
        try:
            return Case.model_validate(data)
        except ValidationError as exc:
            problems = [
                (tuple(e["loc"]), str(e["msg"]).removeprefix("Value error, ")) for e in exc.errors()
            ]
        if any(not loc for loc, _ in problems):  # cross-field rules: each names its field
            problems = [
                (_loc_of(p.partition(": ")[0]), p.partition(": ")[2])
                for p in cross_field_problems_raw(data)
            ]
        removed = False
        for loc, msg in problems:
            path = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc)
            if _remove(data, loc):
                removed = True
                refused.add(path.replace(".[", "["))
                left_out.append(plain_message(f"{path.replace('.[', '[')}: {msg}"))
        _stand_in(data)  # a required value refused: its stand-in again, never its section gone
        if not removed:
            return None
    return None


def _stand_in(data: dict[str, Any]) -> list[str]:
    """Put the stand-in of each required field that ``data`` lacks; the paths it filled."""
    filled = [p for p in _STAND_INS if not _has(data, p)]
    for path in filled:
        _put(data, path, _STAND_INS[path])
    return filled


def prefill_values(partial: Mapping[str, Any]) -> Prefill:
    """The form values a partial case gives: the keys it fills, as the form keeps them."""
    data = copy.deepcopy(dict(partial))
    stand_ins = _stand_in(data)
    data["schema_version"] = SCHEMA_VERSION
    for section in ("patient", "tumor", "pathology", "extent"):
        data.setdefault(section, {})
    left_out: list[str] = []
    refused: set[str] = set()
    case = _valid_case(data, left_out, refused)
    if case is None:
        return Prefill({}, [*left_out, "The values found could not be put in the form."])
    given_required = [p for p in _STAND_INS if p not in stand_ins and p not in refused]
    blank_data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "pathology": {}, "extent": {}}
    for path, stand_in in _STAND_INS.items():
        _put(blank_data, path, stand_in)
    full, blank = case_to_form(case), case_to_form(Case.model_validate(blank_data))
    values: FormState = {}
    for keys in _groups(full):
        if any(full.get(k) != blank.get(k) for k in keys) or any(k in given_required for k in keys):
            values.update({k: full[k] for k in keys if k in full})
    return Prefill(values, left_out + _not_held(case, values, given_required))


def _not_held(case: Case, values: FormState, given_required: list[str]) -> list[str]:
    """Values of the case that the form, filled with ``values``, would not give back (a
    list stated empty that the form has no "none" for, say)."""
    form = empty_form()
    form.update(values)
    back, _ = form_to_case_dict(form)
    given = case.to_json_dict()
    out = []
    for section, fields in given.items():
        if not isinstance(fields, dict):
            continue
        for name, value in fields.items():
            path = f"{section}.{name}"
            if path in _STAND_INS and path not in given_required:
                continue
            if back.get(section, {}).get(name) != value:
                out.append(
                    f"{field_label(path)}: {value_text(path, value)} (the form cannot hold it)"
                )
    return out


# --------------------------------------------------------------------------- groups


def _groups(form: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    """The keys of ``form`` in the units that are filled or kept whole: each list (its rows,
    "none" and the row counter), the metastases (sites, "none found", each site's values),
    the declines with their "none", and every other field alone."""
    listed = {METASTASES, METASTASES_NONE, _DECLINES, _DECLINES_NONE}
    units: list[tuple[str, ...]] = []
    for editor in LIST_EDITORS:
        listed |= {editor.key, editor.none_key, editor.seq_key}
        units.append(tuple(k for k in form if k == editor.key or k.startswith(editor.key + ".")))
    units.append(tuple(k for k in form if k == METASTASES or k.startswith(METASTASES + ".")))
    units.append((_DECLINES, _DECLINES_NONE))
    units += [(f.key,) for f in FIELDS if f.key not in listed and f.key != "case_id"]
    for unit in units:
        present = tuple(k for k in unit if k in form)
        if present:
            yield present


def _blank(key: str, value: Any) -> bool:
    """Nothing entered: a yes/no question answered "no" is an answer, a box unticked is not."""
    f = field_for(key)
    return value in (None, "", []) or (value is False and (f is None or f.kind == "check"))


def _editor(keys: tuple[str, ...]) -> ListEditor | None:
    return next((e for e in LIST_EDITORS if keys and keys[0] == e.key), None)


def _view(form: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """What a unit says, independent of row ids: for a list, its "none" and its rows."""
    editor = _editor(keys)
    if editor is None:
        return tuple(form.get(k) for k in keys)
    items = []
    for row in rows(form, editor):
        prefix = f"{editor.key}.{row}."
        items.append(
            tuple(
                sorted((k[len(prefix) :], repr(v)) for k, v in form.items() if k.startswith(prefix))
            )
        )
    return (bool(form.get(editor.none_key)), tuple(items))


def _unit_blank(form: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    editor = _editor(keys)
    if editor is not None:
        return not rows(form, editor) and not form.get(editor.none_key)
    return all(_blank(k, form.get(k)) for k in keys)


def _unit_label(keys: tuple[str, ...]) -> str:
    head = keys[0]
    if head in FIELD_LABELS:
        return field_label(head)
    f = field_for(head)
    return f.label if f is not None else field_label(head)


# --------------------------------------------------------------------------- applying


def apply_prefill(form: FormState, prefill: Prefill) -> Applied:
    """Fill the blank parts of ``form`` with ``prefill``; keep (and name) every part the
    user already filled differently. Changes ``form`` in place."""
    applied = Applied()
    for keys in _groups(prefill.values):
        if _view(form, keys) == _view(prefill.values, keys):
            continue
        if not _unit_blank(form, keys):
            applied.kept.append(_unit_label(keys))
            continue
        editor = _editor(keys)
        if editor is not None:
            applied.changed += _add_rows(form, editor, prefill.values)
        else:
            for k in keys:
                form[k] = copy.deepcopy(prefill.values[k])
            applied.changed += list(keys)
        applied.filled.append(_unit_label(keys))
    return applied


def _add_rows(form: FormState, editor: ListEditor, values: Mapping[str, Any]) -> list[str]:
    changed = [editor.none_key]
    form[editor.none_key] = bool(values.get(editor.none_key))
    for old in rows(values, editor):
        new = add_row(form, editor)
        prefix = f"{editor.key}.{old}."
        for k, v in values.items():
            if k.startswith(prefix):
                key = f"{editor.key}.{new}.{k[len(prefix) :]}"
                form[key] = copy.deepcopy(v)
                changed.append(key)
    return changed
