"""The extraction rules as validated data (``knowledge/extraction/*.yaml``), loaded once.

Every record has an ``id`` and a ``reviewed`` date; unknown keys, unknown field paths,
regular expressions that do not compile and examples a rule gets wrong are load errors
that name the record. The files:

- ``patterns.yaml``: one regular expression per rule, for one field ("WHO PS 1" →
  ``patient.ecog`` 1), with the context it needs (affirmed, or negated: "no
  lymphadenopathy" → N0) and worked examples that the tests run;
- ``vocabulary.yaml``: terms → values (thigh → extremity, "caldesmon" → ``h_caldesmon``,
  asthma → ``lung_disease``), used by the extractors of lists (IHC, metastases, comorbidities,
  treatment lines, radiotherapy courses);
- ``identifiers.yaml``: patterns of direct identifiers (name after a title or a label,
  NHS / record numbers, dates of birth, addresses, phones, e-mail);
- ``documents.yaml``: what kind a document is, its date style (UK / US cues), the conflict
  policy (which document wins for which fields, and why);
- ``context.yaml``: ConText rules added to medspaCy's own (hypothetical: "recommend",
  "requested"; negated: "not yet done").
"""

from __future__ import annotations

import functools
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "extraction"

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")]
DocKind = Literal["pathology", "radiology", "letter", "clinic_note"]
DOC_KINDS: tuple[DocKind, ...] = ("pathology", "radiology", "letter", "clinic_note")
Assertion = Literal["affirmed", "negated", "any"]
Converter = Literal["int", "float", "size_cm", "percent", "map", "gauge"]
#: Named checks a pattern rule may ask for (implemented in ``lms_board.extract.fields``).
Condition = Literal["primary_size", "no_metastasis_words", "no_metastasis_site"]

#: Scalar field paths a pattern rule may fill.
PATTERN_FIELDS = frozenset(
    {
        "patient.age",
        "patient.sex",
        "patient.ecog",
        "patient.lvef_percent",
        "patient.cumulative_doxorubicin_mg_m2",
        "patient.menopausal_status",
        "patient.wishes_fertility_preservation",
        "tumor.size_cm",
        "tumor.depth",
        "tumor.presentation",
        "tumor.uterine_extension",
        "tumor.morcellated",
        "pathology.biopsy",
        "pathology.needle_gauge",
        "pathology.image_guided",
        "pathology.biopsy_route",
        "pathology.diagnosis_confirmed",
        "pathology.expert_review",
        "pathology.differentiation_score",
        "pathology.mitoses_per_10hpf",
        "pathology.necrosis_percent",
        "pathology.reported_grade",
        "pathology.margin",
        "pathology.tumor_ngs",
        "pathology.hrd",
        "extent.nodes",
        "extent.metastases",
        "extent.disease_free_interval_months",
        "extent.primary_resectability",
        "extent.neurovascular_involvement",
        "history.treatment_lines",
        "history.radiotherapy_courses",
        "patient.comorbidities",
    }
)


class RulesError(ValueError):
    """A rules file that does not validate; the message names the file and the record."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    text: str
    value: Any = None


class PatternRule(_Strict):
    """One field from one regular expression (case-insensitive unless ``case_sensitive``).

    The value is ``value`` (a constant) or the named group ``v`` converted by ``convert``;
    the group ``t`` (else the whole match) is what ConText judges (negated, hypothetical…).
    """

    id: RuleId
    field: str
    pattern: str
    value: Any = None
    convert: Converter | None = None
    map: dict[str, Any] = Field(default_factory=dict)
    doc_kinds: list[DocKind] = Field(default_factory=lambda: list(DOC_KINDS))
    assertion: Assertion = "affirmed"
    conditions: list[Condition] = Field(default_factory=list)
    case_sensitive: bool = False
    reviewed: date
    note: str = ""
    examples: list[Example] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(
            self.pattern, re.MULTILINE | (0 if self.case_sensitive else re.IGNORECASE)
        )


class Term(_Strict):
    """Terms (whole words, case-insensitive) that mean one value."""

    id: RuleId
    value: Any
    terms: list[Annotated[str, StringConstraints(min_length=1, max_length=80)]]
    reviewed: date
    note: str = ""


class Vocabulary(_Strict):
    sites: list[Term]
    site_self_terms: list[str]
    site_no_location_terms: list[str]
    primary_anchors: list[str]
    size_exclusions: list[str]
    ihc_markers: list[Term]
    ihc_results: list[Term]
    metastasis_sites: list[Term]
    metastasis_words: list[str]
    resectability_words: list[Term]
    comorbidities: list[Term]
    comorbidity_free_text: list[Term]
    no_comorbidity: list[str]
    severity: list[Term]
    declines: list[Term]
    molecular_findings: list[Term]
    genes: list[str]
    line_settings: list[Term]
    responses: list[Term]
    stop_reasons: list[Term]
    no_systemic_treatment: list[str]
    no_radiotherapy: list[str]
    radiotherapy_timing: list[Term]
    radiotherapy_words: list[str]
    imaging: list[Term]
    imaging_result_words: list[str]
    surgery_words: list[Term]
    relapse_words: list[str]
    count_words: dict[str, int]
    pronouns: list[Term]
    abbreviations: list[str]


class IdentifierRule(_Strict):
    id: RuleId
    kind: Literal[
        "name", "nhs_number", "record_number", "date_of_birth", "address", "phone", "email"
    ]
    pattern: str
    group: str | None = None
    case_sensitive: bool = False
    reviewed: date
    note: str = ""
    examples: list[str] = Field(default_factory=list)

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        flags = re.MULTILINE | (0 if self.case_sensitive else re.IGNORECASE)
        return re.compile(self.pattern, flags)


class KindRule(_Strict):
    id: RuleId
    kind: DocKind
    heading: str
    reviewed: date

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.heading, re.MULTILINE)


class StyleRule(_Strict):
    id: RuleId
    style: Literal["uk", "us"]
    pattern: str
    reviewed: date

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.MULTILINE)


class ConflictPolicy(_Strict):
    """Which document wins for the fields under ``fields`` (prefixes), and why."""

    id: RuleId
    fields: list[str]
    prefer: list[DocKind]
    newest_first: bool = False
    why: str
    reviewed: date


class Documents(_Strict):
    kinds: list[KindRule]
    date_labels: list[str]
    styles: list[StyleRule]
    conflicts: list[ConflictPolicy]
    required: list[str]
    wanted: list[str]


class ContextRule(_Strict):
    """A ConText rule added to medspaCy's defaults; ``drop: true`` removes the default rule
    with that literal instead (": no" read backwards negates "CT chest 03/20/2025: no nodules")."""

    id: RuleId
    literal: str
    category: (
        Literal[
            "NEGATED_EXISTENCE",
            "HYPOTHETICAL",
            "POSSIBLE_EXISTENCE",
            "HISTORICAL",
            "PSEUDO",
            "TERMINATE",
        ]
        | None
    ) = None
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"] | None = None
    pattern: list[dict[str, Any]] | None = None
    drop: bool = False
    reviewed: date

    @model_validator(mode="after")
    def _complete(self) -> ContextRule:
        if not self.drop and (self.category is None or self.direction is None):
            raise ValueError("a ConText rule needs a category and a direction (or drop: true)")
        return self


class Rules(_Strict):
    patterns: tuple[PatternRule, ...]
    vocabulary: Vocabulary
    identifiers: tuple[IdentifierRule, ...]
    documents: Documents
    context: tuple[ContextRule, ...]

    def rule_ids(self) -> set[str]:
        ids = {r.id for r in self.patterns} | {r.id for r in self.identifiers}
        ids |= {r.id for r in self.context} | {k.id for k in self.documents.kinds}
        return ids


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path.name}: cannot read ({exc})") from None


def _validate(name: str, model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        rid = raw.get("id") if isinstance(raw, dict) else None
        where = f"record '{rid}'" if rid else "file"
        raise RulesError(f"{name}: {where}: {exc}") from None


def _records(name: str, model: type[BaseModel], raw: Any) -> tuple[Any, ...]:
    if not isinstance(raw, list):
        raise RulesError(f"{name}: expected a list of records")
    out = tuple(_validate(name, model, r) for r in raw)
    ids = [r.id for r in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RulesError(f"{name}: duplicate id(s) {', '.join(dupes)}")
    return out


def _check_patterns(rules: tuple[PatternRule, ...]) -> None:
    for r in rules:
        if r.field not in PATTERN_FIELDS:
            raise RulesError(f"patterns.yaml: record '{r.id}': unknown field '{r.field}'")
        try:
            r.regex  # noqa: B018 - compile now, so a bad pattern is a load error
        except re.error as exc:
            raise RulesError(f"patterns.yaml: record '{r.id}': bad pattern ({exc})") from None
        if r.value is None and r.convert is None:
            raise RulesError(f"patterns.yaml: record '{r.id}': needs a value or a convert")
        if r.convert is not None and "v" not in r.regex.groupindex:
            raise RulesError(f"patterns.yaml: record '{r.id}': convert needs a group (?P<v>...)")
        if r.convert == "map" and not r.map:
            raise RulesError(f"patterns.yaml: record '{r.id}': convert 'map' needs a map")


def load_rules(base: Path = RULES_DIR) -> Rules:
    """Read and validate every rules file under ``base``."""
    patterns = _records("patterns.yaml", PatternRule, _read(base / "patterns.yaml"))
    _check_patterns(patterns)
    identifiers = _records("identifiers.yaml", IdentifierRule, _read(base / "identifiers.yaml"))
    for rule in identifiers:
        try:
            rule.regex  # noqa: B018
        except re.error as exc:
            raise RulesError(f"identifiers.yaml: record '{rule.id}': bad pattern ({exc})") from None
    context = _records("context.yaml", ContextRule, _read(base / "context.yaml"))
    vocabulary = _validate("vocabulary.yaml", Vocabulary, _read(base / "vocabulary.yaml"))
    documents = _validate("documents.yaml", Documents, _read(base / "documents.yaml"))
    rules = Rules(
        patterns=patterns,
        vocabulary=vocabulary,
        identifiers=identifiers,
        documents=documents,
        context=context,
    )
    return rules


@functools.cache
def rules() -> Rules:
    """The packaged extraction rules, loaded and validated once per process."""
    return load_rules()


@functools.lru_cache(maxsize=512)
def term_regex(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive whole-word alternation of ``terms``, longest first."""
    alts = "|".join(
        r"[\s,]+".join(re.escape(w) for w in t.split())
        for t in sorted(terms, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w])(?:{alts})(?![\w])", re.IGNORECASE)


def term_values(entries: list[Term]) -> list[tuple[re.Pattern[str], Term]]:
    return [(term_regex(tuple(e.terms)), e) for e in entries]


DateStyle = Literal["dmy", "mdy"]
__all__ = [
    "DOC_KINDS",
    "PATTERN_FIELDS",
    "RULES_DIR",
    "ConflictPolicy",
    "ContextRule",
    "DateStyle",
    "DocKind",
    "IdentifierRule",
    "PatternRule",
    "Rules",
    "RulesError",
    "Term",
    "Vocabulary",
    "load_rules",
    "rules",
    "term_regex",
]
