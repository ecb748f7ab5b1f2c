"""The form state and the case it describes: blank form, case -> form, form -> case dict.

The form state is a flat, JSON-ready ``{key: value}`` dict that the intake page keeps in
session state and saves as a draft on every change. Keys are case field paths
(``tumor.size_cm``), plus a few form-only keys: ``pathology.ihc.<marker>`` for the common
markers, ``pathology.ihc_other`` (``marker: result`` lines), ``extent.metastases`` (the list
of sites) with ``extent.metastases.<site>.count`` / ``.resectable`` per site and
``extent.metastases.none`` ("none found"; no site and not ticked: not recorded).

Numbers are kept as typed (text): ``"6a2"`` in Age is refused with "must be a whole number"
beside the field, never read as 62, and an out-of-range value is refused with the model's
bound; nothing typed is changed or dropped. The lists of objects are repeatable rows
(``lms_board.intake.fields.ListEditor``): the list's key holds the row ids in order, each row
field has its own key (``history.treatment_lines.2.stop_reason``) and ``<list>.none`` says
"none". A row left blank is not part of the case. Fields that do not apply
(``lms_board.case_rules``) keep their value in the form but never reach the case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from lms_board.case import SCHEMA_VERSION, Case
from lms_board.case_rules import at, rule_for
from lms_board.drugs import CYTOTOXIC_CLASSES, drug_vocabulary
from lms_board.intake.fields import (
    COMMON_IHC,
    DOSE_FIELD,
    DRUG_CHOICES,
    FIELDS,
    IHC_OTHER,
    LIST_EDITORS,
    METASTASES,
    METASTASES_NONE,
    METASTASIS_COUNT,
    METASTASIS_SITES,
    TREATMENT_LINES,
    FieldKind,
    FormField,
    ListEditor,
    dose_key,
    metastasis_key,
    row_key,
)

FormState = dict[str, Any]
#: Form-level problems by form key (``key: message``, the message in the model's words).
FormErrors = dict[str, list[str]]

# --------------------------------------------------------------------------- numbers

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def parse_number(value: Any, kind: FieldKind) -> tuple[int | float | None, str | None]:
    """A number as typed -> ``(value, None)``, or ``(None, problem)`` when it is not one.
    Blank is ``(None, None)`` (not recorded). ``"12.0"`` is a whole number; a decimal
    comma is read as a point."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _not_a_number(kind)
    if isinstance(value, int | float):  # drafts saved before numbers were kept as text
        return _whole(value) if kind == "int" else value, None
    text = str(value).strip().replace(" ", "")
    if kind == "int":
        if _INT.match(text):
            return int(text), None
        if _FLOAT.match(text) and float(text.replace(",", ".")).is_integer():
            return int(float(text.replace(",", "."))), None
        return None, _not_a_number(kind)
    if _FLOAT.match(text):
        return float(text.replace(",", ".")), None
    return None, _not_a_number(kind)


def _whole(value: int | float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _not_a_number(kind: FieldKind) -> str:
    return "must be a whole number, e.g. 54" if kind == "int" else "must be a number, e.g. 11.5"


def format_number(value: Any) -> str:
    """A case number as the form shows it: ``11.0`` -> ``"11"``, ``None`` -> ``""``."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- rows


def rows(form: Mapping[str, Any], editor: ListEditor) -> list[str]:
    """The row ids of a list editor, in order."""
    value = form.get(editor.key)
    return [str(r) for r in value] if isinstance(value, list) else []


def add_row(form: dict[str, Any], editor: ListEditor) -> str:
    """Append a blank row; return its id (never one used before in this form)."""
    used = [int(r) for r in rows(form, editor) if r.isdigit()]
    last = form.get(editor.seq_key)
    number = max([0, *used, last if isinstance(last, int) else 0]) + 1
    row = str(number)
    form[editor.seq_key] = number
    form[editor.key] = [*rows(form, editor), row]
    for f in editor.fields:
        form[row_key(editor, row, f.key)] = blank(f)
    return row


def remove_row(form: dict[str, Any], editor: ListEditor, row: str) -> None:
    """Remove a row and its values (the user's explicit choice)."""
    form[editor.key] = [r for r in rows(form, editor) if r != row]
    prefix = f"{editor.key}.{row}."
    for key in [k for k in form if k.startswith(prefix)]:
        del form[key]


def move_row_up(form: dict[str, Any], editor: ListEditor, row: str) -> None:
    order = rows(form, editor)
    i = order.index(row)
    if i > 0:
        order[i - 1], order[i] = order[i], order[i - 1]
    form[editor.key] = order


#: Drug classes dosed by body surface area: a total in mg/m² means something for them.
BSA_DOSED_CLASSES = CYTOTOXIC_CLASSES | {"other"}


def dose_drugs(form: Mapping[str, Any], row: str) -> list[str]:
    """The drugs of a treatment line that get a total-dose input: those dosed in mg/m²,
    and any other that already has a dose (so a recorded value is never hidden)."""
    vocabulary = drug_vocabulary()
    drugs = form.get(row_key(TREATMENT_LINES, row, "drugs")) or []
    return [
        d
        for d in drugs
        if (d in vocabulary and vocabulary[d].drug_class in BSA_DOSED_CLASSES)
        or form.get(dose_key(row, d)) not in (None, "")
    ]


# --------------------------------------------------------------------------- applies


def applies(key: str, form: Mapping[str, Any]) -> bool:
    """Whether a field applies given the rest of the form (``lms_board.case_rules``, the
    table the validation reads too)."""
    rule = rule_for(key)
    return rule is None or rule.applies(form.get)


def row_applies(editor: ListEditor, name: str, form: Mapping[str, Any], row: str) -> bool:
    """Whether a row field applies given the rest of its row (``lms_board.case_rules``)."""
    rule = rule_for(name, editor.key)
    return rule is None or rule.applies(lambda f: form.get(row_key(editor, row, f)))


# --------------------------------------------------------------------------- values


def blank(f: FormField) -> Any:
    """The value of a widget with nothing in it."""
    if f.kind in ("text", "textarea", "lines", "int", "float"):
        return ""
    if f.kind == "multi":
        return []
    if f.kind == "check":
        return False
    return None


def lines_of(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def case_value(f: FormField, value: Any, key: str, errors: FormErrors) -> Any:
    """A widget value as the case format wants it, or ``None`` for "not recorded"; a number
    that is not one goes to ``errors`` under ``key`` (and the case cannot be saved)."""
    if f.kind in ("text", "textarea"):
        return value.strip() if isinstance(value, str) and value.strip() else None
    if f.kind == "lines":
        return lines_of(value) or None
    if f.kind in ("int", "float"):
        number, problem = parse_number(value, f.kind)
        if problem:
            errors.setdefault(key, []).append(f"{key}: {problem}")
        return number
    if f.kind == "multi":
        return list(value) if value else None
    return value


def _row_dict(
    editor: ListEditor, form: Mapping[str, Any], row: str, errors: FormErrors
) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for f in editor.fields:
        if not row_applies(editor, f.key, form, row):
            continue
        key = row_key(editor, row, f.key)
        value = case_value(f, form.get(key), key, errors)
        if value is not None:
            item[f.key] = value
    if editor is TREATMENT_LINES:
        doses = {}
        for drug in item.get("drugs", []):
            key = dose_key(row, drug)
            dose = case_value(DOSE_FIELD, form.get(key), key, errors)
            if dose is not None:
                doses[drug] = dose
        if doses:
            item["doses_mg_m2"] = doses
    return item


def kept_rows(form: Mapping[str, Any], editor: ListEditor) -> list[str]:
    """The rows that go into the case (a row left blank does not)."""
    return [r for r in rows(form, editor) if _row_dict(editor, form, r, {})]


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


#: How an IHC result may be typed on a ``marker: result`` line, by the result it means.
IHC_WORDS: dict[str, str] = {
    "+": "positive",
    "pos": "positive",
    "-": "negative",
    "−": "negative",
    "neg": "negative",
    "±": "equivocal",
    "not done": "not_done",
    "n/d": "not_done",
    "nd": "not_done",
}
_IHC_LINE = re.compile(r"^\s*([^:=]+?)\s*[:=]\s*(\S.*?)\s*$")


def form_to_case_dict(form: Mapping[str, Any]) -> tuple[dict[str, Any], FormErrors]:
    """The case-format dict the form describes, and form-level errors by form key.

    Only fields that apply and hold a value are written, so "not recorded" stays missing.
    """
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    errors: FormErrors = {}
    for section in ("patient", "tumor", "pathology", "extent"):
        data[section] = {}
    for f in FIELDS:
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc.") or not applies(f.key, form):
            continue
        if f.kind == "check":
            continue  # "none" of a choice list, read with the list below
        value = case_value(f, form.get(f.key), f.key, errors)
        if value is None and f.kind == "multi" and form.get(f"{f.key}.none"):
            value = []
        if value is None:
            continue
        _put(data, f.key, value)
    for editor in LIST_EDITORS:
        items = [_row_dict(editor, form, r, errors) for r in rows(form, editor)]
        items = [item for item in items if item]
        if items or form.get(editor.none_key):
            _put(data, editor.key, items)
    ihc: dict[str, str] = {}
    for marker in COMMON_IHC:
        result = form.get(f"pathology.ihc.{marker}")
        if result:
            ihc[marker] = result
    for line in lines_of(form.get(IHC_OTHER)):
        match = _IHC_LINE.match(line)
        if not match:
            errors.setdefault(IHC_OTHER, []).append(
                f"{IHC_OTHER}: '{line}' is not 'marker: result'"
            )
            continue
        marker = match.group(1).strip().lower().replace(" ", "_").replace("-", "_")
        result = match.group(2).strip().lower()
        ihc[marker] = IHC_WORDS.get(result, result)
    if ihc:
        data["pathology"]["ihc"] = ihc
    sites = list(form.get(METASTASES) or [])
    if sites or form.get(METASTASES_NONE):
        data["extent"]["metastases"] = [_metastasis(form, site, errors) for site in sites]
    return data, errors


def _metastasis(form: Mapping[str, Any], site: str, errors: FormErrors) -> dict[str, Any]:
    entry: dict[str, Any] = {"site": site}
    key = metastasis_key(site, "count")
    count = case_value(METASTASIS_COUNT, form.get(key), key, errors)
    resectable = form.get(metastasis_key(site, "resectable"))
    if count is not None:
        entry["count"] = count
    if resectable is not None:
        entry["resectable"] = resectable
    return entry


def widget_value(f: FormField, value: Any) -> Any:
    """A case value as the form keeps it (lists of text as lines, numbers as text)."""
    if f.kind == "lines":
        return "\n".join(value or [])
    if f.kind in ("text", "textarea"):
        return value or ""
    if f.kind in ("int", "float"):
        return format_number(value)
    if f.kind == "multi":
        return list(value or [])
    return value


def empty_form() -> FormState:
    """A blank form: every field not recorded."""
    form: FormState = {}
    for f in FIELDS:
        form[f.key] = blank(f)
    for editor in LIST_EDITORS:
        form[editor.key] = []
        form[editor.none_key] = False
        form[editor.seq_key] = 0
    form[METASTASES] = []
    form[METASTASES_NONE] = False
    for site in METASTASIS_SITES:
        form[metastasis_key(site, "count")] = ""
        form[metastasis_key(site, "resectable")] = None
    return form


def case_to_form(case: Case) -> FormState:
    """The form state showing a case (the inverse of :func:`form_to_case_dict`)."""
    form = empty_form()
    raw = case.model_dump(mode="json")
    given = case.to_json_dict()
    for f in FIELDS:
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc.") or f.kind == "check":
            continue
        form[f.key] = widget_value(f, at(raw, f.key))
    form["patient.declines.none"] = case.patient.given("declines") and not case.patient.declines
    for editor in LIST_EDITORS:
        items = at(raw, editor.key) or []
        form[editor.none_key] = at(given, editor.key) is not None and not items
        for item in items:
            row = add_row(form, editor)
            for f in editor.fields:
                form[row_key(editor, row, f.key)] = widget_value(f, item.get(f.key))
            for drug, dose in (item.get("doses_mg_m2") or {}).items():
                form[dose_key(row, drug)] = format_number(dose)
            if editor is TREATMENT_LINES:  # the total-dose inputs shown, blank as they show
                for drug in dose_drugs(form, row):
                    form.setdefault(dose_key(row, drug), "")
    other = []
    for marker, result in case.pathology.ihc.items():
        if marker in COMMON_IHC:
            form[f"pathology.ihc.{marker}"] = result.value
        else:
            other.append(f"{marker}: {result.value}")
    form[IHC_OTHER] = "\n".join(other)
    form[METASTASES] = [m.site.value for m in case.extent.metastases]
    form[METASTASES_NONE] = case.extent.metastases_known and not case.extent.metastases
    for m in case.extent.metastases:
        form[metastasis_key(m.site.value, "count")] = format_number(m.count)
        form[metastasis_key(m.site.value, "resectable")] = m.resectable
    return form


def keep_unchanged(data: dict[str, Any], form: Mapping[str, Any], original: Case) -> dict[str, Any]:
    """``data`` (from :func:`form_to_case_dict`) with every field the user did not touch set
    back to its stored value, so opening and saving a case never rewrites it: a marker stored
    as ``CD117 (KIT)`` stays so (typed in, it would read ``cd117_(kit)``), a comorbidity
    holding a line break stays one item, text keeps its spaces."""
    shown = case_to_form(original)
    given = original.to_json_dict()  # exactly the keys the stored case has
    for f in FIELDS:
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc.") or not applies(f.key, form):
            continue
        if form.get(f.key) != shown.get(f.key):
            continue
        *parents, leaf = f.key.split(".")
        node: Any = given
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict) and leaf in node:
            _put(data, f.key, node[leaf])
    if form.get(IHC_OTHER) == shown.get(IHC_OTHER):
        ihc = {k: v for k, v in data["pathology"].get("ihc", {}).items() if k in COMMON_IHC}
        ihc.update({k: v.value for k, v in original.pathology.ihc.items() if k not in COMMON_IHC})
        if ihc:
            data["pathology"]["ihc"] = ihc
    return data


def all_keys(form: Mapping[str, Any]) -> list[str]:
    """Every key of the form that a widget edits, for the rows the form has now."""
    keys = [f.key for f in FIELDS] + [METASTASES, METASTASES_NONE]
    for site in METASTASIS_SITES:
        keys += [metastasis_key(site, "count"), metastasis_key(site, "resectable")]
    for editor in LIST_EDITORS:
        keys.append(editor.none_key)
        for row in rows(form, editor):
            keys += [row_key(editor, row, f.key) for f in editor.fields]
            if editor is TREATMENT_LINES:
                keys += [dose_key(row, d) for d in DRUG_CHOICES]
    return keys


def iso_date(value: Any) -> str | None:
    """A widget date as ISO text for the JSON-ready form state."""
    if isinstance(value, date):
        return value.isoformat()
    return value if isinstance(value, str) and value else None


def as_date(value: Any) -> date | None:
    """A form-state date (ISO text) for a date widget."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
