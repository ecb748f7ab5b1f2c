"""One strict pydantic schema per kind of knowledge record (evidence, option, trial,
imaging item, surveillance schedule; drugs: ``lms_board.drugs``). Unknown keys, unknown enum values and a missing
``reviewed`` date are errors; the loader names the record id in the message.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from lms_board.assessment import (
    Category,
    ImagingModality,
    ImagingRegion,
    Intent,
    Modality,
    Strength,
    Subtype,
)
from lms_board.case import (
    ComorbidityCode,
    Declined,
    Depth,
    Margin,
    MenopausalStatus,
    MetastasisSite,
    Presentation,
    Resectability,
    Severity,
    Sex,
    Site,
    UterineExtension,
)
from lms_board.drugs import DrugClass, DrugName
from lms_board.wording import CTGOV_STUDY_URL

RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=1200)]
Pmid = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{5,8}$")]
Doi = Annotated[str, StringConstraints(pattern=r"^10\.[0-9]{4,9}/\S+$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
Nct = Annotated[str, StringConstraints(pattern=r"^NCT[0-9]{8}$")]

#: Sites that are never a source: AI-generated answers, charities, trial aggregators and
#: mirrors, news and press, hospital trial listings and ethics-committee summaries. A
#: registrable domain here also bans its subdomains.
BANNED_SOURCE_DOMAINS = frozenset(
    {
        "droracle.ai",
        "kicksarcoma.org.au",
        "meddatax.com",
        "crick.ai",
        "centerwatch.com",
        "acemap.info",
        "ichgcp.net",
        "clinconnect.io",
        "medpath.com",
        "trialx.com",
        "clinicaltrialexchange.com",
        "inclinicaltrials.com",
        "onclive.com",
        "ascopost.com",
        "cancernetwork.com",
        "targetedonc.com",
        "cancertherapyadvisor.com",
        "cancer.fr",
        "hra.nhs.uk",
        "clevelandclinic.org",
        "trialstoday.org",
        "1stoncology.com",
        "tarpswg.org",
        "istitutotumori.mi.it",
        "cancerresearchuk.org",
    }
)


def url_host(url: str) -> str:
    """The lower-case host of an http(s) URL (``""`` if there is none)."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0].lower()


def banned_domain(url: str) -> str | None:
    """The banned domain ``url`` is on, if any."""
    host = url_host(url)
    for domain in BANNED_SOURCE_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    return None


#: What kind of source an evidence entry is (shown next to every option). There is no kind
#: for secondary summaries (AI-generated pages, charities, aggregators, news): they are not
#: evidence. ``Strength`` (in :mod:`lms_board.assessment`) is re-exported here.
EvidenceKind = Literal[
    "guideline",
    "consensus",
    "phase 3 randomised",
    "randomised",
    "phase 2",
    "secondary analysis",
    "retrospective",
    "review",
    "congress report",
    "trial registration",
    "regulatory label",
]
#: ClinicalTrials.gov API v2 ``overallStatus`` values, plus ``UNKNOWN`` (not verified).
TrialStatus = Literal[
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
]
GradeClass = Literal["high", "low"]
#: FIGO stage without its sub-letter (IB → I).
FigoStage = Literal["I", "II", "III", "IV"]
#: Where the diagnosis stands: "none" (no tissue, or an FNA with the grade unknown),
#: "unconfirmed" (tissue taken, diagnosis not confirmed), "confirmed".
DiagnosisStatus = Literal["none", "unconfirmed", "confirmed"]
#: ER/PR: "positive" (either positive), "negative" (both negative, or one negative and the
#: other not done), "equivocal", "not_done" (neither recorded).
ReceptorStatus = Literal["positive", "negative", "equivocal", "not_done"]
#: Values a record may require to be known (unknown then fails rather than being "to check").
KnownField = Literal["grade", "depth", "size"]
ImagingSection = Literal["staging", "biopsy", "response", "pitfall"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EvidenceRecord(_Record):
    """A study, guideline or registry record; only fields verified in ``shared/evidence``."""

    id: RecordId
    citation: Text
    pmid: Pmid | None = None
    doi: Doi | None = None
    url: Url | None = None
    kind: EvidenceKind
    year: int | None = Field(default=None, ge=1950, le=2100)
    population: str = ""
    key_numbers: str = ""
    take_away: Text
    notes: str = ""
    #: Pages where the identifiers were seen next to the title (PubMed, PMC, publisher,
    #: regulator) when they are not in ``shared/evidence``.
    verified_at: list[Url] = []
    reviewed: date

    @model_validator(mode="after")
    def _has_identifier(self) -> EvidenceRecord:
        if not (self.pmid or self.doi or self.url):
            raise ValueError("needs a pmid, doi or url")
        return self

    @model_validator(mode="after")
    def _primary_source(self) -> EvidenceRecord:
        if self.url and (domain := banned_domain(self.url)):
            raise ValueError(f"url is on {domain}, which is not a primary source")
        if self.kind == "trial registration" and not (
            self.url and re.fullmatch(r"https://clinicaltrials\.gov/study/NCT[0-9]{8}", self.url)
        ):
            raise ValueError("a trial registration links to https://clinicaltrials.gov/study/NCT…")
        return self


class Conditions(_Record):
    """When a record applies. An empty list or ``None`` means "any".

    Scope fields (category, site, line…) decide whether the record concerns the case at all;
    eligibility fields (``ecog_max``, ``molecular_any``, ``prior_anthracycline``, ages) decide
    whether a case in scope can have it.
    """

    categories: list[Category] = []
    subtypes: list[Subtype] = []
    sites: list[Site] = []
    resectability: list[Resectability] = []
    presentation: list[Presentation] = []
    uterine_extension: list[UterineExtension] = []
    margins: list[Margin] = []
    metastases: bool | None = None
    limb_salvage_feasible: bool | None = None
    no_prior_radiotherapy: bool = False
    line_min: int | None = Field(default=None, ge=0, le=10)
    line_max: int | None = Field(default=None, ge=0, le=10)
    size_min_cm: float | None = Field(default=None, gt=0)
    ecog_max: int | None = Field(default=None, ge=0, le=4)
    also_when_ecog_at_least: int | None = Field(default=None, ge=0, le=4)
    molecular_any: list[Annotated[str, StringConstraints(min_length=2, max_length=60)]] = []
    prior_anthracycline: Literal["required", "excluded"] | None = None
    age_min: int | None = Field(default=None, ge=0, le=120)
    age_max: int | None = Field(default=None, ge=0, le=120)
    # ---- scope (v2)
    figo_stages: list[FigoStage] = []
    diagnosis: list[DiagnosisStatus] = []
    hormone_receptors: list[ReceptorStatus] = []
    limited_metastatic_short_interval: bool | None = None
    irradiated_field_recurrence: bool | None = None
    prior_radiotherapy_primary: bool | None = None
    metastasis_sites_any: list[MetastasisSite] = []
    limb_threatening: bool | None = None
    curative_surgery_declined: bool | None = None
    anthracycline_suitable: bool | None = None
    sexes: list[Sex] = []
    menopausal_status: list[MenopausalStatus] = []
    morcellated: bool | None = None
    tumor_ngs_done: bool | None = None
    anthracycline_dose_unknown: bool | None = None
    wishes_fertility_preservation: bool | None = None
    comorbidities_any: list[ComorbidityCode] = []
    lvef_below: int | None = Field(default=None, ge=10, le=90)
    #: Something the patient declines (for caveats: "the patient declines chemotherapy").
    declines_any: list[Declined] = []
    #: Could treatment harm the patient's fertility (``case_facts.reproductive_potential``)?
    reproductive_potential: bool | None = None
    # ---- scope (round 3), each a fact of ``lms_board.case_facts``
    #: Pregnant (``patient.pregnant``, or a pregnancy named in the free text).
    pregnant: bool | None = None
    #: A sarcoma in or near the field of earlier radiotherapy for another target.
    radiation_associated: bool | None = None
    #: Involved margins, or an unplanned ("whoops") excision without clear margins.
    reexcision_indicated: bool | None = None
    #: Uterine LMS found at myomectomy with the uterus still in place.
    uterus_retained: bool | None = None
    #: One lesion progressing on an ongoing line that controls the rest.
    oligoprogression: bool | None = None
    # ---- eligibility (v2): a case in scope that fails one of these gets the reason
    grade_min: int | None = Field(default=None, ge=1, le=3)
    grade_max: int | None = Field(default=None, ge=1, le=3)
    depths: list[Depth] = []
    size_over_cm: float | None = Field(default=None, gt=0)
    size_max_cm: float | None = Field(default=None, gt=0)
    lesions_max: int | None = Field(default=None, ge=1, le=100)
    hrd_alteration: bool | None = None
    # ---- organ function and prior drugs (typed trial criteria; options may use them too)
    #: LVEF must be MORE than this (a registry's "LVEF > 50%").
    lvef_above_percent: int | None = Field(default=None, ge=10, le=90)
    #: eGFR / creatinine clearance at least this (mL/min); read from a recorded renal
    #: impairment (none recorded: no known impairment).
    egfr_min_ml_min: int | None = Field(default=None, ge=5, le=150)
    #: The most hepatic impairment the record allows (a coded severity above it fails).
    hepatic_impairment_max: Severity | None = None
    #: Drugs that must never have been given (any line, whatever the outcome).
    prior_drugs_excluded: list[DrugName] = []
    require_known: list[KnownField] = []
    #: Unknown scope values count as "not met" (out of scope) instead of "to check".
    strict: bool = False
    #: A failed eligibility condition leaves the record out quietly instead of listing it as
    #: "not suitable" (for options that only make sense for a few cases).
    quiet: bool = False


class Exclusion(_Record):
    """When the case meets ``when`` (every value known), the option is not suitable."""

    when: Conditions
    reason: Text
    evidence: list[RecordId] = []


class ConditionalCaveat(_Record):
    """A caveat added to an option when the case meets ``when`` (every value known)."""

    when: Conditions
    caveat: Text


class ConditionalRank(_Record):
    """Another place in the list when the case meets ``when`` (every value known)."""

    when: Conditions
    rank: int = Field(ge=0, le=1000)


class OptionRecord(_Record):
    """A management option; ``not_recommended`` lists it under "not suitable" where it applies."""

    id: RecordId
    name: Text
    modality: Modality
    intent: Intent
    setting: Text
    drugs: list[str] = []
    anthracycline: bool = False
    combination: bool = False
    applies: Conditions
    strength: Strength
    evidence: list[RecordId] = Field(min_length=1)
    key_numbers: str = ""
    caveats: list[Text] = []
    not_recommended: Text | None = None
    #: Conditions under which the option is not suitable, each with its reason.
    not_suitable_when: list[Exclusion] = []
    #: Caveats that apply only to some cases.
    caveats_when: list[ConditionalCaveat] = []
    #: What a patient may decline that rules this option out, beyond what its modality
    #: and drugs imply (surgery, radiotherapy, chemotherapy).
    declined_as: list[Declined] = []
    rank: int = Field(ge=0, le=1000)
    #: Conditional places in the list; the first that matches replaces ``rank``.
    rank_when: list[ConditionalRank] = []
    reviewed: date


class PromptConditions(Conditions):
    """Conditions of a prompt: a case's own values, plus what is offered to it."""

    offered_drug_classes: list[DrugClass] = []
    offered_option_ids: list[RecordId] = []


class PromptRecord(_Record):
    """Something the board should consider or do, with when it applies (any of ``when``)."""

    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{2,60}$")]
    message: Text
    when: list[PromptConditions] = Field(min_length=1)
    evidence: list[RecordId] = Field(min_length=1)
    reviewed: date


class TrialArm(_Record):
    """One arm of a trial: its drugs (names from ``drugs.yaml``; none for surgery alone,
    radiotherapy or surveillance) and whether it is a control or comparator arm."""

    name: Text
    drugs: list[DrugName] = []
    control: bool = False


class TrialRecord(_Record):
    """A curated trial example; statuses age, so each carries its as-of date and source.

    Its source is its ClinicalTrials.gov record (:attr:`registry_url`); ``evidence`` lists its
    verified publications, if any. ``arms`` names every arm's drugs, control arms included;
    ``anthracycline_arm`` is derived from them by the loader.
    """

    nct: Nct
    name: Text
    title: Text
    phase: Text
    population: Text
    intervention: Text
    applies: Conditions
    interventional: bool = True
    arms: list[TrialArm] = Field(min_length=1)
    anthracycline_arm: bool = False
    status: TrialStatus
    status_text: Text
    status_as_of: date
    status_source: Text
    landmark: bool
    why: Text
    to_check: list[Text] = []
    evidence: list[RecordId] = []
    #: A landmark trial is context for these options: it is shown only where one of them is
    #: offered, or listed as not recommended. Empty: shown wherever it applies.
    context_for: list[RecordId] = []
    reviewed: date

    @model_validator(mode="after")
    def _status_text_agrees(self) -> TrialRecord:
        """Never "Recruiting" in words for a trial whose status is not, nor "closed" in words
        for one recorded as recruiting."""
        text = self.status_text.casefold()
        if text.startswith("recruiting") and self.status != "RECRUITING":
            raise ValueError(f"status_text says recruiting but status is {self.status}")
        if self.status in ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION") and (
            re.search(r"closed|completed|terminated|futility|not recruiting|withdrawn", text)
        ):
            raise ValueError(f"status_text says closed but status is {self.status}")
        return self

    @model_validator(mode="after")
    def _context_only_for_landmarks(self) -> TrialRecord:
        if self.context_for and not self.landmark:
            raise ValueError("context_for is for landmark trials (context, not a referral)")
        return self

    @property
    def registry_url(self) -> str:
        return CTGOV_STUDY_URL.format(nct=self.nct)

    @property
    def arm_drugs(self) -> tuple[str, ...]:
        """Every drug of every arm (control arms included), first-seen order."""
        return tuple(dict.fromkeys(d for arm in self.arms for d in arm.drugs))


#: What a case may already record as done: a workup examination, or a confirmed tissue
#: diagnosis (``lms_board.case_facts.diagnosis_status`` is ``confirmed``).
DoneFact = Literal[
    "mri_primary",
    "ct_chest",
    "ct_abdomen_pelvis",
    "pet_ct",
    "radiograph_primary",
    "tissue_diagnosis",
]


class ImagingRecord(_Record):
    """One imaging statement (staging, biopsy, response or pitfall) and where it applies.
    ``done_when``: the plan leaves the item out once every one of these is recorded as done
    (it asks only for what is still to do), or shows ``text_when_done`` instead when that
    is given (what still matters once it is done, e.g. excising the biopsy tract)."""

    id: RecordId
    section: ImagingSection
    text: Text
    applies: Conditions = Conditions()
    done_when: list[DoneFact] = []
    text_when_done: Text | None = None
    evidence: list[RecordId] = Field(min_length=1)
    reviewed: date


class Period(_Record):
    until_month: int = Field(ge=1, le=240)
    every_months: int = Field(ge=1, le=24)


class SurveillanceSchedule(_Record):
    """Follow-up visits after curative treatment, by grade class."""

    id: RecordId
    grade_class: GradeClass
    periods: list[Period] = Field(min_length=1)
    distant_every_months: int | None = Field(default=None, ge=1, le=24)
    description: Text
    evidence: list[RecordId] = Field(min_length=1)
    reviewed: date

    @model_validator(mode="after")
    def _increasing(self) -> SurveillanceSchedule:
        ends = [p.until_month for p in self.periods]
        if ends != sorted(set(ends)):
            raise ValueError("periods must end in increasing months")
        return self


class SurveillanceImaging(_Record):
    """What is imaged at a surveillance visit: local (primary site) or distant (chest…)."""

    id: RecordId
    role: Literal["local", "distant", "both"]
    sites: list[Site] = []
    with_metastases: bool | None = None
    modality: ImagingModality
    region: ImagingRegion
    evidence: list[RecordId] = Field(min_length=1)
    reviewed: date


class TrialStatusUpdate(_Record):
    """One entry of the trial-status overlay written by ``lms-board trials refresh``."""

    status: TrialStatus
    status_text: Text
    status_as_of: date
    status_source: Text
