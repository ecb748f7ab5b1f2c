"""Options ranked for a case, the options that are not suitable (with the reason), and
trial examples (with why each matches and what is left to check).

Hard safety rules (``assessment.md``), each a small named function below:
- never an anthracycline when the ``anthracycline_limit`` flag fires;
- never a drug the disease progressed on, in any treatment line;
- no combination chemotherapy, and no trial requiring ECOG 0-1, at ECOG 3-4;
- best supportive care is always offered at ECOG 3-4 (and then listed first).
Example: progressed on doxorubicin at 450 mg/m² → every doxorubicin option is "not
suitable"; trabectedin, gemcitabine + docetaxel, pazopanib and eribulin remain.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lms_board.assessment import (
    Classification,
    Flag,
    NotSuitable,
    Option,
    TrialExample,
)
from lms_board.case import Case, StopReason
from lms_board.knowledge import HasEvidence, knowledge
from lms_board.knowledge.applies import (
    age_failure,
    in_scope,
    line_label,
    line_of_therapy,
    molecular_failure,
    performance_failure,
    prior_anthracycline_failure,
    progressed_drugs,
    unknowns,
)
from lms_board.knowledge.loader import Knowledge, ordered_unique
from lms_board.knowledge.schema import OptionRecord, TrialRecord

ANTHRACYCLINE_FLAG = "anthracycline_limit"
POOR_PERFORMANCE_ECOG = 3
CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct}"
#: Statuses under which a trial may take patients, most open first.
OPEN_STATUS_ORDER = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "UNKNOWN",
)
#: Statuses under which a non-landmark trial is no longer shown as an example.
CLOSED_STATUSES = frozenset(
    {"COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED", "NO_LONGER_AVAILABLE", "WITHHELD"}
)


@dataclass(frozen=True)
class Recommendations:
    """What :func:`recommend` returns; the lead's ``assess()`` copies it into the Assessment."""

    options: list[Option] = field(default_factory=list)
    not_suitable: list[NotSuitable] = field(default_factory=list)
    trials: list[TrialExample] = field(default_factory=list)

    def evidence_items(self) -> Iterator[HasEvidence]:
        yield from self.options
        yield from self.not_suitable
        yield from self.trials

    def evidence_ids(self) -> list[str]:
        return ordered_unique(i for item in self.evidence_items() for i in item.evidence)


# --------------------------------------------------------------------------- safety rules


def is_poor_performance(case: Case) -> bool:
    """ECOG 3-4."""
    ecog = case.patient.ecog
    return ecog is not None and ecog >= POOR_PERFORMANCE_ECOG


def excluded_by_anthracycline_limit(option: OptionRecord, flags: Sequence[Flag]) -> str | None:
    """An anthracycline-containing option when the anthracycline limit has been reached."""
    if not option.anthracycline:
        return None
    if any(f.code == ANTHRACYCLINE_FLAG for f in flags):
        return (
            "Contains an anthracycline, and the anthracycline limit is reached "
            "(cumulative doxorubicin ≥ 450 mg/m² or LVEF < 50%)."
        )
    return None


def excluded_by_progression(option: OptionRecord, case: Case, kb: Knowledge) -> str | None:
    """An option containing a drug the disease progressed on, in any treatment line."""
    shared = sorted(progressed_drugs(case, kb) & set(option.drugs))
    if not shared:
        return None
    where = [
        n.label
        for n in case.history.numbered_lines()
        if n.line.stop_reason == StopReason.progression and set(n.line.drugs) & set(shared)
    ]
    return f"Disease progressed on {' and '.join(shared)} ({'; '.join(where)})."


def excluded_by_performance(option: OptionRecord, case: Case) -> str | None:
    """Combination chemotherapy at ECOG 3-4, or an ECOG above the option's maximum."""
    ecog = case.patient.ecog
    if option.combination and ecog is not None and ecog >= POOR_PERFORMANCE_ECOG:
        return f"ECOG {ecog}: no combination chemotherapy at ECOG 3–4."
    return performance_failure(option.applies, case)


def excluded_by_molecular(option: OptionRecord, case: Case) -> str | None:
    """A biomarker-selected option without the biomarker recorded."""
    return molecular_failure(option.applies, case)


def excluded_by_prior_treatment(option: OptionRecord, case: Case, kb: Knowledge) -> str | None:
    """An option for anthracycline-naive patients after an anthracycline (or the reverse)."""
    return prior_anthracycline_failure(option.applies, case, kb)


def option_exclusions(
    option: OptionRecord, case: Case, flags: Sequence[Flag], kb: Knowledge
) -> list[str]:
    """Every reason an in-scope option is not suitable (empty: suitable)."""
    reasons = [
        excluded_by_anthracycline_limit(option, flags),
        excluded_by_progression(option, case, kb),
        excluded_by_performance(option, case),
        excluded_by_molecular(option, case),
        excluded_by_prior_treatment(option, case, kb),
        age_failure(option.applies, case),
    ]
    return [r for r in reasons if r]


def trial_exclusions(trial: TrialRecord, case: Case, flags: Sequence[Flag]) -> list[str]:
    """Safety reasons an in-scope trial cannot be offered (ECOG, anthracycline limit)."""
    reasons: list[str] = []
    ecog, limit = case.patient.ecog, trial.applies.ecog_max
    if ecog is not None and limit is not None and ecog > limit:
        reasons.append(f"ECOG {ecog}: the trial requires ECOG 0–{limit}.")
    elif trial.interventional and limit is None and is_poor_performance(case):
        reasons.append(
            f"ECOG {ecog}: the trial's performance-status requirement is not verified, and "
            "trial referral is not offered at ECOG 3–4."
        )
    if trial.anthracycline_arm and any(f.code == ANTHRACYCLINE_FLAG for f in flags):
        reasons.append("An arm gives an anthracycline and the anthracycline limit is reached.")
    return reasons


def trial_ineligible(trial: TrialRecord, case: Case, kb: Knowledge) -> bool:
    """A trial example left out silently: closed since curation, or age or prior treatment."""
    closed = not trial.landmark and trial.status in CLOSED_STATUSES
    return bool(
        closed
        or age_failure(trial.applies, case)
        or prior_anthracycline_failure(trial.applies, case, kb)
    )


def supportive_first(options: list[Option], case: Case) -> list[Option]:
    """At ECOG 3-4, supportive care leads the list."""
    if not is_poor_performance(case):
        return options
    return sorted(options, key=lambda o: o.modality != "supportive")


# --------------------------------------------------------------------------- building


def _option_caveats(
    option: OptionRecord, case: Case, classification: Classification, kb: Knowledge
) -> list[str]:
    caveats = list(option.caveats)
    caveats.extend(unknowns(option.applies, case, kb))
    if option.modality == "surgery" and is_poor_performance(case):
        caveats.append(f"ECOG {case.patient.ecog}: confirm fitness for surgery.")
    if option.modality == "systemic" and classification.subtype == "locally_advanced":
        caveats.append("Locally advanced: reassess resectability after 2–3 cycles.")
    return caveats


def _to_option(
    option: OptionRecord, case: Case, classification: Classification, kb: Knowledge
) -> Option:
    return Option(
        id=option.id,
        name=option.name,
        modality=option.modality,
        intent=option.intent,
        setting=option.setting,
        evidence=list(option.evidence),
        strength=option.strength,
        caveats=_option_caveats(option, case, classification, kb),
        key_numbers=option.key_numbers,
    )


def _matched_criteria(trial: TrialRecord, case: Case, classification: Classification) -> str:
    c = trial.applies
    parts: list[str] = []
    if c.categories or c.subtypes:
        parts.append(classification.label)
    if c.sites:
        parts.append(f"site {case.tumor.site.value.replace('_', ' ')}")
    if c.line_min is not None or c.line_max is not None:
        parts.append(line_label(line_of_therapy(case)))
    if c.ecog_max is not None and case.patient.ecog is not None:
        parts.append(f"ECOG {case.patient.ecog} (needs 0–{c.ecog_max})")
    if c.size_min_cm is not None and case.tumor.size_cm is not None:
        parts.append(f"{case.tumor.size_cm:g} cm (needs {c.size_min_cm:g} or more)")
    if c.prior_anthracycline == "excluded":
        parts.append("no anthracycline recorded")
    if c.prior_anthracycline == "required":
        parts.append("prior anthracycline")
    if c.age_min is not None or c.age_max is not None:
        parts.append(f"age {case.patient.age}")
    return "; ".join(parts)


def _to_trial(
    trial: TrialRecord, case: Case, classification: Classification, kb: Knowledge
) -> TrialExample:
    matched = _matched_criteria(trial, case, classification)
    if trial.landmark:
        why = f"Landmark trial (completed or closed; context, not a referral). {trial.why}"
    else:
        why = trial.why + (f" Matches: {matched}." if matched else "")
    to_check = [
        f"Current status and eligibility on ClinicalTrials.gov (status here as of "
        f"{trial.status_as_of.isoformat()}: {trial.status_source})"
    ]
    if not trial.landmark:
        to_check.extend(trial.to_check)
        to_check.extend(unknowns(trial.applies, case, kb))
    return TrialExample(
        nct=trial.nct,
        title=f"{trial.name}: {trial.title}",
        phase=trial.phase,
        status=trial.status_text,
        status_as_of=trial.status_as_of,
        why=why,
        to_check=to_check,
        evidence=list(trial.evidence),
        url=CTGOV_STUDY_URL.format(nct=trial.nct),
    )


def _trial_order(t: TrialRecord) -> tuple[int, int]:
    status_rank = (
        OPEN_STATUS_ORDER.index(t.status)
        if t.status in OPEN_STATUS_ORDER
        else len(OPEN_STATUS_ORDER)
    )
    return (1 if t.landmark else 0, status_rank)


def recommend(
    case: Case,
    classification: Classification,
    flags: Sequence[Flag],
    *,
    kb: Knowledge | None = None,
) -> Recommendations:
    """Options ranked for the case, not-suitable options with reasons, and trial examples."""
    kb = kb or knowledge()
    offered: list[tuple[int, Option]] = []
    not_suitable: list[NotSuitable] = []
    for rec in kb.options:
        if not in_scope(rec.applies, case, classification):
            continue
        if rec.not_recommended:
            not_suitable.append(
                NotSuitable(name=rec.name, reason=rec.not_recommended, evidence=list(rec.evidence))
            )
            continue
        reasons = option_exclusions(rec, case, flags, kb)
        if reasons:
            not_suitable.append(
                NotSuitable(name=rec.name, reason=" ".join(reasons), evidence=list(rec.evidence))
            )
            continue
        offered.append((rec.rank, _to_option(rec, case, classification, kb)))
    options = supportive_first([o for _, o in sorted(offered, key=lambda p: p[0])], case)

    trials: list[TrialExample] = []
    for t in sorted(kb.trials, key=_trial_order):
        if not in_scope(t.applies, case, classification) or trial_ineligible(t, case, kb):
            continue
        reasons = trial_exclusions(t, case, flags)
        if reasons:
            if not t.landmark:
                not_suitable.append(
                    NotSuitable(
                        name=f"Trial {t.name} ({t.nct})",
                        reason=" ".join(reasons),
                        evidence=list(t.evidence),
                    )
                )
            continue
        trials.append(_to_trial(t, case, classification, kb))
    return Recommendations(options=options, not_suitable=not_suitable, trials=trials)
