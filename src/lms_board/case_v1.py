"""The case file format v1 (``shared/spec/case-format.md``) as strict pydantic models.

Format v1 files must always load: :func:`lms_board.case.parse_case` validates them with
these models (so every message names a v1 field) and then upgrades them to the current
format (``lms_board.case_upgrade``). Keep this module as the v1 spec says; new fields go
into ``lms_board.case``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from lms_board.case_fields import (
    Biopsy,
    BiopsyRoute,
    CaseId,
    Depth,
    IhcResult,
    IsoDate,
    Margin,
    MetastasisSite,
    Nodes,
    Presentation,
    Radiotherapy,
    Resectability,
    Sex,
    ShortText,
    Site,
    StrictFloat,
    StrictModel,
    UterineExtension,
    section,
)
from lms_board.case_rules import applies_problems

V1 = 1


def _schema_version(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be the integer 1 or 2 (case format version)")
    return value


SchemaVersion1 = Annotated[Literal[1], BeforeValidator(_schema_version)]


class Patient(StrictModel):
    nullable: ClassVar[tuple[str, ...]] = ("comorbidities",)
    age: StrictInt = Field(ge=0, le=120)
    sex: Sex
    ecog: StrictInt | None = Field(default=None, ge=0, le=4)
    lvef_percent: StrictInt | None = Field(default=None, ge=10, le=90)
    cumulative_doxorubicin_mg_m2: StrictFloat | None = Field(
        default=None, ge=0, le=1000, allow_inf_nan=False
    )
    comorbidities: list[ShortText] = Field(default_factory=list)


class Tumor(StrictModel):
    site: Site
    location: ShortText | None = None
    size_cm: StrictFloat | None = Field(default=None, gt=0, le=60, allow_inf_nan=False)
    depth: Depth | None = None
    presentation: Presentation | None = None
    uterine_extension: UterineExtension | None = None
    morcellated: StrictBool | None = None


class Pathology(StrictModel):
    nullable: ClassVar[tuple[str, ...]] = ("ihc", "molecular")
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


class Workup(StrictModel):
    mri_primary: StrictBool | None = None
    ct_chest: StrictBool | None = None
    ct_abdomen_pelvis: StrictBool | None = None
    pet_ct: StrictBool | None = None
    radiograph_primary: StrictBool | None = None
    last_imaging_date: IsoDate | None = None


class Metastasis(StrictModel):
    site: MetastasisSite
    count: StrictInt | None = Field(default=None, ge=1, le=100)
    resectable: StrictBool | None = None


class Extent(StrictModel):
    nullable: ClassVar[tuple[str, ...]] = ("metastases",)
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


class History(StrictModel):
    nullable: ClassVar[tuple[str, ...]] = ("prior_regimens",)
    surgery_date: IsoDate | None = None
    radiotherapy: Radiotherapy | None = None
    systemic_lines_advanced: StrictInt | None = Field(default=None, ge=0, le=10)
    prior_regimens: list[ShortText] = Field(default_factory=list, max_length=20)
    progressed_on_last_line: StrictBool | None = None
    patient_preference: Annotated[str, StringConstraints(max_length=500)] | None = None


class CaseV1(StrictModel):
    """One LMS case in format v1; ``case_id`` is a pseudonym."""

    nullable: ClassVar[tuple[str, ...]] = ("workup", "history")
    schema_version: SchemaVersion1
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
    def _cross_field_rules(self) -> CaseV1:
        problems = cross_field_problems_raw(self.model_dump(mode="json"))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def to_json_dict(self) -> dict[str, Any]:
        """The case as case-format JSON, keeping exactly the keys that were given."""
        return self._restore_nulls(self.model_dump(mode="json", exclude_unset=True))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)


def cross_field_problems_raw(data: dict[str, Any]) -> list[str]:
    """The cross-field rules of format v1 on a decoded case (valid or not), so they are
    named even when other fields fail too. Format v2 keeps every one of them."""
    problems = applies_problems(data, V1)
    extent = section(data, "extent")
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
