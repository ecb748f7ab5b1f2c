"""Options ranked for a case, the options that are not suitable (with the reason), trial
examples (with why each matches and what is left to check), and the prompts.

For every record of the knowledge base in scope for the case (``knowledge.applies``):
1. the patient and safety rules of ``lms_board.exclusions`` (diagnosis first, what the
   patient declines, a drug that failed in any line, the anthracycline limit, fitness,
   kidneys, liver, nerves), then the record's own eligibility conditions and conditional
   exclusions; any that fires puts it under "not suitable" with every reason;
2. otherwise it is offered, with its caveats (history, dose left, comorbidities, unknowns).
At ECOG 2, age 75 or over, with frailty or severe organ dysfunction, combinations move after
single agents with a caveat; at ECOG 3-4 supportive care leads. An option's place is its
``rank`` or the first ``rank_when`` the case meets. Trials: a typed criterion on the patient
(LVEF, renal and hepatic function, drugs given before) not met puts the trial under "not
suitable" with the reason; a landmark trial is shown only beside an option it supports. Example: progressed on doxorubicin at
450 mg/m² → every doxorubicin option is "not suitable"; trabectedin, gemcitabine +
docetaxel, pazopanib and eribulin remain.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lms_board.assessment import (
    Classification,
    Flag,
    NotSuitable,
    Option,
    Prompt,
    TrialExample,
)
from lms_board.case import Case, ComorbidityCode
from lms_board.case_facts import CaseFacts, case_facts
from lms_board.exclusions import (
    POOR_PERFORMANCE_ECOG,
    Ruling,
    anthracycline_caveats,
    anthracycline_not_suitable,
    comorbidity_caveats,
    declined_chemotherapy_caveat,
    failed_drugs,
    few_anthracycline_cycles,
    history_caveats,
    option_rulings,
    pregnancy_caveat,
    single_agent_preferred,
    trial_rulings,
)
from lms_board.knowledge import HasEvidence, knowledge
from lms_board.knowledge.applies import (
    checks,
    eligibility_failures,
    in_scope,
    line_label,
    matches,
    unknowns,
)
from lms_board.knowledge.loader import Knowledge, ordered_unique
from lms_board.knowledge.schema import OptionRecord, TrialRecord
from lms_board.prompts import build_prompts
from lms_board.wording import label

ANTHRACYCLINE_FLAG = "anthracycline_limit"
#: Where demoted combinations go: after every single agent, before trial referral (80).
DEMOTED_RANK = 75.0
#: Statuses under which a trial may take patients, most open first.
OPEN_STATUS_ORDER = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "UNKNOWN",
)
#: Statuses under which a non-landmark trial is no longer shown as an example: it takes no
#: patients (closed, or active but not recruiting), so it is never offered as a referral.
CLOSED_STATUSES = frozenset(
    {
        "COMPLETED",
        "TERMINATED",
        "WITHDRAWN",
        "SUSPENDED",
        "NO_LONGER_AVAILABLE",
        "WITHHELD",
        "ACTIVE_NOT_RECRUITING",
        "TEMPORARILY_NOT_AVAILABLE",
    }
)


@dataclass(frozen=True)
class Recommendations:
    """What :func:`recommend` returns; ``assess()`` copies it into the Assessment."""

    options: list[Option] = field(default_factory=list)
    not_suitable: list[NotSuitable] = field(default_factory=list)
    trials: list[TrialExample] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)

    def evidence_items(self) -> Iterator[HasEvidence]:
        yield from self.options
        yield from self.not_suitable
        yield from self.trials
        yield from self.prompts

    def evidence_ids(self) -> list[str]:
        return ordered_unique(i for item in self.evidence_items() for i in item.evidence)


# --------------------------------------------------------------------------- the rules


def is_poor_performance(case: Case) -> bool:
    """ECOG 3-4."""
    ecog = case.patient.ecog
    return ecog is not None and ecog >= POOR_PERFORMANCE_ECOG


def excluded_by_anthracycline_limit(option: OptionRecord, flags: Sequence[Flag]) -> str | None:
    """An anthracycline-containing option when the ``anthracycline_limit`` flag fires."""
    if option.anthracycline and any(f.code == ANTHRACYCLINE_FLAG for f in flags):
        message = next(f.message for f in flags if f.code == ANTHRACYCLINE_FLAG)
        return f"Contains an anthracycline. {message}"
    return None


def excluded_by_progression(option: OptionRecord, case: Case, kb: Knowledge) -> str | None:
    """An option containing a drug that progressed, was stopped for toxicity or failed,
    in any line."""
    ruling = failed_drugs(option.drugs, case_facts(case))
    return ruling.reason if ruling else None


def option_exclusions(
    option: OptionRecord,
    case: Case,
    classification: Classification,
    kb: Knowledge,
    *,
    facts: CaseFacts | None = None,
) -> list[Ruling]:
    """Every reason an in-scope option is not suitable (empty: suitable)."""
    f = facts or case_facts(case)
    rulings = option_rulings(option, f)
    for reason in eligibility_failures(option.applies, case, classification, facts=f, kb=kb):
        rulings.append(Ruling("record.eligibility", reason))
    for ex in option.not_suitable_when:
        if matches(ex.when, case, classification, facts=f, kb=kb):
            rulings.append(Ruling("record.not_suitable_when", ex.reason, tuple(ex.evidence)))
    return rulings


#: Eligibility checks of a trial whose failure is said ("not suitable", with the reason):
#: the patient's fitness and organ function and the drugs given before. Other failures
#: (age, prior anthracycline, grade…) leave the trial out silently: it is for other patients.
SHOWN_TRIAL_CHECKS = frozenset({"lvef", "egfr", "hepatic", "prior_drugs"})


def trial_eligibility_rulings(
    trial: TrialRecord, case: Case, classification: Classification, f: CaseFacts, kb: Knowledge
) -> list[Ruling]:
    """The trial's typed criteria on the patient's organ function and prior drugs, not met:
    "LVEF 50%: needs more than 50%" (SaLuDo's registry record)."""
    return [
        Ruling("trial.eligibility", x.failure)
        for x in checks(trial.applies, case, classification, facts=f, kb=kb)
        if x.eligibility and x.met is False and x.name in SHOWN_TRIAL_CHECKS
    ]


def trial_ineligible(
    trial: TrialRecord, case: Case, classification: Classification, f: CaseFacts, kb: Knowledge
) -> bool:
    """A trial example left out silently: closed since curation, or its age or
    prior-treatment criteria not met."""
    closed = not trial.landmark and trial.status in CLOSED_STATUSES
    failures = [
        x
        for x in checks(trial.applies, case, classification, facts=f, kb=kb)
        if x.eligibility
        and x.met is False
        and x.name != "ecog"
        and x.name not in SHOWN_TRIAL_CHECKS
    ]
    return closed or bool(failures)


def effective_rank(
    rec: OptionRecord, case: Case, classification: Classification, f: CaseFacts, kb: Knowledge
) -> int:
    """The record's place in the list: the first ``rank_when`` the case meets, else ``rank``."""
    for rw in rec.rank_when:
        if matches(rw.when, case, classification, facts=f, kb=kb):
            return rw.rank
    return rec.rank


def landmark_in_context(trial: TrialRecord, context: set[str]) -> bool:
    """A landmark trial with ``context_for`` is shown only beside an option it supports that
    is offered (or listed as not recommended)."""
    return not trial.landmark or not trial.context_for or bool(set(trial.context_for) & context)


def supportive_first(options: list[Option], case: Case) -> list[Option]:
    """At ECOG 3-4, supportive care leads the list."""
    if not is_poor_performance(case):
        return options
    return sorted(options, key=lambda o: o.modality != "supportive")


# --------------------------------------------------------------------------- building


def _option_caveats(
    option: OptionRecord,
    case: Case,
    classification: Classification,
    kb: Knowledge,
    f: CaseFacts,
    demoted_for: str | None,
) -> list[str]:
    caveats = list(option.caveats)
    for cw in option.caveats_when:
        if matches(cw.when, case, classification, facts=f, kb=kb):
            caveats.append(cw.caveat)
    caveats.extend(history_caveats(option.drugs, f))
    caveats.extend(anthracycline_caveats(option.anthracycline, f))
    caveats.extend(comorbidity_caveats(option.drugs, f))
    declined = declined_chemotherapy_caveat(option, f)
    if declined:
        caveats.append(declined)
    pregnant = pregnancy_caveat(option, f)
    if pregnant:
        caveats.append(pregnant)
    if demoted_for:
        caveats.append(
            f"{demoted_for[:1].upper()}{demoted_for[1:]}: a single agent is preferred; "
            "a combination only after discussing the added toxicity."
        )
    caveats.extend(unknowns(option.applies, case, classification, facts=f, kb=kb))
    if option.modality == "surgery" and is_poor_performance(case):
        caveats.append(f"ECOG {case.patient.ecog}: confirm fitness for surgery.")
    if option.modality == "systemic" and classification.subtype == "locally_advanced":
        caveats.append("Locally advanced: reassess resectability after 2–3 cycles.")
    return ordered_unique(caveats)


def _to_option(
    option: OptionRecord,
    case: Case,
    classification: Classification,
    kb: Knowledge,
    f: CaseFacts,
    demoted_for: str | None,
) -> Option:
    return Option(
        id=option.id,
        name=option.name,
        modality=option.modality,
        intent=option.intent,
        setting=option.setting,
        evidence=list(option.evidence),
        strength=option.strength,
        caveats=_option_caveats(option, case, classification, kb, f, demoted_for),
        key_numbers=option.key_numbers,
    )


def _not_suitable(name: str, rulings: Sequence[Ruling], evidence: Sequence[str]) -> NotSuitable:
    reasons = ordered_unique(r.reason for r in rulings)
    return NotSuitable(
        name=name,
        reason=" ".join(reasons),
        evidence=ordered_unique([*(e for r in rulings for e in r.evidence), *evidence]),
    )


def _matched_criteria(trial: TrialRecord, f: CaseFacts, classification: Classification) -> str:
    c, case = trial.applies, f.case
    parts: list[str] = []
    if c.categories or c.subtypes:
        parts.append(classification.label)
    if c.sites:
        parts.append(f"site {label(case.tumor.site)}")
    if c.figo_stages and f.figo_stage:
        parts.append(f"FIGO stage {f.figo_stage}")
    if c.line_min is not None or c.line_max is not None:
        parts.append(line_label(f.line))
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
    lvef = case.patient.lvef_percent
    if c.lvef_above_percent is not None and lvef is not None and lvef > c.lvef_above_percent:
        parts.append(f"LVEF {lvef}% (needs more than {c.lvef_above_percent}%)")
    if c.prior_drugs_excluded and not any(d in f.histories for d in c.prior_drugs_excluded):
        parts.append("no " + " or ".join(c.prior_drugs_excluded) + " recorded")
    return "; ".join(parts)


def organ_impairment_to_check(trial: TrialRecord, f: CaseFacts) -> list[str]:
    """A recorded hepatic or renal impairment the trial record has no typed criterion for:
    named in "to check" (protocols set organ-function limits)."""
    pt, c = f.case.patient, trial.applies
    out: list[str] = []
    liver = pt.has_condition(ComorbidityCode.hepatic_impairment)
    if liver is not None and c.hepatic_impairment_max is None:
        severity = liver.severity.value if liver.severity else "severity not recorded"
        out.append(
            f"Hepatic impairment recorded ({severity}): check the protocol's liver-function "
            "criteria."
        )
    kidney = pt.has_condition(ComorbidityCode.renal_impairment)
    if kidney is not None and c.egfr_min_ml_min is None:
        egfr = f"eGFR {kidney.egfr_ml_min} mL/min" if kidney.egfr_ml_min else "eGFR not recorded"
        out.append(
            f"Renal impairment recorded ({egfr}): check the protocol's renal-function criteria."
        )
    return out


def _to_trial(
    trial: TrialRecord, f: CaseFacts, classification: Classification, kb: Knowledge
) -> TrialExample:
    matched = _matched_criteria(trial, f, classification)
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
        to_check.extend(unknowns(trial.applies, f.case, classification, facts=f, kb=kb))
        to_check.extend(organ_impairment_to_check(trial, f))
    return TrialExample(
        nct=trial.nct,
        title=f"{trial.name}: {trial.title}",
        phase=trial.phase,
        status=trial.status_text,
        status_as_of=trial.status_as_of,
        why=why,
        to_check=to_check,
        evidence=list(trial.evidence),
        url=trial.registry_url,
    )


def _trial_order(t: TrialRecord) -> tuple[int, int]:
    status_rank = (
        OPEN_STATUS_ORDER.index(t.status)
        if t.status in OPEN_STATUS_ORDER
        else len(OPEN_STATUS_ORDER)
    )
    return (1 if t.landmark else 0, status_rank)


def _rank(rank: int, demoted: bool) -> float:
    return DEMOTED_RANK + rank / 1000 if demoted else float(rank)


def recommend(
    case: Case,
    classification: Classification,
    flags: Sequence[Flag],
    *,
    kb: Knowledge | None = None,
) -> Recommendations:
    """Options ranked for the case, not-suitable options with reasons, trial examples and
    prompts."""
    kb = kb or knowledge()
    f = case_facts(case)
    prefer_single = single_agent_preferred(f)
    offered: list[tuple[float, Option]] = []
    not_suitable: list[NotSuitable] = []
    #: Options a landmark trial may be shown beside (offered, or not recommended here).
    context: set[str] = set()
    for rec in kb.options:
        if not in_scope(rec.applies, case, classification, facts=f):
            continue
        if rec.not_recommended:
            context.add(rec.id)
            not_suitable.append(
                NotSuitable(name=rec.name, reason=rec.not_recommended, evidence=list(rec.evidence))
            )
            continue
        if rec.applies.quiet and eligibility_failures(
            rec.applies, case, classification, facts=f, kb=kb
        ):
            continue
        rulings = option_exclusions(rec, case, classification, kb, facts=f)
        limit = excluded_by_anthracycline_limit(rec, flags)
        if limit and not any(r.rule == "anthracycline.limit" for r in rulings):
            rulings.append(Ruling("anthracycline.limit", limit))
        if rulings:
            not_suitable.append(_not_suitable(rec.name, rulings, rec.evidence))
            continue
        demoted = bool(prefer_single and rec.combination)
        option = _to_option(rec, case, classification, kb, f, prefer_single if demoted else None)
        rank = effective_rank(rec, case, classification, f, kb)
        few = few_anthracycline_cycles(rec.anthracycline, f)
        if few:
            option.caveats.append(few[:1].upper() + few[1:] + ".")
        offered.append((_rank(rank, demoted or bool(few)), option))
        context.add(rec.id)
    options = supportive_first([o for _, o in sorted(offered, key=lambda p: p[0])], case)

    trials: list[TrialExample] = []
    for t in sorted(kb.trials, key=_trial_order):
        if not in_scope(t.applies, case, classification, facts=f):
            continue
        if trial_ineligible(t, case, classification, f, kb):
            continue
        if not landmark_in_context(t, context):
            continue
        rulings = trial_rulings(t, f) + trial_eligibility_rulings(t, case, classification, f, kb)
        if rulings:
            if not t.landmark:
                not_suitable.append(_not_suitable(f"Trial {t.name} ({t.nct})", rulings, t.evidence))
            continue
        trials.append(_to_trial(t, f, classification, kb))
    prompts = build_prompts(f, classification, options, kb)
    return Recommendations(
        options=options, not_suitable=not_suitable, trials=trials, prompts=prompts
    )


__all__ = [
    "ANTHRACYCLINE_FLAG",
    "Recommendations",
    "anthracycline_not_suitable",
    "excluded_by_anthracycline_limit",
    "excluded_by_progression",
    "is_poor_performance",
    "option_exclusions",
    "recommend",
    "supportive_first",
]
