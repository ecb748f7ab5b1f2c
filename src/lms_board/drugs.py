"""The drug vocabulary: one home for the drugs a case, an option or a trial arm may name.

``knowledge/drugs.yaml`` lists every drug by its generic name (the id a case file's
``history.treatment_lines[].drugs`` uses), with the other names free text may use
("Adriamycin", "DTIC", "gem/doc"), its class, and for anthracyclines the factor that turns
a dose into doxorubicin-equivalent mg/m² (epirubicin 100 mg/m² ≈ doxorubicin 80 mg/m²).
This module imports nothing of the case model, so the case model can validate drug ids
against it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

DRUGS_FILE = Path(__file__).resolve().parent / "knowledge" / "drugs.yaml"

DrugName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{2,40}$")]
#: The classic cytotoxic classes: chemotherapy proper, dosed by body surface area.
CytotoxicClass = Literal[
    "anthracycline",
    "alkylating agent",
    "antimetabolite",
    "taxane",
    "microtubule inhibitor",
    "trabectedin-class",
]
CYTOTOXIC_CLASSES: frozenset[str] = frozenset(get_args(CytotoxicClass))
DrugClass = Literal[
    CytotoxicClass,
    "tyrosine kinase inhibitor",
    "parp inhibitor",
    "aromatase inhibitor",
    "progestin",
    "anti-oestrogen",
    "immunotherapy",
    "antibody-drug conjugate",
    "other",
]


#: Coded severities of hepatic impairment, mildest first (``case.Severity`` values).
HepaticSeverity = Literal["mild", "moderate", "severe"]
HEPATIC_SEVERITIES: tuple[HepaticSeverity, ...] = ("mild", "moderate", "severe")


class HepaticRule(BaseModel):
    """What a drug's label says about hepatic impairment: not given from
    ``not_suitable_from`` (that severity or worse); below it, or with the severity not
    recorded, ``caution`` is said (the dose to reduce, what to check)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    not_suitable_from: HepaticSeverity
    #: Why it is not given ("contraindicated in severe hepatic impairment (Child-Pugh C)").
    reason: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    #: What to do when it is given with lesser impairment.
    caution: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    evidence: list[str] = Field(min_length=1)


class DrugRecord(BaseModel):
    """A drug by its generic name, with the other names a regimen text may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: DrugName
    label: str = ""
    aliases: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9 /-]{1,40}$")]] = []
    drug_class: DrugClass = "other"
    anthracycline: bool
    #: mg/m² of doxorubicin equivalent to 1 mg/m² of this drug (anthracyclines only).
    doxorubicin_equivalence: float | None = Field(default=None, gt=0, le=2)
    #: The usual dose of one cycle in mg/m² (anthracyclines: to count cycles left).
    standard_cycle_mg_m2: float | None = Field(default=None, gt=0, le=500)
    #: The label's rule for hepatic impairment, where it has one.
    hepatic: HepaticRule | None = None
    evidence: list[str] = []
    reviewed: date

    @model_validator(mode="after")
    def _anthracycline_fields(self) -> DrugRecord:
        if self.anthracycline and self.doxorubicin_equivalence is None:
            raise ValueError("an anthracycline needs doxorubicin_equivalence")
        if not self.anthracycline and self.doxorubicin_equivalence is not None:
            raise ValueError("doxorubicin_equivalence is for anthracyclines only")
        return self

    @property
    def display(self) -> str:
        """The generic name as a clinician reads it."""
        return self.label or self.name.replace("-", " ")


def read_drugs(path: Path = DRUGS_FILE) -> tuple[DrugRecord, ...]:
    """Read and validate a drugs file (no cross-checks: the knowledge loader adds those)."""
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path.name}: expected a list of drug records")
    return tuple(DrugRecord.model_validate(item) for item in raw)


@functools.cache
def drug_vocabulary() -> dict[str, DrugRecord]:
    """The packaged drug vocabulary by generic name, loaded once per process."""
    return {d.name: d for d in read_drugs()}


@functools.lru_cache(maxsize=256)
def _alias_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(alias)}(?![a-z0-9])")


def drugs_in_text(text: str, drugs: Iterable[DrugRecord] | None = None) -> set[str]:
    """Generic names of the known drugs a free-text regimen mentions (case-insensitive).

    Generic names match anywhere ("Doxorubicin(75)"), other names as whole words ("DTIC",
    "gem/doc"), so a mention is never missed by spelling alone.
    """
    low = text.casefold()
    found: set[str] = set()
    for drug in drug_vocabulary().values() if drugs is None else drugs:
        generic = drug.name.replace("-", " ")
        if (
            drug.name in low
            or generic in low
            or any(_alias_pattern(a).search(low) for a in drug.aliases)
        ):
            found.add(drug.name)
    return found
