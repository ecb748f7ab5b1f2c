"""The vocabulary and building blocks shared by every version of the case file format:
the enums (sites, biopsy types, settings of a treatment line…), the strict JSON types and
the base model that reads ``null`` containers as "not known".

``lms_board.case`` (format v2, the current one) and ``lms_board.case_v1`` (format v1, read
and upgraded) both build on these, so a value means the same in both.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    Strict,
    StringConstraints,
    model_validator,
)


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
    """Format v1's single radiotherapy field; v2 records courses (:class:`RadiotherapyTiming`)."""

    none = "none"
    preoperative = "preoperative"
    postoperative = "postoperative"
    definitive = "definitive"
    palliative = "palliative"


# --------------------------------------------------------------------------- format v2


class ComorbidityCode(StrEnum):
    heart_failure = "heart_failure"
    cardiac_disease = "cardiac_disease"
    renal_impairment = "renal_impairment"
    hepatic_impairment = "hepatic_impairment"
    peripheral_neuropathy = "peripheral_neuropathy"
    diabetes = "diabetes"
    lung_disease = "lung_disease"
    other = "other"


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class MenopausalStatus(StrEnum):
    premenopausal = "premenopausal"
    perimenopausal = "perimenopausal"
    postmenopausal = "postmenopausal"
    unknown = "unknown"


class Declined(StrEnum):
    """Treatments the patient has said they do not want."""

    surgery = "surgery"
    amputation = "amputation"
    pelvic_exenteration = "pelvic_exenteration"
    radiotherapy = "radiotherapy"
    chemotherapy = "chemotherapy"
    trial = "trial"


class HrdStatus(StrEnum):
    """Homologous-recombination status of the tumour (BRCA1/2, PALB2… or an HRD assay)."""

    deficient = "deficient"
    proficient = "proficient"
    inconclusive = "inconclusive"


class LineSetting(StrEnum):
    neoadjuvant = "neoadjuvant"
    adjuvant = "adjuvant"
    perioperative = "perioperative"
    advanced = "advanced"
    maintenance = "maintenance"
    unknown = "unknown"


class Response(StrEnum):
    """Best response on a treatment line (RECIST wording)."""

    complete_response = "complete_response"
    partial_response = "partial_response"
    stable_disease = "stable_disease"
    progressive_disease = "progressive_disease"
    not_evaluable = "not_evaluable"
    unknown = "unknown"


class StopReason(StrEnum):
    completed = "completed"
    progression = "progression"
    toxicity = "toxicity"
    patient_choice = "patient_choice"
    ongoing = "ongoing"
    unknown = "unknown"


class RadiotherapyTiming(StrEnum):
    preoperative = "preoperative"
    postoperative = "postoperative"
    definitive = "definitive"
    palliative = "palliative"


class RadiotherapyTarget(StrEnum):
    primary_site = "primary_site"
    metastasis = "metastasis"
    other = "other"


class RadiotherapyTechnique(StrEnum):
    external_beam = "external_beam"
    stereotactic = "stereotactic"
    brachytherapy = "brachytherapy"
    other = "other"


# --------------------------------------------------------------------------- types

StrictFloat = Annotated[float, Strict()]  # a JSON integer is still accepted


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO date YYYY-MM-DD")
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


class StrictModel(BaseModel):
    """Unknown keys rejected; list/object fields named in ``nullable`` may be ``null``
    ("not known"): read as empty, and written back as ``null``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)
    nullable: ClassVar[tuple[str, ...]] = ()
    _given_null: frozenset[str] = PrivateAttr(default=frozenset())

    @model_validator(mode="wrap")
    @classmethod
    def _read_null_containers(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        nulls: frozenset[str] = frozenset()
        if isinstance(data, dict) and cls.nullable:
            nulls = frozenset(k for k in cls.nullable if k in data and data[k] is None)
            if nulls:
                data = {k: v for k, v in data.items() if k not in nulls}
        instance = handler(data)
        if nulls and isinstance(instance, StrictModel):
            instance._given_null = nulls
        return instance

    def given(self, name: str) -> bool:
        """True when the field was given a value (not missing, not ``null``)."""
        return name in self.model_fields_set

    def _restore_nulls(self, dumped: dict[str, Any]) -> dict[str, Any]:
        for name in self._given_null:
            dumped[name] = None
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, StrictModel) and isinstance(dumped.get(name), dict):
                value._restore_nulls(dumped[name])
            elif isinstance(value, list) and isinstance(dumped.get(name), list):
                for item, out in zip(value, dumped[name], strict=False):
                    if isinstance(item, StrictModel) and isinstance(out, dict):
                        item._restore_nulls(out)
        return dumped


def section(data: dict[str, Any], name: str) -> dict[str, Any]:
    """A sub-object of a decoded case, or ``{}`` when it is missing or not an object."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def shown(value: Any) -> str:
    """A value quoted for a message, or "not recorded"."""
    return "not recorded" if value is None else f"'{value}'"
