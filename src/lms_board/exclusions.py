"""The safety and patient rules that put an option or a trial under "not suitable", and the
caveats that go with an option that stays. Each rule is a small named function returning a
:class:`Ruling` (a stable rule id, the sentence a clinician reads, its sources) or ``None``.

Order of precedence in the reason shown: diagnosis first, what the patient declines, a drug
that failed before, the anthracycline limit, then fitness, organ function and the record's
own conditions.
Examples:
- after progression on trabectedin in line 1, every option and every trial arm with
  trabectedin (control arms too) → "Progressed on trabectedin (line 1)";
- 420 mg/m² of doxorubicin-equivalent → every anthracycline option → "≈ 30 mg/m² of
  anthracycline left: less than one cycle …";
- no biopsy yet → surgery, radiotherapy and systemic therapy → "No tissue diagnosis yet …";
- severe hepatic impairment → pazopanib, eribulin, doxorubicin (and from moderate,
  trabectedin and docetaxel), each by its label's rule in ``knowledge/drugs.yaml``;
- a patient who declines chemotherapy → every trial with chemotherapy in any arm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lms_board.case import Biopsy, ComorbidityCode, Declined, Severity
from lms_board.case_facts import CaseFacts
from lms_board.drugs import CYTOTOXIC_CLASSES as CLASSIC_CYTOTOXIC_CLASSES
from lms_board.drugs import HepaticRule, drug_vocabulary
from lms_board.knowledge.schema import OptionRecord, TrialRecord
from lms_board.treatment import DrugHistory, Outcome
from lms_board.wording import label

POOR_PERFORMANCE_ECOG = 3
#: A single agent is preferred from this ECOG, this age, or with frailty recorded.
SINGLE_AGENT_ECOG = 2
SINGLE_AGENT_AGE = 75
#: Renal function below which ifosfamide is not given (mL/min).
IFOSFAMIDE_MIN_EGFR = 60

#: Drug classes that count as chemotherapy when a patient declines chemotherapy: the
#: cytotoxic classes, and antibody-drug conjugates, whose payload is a cytotoxic drug with
#: chemotherapy's toxicities (mecbotamab vedotin carries MMAE, a microtubule poison).
#: Not chemotherapy: tyrosine kinase and PARP inhibitors, hormonal drugs, immunotherapy (a
#: caveat asks to confirm they are acceptable).
CYTOTOXIC_CLASSES = CLASSIC_CYTOTOXIC_CLASSES | {"antibody-drug conjugate"}
#: Drug classes within which a failure counts for every member (anthracyclines; trabectedin
#: and its analogue lurbinectedin).
CROSS_RESISTANT_CLASSES = frozenset({"anthracycline", "trabectedin-class"})
NEUROTOXIC_DRUGS = frozenset({"docetaxel", "paclitaxel", "eribulin", "vincristine"})
NEPHROTOXIC_DRUGS = frozenset({"ifosfamide"})
#: Hepatic impairment: each drug's rule is its label's (``hepatic`` in knowledge/drugs.yaml).
SEVERITY_ORDER: tuple[Severity, ...] = (Severity.mild, Severity.moderate, Severity.severe)

#: Every rule id a Ruling of this module carries (documented in docs/clinical-rules.md).
RULE_IDS = (
    "diagnosis.first",
    "patient.declined",
    "history.progressed",
    "history.toxicity",
    "history.failed",
    "history.trial_arm",
    "anthracycline.limit",
    "fitness.no_combination",
    "pregnancy.radiotherapy",
    "pregnancy.chemotherapy_timing",
    "pregnancy.targeted",
    "pregnancy.trial",
    "fitness.single_agent",
    "fitness.trial_ecog",
    "comorbidity.renal",
    "comorbidity.hepatic",
    "comorbidity.neuropathy",
    "record.eligibility",
    "record.not_suitable_when",
    "trial.eligibility",
)

# Evidence ids (knowledge/evidence.yaml) behind each rule; tested to resolve.
EV_DIAGNOSIS = ["esmo-sts-2018", "seom-sts-2021"]
EV_ANTHRACYCLINE = ["anthracycline-chf-swain-2003", "epirubicin-feijen-2019"]
EV_CARDIAC = ["esc-cardio-oncology-2022", "anthracycline-chf-swain-2003"]
EV_PROGRESSION = ["esmo-sts-2018"]
EV_RENAL = ["ifosfamide-label-fda", "ifosfamide-nephrotoxicity-less-2007"]
EV_NEUROPATHY = ["cipn-asco-2020"]
EV_FITNESS = ["esmo-sts-2018", "epaz-2020"]
#: Severe organ dysfunction as a vulnerability factor: the organ classes and comorbidity.
EV_ORGAN = ["kdigo-ckd-2013", "geriatric-asco-2018"]
EV_DECLINED = ["esmo-sts-2018"]
EV_PREGNANCY = ["pregnancy-amant-2019"]
#: Chemotherapy is not given before this week of pregnancy (the first trimester), nor after
#: the last one (delivery planned first).
PREGNANCY_CHEMO_FROM_WEEK = 14
PREGNANCY_CHEMO_UNTIL_WEEK = 35
RULE_EVIDENCE: tuple[str, ...] = tuple(
    {
        *EV_PREGNANCY,
        *EV_DIAGNOSIS,
        *EV_ANTHRACYCLINE,
        *EV_CARDIAC,
        *EV_PROGRESSION,
        *EV_RENAL,
        *EV_NEUROPATHY,
        *EV_FITNESS,
        *EV_ORGAN,
        *EV_DECLINED,
    }
)


@dataclass(frozen=True)
class Ruling:
    """One rule that fired: its id, the sentence a clinician reads, its sources."""

    rule: str
    reason: str
    evidence: tuple[str, ...] = ()


def _name(drug: str) -> str:
    record = drug_vocabulary().get(drug)
    return record.display if record else drug


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _option_is_cytotoxic(drugs: Iterable[str]) -> bool:
    vocabulary = drug_vocabulary()
    return any(vocabulary[d].drug_class in CYTOTOXIC_CLASSES for d in drugs if d in vocabulary)


def declines_for_option(option: OptionRecord) -> set[Declined]:
    """What a patient may decline that rules the option out: its modality, its drugs, and
    what the record adds (amputation, pelvic exenteration, trial)."""
    out = set(option.declined_as)
    if option.modality == "surgery":
        out.add(Declined.surgery)
    if option.modality == "radiotherapy":
        out.add(Declined.radiotherapy)
    if option.modality == "systemic" and _option_is_cytotoxic(option.drugs):
        out.add(Declined.chemotherapy)
    return out


# --------------------------------------------------------------------------- diagnosis


def diagnosis_detail(facts: CaseFacts) -> str:
    p = facts.case.pathology
    if p.biopsy in (None, Biopsy.none):
        return "no biopsy recorded"
    if p.biopsy == Biopsy.fine_needle_aspirate:
        if facts.grade is None:
            return "fine-needle aspirate only, grade unknown"
        return "fine-needle aspirate only, diagnosis not confirmed"
    return "the diagnosis is not recorded as confirmed"


def before_diagnosis(modality: str, facts: CaseFacts) -> Ruling | None:
    """No treatment before a tissue diagnosis: only the diagnostic step and supportive care."""
    if facts.diagnosis == "confirmed" or modality in ("diagnostic", "supportive"):
        return None
    return Ruling(
        "diagnosis.first",
        f"No tissue diagnosis yet ({diagnosis_detail(facts)}): treatment waits for a "
        "confirmed diagnosis and grade.",
        tuple(EV_DIAGNOSIS),
    )


# --------------------------------------------------------------------------- the patient


def declined_by_patient(declines: set[Declined], facts: CaseFacts) -> Ruling | None:
    """Something the option needs that the patient has declined."""
    said = [d for d in facts.case.patient.declines if d in declines]
    if not said:
        return None
    what = ", ".join(label(d) for d in said)
    return Ruling("patient.declined", f"Declined by the patient ({what}).", tuple(EV_DECLINED))


def _class_failures(drugs: Iterable[str], facts: CaseFacts) -> list[str]:
    """A drug of a cross-resistant class (anthracyclines; trabectedin and lurbinectedin) when
    another drug of that class failed: "doxorubicin: progressed on epirubicin (neoadjuvant),
    the same class"."""
    vocabulary = drug_vocabulary()
    out: list[str] = []
    for d in drugs:
        record = vocabulary.get(d)
        if d in facts.excluded or record is None:
            continue
        if record.drug_class not in CROSS_RESISTANT_CLASSES:
            continue
        for other, h in facts.excluded.items():
            if h.outcome != Outcome.toxicity and vocabulary[other].drug_class == record.drug_class:
                out.append(f"{_name(d)}: {h.reason}, the same class ({record.drug_class})")
                break
    return out


def failed_drugs(drugs: Iterable[str], facts: CaseFacts) -> Ruling | None:
    """A drug the disease progressed on, that was stopped for toxicity, or failed, in any line
    (or a drug of the same cross-resistant class that progressed or failed)."""
    drugs = list(drugs)
    histories: list[DrugHistory] = [facts.excluded[d] for d in drugs if d in facts.excluded]
    same_class = _class_failures(drugs, facts)
    if not histories and not same_class:
        return None
    if not histories:
        return Ruling("history.failed", _sentence("; ".join(same_class)), tuple(EV_PROGRESSION))
    rule = (
        "history.progressed"
        if any(h.outcome == Outcome.progressed for h in histories)
        else "history.toxicity"
        if any(h.outcome == Outcome.toxicity for h in histories)
        else "history.failed"
    )
    reasons = [h.reason for h in histories] + same_class
    return Ruling(rule, _sentence("; ".join(reasons)), tuple(EV_PROGRESSION))


def anthracycline_not_suitable(anthracycline: bool, facts: CaseFacts) -> Ruling | None:
    """Less than one standard cycle left to 450 mg/m², LVEF under 50%, or heart failure."""
    if not anthracycline:
        return None
    limits = facts.anthracycline_limits()
    if not limits:
        return None
    evidence = EV_ANTHRACYCLINE + (EV_CARDIAC if facts.cardiac_contraindications else [])
    return Ruling(
        "anthracycline.limit",
        "No further anthracycline: " + "; ".join(limits) + ".",
        tuple(dict.fromkeys(evidence)),
    )


def vulnerability_factors(facts: CaseFacts) -> list[str]:
    """ECOG 2, age 75 or over, frailty, severe hepatic or renal impairment: each makes a
    single agent the better choice."""
    pt = facts.case.patient
    why = []
    if pt.ecog == SINGLE_AGENT_ECOG:
        why.append(f"ECOG {pt.ecog}")
    if pt.age >= SINGLE_AGENT_AGE:
        why.append(f"age {pt.age}")
    if facts.frail:
        why.append("frailty recorded")
    why.extend(facts.severe_organ_dysfunction)
    return why


def _decisive(facts: CaseFacts) -> bool:
    """ECOG 2, frailty, or severe hepatic or renal impairment (eGFR under 30 mL/min, or
    dialysis): enough on its own to rule combinations out."""
    return (
        facts.case.patient.ecog == SINGLE_AGENT_ECOG
        or facts.frail
        or bool(facts.severe_organ_dysfunction)
    )


def combination_when_vulnerable(combination: bool, facts: CaseFacts) -> Ruling | None:
    """ECOG 2, frailty or severe organ dysfunction, or age 75 or over with any of them: no
    combination chemotherapy (age alone only moves combinations after single agents, with a
    caveat)."""
    why = vulnerability_factors(facts)
    if not combination or not why or (len(why) < 2 and not _decisive(facts)):
        return None
    evidence = EV_FITNESS + (EV_ORGAN if facts.severe_organ_dysfunction else [])
    return Ruling(
        "fitness.single_agent",
        _sentence(" and ".join(why))[:-1] + ": combination chemotherapy is not advised; a "
        "single agent.",
        tuple(evidence),
    )


def combination_at_poor_performance(combination: bool, facts: CaseFacts) -> Ruling | None:
    ecog = facts.case.patient.ecog
    if combination and ecog is not None and ecog >= POOR_PERFORMANCE_ECOG:
        return Ruling(
            "fitness.no_combination",
            f"ECOG {ecog}: no combination chemotherapy at ECOG 3–4.",
            tuple(EV_FITNESS),
        )
    return None


def _egfr(facts: CaseFacts) -> tuple[bool, int | None]:
    renal = facts.case.patient.has_condition(ComorbidityCode.renal_impairment)
    return renal is not None, renal.egfr_ml_min if renal else None


def renal_exclusion(drugs: Iterable[str], facts: CaseFacts) -> Ruling | None:
    """No ifosfamide with renal impairment: eGFR under 60 mL/min, or not recorded (an eGFR of
    60 or more leaves a caveat instead)."""
    if not NEPHROTOXIC_DRUGS & set(drugs):
        return None
    impaired, egfr = _egfr(facts)
    if not impaired or (egfr is not None and egfr >= IFOSFAMIDE_MIN_EGFR):
        return None
    if egfr is None:
        return Ruling(
            "comorbidity.renal",
            "Renal impairment recorded, eGFR not recorded: measure it first; no ifosfamide "
            f"under {IFOSFAMIDE_MIN_EGFR} mL/min (nephrotoxic; renal failure can be permanent).",
            tuple(EV_RENAL),
        )
    return Ruling(
        "comorbidity.renal",
        f"Renal impairment, eGFR {egfr} mL/min: no ifosfamide (nephrotoxic; renal failure can "
        "be permanent).",
        tuple(EV_RENAL),
    )


def _severity(facts: CaseFacts, code: ComorbidityCode) -> tuple[bool, Severity | None]:
    c = facts.case.patient.has_condition(code)
    return c is not None, c.severity if c else None


def _hepatic_rules(drugs: Iterable[str]) -> list[tuple[str, HepaticRule]]:
    vocabulary = drug_vocabulary()
    out: list[tuple[str, HepaticRule]] = []
    for d in sorted(set(drugs)):
        rule = vocabulary[d].hepatic if d in vocabulary else None
        if rule is not None:
            out.append((d, rule))
    return out


def _at_least(severity: Severity | None, bar: str) -> bool:
    return severity is not None and SEVERITY_ORDER.index(severity) >= SEVERITY_ORDER.index(
        Severity(bar)
    )


def hepatic_exclusion(drugs: Iterable[str], facts: CaseFacts) -> Ruling | None:
    """A drug whose label rules it out at the recorded hepatic impairment (trabectedin and
    docetaxel from moderate; pazopanib, eribulin and doxorubicin when severe)."""
    present, severity = _severity(facts, ComorbidityCode.hepatic_impairment)
    if not present or severity is None:
        return None
    hit = [(d, r) for d, r in _hepatic_rules(drugs) if _at_least(severity, r.not_suitable_from)]
    if not hit:
        return None
    return Ruling(
        "comorbidity.hepatic",
        f"{severity.value.capitalize()} hepatic impairment: "
        + "; ".join(f"no {_name(d)} ({r.reason})" for d, r in hit)
        + ".",
        tuple(dict.fromkeys(e for _, r in hit for e in r.evidence)),
    )


def neuropathy_exclusion(drugs: Iterable[str], facts: CaseFacts) -> Ruling | None:
    """A neurotoxic drug (taxane, eribulin, vincristine) with severe peripheral neuropathy."""
    present, severity = _severity(facts, ComorbidityCode.peripheral_neuropathy)
    hit = sorted(NEUROTOXIC_DRUGS & set(drugs))
    if not present or not hit or severity != Severity.severe:
        return None
    return Ruling(
        "comorbidity.neuropathy",
        "Severe peripheral neuropathy: no " + " or ".join(_name(d) for d in hit) + " (neurotoxic).",
        tuple(EV_NEUROPATHY),
    )


# --------------------------------------------------------------------------- pregnancy


def _gestation(facts: CaseFacts) -> int | None:
    return facts.gestational_weeks if facts.pregnant else None


def _irradiates(option: OptionRecord) -> bool:
    return option.modality == "radiotherapy" or Declined.radiotherapy in option.declined_as


def pregnancy_exclusion(option: OptionRecord, facts: CaseFacts) -> Ruling | None:
    """Pregnant: no radiotherapy until after delivery; no chemotherapy in the first trimester
    (under 14 weeks) or after 35 weeks; no targeted or hormonal drug (not given in
    pregnancy). Surgery and the diagnostic steps stay."""
    if facts.pregnant is not True:
        return None
    if Declined.trial in option.declined_as:
        return Ruling(
            "pregnancy.trial",
            "Pregnant: pregnancy excludes trial participation; revisit after delivery.",
            tuple(EV_PREGNANCY),
        )
    if _irradiates(option):
        return Ruling(
            "pregnancy.radiotherapy",
            "Pregnant: radiotherapy is deferred until after delivery (fetal dose).",
            tuple(EV_PREGNANCY),
        )
    if option.modality != "systemic" or not option.drugs:
        return None
    if not _option_is_cytotoxic(option.drugs):
        return Ruling(
            "pregnancy.targeted",
            "Pregnant: targeted and hormonal drugs are not given in pregnancy.",
            tuple(EV_PREGNANCY),
        )
    weeks = _gestation(facts)
    if weeks is not None and weeks < PREGNANCY_CHEMO_FROM_WEEK:
        return Ruling(
            "pregnancy.chemotherapy_timing",
            f"Pregnant, {weeks} weeks: no chemotherapy in the first trimester (standard "
            f"regimens from {PREGNANCY_CHEMO_FROM_WEEK} weeks, with the obstetric team).",
            tuple(EV_PREGNANCY),
        )
    if weeks is not None and weeks > PREGNANCY_CHEMO_UNTIL_WEEK:
        return Ruling(
            "pregnancy.chemotherapy_timing",
            f"Pregnant, {weeks} weeks: no chemotherapy after {PREGNANCY_CHEMO_UNTIL_WEEK} "
            "weeks; plan the delivery first, with the obstetric team.",
            tuple(EV_PREGNANCY),
        )
    return None


def pregnancy_caveat(option: OptionRecord, facts: CaseFacts) -> str | None:
    """Chemotherapy that stays for a pregnant patient: when and how."""
    if facts.pregnant is not True or option.modality != "systemic" or not option.drugs:
        return None
    weeks = _gestation(facts)
    when = f"{weeks} weeks now" if weeks is not None else "gestational age not recorded"
    return (
        f"Pregnant ({when}): chemotherapy only from {PREGNANCY_CHEMO_FROM_WEEK} to "
        f"{PREGNANCY_CHEMO_UNTIL_WEEK} weeks, planned with the obstetric team (fetal growth "
        "scans; delivery timed away from the blood-count nadir)."
    )


def option_rulings(option: OptionRecord, facts: CaseFacts) -> list[Ruling]:
    """Every patient and safety rule that rules the option out (empty: it stays)."""
    found = [
        before_diagnosis(option.modality, facts),
        declined_by_patient(declines_for_option(option), facts),
        pregnancy_exclusion(option, facts),
        failed_drugs(option.drugs, facts),
        anthracycline_not_suitable(option.anthracycline, facts),
        combination_at_poor_performance(option.combination, facts)
        or combination_when_vulnerable(option.combination, facts),
        renal_exclusion(option.drugs, facts),
        hepatic_exclusion(option.drugs, facts),
        neuropathy_exclusion(option.drugs, facts),
    ]
    return [r for r in found if r is not None]


# --------------------------------------------------------------------------- caveats


def single_agent_preferred(facts: CaseFacts) -> str | None:
    """ECOG 2, age 75 or over, or frailty: a single agent is preferred to a combination."""
    why = vulnerability_factors(facts)
    return ", ".join(why) if why else None


def history_caveats(drugs: Iterable[str], facts: CaseFacts) -> list[str]:
    """What the history says about the option's drugs that is not an exclusion."""
    out: list[str] = []
    for d in drugs:
        h = facts.histories.get(d)
        if h is None or h.excluded:
            continue
        if h.outcome == Outcome.completed:
            out.append(
                _sentence(h.reason)[:-1]
                + ": a rechallenge is possible if the disease stayed controlled for a while "
                "after it; weigh the cumulative toxicity."
            )
        else:
            out.append(_sentence(h.reason))
    return out


def anthracycline_caveats(anthracycline: bool, facts: CaseFacts) -> list[str]:
    """The dose left, or a prompt to calculate it, and cardiac disease short of a bar."""
    if not anthracycline:
        return []
    out: list[str] = []
    e = facts.exposure
    if e.prior and e.dose_unknown:
        out.append(
            "Prior anthracycline without a recorded dose ("
            + ", ".join(e.unknown_lines)
            + "): calculate the cumulative doxorubicin-equivalent before giving more."
        )
    elif e.prior:
        out.append(
            _sentence(e.summary())[:-1] + f" (about {int(e.cycles_left)} cycle(s) of "
            f"{e.cycle_mg_m2:g} mg/m²)."
        )
    if facts.case.patient.has_condition(ComorbidityCode.cardiac_disease):
        out.append("Cardiac disease recorded: cardio-oncology review before an anthracycline.")
    return out


#: Fewer standard cycles than this left to the lifetime limit: an anthracycline option moves
#: after the options without one (half of the usual six-cycle course does not fit).
FEW_ANTHRACYCLINE_CYCLES = 3


def few_anthracycline_cycles(anthracycline: bool, facts: CaseFacts) -> str | None:
    """Some anthracycline may still be given, but less than half a course: "≈ 150 mg/m² left
    (about 2 cycles)". ``None`` when the dose is unknown, no anthracycline was given, or the
    limit already rules it out."""
    e = facts.exposure
    if not anthracycline or not e.prior or e.dose_unknown or e.below_one_cycle:
        return None
    if e.cycles_left >= FEW_ANTHRACYCLINE_CYCLES:
        return None
    return (
        f"≈ {e.remaining_mg_m2:g} mg/m² of anthracycline left (about {int(e.cycles_left)} "
        f"cycle(s) of {e.cycle_mg_m2:g} mg/m²): less than half a course, so the options without "
        "an anthracycline come first"
    )


def comorbidity_caveats(drugs: Iterable[str], facts: CaseFacts) -> list[str]:
    """Cautions that do not exclude: mild or unspecified hepatic impairment, renal impairment
    with an eGFR of 60 or more, neuropathy short of severe."""
    drug_set = set(drugs)
    out: list[str] = []
    present, severity = _severity(facts, ComorbidityCode.hepatic_impairment)
    if present:
        for d, rule in _hepatic_rules(drug_set):
            if _at_least(severity, rule.not_suitable_from):
                continue
            out.append(
                "Hepatic impairment"
                + (f" ({severity.value})" if severity else " (severity not recorded)")
                + f", {_name(d)}: {rule.caution}"
            )
    impaired, egfr = _egfr(facts)
    if (
        impaired
        and egfr is not None
        and egfr >= IFOSFAMIDE_MIN_EGFR
        and NEPHROTOXIC_DRUGS & drug_set
    ):
        out.append(
            f"Renal impairment recorded (eGFR {egfr} mL/min): check renal function before each "
            "cycle of ifosfamide; stop it if the eGFR falls under 60 mL/min."
        )
    present, severity = _severity(facts, ComorbidityCode.peripheral_neuropathy)
    hit = sorted(NEUROTOXIC_DRUGS & drug_set)
    if present and hit and severity != Severity.severe:
        out.append(
            "Peripheral neuropathy"
            + (f" ({severity.value})" if severity else "")
            + ": "
            + " and ".join(_name(d) for d in hit)
            + " can worsen it; weigh an alternative, and reduce or stop the dose if it worsens."
        )
    return out


def declined_chemotherapy_caveat(option: OptionRecord, facts: CaseFacts) -> str | None:
    """A non-cytotoxic systemic option for a patient who declines chemotherapy."""
    if (
        Declined.chemotherapy in facts.case.patient.declines
        and option.modality == "systemic"
        and option.drugs
        and not _option_is_cytotoxic(option.drugs)
    ):
        return "The patient declines chemotherapy: this is not chemotherapy, but confirm it is acceptable."
    return None


# --------------------------------------------------------------------------- trials


def trial_arms(trial: TrialRecord) -> list[tuple[str, frozenset[str], bool]]:
    """Each arm of a trial as (name, drugs, control); the whole intervention as one arm
    when the record has no typed arms."""
    arms = getattr(trial, "arms", None)
    if arms:
        return [(a.name, frozenset(a.drugs), bool(a.control)) for a in arms]
    from lms_board.drugs import drugs_in_text

    return [(trial.intervention, frozenset(drugs_in_text(trial.intervention)), False)]


def trial_drugs(trial: TrialRecord) -> set[str]:
    return {d for _, drugs, _ in trial_arms(trial) for d in drugs}


def trial_has_anthracycline(trial: TrialRecord) -> bool:
    vocabulary = drug_vocabulary()
    return trial.anthracycline_arm or any(
        vocabulary[d].anthracycline for d in trial_drugs(trial) if d in vocabulary
    )


def trial_failed_drugs(trial: TrialRecord, facts: CaseFacts) -> Ruling | None:
    """Any arm (control included) with a drug that failed before."""
    reasons = []
    for name, drugs, control in trial_arms(trial):
        ruling = failed_drugs(sorted(drugs), facts)
        if ruling:
            arm = f"Control arm '{name}'" if control else f"Arm '{name}'"
            reasons.append(f"{arm}: {ruling.reason[:1].lower()}{ruling.reason[1:]}")
    if not reasons:
        return None
    return Ruling("history.trial_arm", " ".join(reasons), tuple(EV_PROGRESSION))


def trial_declined_chemotherapy(trial: TrialRecord, facts: CaseFacts) -> Ruling | None:
    """A patient who declines chemotherapy is not offered a trial in which any arm (control
    arms included: randomisation may give it) contains chemotherapy."""
    if Declined.chemotherapy not in facts.case.patient.declines:
        return None
    vocabulary = drug_vocabulary()
    arms = [
        f"arm '{name}' ({', '.join(_name(d) for d in sorted(drugs))})"
        for name, drugs, _ in trial_arms(trial)
        if any(d in vocabulary and vocabulary[d].drug_class in CYTOTOXIC_CLASSES for d in drugs)
    ]
    if not arms:
        return None
    return Ruling(
        "patient.declined",
        "Declined by the patient (chemotherapy): chemotherapy in " + ", ".join(arms) + ".",
        tuple(EV_DECLINED),
    )


def trial_rulings(trial: TrialRecord, facts: CaseFacts) -> list[Ruling]:
    """Every patient and safety rule that rules a trial out."""
    case = facts.case
    found: list[Ruling | None] = [
        before_diagnosis("systemic", facts) if trial.interventional else None,
        declined_by_patient({Declined.trial}, facts) if trial.interventional else None,
        Ruling(
            "pregnancy.trial",
            "Pregnant: pregnancy excludes trial participation; revisit after delivery.",
            tuple(EV_PREGNANCY),
        )
        if trial.interventional and facts.pregnant is True
        else None,
        trial_declined_chemotherapy(trial, facts),
        trial_failed_drugs(trial, facts),
    ]
    if trial_has_anthracycline(trial):
        limit = anthracycline_not_suitable(True, facts)
        if limit:
            found.append(
                Ruling(limit.rule, "An arm gives an anthracycline. " + limit.reason, limit.evidence)
            )
    ecog, limit_ecog = case.patient.ecog, trial.applies.ecog_max
    if ecog is not None and limit_ecog is not None and ecog > limit_ecog:
        found.append(
            Ruling("fitness.trial_ecog", f"ECOG {ecog}: the trial requires ECOG 0–{limit_ecog}.")
        )
    elif trial.interventional and limit_ecog is None and ecog is not None and ecog >= 3:
        found.append(
            Ruling(
                "fitness.trial_ecog",
                f"ECOG {ecog}: the trial's performance-status requirement is not verified, and "
                "trial referral is not offered at ECOG 3–4.",
            )
        )
    drugs = trial_drugs(trial)
    for rule in (renal_exclusion, hepatic_exclusion, neuropathy_exclusion):
        hit = rule(drugs, facts)
        if hit:
            found.append(
                Ruling(hit.rule, "An arm gives a drug ruled out: " + hit.reason, hit.evidence)
            )
    return [r for r in found if r is not None]
