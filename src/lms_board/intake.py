"""The intake form's model: its fields, form state <-> case dict, field errors and warnings.

The form state is a flat, JSON-ready ``{key: value}`` dict that the intake page keeps in
session state and saves as a draft on every change. Keys are case field paths
(``tumor.size_cm``), plus a few form-only keys: ``pathology.ihc.<marker>`` for the common
markers, ``pathology.ihc_other`` (``marker: result`` lines), ``extent.metastases`` (the list
of sites) with ``extent.metastases.<site>.count`` / ``.resectable`` per site.

The lists of objects of format v2 (treatment lines, radiotherapy courses, coded
comorbidities) are repeatable row groups (:data:`LIST_EDITORS`): the list's key holds the row
ids in order (``history.treatment_lines: ["1", "2"]``), each row field has its own key
(``history.treatment_lines.2.stop_reason``; a dose ``history.treatment_lines.2.dose.doxorubicin``)
and ``<list>.none`` says "none" when there is no row (no row and not ticked: not recorded).
A row left blank is not part of the case. Fields that do not apply (``tumor.morcellated`` for
a thigh tumour, the end date of an ongoing line) keep their value in the form so nothing typed
is lost, but never reach the case. Drafts saved by the format v1 form are read and their
history upgraded (:func:`restore_form`).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from lms_board import case_v1
from lms_board.assessment import Grade
from lms_board.case import (
    SCHEMA_VERSION,
    Biopsy,
    BiopsyRoute,
    Case,
    CaseError,
    CodedComorbidity,
    ComorbidityCode,
    Declined,
    Depth,
    HrdStatus,
    IhcResult,
    LineSetting,
    Margin,
    MenopausalStatus,
    MetastasisSite,
    Nodes,
    Pathology,
    Presentation,
    RadiotherapyCourse,
    RadiotherapyTarget,
    RadiotherapyTechnique,
    RadiotherapyTiming,
    Resectability,
    Response,
    Severity,
    Sex,
    Site,
    StopReason,
    TreatmentLine,
    UterineExtension,
    parse_case,
)
from lms_board.case_rules import rule_for
from lms_board.case_upgrade import upgrade_v1
from lms_board.drugs import drug_vocabulary
from lms_board.grading import fnclcc_grade
from lms_board.identifiers import find_identifiers
from lms_board.wording import cap, label, marker_label

FieldKind = Literal[
    "text", "textarea", "lines", "int", "float", "enum", "bool", "date", "multi", "check"
]
FormState = dict[str, Any]

#: Markers with their own selectbox; any other marker goes on a ``marker: result`` line.
COMMON_IHC: tuple[str, ...] = ("desmin", "sma", "h_caldesmon", "kit", "dog1", "er", "pr")
IHC_OTHER = "pathology.ihc_other"
METASTASES = "extent.metastases"


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
    step: float | None = None
    max_chars: int | None = None
    help: str = ""


def _enum(e: type[Any]) -> tuple[str, ...]:
    return tuple(str(m.value) for m in e)


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

_F = FormField
FIELDS: tuple[FormField, ...] = (
    _F(
        "case_id",
        "Case id (pseudonym)",
        "text",
        "Case",
        max_chars=40,
        help="Letters, digits, '.', '_' or '-'; never a name or record number.",
    ),
    _F("board_date", "Board date", "date", "Case"),
    _F("presenter", "Presenter", "text", "Case", max_chars=120),
    _F("patient.age", "Age (years)", "int", "Patient", min=0, max=120, step=1),
    _F("patient.sex", "Sex", "enum", "Patient", choices=_enum(Sex)),
    _F("patient.ecog", "ECOG", "int", "Patient", min=0, max=4, step=1),
    _F("patient.lvef_percent", "LVEF (%)", "int", "Patient", min=10, max=90, step=1),
    _F(
        "patient.cumulative_doxorubicin_mg_m2",
        "Cumulative doxorubicin (mg/m²)",
        "float",
        "Patient",
        min=0.0,
        max=1000.0,
        step=10.0,
        help="Lifetime anthracycline dose, doxorubicin-equivalent.",
    ),
    _F("patient.comorbidities", "Comorbidities (free text, one per line)", "lines", "Patient"),
    _F(
        "patient.menopausal_status",
        "Menopausal status",
        "enum",
        "Patient",
        choices=_enum(MenopausalStatus),
    ),
    _F("patient.wishes_fertility_preservation", "Wishes to preserve fertility", "bool", "Patient"),
    _F(
        "patient.declines",
        "The patient declines",
        "multi",
        "Patient",
        choices=_enum(Declined),
        help="Treatments the patient has said they do not want.",
    ),
    _F("patient.declines.none", "Asked: declines nothing", "check", "Patient"),
    _F(
        "tumor.site",
        "Primary site",
        "enum",
        "Tumour",
        choices=_enum(Site),
        help="'vascular' = large-vessel origin (e.g. IVC).",
    ),
    _F(
        "tumor.location",
        "Location",
        "text",
        "Tumour",
        max_chars=200,
        help='e.g. "left thigh, vastus lateralis"',
    ),
    _F(
        "tumor.size_cm",
        "Size (cm, greatest dimension)",
        "float",
        "Tumour",
        min=0.0,
        max=60.0,
        step=0.5,
    ),
    _F("tumor.depth", "Depth", "enum", "Tumour", choices=_enum(Depth)),
    _F("tumor.presentation", "Presentation", "enum", "Tumour", choices=_enum(Presentation)),
    _F(
        "tumor.uterine_extension",
        "Uterine extension (FIGO)",
        "enum",
        "Tumour",
        choices=_enum(UterineExtension),
    ),
    _F("tumor.morcellated", "Morcellated", "bool", "Tumour"),
    _F("pathology.biopsy", "Tissue obtained by", "enum", "Pathology", choices=_enum(Biopsy)),
    _F(
        "pathology.needle_gauge",
        "Needle gauge (G)",
        "int",
        "Pathology",
        min=8,
        max=25,
        step=1,
        help="Lower is thicker; ≥ 16 G (14–16 G) is preferred.",
    ),
    _F("pathology.image_guided", "Image-guided", "bool", "Pathology"),
    _F("pathology.biopsy_route", "Biopsy route", "enum", "Pathology", choices=_enum(BiopsyRoute)),
    _F("pathology.diagnosis_confirmed", "Histology consistent with LMS", "bool", "Pathology"),
    _F("pathology.expert_review", "Sarcoma-expert pathology review", "bool", "Pathology"),
    _F(
        "pathology.differentiation_score",
        "FNCLCC differentiation (1–3)",
        "int",
        "Pathology",
        min=1,
        max=3,
        step=1,
    ),
    _F(
        "pathology.mitoses_per_10hpf",
        "Mitoses per 10 HPF",
        "int",
        "Pathology",
        min=0,
        max=500,
        step=1,
    ),
    _F(
        "pathology.necrosis_percent",
        "Necrosis (%)",
        "float",
        "Pathology",
        min=0.0,
        max=100.0,
        step=5.0,
    ),
    _F(
        "pathology.reported_grade", "Reported grade (1–3)", "int", "Pathology", min=1, max=3, step=1
    ),
    *(
        _F(
            f"pathology.ihc.{m}",
            cap(marker_label(m)),
            "enum",
            "Pathology",
            choices=_enum(IhcResult),
        )
        for m in COMMON_IHC
    ),
    _F(
        IHC_OTHER,
        "Other IHC (one 'marker: result' per line)",
        "lines",
        "Pathology",
        help="Results: positive, negative, equivocal or not done.",
    ),
    _F("pathology.molecular", "Molecular findings (one per line)", "lines", "Pathology"),
    _F("pathology.margin", "Margin", "enum", "Pathology", choices=_enum(Margin)),
    _F("pathology.tumor_ngs", "Tumour NGS done", "bool", "Pathology"),
    _F(
        "pathology.hrd",
        "Homologous recombination",
        "enum",
        "Pathology",
        choices=_enum(HrdStatus),
        help="HRD assay or BRCA1/2, PALB2… result of the tumour.",
    ),
    _F("workup.mri_primary", "MRI of the primary", "bool", "Workup"),
    _F("workup.ct_chest", "CT chest", "bool", "Workup"),
    _F("workup.ct_abdomen_pelvis", "CT abdomen/pelvis", "bool", "Workup"),
    _F("workup.pet_ct", "PET-CT", "bool", "Workup"),
    _F("workup.radiograph_primary", "Radiograph of the primary", "bool", "Workup"),
    _F("workup.last_imaging_date", "Last imaging", "date", "Workup"),
    _F(
        "extent.primary_resectability",
        "Primary resectability",
        "enum",
        "Extent",
        choices=_enum(Resectability),
    ),
    _F("extent.nodes", "Regional nodes", "enum", "Extent", choices=_enum(Nodes)),
    _F("extent.neurovascular_involvement", "Neurovascular involvement", "bool", "Extent"),
    _F("extent.limb_salvage_feasible", "Limb salvage feasible", "bool", "Extent"),
    _F(
        "extent.disease_free_interval_months",
        "Disease-free interval (months)",
        "int",
        "Extent",
        min=0,
        max=600,
        step=1,
    ),
    _F("history.surgery_date", "Definitive surgery", "date", "History"),
    _F("history.patient_preference", "Patient preference", "textarea", "History", max_chars=500),
    _F("question", "Question for the board", "textarea", "For the board", max_chars=1000),
    _F(
        "notes",
        "Clinical summary (free text)",
        "textarea",
        "For the board",
        max_chars=5000,
    ),
)
FIELD_BY_KEY: dict[str, FormField] = {f.key: f for f in FIELDS}

#: Per-site metastasis widgets (shown for each site picked in ``extent.metastases``).
METASTASIS_SITES: tuple[str, ...] = _enum(MetastasisSite)
METASTASIS_COUNT = FormField("", "Lesions", "int", "Extent", min=1, max=100, step=1)
METASTASIS_SITES_FIELD = FormField(
    METASTASES, "Sites of distant metastasis", "multi", "Extent", choices=METASTASIS_SITES
)
METASTASIS_RESECTABLE = FormField("", "Resectable", "bool", "Extent")


def metastasis_key(site: str, part: Literal["count", "resectable"]) -> str:
    return f"{METASTASES}.{site}.{part}"


# --------------------------------------------------------------------------- bounds


@dataclass(frozen=True)
class Bounds:
    """A field's limits as the case model states them (``None``: no limit)."""

    min: float | None = None
    max: float | None = None
    max_chars: int | None = None


def _constraints(node: Any, found: dict[str, Any]) -> None:
    """Collect ge/gt/le/max_length from an annotation or field, however nested."""
    if isinstance(node, FieldInfo):
        for item in node.metadata:
            _constraints(item, found)
        _constraints(node.annotation, found)
        return
    for name in ("ge", "gt", "le", "lt", "max_length"):
        value = getattr(node, name, None)
        if isinstance(value, int | float) and not isinstance(value, bool):
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


def model_bounds(model: type[BaseModel], name: str) -> Bounds:
    """The bounds of ``model.name`` (``TreatmentLine``, ``"cycles"`` -> 1..200)."""
    found: dict[str, Any] = {}
    _constraints(model.model_fields[name], found)
    low = found.get("ge", found.get("gt"))
    high = found.get("le", found.get("lt"))
    return Bounds(low, high, found.get("max_length"))


def _dose_bounds() -> Bounds:
    found: dict[str, Any] = {}
    _constraints(get_args(_base(TreatmentLine.model_fields["doses_mg_m2"].annotation))[1], found)
    return Bounds(found.get("ge", found.get("gt")), found.get("le"), None)


def _base(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        return next(a for a in get_args(annotation) if a is not type(None))
    return annotation


def _row_field(
    model: type[BaseModel],
    key: str,
    label: str,
    kind: FieldKind,
    *,
    choices: tuple[str, ...] = (),
    step: float | None = None,
    help: str = "",
) -> FormField:
    """A field of a row, its bounds read from the case model."""
    b = model_bounds(model, key)
    return FormField(
        key,
        label,
        kind,
        "",
        choices=choices,
        min=b.min if kind in ("int", "float") else None,
        max=b.max if kind in ("int", "float") else None,
        step=step,
        max_chars=b.max_chars if kind in ("text", "textarea") else None,
        help=help,
    )


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


_TL, _RT, _CM = TreatmentLine, RadiotherapyCourse, CodedComorbidity
TREATMENT_LINES = ListEditor(
    "history.treatment_lines",
    "Systemic treatment lines",
    "regimen",
    "History",
    "No systemic treatment so far",
    (
        _row_field(_TL, "setting", "Setting", "enum", choices=_enum(LineSetting)),
        _row_field(
            _TL,
            "line",
            "Line number",
            "int",
            step=1,
            help="Advanced: the line of therapy. Maintenance: the line it follows.",
        ),
        _row_field(
            _TL,
            "drugs",
            "Drugs (generic names)",
            "multi",
            choices=DRUG_CHOICES,
            help="From the drug list; a drug that is not in it goes under Other drugs.",
        ),
        _row_field(_TL, "other_drugs", "Other drugs (one per line)", "lines"),
        _row_field(
            _TL, "regimen", "Regimen as written", "text", help="e.g. doxorubicin 75 mg/m² q3w"
        ),
        _row_field(_TL, "start_date", "Start", "date"),
        _row_field(_TL, "end_date", "End", "date"),
        _row_field(_TL, "cycles", "Cycles", "int", step=1),
        _row_field(_TL, "best_response", "Best response", "enum", choices=_enum(Response)),
        _row_field(_TL, "stop_reason", "Why it stopped", "enum", choices=_enum(StopReason)),
        _row_field(_TL, "note", "Note", "textarea"),
    ),
    help="One row per regimen, oldest first.",
)
#: A cumulative dose of one drug of a treatment line (mg/m²), bounds from the model.
DOSE_FIELD = FormField(
    "dose",
    "Total dose (mg/m²)",
    "float",
    "",
    min=_dose_bounds().min,
    max=_dose_bounds().max,
    step=10.0,
)
RADIOTHERAPY_COURSES = ListEditor(
    "history.radiotherapy_courses",
    "Radiotherapy courses",
    "radiotherapy course",
    "History",
    "No radiotherapy so far",
    (
        _row_field(_RT, "timing", "Timing", "enum", choices=_enum(RadiotherapyTiming)),
        _row_field(_RT, "target", "Target", "enum", choices=_enum(RadiotherapyTarget)),
        _row_field(_RT, "region", "Region", "text", help="e.g. left thigh, right lower lobe"),
        _row_field(_RT, "technique", "Technique", "enum", choices=_enum(RadiotherapyTechnique)),
        _row_field(_RT, "dose_gy", "Dose (Gy)", "float", step=1.0),
        _row_field(_RT, "fractions", "Fractions", "int", step=1),
        _row_field(_RT, "start_date", "Start", "date"),
        _row_field(_RT, "end_date", "End", "date"),
    ),
)
CODED_COMORBIDITIES = ListEditor(
    "patient.coded_comorbidities",
    "Coded comorbidities",
    "comorbidity",
    "Patient",
    "None of these conditions",
    (
        _row_field(_CM, "code", "Condition", "enum", choices=_enum(ComorbidityCode)),
        _row_field(_CM, "severity", "Severity", "enum", choices=_enum(Severity)),
        _row_field(_CM, "egfr_ml_min", "eGFR (mL/min)", "int", step=1),
        _row_field(_CM, "note", "Note", "text"),
    ),
    help="The conditions the treatment rules look at; other conditions as free text below.",
)
LIST_EDITORS: tuple[ListEditor, ...] = (CODED_COMORBIDITIES, TREATMENT_LINES, RADIOTHERAPY_COURSES)
EDITOR_BY_KEY: dict[str, ListEditor] = {e.key: e for e in LIST_EDITORS}


def row_key(editor: ListEditor, row: str, name: str) -> str:
    """``history.treatment_lines.2.stop_reason``."""
    return f"{editor.key}.{row}.{name}"


#: Drug classes dosed by body surface area: a total in mg/m² means something for them.
BSA_DOSED_CLASSES = frozenset(
    {
        "anthracycline",
        "alkylating agent",
        "antimetabolite",
        "taxane",
        "microtubule inhibitor",
        "trabectedin-class",
        "other",
    }
)


def dose_drugs(form: Mapping[str, Any], row: str) -> list[str]:
    """The drugs of a treatment line that get a total-dose input: those dosed in mg/m²,
    and any other that already has a dose (so a recorded value is never hidden)."""
    vocabulary = drug_vocabulary()
    drugs = form.get(row_key(TREATMENT_LINES, row, "drugs")) or []
    return [
        d
        for d in drugs
        if (d in vocabulary and vocabulary[d].drug_class in BSA_DOSED_CLASSES)
        or form.get(dose_key(row, d)) is not None
    ]


def dose_key(row: str, drug: str) -> str:
    """The key of a drug's total dose in a treatment line: ``...treatment_lines.2.dose.X``."""
    return row_key(TREATMENT_LINES, row, f"dose.{drug}")


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
        form[row_key(editor, row, f.key)] = _blank(f)
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


def row_applies(editor: ListEditor, name: str, form: Mapping[str, Any], row: str) -> bool:
    """Whether a row field applies given the rest of its row (``lms_board.case_rules``)."""
    rule = rule_for(name, editor.key)
    return rule is None or rule.applies(lambda f: form.get(row_key(editor, row, f)))


def _blank(f: FormField) -> Any:
    if f.kind in ("text", "textarea", "lines"):
        return ""
    if f.kind == "multi":
        return []
    if f.kind == "check":
        return False
    return None


def _filled(value: Any) -> bool:
    return value not in (None, "", [], False) and not (isinstance(value, str) and not value.strip())


def _row_value(f: FormField, value: Any) -> Any:
    """A widget value as the case format wants it, or ``None`` for "not recorded"."""
    if f.kind in ("text", "textarea"):
        return value.strip() if isinstance(value, str) and value.strip() else None
    if f.kind == "lines":
        return _lines(value) or None
    if f.kind in ("int", "float"):
        return _number(value, f.kind)
    if f.kind == "multi":
        return list(value) if value else None
    return value


def _row_dict(editor: ListEditor, form: Mapping[str, Any], row: str) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for f in editor.fields:
        if not row_applies(editor, f.key, form, row):
            continue
        value = _row_value(f, form.get(row_key(editor, row, f.key)))
        if value is not None:
            item[f.key] = value
    if editor is TREATMENT_LINES:
        doses = {}
        for drug in item.get("drugs", []):
            dose = form.get(dose_key(row, drug))
            if dose is not None:
                doses[drug] = dose
        if doses:
            item["doses_mg_m2"] = doses
    return item


def kept_rows(form: Mapping[str, Any], editor: ListEditor) -> list[str]:
    """The rows that go into the case (a row left blank does not)."""
    return [r for r in rows(form, editor) if _row_dict(editor, form, r)]


def _put_list(data: dict[str, Any], form: Mapping[str, Any], editor: ListEditor) -> None:
    items = [_row_dict(editor, form, r) for r in kept_rows(form, editor)]
    if items or form.get(editor.none_key):
        _put(data, editor.key, items)


def field_for(key: str) -> FormField | None:
    """The widget definition of any form key (fields, metastasis rows, list editor rows)."""
    if key in FIELD_BY_KEY:
        return FIELD_BY_KEY[key]
    if key == METASTASES:
        return METASTASIS_SITES_FIELD
    if key.startswith(METASTASES + "."):
        return METASTASIS_COUNT if key.endswith(".count") else METASTASIS_RESECTABLE
    for editor in LIST_EDITORS:
        if key == editor.none_key:
            return FormField(key, editor.none_label, "check", editor.section)
        if key.startswith(editor.key + "."):
            name = key[len(editor.key) + 1 :].split(".", 1)[1]
            if name.startswith("dose."):
                return DOSE_FIELD
            return next((f for f in editor.fields if f.key == name), None)
    return None


def all_keys(form: Mapping[str, Any]) -> list[str]:
    """Every key of the form that a widget edits, for the rows the form has now."""
    keys = [f.key for f in FIELDS] + [METASTASES]
    for site in METASTASIS_SITES:
        keys += [metastasis_key(site, "count"), metastasis_key(site, "resectable")]
    for editor in LIST_EDITORS:
        keys.append(editor.none_key)
        for row in rows(form, editor):
            keys += [row_key(editor, row, f.key) for f in editor.fields]
            if editor is TREATMENT_LINES:
                keys += [dose_key(row, d) for d in DRUG_CHOICES]
    return keys


def fields_in(section: str) -> list[FormField]:
    return [f for f in FIELDS if f.section == section]


def choice_label(value: str | None) -> str:
    """How an enum value reads in a selectbox: ``core_needle`` -> ``core needle``."""
    return label(value)


def applies(key: str, form: Mapping[str, Any]) -> bool:
    """Whether a field applies given the rest of the form (``lms_board.case_rules``, the
    table the validation reads too)."""
    rule = rule_for(key)
    return rule is None or rule.applies(form.get)


def empty_form() -> FormState:
    """A blank form: every field not recorded."""
    form: FormState = {}
    for f in FIELDS:
        form[f.key] = _blank(f)
    for editor in LIST_EDITORS:
        form[editor.key] = []
        form[editor.none_key] = False
        form[editor.seq_key] = 0
    form[METASTASES] = []
    for site in METASTASIS_SITES:
        form[metastasis_key(site, "count")] = None
        form[metastasis_key(site, "resectable")] = None
    return form


def _lines(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


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


def _number(value: Any, kind: FieldKind) -> int | float | None:
    if value is None:
        return None
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[no-any-return]


def form_to_case_dict(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The case-format dict the form describes, and form-level errors by form key.

    Only fields that apply and hold a value are written, so "not recorded" stays missing.
    """
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    errors: dict[str, list[str]] = {}
    for section in ("patient", "tumor", "pathology", "extent"):
        data[section] = {}
    for f in FIELDS:
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc.") or not applies(f.key, form):
            continue
        if f.kind == "check":
            continue  # "none" of a choice list, read with the list below
        value = _row_value(f, form.get(f.key))
        if value is None and f.kind == "multi" and form.get(f"{f.key}.none"):
            value = []
        if value is None:
            continue
        _put(data, f.key, value)
    for editor in LIST_EDITORS:
        _put_list(data, form, editor)
    ihc: dict[str, str] = {}
    for marker in COMMON_IHC:
        result = form.get(f"pathology.ihc.{marker}")
        if result:
            ihc[marker] = result
    for line in _lines(form.get(IHC_OTHER)):
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
    metastases = []
    for site in form.get(METASTASES) or []:
        entry: dict[str, Any] = {"site": site}
        count = _number(form.get(metastasis_key(site, "count")), "int")
        resectable = form.get(metastasis_key(site, "resectable"))
        if count is not None:
            entry["count"] = count
        if resectable is not None:
            entry["resectable"] = resectable
        metastases.append(entry)
    data["extent"]["metastases"] = metastases
    return data, errors


def _at(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _widget_value(f: FormField, value: Any) -> Any:
    """A case value as the form keeps it (lists of text as lines, missing text as "")."""
    if f.kind == "lines":
        return "\n".join(value or [])
    if f.kind in ("text", "textarea"):
        return value or ""
    if f.kind == "multi":
        return list(value or [])
    return value


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def case_to_form(case: Case) -> FormState:
    """The form state showing a case (the inverse of :func:`form_to_case_dict`)."""
    form = empty_form()
    raw = case.model_dump(mode="json")
    for f in FIELDS:
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc.") or f.kind == "check":
            continue
        form[f.key] = _widget_value(f, _at(raw, f.key))
    form["patient.declines.none"] = case.patient.given("declines") and not case.patient.declines
    for editor in LIST_EDITORS:
        items = _at(raw, editor.key) or []
        known = _at(case.to_json_dict(), editor.key) is not None
        form[editor.none_key] = known and not items
        for item in items:
            row = add_row(form, editor)
            for f in editor.fields:
                form[row_key(editor, row, f.key)] = _widget_value(f, item.get(f.key))
            for drug, dose in (item.get("doses_mg_m2") or {}).items():
                form[dose_key(row, drug)] = dose
    other = []
    for marker, result in case.pathology.ihc.items():
        if marker in COMMON_IHC:
            form[f"pathology.ihc.{marker}"] = result.value
        else:
            other.append(f"{marker}: {result.value}")
    form[IHC_OTHER] = "\n".join(other)
    form[METASTASES] = [m.site.value for m in case.extent.metastases]
    for m in case.extent.metastases:
        form[metastasis_key(m.site.value, "count")] = m.count
        form[metastasis_key(m.site.value, "resectable")] = m.resectable
    return form


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


def check_form(form: Mapping[str, Any], original: Case | None = None) -> FormCheck:
    """Validate the form as a case; every error is placed on the widget it names. With the
    ``original`` (the stored case the form was opened from), untouched fields keep their
    stored values exactly (:func:`keep_unchanged`)."""
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
    for message in messages:
        key = message_key(message, form)
        if key is None:
            general.append(message)
        else:
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
    """The FNCLCC grade from the form's components as they stand (``None`` if incomplete)."""
    try:
        pathology = Pathology(
            differentiation_score=_number(form.get("pathology.differentiation_score"), "int"),
            mitoses_per_10hpf=_number(form.get("pathology.mitoses_per_10hpf"), "int"),
            necrosis_percent=form.get("pathology.necrosis_percent"),
            reported_grade=_number(form.get("pathology.reported_grade"), "int"),
        )
    except ValidationError:
        return None
    return fnclcc_grade(pathology)


#: The last part of the draft key of a new case: ``*`` is never in a case id, so a case whose
#: id is ``new`` has a draft of its own.
NEW_CASE = "*new"
_SESSION = "\x1fsession="
_TOKEN = re.compile(r"[0-9a-f]{1,32}")


def draft_owner(user: str, browser_session: str | None = None) -> str:
    """Whose drafts these are: a signed-in user's (``user``: they follow the user), or one
    browser session's of a local user (``local:...`` names are shared by everybody at the
    machine, so each browser session keeps its own drafts)."""
    return user if browser_session is None else f"{user}{_SESSION}{browser_session}"


def draft_key(owner: str, case_id: str | None) -> str:
    """Store key of an unsaved intake form: ``owner:CASE-ID`` or ``owner:*new``."""
    return f"{owner}:{case_id or NEW_CASE}"


def draft_prefix(owner: str) -> str:
    """What every draft key of ``owner`` starts with (for ``store.list_drafts``)."""
    return f"{owner}:"


_DRAFT_CASE_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")


@dataclass(frozen=True)
class SavedDraft:
    """An unsaved intake form kept in the store: of a case, or of a new case (``None``)."""

    key: str
    case_id: str | None
    saved_at: datetime
    #: Kept by another browser session of the same (local) user.
    elsewhere: bool = False

    @property
    def label(self) -> str:
        """``Restore your unsaved draft of DEMO-03 (saved 2026-11-21 10:42 UTC)``."""
        what = self.case_id or "a new case"
        when = self.saved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        where = " in another browser session" if self.elsewhere else ""
        return f"Restore your unsaved draft of {what} (saved {when} UTC{where})"


def _case_part(rest: str) -> tuple[bool, str | None]:
    if rest == NEW_CASE:
        return True, None
    if _DRAFT_CASE_ID.fullmatch(rest):
        return True, rest
    return False, None


def user_drafts(
    user: str, listed: Iterable[tuple[str, datetime]], owner: str | None = None
) -> list[SavedDraft]:
    """``user``'s drafts from ``store.list_drafts(user)``, in the given order: those of
    ``owner`` (default ``user``), then, marked ``elsewhere``, those of their other browser
    sessions and any kept under the bare user name.

    A key whose rest is not a case id or ``*new`` is not this user's: ``alice:x:DEMO-01`` is a
    draft of user ``alice:x``, whose name merely starts like ``alice``'s prefix.
    """
    owner = owner or user
    mine: list[SavedDraft] = []
    others: list[SavedDraft] = []
    for key, saved_at in listed:
        if key.startswith(f"{user}{_SESSION}"):
            token, sep, rest = key[len(user) + len(_SESSION) :].partition(":")
            if not sep or not _TOKEN.fullmatch(token):
                continue
        elif key.startswith(f"{user}:"):
            rest = key[len(user) + 1 :]
        else:
            continue
        ok, case_id = _case_part(rest)
        if not ok:
            continue
        own = key.startswith(draft_prefix(owner))
        (mine if own else others).append(SavedDraft(key, case_id, saved_at, elsewhere=not own))
    return mine + others


#: The history fields of the format v1 form, found in drafts saved before format v2.
V1_HISTORY_KEYS: tuple[str, ...] = (
    "history.radiotherapy",
    "history.systemic_lines_advanced",
    "history.prior_regimens",
    "history.progressed_on_last_line",
)


def restore_form(saved: Mapping[str, Any]) -> FormState:
    """A saved form state (a draft) as the current form: keys the form no longer has are
    dropped, the rows of the list editors kept, and the history of a draft of the format v1
    form upgraded as a v1 case is (so nothing typed is lost)."""
    form = empty_form()
    for key, value in saved.items():
        if key in form or _is_row_key(key, saved):
            form[key] = value
    if any(saved.get(k) not in (None, "") for k in V1_HISTORY_KEYS):
        _upgrade_v1_history(form, saved)
    return form


def _is_row_key(key: str, saved: Mapping[str, Any]) -> bool:
    for editor in LIST_EDITORS:
        if key.startswith(editor.key + "."):
            row = key[len(editor.key) + 1 :].split(".", 1)[0]
            return row in rows(saved, editor)
    return False


def _upgrade_v1_history(form: FormState, saved: Mapping[str, Any]) -> None:
    regimens = _lines(saved.get("history.prior_regimens"))
    history: dict[str, Any] = {
        "radiotherapy": saved.get("history.radiotherapy"),
        "systemic_lines_advanced": _number(saved.get("history.systemic_lines_advanced"), "int"),
        "prior_regimens": regimens or None,
        "progressed_on_last_line": saved.get("history.progressed_on_last_line"),
    }
    shell = {
        "schema_version": 1,
        "case_id": "DRAFT",
        "patient": {"age": 0, "sex": "unknown"},
        "tumor": {"site": "other"},
        "pathology": {},
        "extent": {},
        "history": {k: v for k, v in history.items() if v is not None},
    }
    try:
        upgraded = upgrade_v1(case_v1.CaseV1.model_validate(shell)).get("history", {})
    except ValidationError:
        # Values the v1 form would have refused: keep every regimen typed, as text.
        upgraded = {"treatment_lines": [{"setting": "unknown", "regimen": r} for r in regimens]}
    for editor in (TREATMENT_LINES, RADIOTHERAPY_COURSES):
        items = upgraded.get(editor.key.split(".")[1])
        if items is None or rows(form, editor):
            continue
        form[editor.none_key] = not items
        for item in items:
            row = add_row(form, editor)
            for f in editor.fields:
                form[row_key(editor, row, f.key)] = _widget_value(f, item.get(f.key))


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


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(node, list) and any(isinstance(v, dict) for v in node):
        out = {}
        for i, v in enumerate(node):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: node}


def changed_fields(mine: Case, theirs: Case) -> list[tuple[str, Any, Any]]:
    """``(field path, my value, their value)`` for every field that differs."""
    a = _flatten(mine.model_dump(mode="json"))
    b = _flatten(theirs.model_dump(mode="json"))
    return [(k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def duplicate_case(case: Case, new_id: str) -> Case:
    """A copy of a case under another pseudonymous id (validated like any case)."""
    data = case.to_json_dict()
    data["case_id"] = new_id
    return parse_case(data)
