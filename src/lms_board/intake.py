"""The intake form's model: its fields, form state <-> case dict, field errors and warnings.

The form state is a flat, JSON-ready ``{key: value}`` dict that the intake page keeps in
session state and saves as a draft on every change. Keys are case field paths
(``tumor.size_cm``), plus a few form-only keys: ``pathology.ihc.<marker>`` for the common
markers, ``pathology.ihc_other`` (``marker: result`` lines), ``extent.metastases`` (the list
of sites) with ``extent.metastases.<site>.count`` / ``.resectable`` per site. Fields that
do not apply (``tumor.morcellated`` for a thigh tumour) keep their value in the form so
nothing typed is lost, but never reach the case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import ValidationError

from lms_board.assessment import Grade
from lms_board.case import (
    SCHEMA_VERSION,
    Biopsy,
    BiopsyRoute,
    Case,
    CaseError,
    Depth,
    IhcResult,
    Margin,
    MetastasisSite,
    Nodes,
    Pathology,
    Presentation,
    Radiotherapy,
    Resectability,
    Sex,
    Site,
    UterineExtension,
    parse_case,
)
from lms_board.grading import fnclcc_grade
from lms_board.identifiers import find_identifiers

FieldKind = Literal["text", "textarea", "lines", "int", "float", "enum", "bool", "date"]
FormState = dict[str, Any]

#: Markers with their own selectbox; any other marker goes on a ``marker: result`` line.
COMMON_IHC: tuple[str, ...] = ("desmin", "sma", "h_caldesmon", "kit", "dog1", "er", "pr")
IHC_OTHER = "pathology.ihc_other"
METASTASES = "extent.metastases"
NOT_RECORDED = "not recorded"


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
    _F("patient.comorbidities", "Comorbidities (one per line)", "lines", "Patient"),
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
            m.replace("_", "-").upper() if len(m) <= 4 else m.replace("_", "-").capitalize(),
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
        help="Results: positive, negative, equivocal, not_done.",
    ),
    _F("pathology.molecular", "Molecular findings (one per line)", "lines", "Pathology"),
    _F("pathology.margin", "Margin", "enum", "Pathology", choices=_enum(Margin)),
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
    _F("history.radiotherapy", "Radiotherapy", "enum", "History", choices=_enum(Radiotherapy)),
    _F(
        "history.systemic_lines_advanced",
        "Systemic lines for advanced disease",
        "int",
        "History",
        min=0,
        max=10,
        step=1,
    ),
    _F("history.prior_regimens", "Prior regimens, oldest first (one per line)", "lines", "History"),
    _F("history.progressed_on_last_line", "Progressed on the last line", "bool", "History"),
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
METASTASIS_RESECTABLE = FormField("", "Resectable", "bool", "Extent")


def metastasis_key(site: str, part: Literal["count", "resectable"]) -> str:
    return f"{METASTASES}.{site}.{part}"


def fields_in(section: str) -> list[FormField]:
    return [f for f in FIELDS if f.section == section]


def choice_label(value: str | None) -> str:
    """How an enum value reads in a selectbox: ``core_needle`` -> ``core needle``."""
    return NOT_RECORDED if value is None else value.replace("_", " ")


def applies(key: str, form: Mapping[str, Any]) -> bool:
    """Whether a field applies given the rest of the form (the format's cross-field rules)."""
    site = form.get("tumor.site")
    if key in ("tumor.uterine_extension", "tumor.morcellated"):
        return site == Site.uterus.value
    if key == "extent.limb_salvage_feasible":
        return site == Site.extremity.value
    if key == "pathology.needle_gauge":
        return form.get("pathology.biopsy") == Biopsy.core_needle.value
    if key == "pathology.margin":
        return form.get("extent.primary_resectability") == Resectability.resected.value or (
            form.get("pathology.biopsy") in (Biopsy.excisional.value, Biopsy.resection.value)
        )
    return True


def empty_form() -> FormState:
    """A blank form: every field not recorded."""
    form: FormState = {}
    for f in FIELDS:
        form[f.key] = "" if f.kind in ("text", "textarea", "lines") else None
    form[METASTASES] = []
    for site in METASTASIS_SITES:
        form[metastasis_key(site, "count")] = None
        form[metastasis_key(site, "resectable")] = None
    return form


def _lines(text: Any) -> list[str]:
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


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
        value = form.get(f.key)
        if f.kind in ("text", "textarea"):
            value = value.strip() if isinstance(value, str) and value.strip() else None
        elif f.kind == "lines":
            value = _lines(value) or None
        elif f.kind in ("int", "float"):
            value = _number(value, f.kind)
        if value is None:
            continue
        _put(data, f.key, value)
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
        ihc[marker] = match.group(2).strip().lower()
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
        if f.key == IHC_OTHER or f.key.startswith("pathology.ihc."):
            continue
        node: Any = raw
        for part in f.key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if f.kind == "lines":
            form[f.key] = "\n".join(node or [])
        elif f.kind in ("text", "textarea"):
            form[f.key] = node or ""
        else:
            form[f.key] = node
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
        return [m for m in msgs if not m.endswith("required field is missing")]


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
        f.key: form[f.key]
        for f in FIELDS
        if f.kind in ("text", "textarea", "lines")
        and isinstance(form.get(f.key), str)
        and form[f.key].strip()
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
