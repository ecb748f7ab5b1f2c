"""Read and validate the knowledge YAML files; a bad record stops the load with its id.

Files in a knowledge directory: ``evidence.yaml``, ``drugs.yaml``, ``options.yaml``,
``trials.yaml``, ``prompts.yaml`` (lists of records) and ``imaging.yaml`` (``items``,
``surveillance``, ``surveillance_imaging``). Cross-checks: every evidence id cited resolves
(options, their conditional exclusions, trials, prompts, drugs), every drug of an option is
in the drug list (trial arms too, whose drugs set
``anthracycline_arm``), an option's ``anthracycline`` matches its drugs, a prompt names only
options that exist and only the placeholders it may use.
An optional trial-status overlay (written by ``lms-board trials refresh``) updates the
curated trials' status and as-of date without touching the packaged files.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from lms_board.drugs import DrugRecord
from lms_board.knowledge.schema import (
    Conditions,
    EvidenceRecord,
    GradeClass,
    ImagingRecord,
    Nct,
    OptionRecord,
    PromptRecord,
    SurveillanceImaging,
    SurveillanceSchedule,
    TrialRecord,
    TrialStatusUpdate,
)

PACKAGE_DIR = Path(__file__).resolve().parent
FILES = (
    "evidence.yaml",
    "drugs.yaml",
    "options.yaml",
    "trials.yaml",
    "prompts.yaml",
    "imaging.yaml",
)
#: Placeholders a prompt message may use.
PROMPT_PLACEHOLDERS = {"age": 40, "rt_field": ": left breast (2015)"}
IMAGING_SECTIONS = ("items", "surveillance", "surveillance_imaging")

M = TypeVar("M", bound=BaseModel)


class KnowledgeError(ValueError):
    """The knowledge data is invalid; the message names the file and the record id."""


@dataclass(frozen=True)
class Knowledge:
    """The validated knowledge base (immutable; load it once)."""

    evidence: Mapping[str, EvidenceRecord]
    drugs: tuple[DrugRecord, ...]
    options: tuple[OptionRecord, ...]
    trials: tuple[TrialRecord, ...]
    imaging: tuple[ImagingRecord, ...]
    schedules: Mapping[GradeClass, SurveillanceSchedule]
    surveillance_imaging: tuple[SurveillanceImaging, ...]
    prompts: tuple[PromptRecord, ...] = field(default=())
    overlay_applied: tuple[str, ...] = field(default=())

    @property
    def reviewed(self) -> date:
        """The most recent ``reviewed`` date of any record."""
        dates: list[date] = [
            *(r.reviewed for r in self.evidence.values()),
            *(r.reviewed for r in self.drugs),
            *(r.reviewed for r in self.options),
            *(r.reviewed for r in self.trials),
            *(r.reviewed for r in self.imaging),
            *(r.reviewed for r in self.schedules.values()),
            *(r.reviewed for r in self.surveillance_imaging),
            *(r.reviewed for r in self.prompts),
        ]
        return max(dates)

    def drug(self, name: str) -> DrugRecord:
        for d in self.drugs:
            if d.name == name:
                return d
        raise KeyError(name)

    def trial(self, nct: str) -> TrialRecord:
        for t in self.trials:
            if t.nct == nct:
                return t
        raise KeyError(nct)


def _error_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key"
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError(f"{path.name}: missing from {path.parent}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: not valid YAML ({exc})") from None


def _records(file: str, raw: Any, model: type[M], id_key: str, *, where: str = "") -> tuple[M, ...]:
    label = f"{file}{where}"
    if not isinstance(raw, list):
        raise KnowledgeError(f"{label}: expected a list of records")
    out: list[M] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        rid = item.get(id_key) if isinstance(item, dict) else None
        name = str(rid) if rid else f"#{i + 1}"
        if not isinstance(item, dict):
            raise KnowledgeError(f"{label}: record {name}: expected a mapping")
        try:
            record = model.model_validate(item)
        except ValidationError as exc:
            raise KnowledgeError(f"{label}: record '{name}': {_error_text(exc)}") from None
        if name in seen:
            raise KnowledgeError(f"{label}: record '{name}': duplicate {id_key}")
        seen.add(name)
        out.append(record)
    return tuple(out)


def _check_conditions(
    file: str, rid: str, c: Conditions, drugs: Mapping[str, DrugRecord] | None = None
) -> None:
    if drugs is not None:
        what = "applies.prior_drugs_excluded names unknown drug(s)"
        _check_known(file, rid, what, c.prior_drugs_excluded, drugs, "drugs.yaml")
    pairs = (
        ("line_min", c.line_min, "line_max", c.line_max),
        ("age_min", c.age_min, "age_max", c.age_max),
        ("grade_min", c.grade_min, "grade_max", c.grade_max),
    )
    for lo_name, lo, hi_name, hi in pairs:
        if lo is not None and hi is not None and lo > hi:
            raise KnowledgeError(f"{file}: record '{rid}': applies.{lo_name} > applies.{hi_name}")


def _check_known(
    file: str, rid: str, what: str, ids: Iterable[str], known: Container[str], source: str = ""
) -> None:
    """Refuse a record naming ids that are not ``known``: ``{file}: record '{rid}': {what}
    a, b (not in {source})``."""
    missing = [i for i in ids if i not in known]
    if missing:
        tail = f" (not in {source})" if source else ""
        raise KnowledgeError(f"{file}: record '{rid}': {what} {', '.join(missing)}{tail}")


def _check_evidence(file: str, rid: str, ids: Iterable[str], known: Mapping[str, object]) -> None:
    _check_known(file, rid, "unknown evidence id(s)", ids, known, "evidence.yaml")


def _check_option(o: OptionRecord, drugs: Mapping[str, DrugRecord]) -> None:
    _check_known("options.yaml", o.id, "unknown drug(s)", o.drugs, drugs, "drugs.yaml")
    has_anthracycline = any(drugs[d].anthracycline for d in o.drugs)
    if o.anthracycline != has_anthracycline:
        raise KnowledgeError(
            f"options.yaml: record '{o.id}': anthracycline is {o.anthracycline} "
            f"but its drugs say {has_anthracycline}"
        )
    if o.combination and len(o.drugs) < 2:
        raise KnowledgeError(f"options.yaml: record '{o.id}': a combination needs ≥ 2 drugs")


def _check_prompt(p: PromptRecord, option_ids: set[str]) -> None:
    try:
        p.message.format(**PROMPT_PLACEHOLDERS)
    except (KeyError, IndexError, ValueError) as exc:
        raise KnowledgeError(
            f"prompts.yaml: record '{p.code}': message uses an unknown placeholder ({exc}); "
            f"allowed: {', '.join(PROMPT_PLACEHOLDERS)}"
        ) from None
    for c in p.when:
        what = "unknown option id(s)"
        _check_known("prompts.yaml", p.code, what, c.offered_option_ids, option_ids)
        _check_conditions("prompts.yaml", p.code, c)


def _with_arm_flags(t: TrialRecord, drugs: Mapping[str, DrugRecord]) -> TrialRecord:
    """Check every arm's drugs against ``drugs.yaml`` and derive ``anthracycline_arm``."""
    _check_known("trials.yaml", t.nct, "unknown arm drug(s)", t.arm_drugs, drugs, "drugs.yaml")
    derived = any(drugs[d].anthracycline for d in t.arm_drugs)
    if t.anthracycline_arm and not derived:
        raise KnowledgeError(
            f"trials.yaml: record '{t.nct}': anthracycline_arm is true but no arm has an "
            "anthracycline"
        )
    return (
        t if t.anthracycline_arm == derived else t.model_copy(update={"anthracycline_arm": derived})
    )


def load_knowledge(directory: Path | None = None, overlay: Path | None = None) -> Knowledge:
    """Load and validate a knowledge directory (default: the packaged one)."""
    base = directory or PACKAGE_DIR
    evidence = _records("evidence.yaml", _read_yaml(base / "evidence.yaml"), EvidenceRecord, "id")
    ev = {e.id: e for e in evidence}
    drugs = _records("drugs.yaml", _read_yaml(base / "drugs.yaml"), DrugRecord, "name")
    drug_map = {d.name: d for d in drugs}
    options = _records("options.yaml", _read_yaml(base / "options.yaml"), OptionRecord, "id")
    for d in drugs:
        _check_evidence("drugs.yaml", d.name, d.evidence, ev)
        if d.hepatic is not None:
            _check_evidence("drugs.yaml", d.name, d.hepatic.evidence, ev)
    for o in options:
        _check_evidence("options.yaml", o.id, o.evidence, ev)
        _check_conditions("options.yaml", o.id, o.applies, drug_map)
        _check_option(o, drug_map)
        for rule in o.not_suitable_when:
            _check_evidence("options.yaml", o.id, rule.evidence, ev)
            _check_conditions("options.yaml", o.id, rule.when, drug_map)
        for cw in o.caveats_when:
            _check_conditions("options.yaml", o.id, cw.when, drug_map)
        for rw in o.rank_when:
            _check_conditions("options.yaml", o.id, rw.when, drug_map)
    option_ids = {o.id for o in options}
    trials = tuple(
        _with_arm_flags(t, drug_map)
        for t in _records("trials.yaml", _read_yaml(base / "trials.yaml"), TrialRecord, "nct")
    )
    for t in trials:
        _check_evidence("trials.yaml", t.nct, t.evidence, ev)
        _check_conditions("trials.yaml", t.nct, t.applies, drug_map)
        what = "context_for names unknown option id(s)"
        _check_known("trials.yaml", t.nct, what, t.context_for, option_ids)
    prompts = _records("prompts.yaml", _read_yaml(base / "prompts.yaml"), PromptRecord, "code")
    for p in prompts:
        _check_evidence("prompts.yaml", p.code, p.evidence, ev)
        _check_prompt(p, option_ids)

    raw_imaging = _read_yaml(base / "imaging.yaml")
    if not isinstance(raw_imaging, dict):
        raise KnowledgeError("imaging.yaml: expected a mapping with " + ", ".join(IMAGING_SECTIONS))
    extra = sorted(set(raw_imaging) - set(IMAGING_SECTIONS))
    missing = [s for s in IMAGING_SECTIONS if s not in raw_imaging]
    if extra or missing:
        raise KnowledgeError(
            f"imaging.yaml: sections must be {', '.join(IMAGING_SECTIONS)} "
            f"(unknown: {extra or 'none'}; missing: {missing or 'none'})"
        )
    items = _records("imaging.yaml", raw_imaging["items"], ImagingRecord, "id", where=" (items)")
    schedules = _records(
        "imaging.yaml",
        raw_imaging["surveillance"],
        SurveillanceSchedule,
        "id",
        where=" (surveillance)",
    )
    surv_imaging = _records(
        "imaging.yaml",
        raw_imaging["surveillance_imaging"],
        SurveillanceImaging,
        "id",
        where=" (surveillance_imaging)",
    )
    for rid, cited in [
        *((i.id, i.evidence) for i in items),
        *((s.id, s.evidence) for s in schedules),
        *((s.id, s.evidence) for s in surv_imaging),
    ]:
        _check_evidence("imaging.yaml", rid, cited, ev)
    for item in items:
        _check_conditions("imaging.yaml", item.id, item.applies)
    by_class: dict[GradeClass, SurveillanceSchedule] = {}
    for s in schedules:
        if s.grade_class in by_class:
            raise KnowledgeError(
                f"imaging.yaml: record '{s.id}': a second schedule for grade class {s.grade_class}"
            )
        by_class[s.grade_class] = s
    if set(by_class) != {"high", "low"}:
        raise KnowledgeError(
            "imaging.yaml: need one surveillance schedule for high and one for low"
        )

    kb = Knowledge(
        evidence=ev,
        drugs=drugs,
        options=options,
        trials=trials,
        imaging=items,
        schedules=by_class,
        surveillance_imaging=surv_imaging,
        prompts=prompts,
    )
    if overlay is not None and overlay.exists():
        kb = apply_trial_overlay(kb, read_trial_overlay(overlay))
    return kb


class TrialOverlay(BaseModel):
    """The file ``lms-board trials refresh`` writes: newer statuses for curated trials."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    written: date
    trials: dict[Nct, TrialStatusUpdate]


def read_trial_overlay(path: Path) -> TrialOverlay:
    """Read an overlay file, or raise :class:`KnowledgeError` naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnowledgeError(f"{path}: cannot read trial-status overlay ({exc})") from None
    try:
        return TrialOverlay.model_validate(data)
    except ValidationError as exc:
        raise KnowledgeError(f"{path}: invalid trial-status overlay: {_error_text(exc)}") from None


def apply_trial_overlay(kb: Knowledge, overlay: TrialOverlay) -> Knowledge:
    """Curated trials with a newer overlay status get it; older or unknown entries are ignored."""
    trials: list[TrialRecord] = []
    applied: list[str] = []
    for t in kb.trials:
        update = overlay.trials.get(t.nct)
        if update is not None and update.status_as_of >= t.status_as_of:
            t = TrialRecord.model_validate({**t.model_dump(), **update.model_dump()})
            applied.append(t.nct)
        trials.append(t)
    return Knowledge(
        evidence=kb.evidence,
        drugs=kb.drugs,
        options=kb.options,
        trials=tuple(trials),
        imaging=kb.imaging,
        schedules=kb.schedules,
        surveillance_imaging=kb.surveillance_imaging,
        prompts=kb.prompts,
        overlay_applied=tuple(applied),
    )


def ordered_unique(ids: Sequence[str] | Iterable[str]) -> list[str]:
    """Ids in first-seen order without repeats."""
    seen: dict[str, None] = {}
    for i in ids:
        seen.setdefault(i, None)
    return list(seen)
