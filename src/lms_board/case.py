"""The case file format v1 (``shared/spec/case-format.md``) as strict pydantic models.

"Missing" means "not known", never "no": every optional field defaults to ``None``
and ``False`` means "checked, and no". Unknown keys are rejected so a typo never
silently drops data; every error names its field path (``tumor.size_cm``).
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    Strict,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from lms_board.strict_json import DuplicateKeyError, unique_keys

SCHEMA_VERSION = 1


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    unknown = "unknown"


class Site(StrEnum):
    extremity = "extremity"
    trunk = "trunk"
    retroperitoneum = "retroperitoneum"
    uterus = "uterus"
    gastrointestinal = "gastrointestinal"
    vascular = "vascular"
    head_neck = "head_neck"
    other_visceral = "other_visceral"
    other = "other"


class Depth(StrEnum):
    superficial = "superficial"
    deep = "deep"
    unknown = "unknown"


class Presentation(StrEnum):
    primary = "primary"
    local_recurrence = "local_recurrence"


class UterineExtension(StrEnum):
    confined = "confined"
    adnexa = "adnexa"
    pelvic = "pelvic"
    abdominal_one_site = "abdominal_one_site"
    abdominal_multiple = "abdominal_multiple"
    bladder_or_rectum = "bladder_or_rectum"


class Biopsy(StrEnum):
    none = "none"
    fine_needle_aspirate = "fine_needle_aspirate"
    core_needle = "core_needle"
    incisional = "incisional"
    excisional = "excisional"
    resection = "resection"


class BiopsyRoute(StrEnum):
    retroperitoneal = "retroperitoneal"
    transperitoneal = "transperitoneal"
    percutaneous = "percutaneous"
    other = "other"


class IhcResult(StrEnum):
    positive = "positive"
    negative = "negative"
    equivocal = "equivocal"
    not_done = "not_done"


class Margin(StrEnum):
    R0 = "R0"
    R1 = "R1"
    R2 = "R2"
    unknown = "unknown"


class Nodes(StrEnum):
    N0 = "N0"
    N1 = "N1"
    NX = "NX"


class MetastasisSite(StrEnum):
    lung = "lung"
    liver = "liver"
    bone = "bone"
    peritoneum = "peritoneum"
    soft_tissue = "soft_tissue"
    brain = "brain"
    nodes_distant = "nodes_distant"
    other = "other"


class Resectability(StrEnum):
    resectable = "resectable"
    borderline = "borderline"
    unresectable = "unresectable"
    resected = "resected"
    unknown = "unknown"


class Radiotherapy(StrEnum):
    none = "none"
    preoperative = "preoperative"
    postoperative = "postoperative"
    definitive = "definitive"
    palliative = "palliative"


StrictFloat = Annotated[float, Strict()]  # a JSON integer is still accepted


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO date YYYY-MM-DD")
    return value


def _null_is_empty(value: Any) -> Any:
    """Optional lists/objects may be ``null`` ("not known"): read as empty."""
    return [] if value is None else value


def _null_is_empty_map(value: Any) -> Any:
    return {} if value is None else value


def _schema_version(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be the integer 1 (case format v1)")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,40}$")]

#: Sites staged by AJCC 8 trunk/extremity; retroperitoneum has its own table.
TRUNK_EXTREMITY_SITES = frozenset({Site.extremity, Site.trunk})
#: Sites whose staging needs CT of the abdomen and pelvis as well as the chest.
ABDOMINAL_SITES = frozenset(
    {Site.retroperitoneum, Site.uterus, Site.gastrointestinal, Site.vascular, Site.other_visceral}
)
#: Sites where local MRI of the primary is the standard local staging.
LOCAL_MRI_SITES = frozenset({Site.extremity, Site.trunk, Site.head_neck})


#: List/object fields that may be given as ``null`` ("not known"); read as empty, written back as null.
_NULLABLE_CONTAINERS: dict[str, tuple[str, ...]] = {
    "Patient": ("comorbidities",),
    "Pathology": ("ihc", "molecular"),
    "Extent": ("metastases",),
    "History": ("prior_regimens",),
    "Case": ("workup", "history"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)
    _given_null: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="wrap")
    @classmethod
    def _read_null_containers(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        nulls: frozenset[str] = frozenset()
        if isinstance(data, dict):
            fields = _NULLABLE_CONTAINERS.get(cls.__name__, ())
            nulls = frozenset(k for k in fields if k in data and data[k] is None)
            if nulls:
                data = {k: v for k, v in data.items() if k not in nulls}
        instance = handler(data)
        if nulls and isinstance(instance, _Strict):
            instance._given_null = nulls
        return instance

    def _restore_nulls(self, dumped: dict[str, Any]) -> dict[str, Any]:
        for name in self._given_null:
            dumped[name] = None
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, _Strict) and isinstance(dumped.get(name), dict):
                value._restore_nulls(dumped[name])
        return dumped


class Patient(_Strict):
    age: StrictInt = Field(ge=0, le=120)
    sex: Sex
    ecog: StrictInt | None = Field(default=None, ge=0, le=4)
    lvef_percent: StrictInt | None = Field(default=None, ge=10, le=90)
    cumulative_doxorubicin_mg_m2: StrictFloat | None = Field(
        default=None, ge=0, le=1000, allow_inf_nan=False
    )
    comorbidities: list[ShortText] = Field(default_factory=list)


class Tumor(_Strict):
    site: Site
    location: ShortText | None = None
    size_cm: StrictFloat | None = Field(default=None, gt=0, le=60, allow_inf_nan=False)
    depth: Depth | None = None
    presentation: Presentation | None = None
    uterine_extension: UterineExtension | None = None
    morcellated: StrictBool | None = None


class Pathology(_Strict):
    biopsy: Biopsy | None = None
    needle_gauge: StrictInt | None = Field(default=None, ge=8, le=25)
    image_guided: StrictBool | None = None
    biopsy_route: BiopsyRoute | None = None
    diagnosis_confirmed: StrictBool | None = None
    expert_review: StrictBool | None = None
    differentiation_score: StrictInt | None = Field(default=None, ge=1, le=3)
    mitoses_per_10hpf: StrictInt | None = Field(default=None, ge=0, le=500)
    necrosis_percent: StrictFloat | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    reported_grade: StrictInt | None = Field(default=None, ge=1, le=3)
    ihc: dict[Annotated[str, StringConstraints(min_length=1, max_length=40)], IhcResult] = Field(
        default_factory=dict
    )
    molecular: list[ShortText] = Field(default_factory=list)
    margin: Margin | None = None


class Workup(_Strict):
    mri_primary: StrictBool | None = None
    ct_chest: StrictBool | None = None
    ct_abdomen_pelvis: StrictBool | None = None
    pet_ct: StrictBool | None = None
    radiograph_primary: StrictBool | None = None
    last_imaging_date: IsoDate | None = None


class Metastasis(_Strict):
    site: MetastasisSite
    count: StrictInt | None = Field(default=None, ge=1, le=100)
    resectable: StrictBool | None = None


class Extent(_Strict):
    nodes: Nodes | None = None
    metastases: list[Metastasis] = Field(default_factory=list, max_length=len(MetastasisSite))
    disease_free_interval_months: StrictInt | None = Field(default=None, ge=0, le=600)
    primary_resectability: Resectability | None = None
    limb_salvage_feasible: StrictBool | None = None
    neurovascular_involvement: StrictBool | None = None

    @property
    def metastases_known(self) -> bool:
        """False when ``metastases`` is missing or null: distant extent not recorded."""
        return "metastases" in self.model_fields_set


class History(_Strict):
    surgery_date: IsoDate | None = None
    radiotherapy: Radiotherapy | None = None
    systemic_lines_advanced: StrictInt | None = Field(default=None, ge=0, le=10)
    prior_regimens: list[ShortText] = Field(default_factory=list, max_length=20)
    progressed_on_last_line: StrictBool | None = None
    patient_preference: Annotated[str, StringConstraints(max_length=500)] | None = None


class Case(_Strict):
    """One LMS case as brought to the board; ``case_id`` is a pseudonym."""

    schema_version: Annotated[Literal[1], BeforeValidator(_schema_version)]
    case_id: CaseId
    board_date: IsoDate | None = None
    presenter: Annotated[str, StringConstraints(max_length=120)] | None = None
    question: Annotated[str, StringConstraints(max_length=1000)] | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None
    patient: Patient
    tumor: Tumor
    pathology: Pathology
    workup: Workup = Field(default_factory=Workup)
    extent: Extent
    history: History = Field(default_factory=History)

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Case:
        problems = cross_field_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def free_text(self) -> dict[str, str]:
        """Every free-text value by its field path (``patient.comorbidities[0]``)."""
        out: dict[str, str] = {}
        for path, value in (
            ("presenter", self.presenter),
            ("question", self.question),
            ("notes", self.notes),
            ("tumor.location", self.tumor.location),
            ("history.patient_preference", self.history.patient_preference),
        ):
            if value:
                out[path] = value
        for path, values in (
            ("patient.comorbidities", self.patient.comorbidities),
            ("pathology.molecular", self.pathology.molecular),
            ("history.prior_regimens", self.history.prior_regimens),
        ):
            for i, v in enumerate(values):
                if v:
                    out[f"{path}[{i}]"] = v
        return out

    def to_json_dict(self) -> dict[str, Any]:
        """The case as case-format JSON, keeping exactly the keys that were given."""
        return self._restore_nulls(self.model_dump(mode="json", exclude_unset=True))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)


def cross_field_problems(case: Case) -> list[str]:
    """The cross-field rules of the format; each message names both fields."""
    return cross_field_problems_raw(case.model_dump(mode="json"))


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def _shown(value: Any) -> str:
    return "not recorded" if value is None else f"'{value}'"


def cross_field_problems_raw(data: dict[str, Any]) -> list[str]:
    """The cross-field rules on a decoded case (valid or not), so they are named even
    when other fields fail too."""
    tumor, pathology, extent = (_section(data, k) for k in ("tumor", "pathology", "extent"))
    problems: list[str] = []
    site = tumor.get("site")
    for field in ("uterine_extension", "morcellated"):
        if tumor.get(field) is not None and site != Site.uterus:
            problems.append(
                f"tumor.{field}: only allowed when tumor.site is 'uterus' (tumor.site is {_shown(site)})"
            )
    if extent.get("limb_salvage_feasible") is not None and site != Site.extremity:
        problems.append(
            "extent.limb_salvage_feasible: only allowed when tumor.site is 'extremity' "
            f"(tumor.site is {_shown(site)})"
        )
    biopsy = pathology.get("biopsy")
    if pathology.get("needle_gauge") is not None and biopsy != Biopsy.core_needle:
        problems.append(
            "pathology.needle_gauge: only allowed when pathology.biopsy is 'core_needle' "
            f"(pathology.biopsy is {_shown(biopsy)})"
        )
    if pathology.get("margin") is not None and not (
        extent.get("primary_resectability") == Resectability.resected
        or biopsy in (Biopsy.excisional, Biopsy.resection)
    ):
        problems.append(
            "pathology.margin: only allowed when extent.primary_resectability is 'resected' "
            "or pathology.biopsy is 'excisional' or 'resection'"
        )
    metastases = extent.get("metastases")
    seen: set[Any] = set()
    for i, met in enumerate(metastases if isinstance(metastases, list) else []):
        met_site = met.get("site") if isinstance(met, dict) else None
        if not isinstance(met_site, str):
            continue
        if met_site in seen:
            problems.append(f"extent.metastases[{i}].site: duplicate site '{met_site}'")
        seen.add(met_site)
    return problems


class CaseError(ValueError):
    """A case that cannot be loaded; ``messages`` name every bad field."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


_FRIENDLY = {
    "extra_forbidden": "unknown field (not in case format v1)",
    "missing": "required field is missing",
}


def error_messages(exc: ValidationError) -> list[str]:
    """``field.path: message`` for every error of a validation failure."""
    out: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        # Drop the enum/union branch labels pydantic adds to the location.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        msg = _FRIENDLY.get(err["type"], err["msg"])
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        path = _loc_path(loc)
        if not path:
            # Cross-field messages already carry their field paths.
            out.extend(part.strip() for part in msg.split("; ") if part.strip())
            continue
        out.append(f"{path}: {msg}")
    return out


def parse_case(data: Any) -> Case:
    """Validate a decoded JSON value as a case, or raise :class:`CaseError`."""
    if not isinstance(data, dict):
        raise CaseError([f"(root): a case must be a JSON object, not {type(data).__name__}"])
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        messages = error_messages(exc)
        messages += [m for m in cross_field_problems_raw(data) if m not in messages]
        raise CaseError(messages) from None
    except RecursionError:
        raise CaseError(["(root): the case is nested too deeply"]) from None


def parse_case_json(text: str | bytes) -> Case:
    """Decode and validate case JSON, or raise :class:`CaseError`."""
    try:
        if isinstance(text, bytes):
            # Strict UTF-8 (json.loads on bytes would let encoded surrogates through).
            text = text.decode("utf-8-sig")
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=unique_keys)
    except UnicodeDecodeError as exc:
        raise CaseError([f"(file): not UTF-8 text ({exc.reason})"]) from None
    except DuplicateKeyError as exc:
        raise CaseError([f"(file): {exc}"]) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise CaseError([f"(file): not valid JSON ({exc})"]) from None
    except RecursionError:
        raise CaseError(["(file): JSON nested too deeply"]) from None
    if "\\u" in text and _has_lone_surrogate(data):
        raise CaseError(
            ["(file): holds a lone UTF-16 surrogate escape (\\ud800–\\udfff): not text"]
        )
    return parse_case(data)


def _has_lone_surrogate(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (RecursionError, ValueError):
        return False
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a case file")


def load_case(path: str | Path) -> Case:
    """Read a case file, or raise :class:`CaseError` naming the file problem or the fields."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CaseError([f"(file): {p} does not exist"]) from None
    except IsADirectoryError:
        raise CaseError([f"(file): {p} is a folder, not a case file"]) from None
    except OSError as exc:
        raise CaseError([f"(file): cannot read {p} ({exc.strerror})"]) from None
    if not raw.strip():
        raise CaseError([f"(file): {p} is empty"])
    return parse_case_json(raw)
