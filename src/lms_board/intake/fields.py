"""The intake form's widgets, every bound and choice read from the case model.

A :class:`FormField` is one widget: its form key (the case field path, ``tumor.size_cm``), its
label (``lms_board.wording``), its kind, and its limits — ``min``/``max``/``max_chars`` from
the pydantic ``Field`` constraints and ``choices`` from the field's enum type — so a bound
changed in ``case.py`` changes its widget too (``tests/test_intake_model.py`` checks every field
against the model's JSON schema). The repeatable rows of format v2 (treatment lines,
radiotherapy courses, coded comorbidities) are :class:`ListEditor` groups whose fields are
read from the row models the same way.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from lms_board.case import Case
from lms_board.drugs import drug_vocabulary
from lms_board.wording import cap, field_label, label, marker_label

FieldKind = Literal[
    "text", "textarea", "lines", "int", "float", "enum", "bool", "date", "multi", "check"
]

#: Markers with their own selectbox; any other marker goes on a ``marker: result`` line.
COMMON_IHC: tuple[str, ...] = ("desmin", "sma", "h_caldesmon", "kit", "dog1", "er", "pr")
IHC_OTHER = "pathology.ihc_other"
METASTASES = "extent.metastases"
#: The tick that says "none found" for the distant metastases (no site picked, not ticked:
#: not recorded).
METASTASES_NONE = "extent.metastases.none"
#: Characters a number may be typed with (the parse refuses anything that is not a number).
NUMBER_CHARS = 12


@dataclass(frozen=True)
class Bounds:
    """A field's limits as the case model states them (``None``: no limit).
    ``min_exclusive``: the value must be more than ``min`` (``gt``), not equal to it."""

    min: float | None = None
    max: float | None = None
    max_chars: int | None = None
    min_exclusive: bool = False


@dataclass(frozen=True)
class FormField:
    """One widget of the intake form."""

    key: str
    label: str
    kind: FieldKind
    section: str
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_chars: int | None = None
    help: str = ""
    min_exclusive: bool = False

    @property
    def range_text(self) -> str:
        """The allowed values of a number in words: ``0–120``, ``more than 0, up to 60``."""
        if self.kind not in ("int", "float"):
            return ""
        lo, hi = _num(self.min), _num(self.max)
        if self.min_exclusive and lo and hi:
            return f"more than {lo}, up to {hi}"
        if lo and hi:
            return f"{lo}–{hi}"
        return f"{lo} or more" if lo else (f"up to {hi}" if hi else "")

    @property
    def placeholder(self) -> str:
        rng = self.range_text
        whole = "whole number" if self.kind == "int" else "number"
        return f"not recorded · {whole} {rng}".strip() if rng else "not recorded"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- the model


def _constraints(node: Any, found: dict[str, Any]) -> None:
    """Collect ge/gt/le/max_length/pattern from an annotation or field, however nested."""
    if isinstance(node, FieldInfo):
        for item in node.metadata:
            _constraints(item, found)
        _constraints(node.annotation, found)
        return
    for name in ("ge", "gt", "le", "lt", "max_length", "pattern"):
        value = getattr(node, name, None)
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            found.setdefault(name, value)
    if isinstance(node, annotated_types.GroupedMetadata):
        for item in node:
            _constraints(item, found)
    origin = get_origin(node)
    if origin is Annotated:
        base, *meta = get_args(node)
        for item in meta:
            _constraints(item, found)
        _constraints(base, found)
    elif origin in (Union, types.UnionType):
        for arg in get_args(node):
            _constraints(arg, found)


_PATTERN_MAX = re.compile(r"\{\d*,(\d+)\}\$?$")


def _bounds(found: Mapping[str, Any]) -> Bounds:
    max_chars = found.get("max_length")
    pattern = found.get("pattern")
    if max_chars is None and isinstance(pattern, str) and (m := _PATTERN_MAX.search(pattern)):
        max_chars = int(m.group(1))
    return Bounds(
        found.get("ge", found.get("gt")),
        found.get("le", found.get("lt")),
        max_chars,
        "gt" in found,
    )


def model_bounds(model: type[BaseModel], name: str) -> Bounds:
    """The bounds of ``model.name`` (``TreatmentLine``, ``"cycles"`` -> 1..200)."""
    found: dict[str, Any] = {}
    _constraints(model.model_fields[name], found)
    return _bounds(found)


def _base(annotation: Any) -> Any:
    """The type without ``Optional`` and ``Annotated`` around it."""
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        elif origin is Annotated:
            annotation = get_args(annotation)[0]
        else:
            return annotation


def _item(annotation: Any) -> Any:
    """A list's item type, a dict's value type, else the type itself (all unwrapped)."""
    base = _base(annotation)
    origin = get_origin(base)
    if origin is list:
        return _base(get_args(base)[0])
    if origin is dict:
        return _base(get_args(base)[1])
    return base


def model_field(path: str, model: type[BaseModel] = Case) -> tuple[type[BaseModel], str]:
    """The model that holds a case field path and the field's name there
    (``"tumor.size_cm"`` -> ``(Tumor, "size_cm")``; list items are walked into)."""
    *parents, name = path.split(".")
    for part in parents:
        inner = _item(model.model_fields[part].annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise KeyError(path)
        model = inner
    return model, name


def model_choices(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """The values of the field's enum type (of its items, for a list or a map)."""
    inner = _item(model.model_fields[name].annotation)
    if isinstance(inner, type) and issubclass(inner, Enum):
        return tuple(str(m.value) for m in inner)
    return ()


def _dict_value_bounds(model: type[BaseModel], name: str) -> Bounds:
    found: dict[str, Any] = {}
    _constraints(get_args(_base(model.model_fields[name].annotation))[1], found)
    return _bounds(found)


_NUMERIC: tuple[FieldKind, ...] = ("int", "float")
#: One text, one limit (a "lines" field is a list: its limits are per item and per list,
#: and the validation names whichever is broken).
_TEXT: tuple[FieldKind, ...] = ("text", "textarea")


def _widget(
    key: str,
    kind: FieldKind,
    section: str,
    bounds: Bounds,
    choices: tuple[str, ...],
    *,
    label_text: str | None = None,
    help: str = "",
) -> FormField:
    return FormField(
        key,
        label_text or field_label(key),
        kind,
        section,
        choices=choices if kind in ("enum", "multi") else (),
        min=bounds.min if kind in _NUMERIC else None,
        max=bounds.max if kind in _NUMERIC else None,
        max_chars=bounds.max_chars
        if kind in _TEXT
        else (NUMBER_CHARS if kind in _NUMERIC else None),
        help=help,
        min_exclusive=bounds.min_exclusive if kind in _NUMERIC else False,
    )


def _model_widget(
    key: str,
    kind: FieldKind,
    section: str,
    held_by: tuple[type[BaseModel], str],
    *,
    label_text: str | None = None,
    help: str = "",
) -> FormField:
    """The widget ``key`` of the model field ``held_by`` (model, name): its bounds and choices."""
    bounds, choices = model_bounds(*held_by), model_choices(*held_by)
    return _widget(key, kind, section, bounds, choices, label_text=label_text, help=help)


def case_field(
    path: str, kind: FieldKind, section: str, *, help: str = "", label_text: str | None = None
) -> FormField:
    """The widget of a case field, its label, bounds and choices read from the model."""
    return _model_widget(path, kind, section, model_field(path), label_text=label_text, help=help)


def row_field(
    model: type[BaseModel], list_key: str, key: str, kind: FieldKind, *, help: str = ""
) -> FormField:
    """A field of a list row (``key`` is the row model's field name)."""
    label_text = field_label(f"{list_key}[].{key}")
    return _model_widget(key, kind, "", (model, key), label_text=label_text, help=help)


# --------------------------------------------------------------------------- the form

SECTIONS: tuple[str, ...] = (
    "Case",
    "Patient",
    "Tumour",
    "Pathology",
    "Workup",
    "Extent",
    "History",
    "For the board",
)

_F = case_field
FIELDS: tuple[FormField, ...] = (
    _F(
        "case_id",
        "text",
        "Case",
        label_text="Case id (pseudonym)",
        help="Letters, digits, '.', '_' or '-'; never a name or record number.",
    ),
    _F("board_date", "date", "Case"),
    _F("presenter", "text", "Case"),
    _F("patient.age", "int", "Patient"),
    _F("patient.sex", "enum", "Patient"),
    _F("patient.ecog", "int", "Patient"),
    _F("patient.lvef_percent", "int", "Patient"),
    _F(
        "patient.cumulative_doxorubicin_mg_m2",
        "float",
        "Patient",
        help="Lifetime anthracycline dose, doxorubicin-equivalent.",
    ),
    _F(
        "patient.comorbidities",
        "lines",
        "Patient",
        label_text="Comorbidities (free text, one per line)",
    ),
    _F("patient.menopausal_status", "enum", "Patient"),
    _F("patient.wishes_fertility_preservation", "bool", "Patient"),
    _F("patient.pregnant", "bool", "Patient"),
    _F("patient.gestational_age_weeks", "int", "Patient"),
    _F(
        "patient.declines",
        "multi",
        "Patient",
        help="Treatments the patient has said they do not want.",
    ),
    FormField("patient.declines.none", "Asked: declines nothing", "check", "Patient"),
    _F("tumor.site", "enum", "Tumour", help="Vascular: large-vessel origin (e.g. IVC)."),
    _F("tumor.location", "text", "Tumour", help='e.g. "left thigh, vastus lateralis"'),
    _F("tumor.size_cm", "float", "Tumour"),
    _F("tumor.depth", "enum", "Tumour"),
    _F("tumor.presentation", "enum", "Tumour"),
    _F("tumor.uterine_extension", "enum", "Tumour"),
    _F("tumor.morcellated", "bool", "Tumour"),
    _F("pathology.biopsy", "enum", "Pathology"),
    _F(
        "pathology.needle_gauge",
        "int",
        "Pathology",
        help="Lower is thicker; ≥ 16 G (14–16 G) is preferred.",
    ),
    _F("pathology.image_guided", "bool", "Pathology"),
    _F("pathology.biopsy_route", "enum", "Pathology"),
    _F("pathology.diagnosis_confirmed", "bool", "Pathology"),
    _F("pathology.expert_review", "bool", "Pathology"),
    _F("pathology.differentiation_score", "int", "Pathology"),
    _F("pathology.mitoses_per_10hpf", "int", "Pathology"),
    _F("pathology.necrosis_percent", "float", "Pathology"),
    _F("pathology.reported_grade", "int", "Pathology"),
    *(
        _model_widget(
            f"pathology.ihc.{m}",
            "enum",
            "Pathology",
            model_field("pathology.ihc"),
            label_text=marker_label(m),
        )
        for m in COMMON_IHC
    ),
    FormField(
        IHC_OTHER,
        "Other IHC (one 'marker: result' per line)",
        "lines",
        "Pathology",
        help="Results: positive, negative, equivocal or not done (or +, −, ±, n/d).",
    ),
    _F(
        "pathology.molecular",
        "lines",
        "Pathology",
        label_text="Molecular findings (one per line)",
    ),
    _F("pathology.margin", "enum", "Pathology"),
    _F("pathology.tumor_ngs", "bool", "Pathology"),
    _F(
        "pathology.hrd",
        "enum",
        "Pathology",
        help="HRD assay or BRCA1/2, PALB2… result of the tumour.",
    ),
    _F("workup.mri_primary", "bool", "Workup"),
    _F("workup.ct_chest", "bool", "Workup"),
    _F("workup.ct_abdomen_pelvis", "bool", "Workup"),
    _F("workup.pet_ct", "bool", "Workup"),
    _F("workup.radiograph_primary", "bool", "Workup"),
    _F("workup.last_imaging_date", "date", "Workup"),
    _F("extent.primary_resectability", "enum", "Extent"),
    _F("extent.nodes", "enum", "Extent"),
    _F("extent.neurovascular_involvement", "bool", "Extent"),
    _F("extent.limb_salvage_feasible", "bool", "Extent"),
    _F("extent.disease_free_interval_months", "int", "Extent"),
    _F("history.surgery_date", "date", "History"),
    _F("history.patient_preference", "textarea", "History"),
    _F("question", "textarea", "For the board"),
    _F("notes", "textarea", "For the board", label_text="Clinical summary (free text)"),
)
FIELD_BY_KEY: dict[str, FormField] = {f.key: f for f in FIELDS}

#: Per-site metastasis widgets (shown for each site picked in ``extent.metastases``).
METASTASIS_SITES_FIELD = FormField(
    METASTASES,
    "Sites of distant metastasis",
    "multi",
    "Extent",
    choices=model_choices(*model_field("extent.metastases.site")),
)
METASTASIS_SITES: tuple[str, ...] = METASTASIS_SITES_FIELD.choices
METASTASIS_COUNT = case_field("extent.metastases.count", "int", "Extent")
METASTASIS_RESECTABLE = case_field("extent.metastases.resectable", "bool", "Extent")
METASTASES_NONE_FIELD = FormField(METASTASES_NONE, "No distant metastasis found", "check", "Extent")


def metastasis_key(site: str, part: Literal["count", "resectable"]) -> str:
    return f"{METASTASES}.{site}.{part}"


# --------------------------------------------------------------------------- list editors


@dataclass(frozen=True)
class ListEditor:
    """A repeatable row group for one list of objects of the case format."""

    key: str
    title: str
    item: str
    section: str
    none_label: str
    fields: tuple[FormField, ...]
    help: str = ""

    @property
    def none_key(self) -> str:
        return f"{self.key}.none"

    @property
    def seq_key(self) -> str:
        """The last row id given out (ids are never reused, so no widget keeps old state)."""
        return f"{self.key}.seq"

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.key == name)


#: Drug ids of the vocabulary, in alphabetical order (the multiselect of a treatment line).
DRUG_CHOICES: tuple[str, ...] = tuple(sorted(drug_vocabulary()))

_TL_KEY, _RT_KEY, _CM_KEY = (
    "history.treatment_lines",
    "history.radiotherapy_courses",
    "patient.coded_comorbidities",
)
_TL = model_field(f"{_TL_KEY}.setting")[0]
_RT = model_field(f"{_RT_KEY}.timing")[0]
_CM = model_field(f"{_CM_KEY}.code")[0]
TREATMENT_LINES = ListEditor(
    _TL_KEY,
    "Systemic treatment lines",
    "regimen",
    "History",
    "No systemic treatment so far",
    (
        row_field(_TL, _TL_KEY, "setting", "enum"),
        row_field(
            _TL,
            _TL_KEY,
            "line",
            "int",
            help="Advanced: the line of therapy. Maintenance: the line it follows.",
        ),
        FormField(
            "drugs",
            "Drugs (generic names)",
            "multi",
            "",
            choices=DRUG_CHOICES,
            help="From the drug list; a drug that is not in it goes under Other drugs.",
        ),
        row_field(_TL, _TL_KEY, "other_drugs", "lines"),
        row_field(_TL, _TL_KEY, "regimen", "text", help="e.g. doxorubicin 75 mg/m² q3w"),
        row_field(_TL, _TL_KEY, "start_date", "date"),
        row_field(_TL, _TL_KEY, "end_date", "date"),
        row_field(_TL, _TL_KEY, "cycles", "int"),
        row_field(_TL, _TL_KEY, "best_response", "enum"),
        row_field(_TL, _TL_KEY, "stop_reason", "enum"),
        row_field(_TL, _TL_KEY, "note", "textarea"),
        row_field(
            _TL,
            _TL_KEY,
            "for_other_cancer",
            "text",
            help='Only when given for another cancer, e.g. "breast cancer".',
        ),
    ),
    help="One row per regimen, oldest first.",
)
#: A cumulative dose of one drug of a treatment line (mg/m²), bounds from the model.
DOSE_FIELD = _widget(
    "dose",
    "float",
    "",
    _dict_value_bounds(_TL, "doses_mg_m2"),
    (),
    label_text="Total dose (mg/m²)",
)
RADIOTHERAPY_COURSES = ListEditor(
    _RT_KEY,
    "Radiotherapy courses",
    "radiotherapy course",
    "History",
    "No radiotherapy so far",
    (
        row_field(_RT, _RT_KEY, "timing", "enum"),
        row_field(_RT, _RT_KEY, "target", "enum"),
        row_field(_RT, _RT_KEY, "region", "text", help="e.g. left thigh, right lower lobe"),
        row_field(_RT, _RT_KEY, "technique", "enum"),
        row_field(_RT, _RT_KEY, "dose_gy", "float"),
        row_field(_RT, _RT_KEY, "fractions", "int"),
        row_field(_RT, _RT_KEY, "start_date", "date"),
        row_field(_RT, _RT_KEY, "end_date", "date"),
    ),
)
CODED_COMORBIDITIES = ListEditor(
    _CM_KEY,
    "Coded comorbidities",
    "comorbidity",
    "Patient",
    "None of these conditions",
    (
        row_field(_CM, _CM_KEY, "code", "enum"),
        row_field(_CM, _CM_KEY, "severity", "enum"),
        row_field(_CM, _CM_KEY, "egfr_ml_min", "int"),
        row_field(_CM, _CM_KEY, "note", "text"),
    ),
    help="The conditions the treatment rules look at; other conditions as free text below.",
)
LIST_EDITORS: tuple[ListEditor, ...] = (CODED_COMORBIDITIES, TREATMENT_LINES, RADIOTHERAPY_COURSES)
EDITOR_BY_KEY: dict[str, ListEditor] = {e.key: e for e in LIST_EDITORS}


def row_key(editor: ListEditor, row: str, name: str) -> str:
    """``history.treatment_lines.2.stop_reason``."""
    return f"{editor.key}.{row}.{name}"


def dose_key(row: str, drug: str) -> str:
    """The key of a drug's total dose in a treatment line: ``...treatment_lines.2.dose.X``."""
    return row_key(TREATMENT_LINES, row, f"dose.{drug}")


def field_for(key: str) -> FormField | None:
    """The widget definition of any form key (fields, metastasis rows, list editor rows)."""
    if key in FIELD_BY_KEY:
        return FIELD_BY_KEY[key]
    if key == METASTASES:
        return METASTASIS_SITES_FIELD
    if key == METASTASES_NONE:
        return METASTASES_NONE_FIELD
    if key.startswith(METASTASES + "."):
        return METASTASIS_COUNT if key.endswith(".count") else METASTASIS_RESECTABLE
    for editor in LIST_EDITORS:
        if key == editor.none_key:
            return FormField(key, editor.none_label, "check", editor.section)
        if key.startswith(editor.key + "."):
            parts = key[len(editor.key) + 1 :].split(".", 1)
            if len(parts) < 2:
                return None  # the list's own bookkeeping (``.seq``)
            name = parts[1]
            if name.startswith("dose."):
                return DOSE_FIELD
            return next((f for f in editor.fields if f.key == name), None)
    return None


def fields_in(section: str) -> list[FormField]:
    return [f for f in FIELDS if f.section == section]


def choice_label(value: str | None) -> str:
    """How an enum value reads in a selectbox: ``core_needle`` -> ``core needle``."""
    return label(value)


def widget_label(field: FormField) -> str:
    """The label a widget shows (capitalised)."""
    return cap(field.label)
