"""The Assessment of a case (``shared/spec/assessment.md``): the one object every page,
export and the CLI render. Built only by :func:`lms_board.assess.assess`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["resectable", "advanced"]
Subtype = Literal["localized", "oligometastatic", "locally_advanced", "metastatic"]
Modality = Literal[
    "diagnostic",
    "surgery",
    "radiotherapy",
    "systemic",
    "local_ablative",
    "supportive",
    "observation",
]
Intent = Literal["diagnostic", "curative", "palliative"]
ImagingModality = Literal["MRI", "CT", "radiograph", "PET-CT"]
ImagingRegion = Literal["primary site", "chest", "abdomen/pelvis", "chest/abdomen/pelvis"]
#: The strength of the evidence behind an option, shown next to it. The two "no benefit"
#: values keep a phase 3 trial from reading as a benefit where, in LMS, it showed none.
Strength = Literal[
    "phase 3 randomised",
    "phase 3 randomised, no benefit in LMS",
    "phase 3 control arm, no benefit shown",
    "phase 2",
    "retrospective",
    "guideline",
    "expert consensus",
]
#: Strengths that say a phase 3 trial showed no benefit in LMS (read them as a caution).
NO_BENEFIT_STRENGTHS: tuple[Strength, ...] = (
    "phase 3 randomised, no benefit in LMS",
    "phase 3 control arm, no benefit shown",
)

#: Every workup gap code the assessment may emit (assessment.md); a mistyped code fails mypy.
GapCode = Literal[
    "no_tissue_diagnosis",
    "fna_only",
    "thin_core_needle",
    "not_image_guided",
    "transperitoneal_biopsy",
    "no_expert_pathology_review",
    "no_local_mri",
    "no_chest_ct",
    "no_abdomen_pelvis_ct",
    "resectability_not_assessed",
    "grade_unknown",
    "kit_dog1_not_done",
    "metastatic_extent_not_assessed",
]
GAP_CODES: tuple[GapCode, ...] = get_args(GapCode)
#: Every flag code the assessment may emit (assessment.md).
FlagCode = Literal[
    "pediatric",
    "amputation_only_option",
    "grade_discrepancy",
    "gist_not_excluded",
    "morcellated_uterine",
    "anthracycline_limit",
    "poor_performance",
    "identifier_in_free_text",
]
FLAG_CODES: tuple[FlagCode, ...] = get_args(FlagCode)
#: Gaps that leave the distant staging open (no metastasis recorded is then no finding).
DISTANT_STAGING_GAPS: tuple[GapCode, ...] = ("no_chest_ct", "no_abdomen_pelvis_ct")
#: The flag that holds free text looking like a direct identifier: exports need a confirmation.
IDENTIFIER_FLAG: FlagCode = "identifier_in_free_text"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(_Out):
    """One rule that fired: a stable id, a sentence and its sources."""

    rule: str
    text: str
    evidence: list[str] = Field(default_factory=list)


class Classification(_Out):
    category: Category
    subtype: Subtype
    provisional: bool
    rationale: list[Reason]
    #: The workup gaps whose closure could change the call (why it is provisional).
    open_gaps: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """Badge text, e.g. ``Resectable · localized`` (:mod:`lms_board.wording`)."""
        from lms_board.wording import classification_label

        return classification_label(self)


class Grade(_Out):
    system: Literal["FNCLCC"] = "FNCLCC"
    differentiation: int | None
    mitoses: int | None
    necrosis: int | None
    score: int | None
    grade: int | None
    reported_grade: int | None
    discrepancy: bool
    source: Literal["computed", "reported", "unknown"]


class Stage(_Out):
    system: str | None
    t: str | None = None
    n: str | None = None
    m: str | None = None
    group: str | None = None
    note: str = ""


class WorkupGap(_Out):
    code: GapCode
    message: str
    evidence: list[str] = Field(default_factory=list)


class Flag(_Out):
    code: FlagCode
    message: str


class Option(_Out):
    id: str
    name: str
    modality: Modality
    intent: Intent
    setting: str
    evidence: list[str] = Field(min_length=1)
    strength: Strength
    caveats: list[str] = Field(default_factory=list)
    key_numbers: str = ""


class Prompt(_Out):
    """Something the board should consider or do for this patient (fertility preservation,
    cardio-oncology review…), with its sources."""

    code: str
    message: str
    evidence: list[str] = Field(min_length=1)


class NotSuitable(_Out):
    name: str
    reason: str
    evidence: list[str] = Field(default_factory=list)


class TrialExample(_Out):
    nct: str
    title: str
    phase: str = ""
    status: str
    status_as_of: date
    why: str
    to_check: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    url: str = ""


class ImagingItem(_Out):
    text: str
    evidence: list[str] = Field(min_length=1)


class SurveillanceVisit(_Out):
    month: int
    date: date | None
    modality: ImagingModality
    region: ImagingRegion
    evidence: list[str] = Field(default_factory=list)


class ImagingPlan(_Out):
    staging: list[ImagingItem] = Field(default_factory=list)
    biopsy: list[ImagingItem] = Field(default_factory=list)
    response: list[ImagingItem] = Field(default_factory=list)
    surveillance: list[SurveillanceVisit] = Field(default_factory=list)
    surveillance_basis: str = ""
    pitfalls: list[ImagingItem] = Field(default_factory=list)


class EvidenceRef(_Out):
    citation: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    kind: str = ""
    year: int | None = None
    take_away: str = ""

    @property
    def link(self) -> str | None:
        """The one-click link a clinician can check: PubMed, else DOI, else the URL."""
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url


class Assessment(_Out):
    case_id: str
    classification: Classification
    grade: Grade | None
    stage: Stage
    workup_gaps: list[WorkupGap]
    flags: list[Flag]
    options: list[Option] = Field(default_factory=list)
    not_suitable: list[NotSuitable] = Field(default_factory=list)
    trials: list[TrialExample] = Field(default_factory=list)
    prompts: list[Prompt] = Field(default_factory=list)
    imaging: ImagingPlan = Field(default_factory=ImagingPlan)
    evidence: dict[str, EvidenceRef] = Field(default_factory=dict)

    def prompt_codes(self) -> list[str]:
        return [p.code for p in self.prompts]

    def gap_codes(self) -> list[GapCode]:
        return [g.code for g in self.workup_gaps]

    def flag_codes(self) -> list[FlagCode]:
        return [f.code for f in self.flags]

    @property
    def distant_staging_done(self) -> bool:
        """No distant-staging gap open: "no metastasis recorded" is then a finding."""
        return not any(g.code in DISTANT_STAGING_GAPS for g in self.workup_gaps)

    @property
    def identifier_flags(self) -> list[Flag]:
        """Flags saying free text looks like a direct identifier: nothing of this case leaves
        the app (export, packet, download) until the user has confirmed they checked it."""
        return [f for f in self.flags if f.code == IDENTIFIER_FLAG]

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
