"""Does a knowledge record apply to a case? Each field of :class:`Conditions` is one small
named check giving met / not met / not known (:class:`Check`).

- Scope fields (category, site, line of therapy, FIGO stage…) decide whether the record
  concerns the case at all: not met → the record is left out.
- Eligibility fields (ECOG, grade, depth, size, age, prior anthracycline, HRD…) decide
  whether a case in scope can have it: not met → "not suitable" with the reason.
- Not known → "to check" (a caveat), never a silent yes or no; except that a ``strict``
  record treats an unknown scope value as not met (out of scope), and an eligibility value
  named in ``require_known`` as not met (not suitable, saying what is missing).
``matches`` (prompts, conditional exclusions and caveats) needs every value known and met.
Example: perioperative chemotherapy (grade_min 3, depths [deep], size_over_cm 5,
require_known [grade, depth, size]) is in scope for a resectable thigh LMS; at G1 it is not
suitable ("FNCLCC grade 1: needs grade 3 or higher"), and with the grade unknown too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lms_board.assessment import Classification
from lms_board.case import Case, ComorbidityCode, Depth, Resectability
from lms_board.case_facts import CaseFacts, case_facts, finding_is_positive, total_lesions
from lms_board.classify import primary_resectability
from lms_board.drugs import drug_vocabulary
from lms_board.drugs import drugs_in_text as _drugs_in_text
from lms_board.knowledge.loader import Knowledge
from lms_board.knowledge.schema import Conditions
from lms_board.treatment import Outcome
from lms_board.wording import label


@dataclass(frozen=True)
class Check:
    """One condition against one case: ``met`` is True, False or None (not known)."""

    name: str
    met: bool | None
    failure: str = ""
    unknown: str = ""
    eligibility: bool = False


def line_of_therapy(case: Case) -> int:
    """Lines of systemic therapy already given for advanced disease (none recorded → 0)."""
    return case.history.advanced_lines_given


def line_label(line: int) -> str:
    return "first line" if line == 0 else f"later line (after {line} line{'s' if line > 1 else ''})"


def drugs_in_text(text: str, kb: Knowledge) -> set[str]:
    """Generic names of the knowledge base's drugs that a free-text regimen mentions."""
    return _drugs_in_text(text, kb.drugs)


def progressed_drugs(case: Case, kb: Knowledge | None = None) -> set[str]:
    """Drugs the disease progressed on, in any line."""
    return {d for d, h in case_facts(case).histories.items() if h.outcome == Outcome.progressed}


def prior_anthracycline(case: Case, kb: Knowledge | None = None) -> bool | None:
    """Has the patient had an anthracycline? ``None`` when the case does not say."""
    exposure = case_facts(case).exposure
    if exposure.prior:
        return True
    h = case.history
    if exposure.recorded_mg_m2 == 0 or h.treatment_lines or h.systemic_history_known:
        return False
    return None


# --------------------------------------------------------------------------- field checks


def effective_classification(classification: Classification, f: CaseFacts) -> tuple[str, str]:
    """The category the options follow: a resectable case whose curative operation the
    patient declines is also treated as advanced (locally advanced, or metastatic), so the
    non-surgical options apply."""
    if classification.category == "resectable" and f.surgery_declined is not None:
        return "advanced", "metastatic" if f.case.extent.metastases else "locally_advanced"
    return classification.category, classification.subtype


def _in(name: str, value: object, allowed: list[object], unknown: str = "") -> Check:
    if value is None:
        return Check(name, None, unknown=unknown)
    return Check(name, value in allowed)


def _flag(name: str, value: bool | None, wanted: bool, unknown: str = "") -> Check:
    if value is None:
        return Check(name, None, unknown=unknown)
    return Check(name, value == wanted)


def _scope_checks(c: Conditions, f: CaseFacts, classification: Classification) -> Iterator[Check]:
    case = f.case
    t, e, h, p = case.tumor, case.extent, case.history, case.patient
    category, subtype = effective_classification(classification, f)
    if c.categories:
        yield Check(
            "categories", classification.category in c.categories or category in c.categories
        )
    if c.subtypes:
        yield Check("subtypes", classification.subtype in c.subtypes or subtype in c.subtypes)
    if c.sites:
        # A peripheral-vein LMS follows the extremity rules (case_facts.rule_site).
        yield Check("sites", (f.rule_site or t.site) in c.sites)
    if c.resectability:
        yield Check("resectability", primary_resectability(case) in c.resectability)
    if c.presentation:
        yield _in(
            "presentation",
            t.presentation,
            list(c.presentation),
            "Presentation (primary or recurrence) not recorded: needs "
            + " or ".join(label(v) for v in c.presentation)
            + ".",
        )
    if c.uterine_extension:
        yield _in(
            "uterine_extension",
            t.uterine_extension,
            list(c.uterine_extension),
            "Uterine extension not recorded: needs "
            + " or ".join(label(v) for v in c.uterine_extension)
            + ".",
        )
    if c.margins:
        yield Check("margins", case.pathology.margin in c.margins)
    if c.metastases is not None:
        yield Check("metastases", bool(e.metastases) == c.metastases)
    if c.limb_salvage_feasible is True:
        yield Check("limb_salvage_feasible", e.limb_salvage_feasible is not False)
    if c.limb_salvage_feasible is False:
        yield Check("limb_salvage_feasible", e.limb_salvage_feasible is False)
    if c.no_prior_radiotherapy:
        known = h.radiotherapy_known
        yield Check(
            "no_prior_radiotherapy",
            False if h.radiotherapy_courses else (True if known else None),
            unknown="Prior radiotherapy not recorded.",
        )
    line = f.line
    if c.line_min is not None:
        yield Check("line_min", line >= c.line_min)
    if c.line_max is not None:
        yield Check("line_max", line <= c.line_max)
    if c.size_min_cm is not None:
        yield Check(
            "size_min_cm",
            None if t.size_cm is None else t.size_cm >= c.size_min_cm,
            unknown=f"Tumour size not recorded: needs {c.size_min_cm:g} cm or more.",
        )
    if c.figo_stages:
        yield _in(
            "figo_stages",
            f.figo_stage,
            list(c.figo_stages),
            "FIGO stage not known: this applies to stage " + "–".join(c.figo_stages) + " only.",
        )
    if c.diagnosis:
        yield Check("diagnosis", f.diagnosis in c.diagnosis)
    if c.hormone_receptors:
        yield Check("hormone_receptors", f.receptors in c.hormone_receptors)
    if c.limited_metastatic_short_interval is not None:
        yield _flag(
            "limited_metastatic_short_interval",
            f.limited_metastatic_short_interval,
            c.limited_metastatic_short_interval,
        )
    if c.irradiated_field_recurrence is not None:
        yield _flag(
            "irradiated_field_recurrence",
            f.irradiated_field_recurrence,
            c.irradiated_field_recurrence,
            "Prior radiotherapy of the primary site not recorded.",
        )
    if c.prior_radiotherapy_primary is not None:
        yield _flag(
            "prior_radiotherapy_primary",
            f.prior_radiotherapy_primary,
            c.prior_radiotherapy_primary,
            "Prior radiotherapy of the primary site not recorded.",
        )
    if c.metastasis_sites_any:
        yield Check(
            "metastasis_sites_any", any(m.site in c.metastasis_sites_any for m in e.metastases)
        )
    if c.limb_threatening is not None:
        yield Check("limb_threatening", f.limb_threatening == c.limb_threatening)
    if c.curative_surgery_declined is not None:
        yield Check(
            "curative_surgery_declined",
            (f.surgery_declined is not None) == c.curative_surgery_declined,
        )
    if c.anthracycline_suitable is not None:
        yield Check("anthracycline_suitable", f.anthracycline_suitable == c.anthracycline_suitable)
    if c.sexes:
        yield Check("sexes", p.sex in c.sexes)
    if c.menopausal_status:
        yield _in(
            "menopausal_status",
            p.menopausal_status,
            list(c.menopausal_status),
            "Menopausal status not recorded.",
        )
    if c.morcellated is not None:
        yield _flag("morcellated", t.morcellated, c.morcellated, "Morcellation not recorded.")
    if c.tumor_ngs_done is not None:
        yield Check("tumor_ngs_done", (case.pathology.tumor_ngs is True) == c.tumor_ngs_done)
    if c.anthracycline_dose_unknown is not None:
        yield Check(
            "anthracycline_dose_unknown",
            (f.exposure.prior and f.exposure.dose_unknown) == c.anthracycline_dose_unknown,
        )
    if c.wishes_fertility_preservation is not None:
        yield Check(
            "wishes_fertility_preservation",
            (p.wishes_fertility_preservation is True) == c.wishes_fertility_preservation,
        )
    if c.comorbidities_any:
        yield Check("comorbidities_any", any(p.has_condition(code) for code in c.comorbidities_any))
    if c.lvef_below is not None:
        yield Check(
            "lvef_below",
            None if p.lvef_percent is None else p.lvef_percent < c.lvef_below,
            unknown="LVEF not recorded.",
        )
    if c.declines_any:
        yield Check("declines_any", any(d in p.declines for d in c.declines_any))
    if c.reproductive_potential is not None:
        yield Check("reproductive_potential", f.reproductive_potential == c.reproductive_potential)
    if c.pregnant is not None:
        yield Check("pregnant", (f.pregnant is True) == c.pregnant)
    for name in (
        "radiation_associated",
        "reexcision_indicated",
        "uterus_retained",
        "oligoprogression",
    ):
        wanted = getattr(c, name)
        if wanted is not None:
            yield Check(name, getattr(f, name) == wanted)


def _grade_checks(c: Conditions, f: CaseFacts) -> Iterator[Check]:
    if c.grade_min is None and c.grade_max is None:
        return
    wanted = (
        f"grade {c.grade_min} or higher"
        if c.grade_max is None
        else f"grade {c.grade_max} or lower"
        if c.grade_min is None
        else f"grade {c.grade_min}–{c.grade_max}"
    )
    if f.grade is None:
        yield Check(
            "grade", None, unknown=f"FNCLCC grade unknown: needs {wanted}.", eligibility=True
        )
        return
    ok = (c.grade_min is None or f.grade >= c.grade_min) and (
        c.grade_max is None or f.grade <= c.grade_max
    )
    yield Check("grade", ok, failure=f"FNCLCC grade {f.grade}: needs {wanted}.", eligibility=True)


def _size_checks(c: Conditions, f: CaseFacts) -> Iterator[Check]:
    size = f.case.tumor.size_cm
    for name, bound, over in (
        ("size", c.size_over_cm, True),
        ("size", c.size_max_cm, False),
    ):
        if bound is None:
            continue
        wanted = f"more than {bound:g} cm" if over else f"{bound:g} cm or less"
        if size is None:
            yield Check(
                name, None, unknown=f"Tumour size not recorded: needs {wanted}.", eligibility=True
            )
            continue
        ok = size > bound if over else size <= bound
        yield Check(name, ok, failure=f"{size:g} cm: needs {wanted}.", eligibility=True)


_SEVERITY_ORDER = ("mild", "moderate", "severe")


def _organ_checks(c: Conditions, f: CaseFacts) -> Iterator[Check]:
    """LVEF, renal and hepatic function, drugs never to have been given: typed criteria of
    a trial record (or an option). A value not recorded is "to check", never a yes."""
    p = f.case.patient
    if c.lvef_above_percent is not None:
        bar = c.lvef_above_percent
        yield Check(
            "lvef",
            None if p.lvef_percent is None else p.lvef_percent > bar,
            failure=f"LVEF {p.lvef_percent}%: needs more than {bar}%.",
            unknown=f"LVEF not recorded: needs more than {bar}%.",
            eligibility=True,
        )
    if c.egfr_min_ml_min is not None:
        bar = c.egfr_min_ml_min
        renal = p.has_condition(ComorbidityCode.renal_impairment)
        egfr = renal.egfr_ml_min if renal else None
        yield Check(
            "egfr",
            None if renal is None or egfr is None else egfr >= bar,
            failure=f"Renal impairment, eGFR {egfr} mL/min: needs a creatinine clearance of "
            f"{bar} mL/min or more.",
            unknown=(
                f"Renal impairment recorded, eGFR not recorded: needs a creatinine clearance of "
                f"{bar} mL/min or more."
                if renal is not None
                else ""
            ),
            eligibility=True,
        )
    if c.hepatic_impairment_max is not None:
        allowed = c.hepatic_impairment_max.value
        liver = p.has_condition(ComorbidityCode.hepatic_impairment)
        severity = liver.severity.value if liver and liver.severity else None
        # At the allowed severity itself the laboratory values decide: to check.
        within = (
            None
            if liver is None
            or severity is None
            or _SEVERITY_ORDER.index(severity) == _SEVERITY_ORDER.index(allowed)
            else _SEVERITY_ORDER.index(severity) < _SEVERITY_ORDER.index(allowed)
        )
        yield Check(
            "hepatic",
            within,
            failure=f"{(severity or '').capitalize()} hepatic impairment: needs no more than "
            f"{allowed} impairment.",
            unknown=(
                f"Hepatic impairment recorded ({severity or 'severity not recorded'}): check "
                "bilirubin and transaminases against the protocol."
                if liver is not None
                else ""
            ),
            eligibility=True,
        )
    if c.prior_drugs_excluded:
        given = [f.histories[d] for d in c.prior_drugs_excluded if d in f.histories]
        where = "; ".join(
            f"{h.name} given before ({', '.join(e.label for e in h.events)})" for h in given
        )
        yield Check(
            "prior_drugs",
            not given,
            failure=f"{where[:1].upper()}{where[1:]}: excludes any prior "
            + " or ".join(_drug_name(d) for d in c.prior_drugs_excluded)
            + ".",
            eligibility=True,
        )


def _drug_name(drug: str) -> str:
    record = drug_vocabulary().get(drug)
    return record.display if record else drug


def _eligibility_checks(c: Conditions, f: CaseFacts, kb: Knowledge | None) -> Iterator[Check]:
    case = f.case
    ecog = case.patient.ecog
    if c.ecog_max is not None:
        yield Check(
            "ecog",
            None if ecog is None else ecog <= c.ecog_max,
            failure=f"ECOG {ecog}: given at ECOG 0–{c.ecog_max} only.",
            unknown=f"ECOG not recorded: needs ECOG 0–{c.ecog_max}.",
            eligibility=True,
        )
    if c.molecular_any:
        found = any(
            finding_is_positive(m, tuple(c.molecular_any)) for m in case.pathology.molecular
        )
        yield Check(
            "molecular_any",
            found,
            failure="Needs a recorded alteration ("
            + ", ".join(c.molecular_any)
            + "); none in pathology.molecular.",
            eligibility=True,
        )
    if c.hrd_alteration is not None:
        yield Check(
            "hrd",
            f.hrd_alteration == c.hrd_alteration,
            failure=(
                "Needs a recorded homologous-recombination alteration (pathology.hrd "
                "'deficient', or a BRCA1/2, PALB2, RAD51 or ATM alteration in "
                "pathology.molecular; a wild-type or negative result does not count)."
            ),
            eligibility=True,
        )
    if c.prior_anthracycline is not None:
        prior = prior_anthracycline(case, kb)
        want = c.prior_anthracycline
        yield Check(
            "prior_anthracycline",
            None if prior is None else prior == (want == "required"),
            failure=(
                "An anthracycline has already been given."
                if want == "excluded"
                else "Needs a prior anthracycline-based line."
            ),
            unknown="Prior anthracycline exposure not recorded: needs "
            + ("none." if want == "excluded" else "a prior anthracycline line."),
            eligibility=True,
        )
    age = case.patient.age
    if c.age_min is not None:
        yield Check(
            "age_min",
            age >= c.age_min,
            failure=f"Age {age}: needs {c.age_min} or over.",
            eligibility=True,
        )
    if c.age_max is not None:
        yield Check(
            "age_max",
            age <= c.age_max,
            failure=f"Age {age}: needs {c.age_max} or under.",
            eligibility=True,
        )
    yield from _grade_checks(c, f)
    if c.depths:
        depth = case.tumor.depth
        wanted = " or ".join(d.value for d in c.depths)
        known = depth not in (None, Depth.unknown)
        yield Check(
            "depth",
            (depth in c.depths) if known else None,
            failure=f"{depth.value if depth else 'depth unknown'} tumour: needs {wanted}.".capitalize(),
            unknown=f"Depth not recorded: needs {wanted}.",
            eligibility=True,
        )
    yield from _size_checks(c, f)
    yield from _organ_checks(c, f)
    if c.lesions_max is not None:
        lesions = total_lesions(case) if case.extent.metastases else 0
        yield Check(
            "lesions",
            None if lesions is None else lesions <= c.lesions_max,
            failure=f"{lesions} lesions: needs {c.lesions_max} or fewer.",
            unknown=f"Number of lesions not recorded: needs {c.lesions_max} or fewer.",
            eligibility=True,
        )


def checks(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
    kb: Knowledge | None = None,
) -> list[Check]:
    """Every condition the record sets, checked against the case."""
    f = facts or case_facts(case)
    out = [*_scope_checks(c, f, classification), *_eligibility_checks(c, f, kb)]
    required = set(c.require_known)
    if c.strict or required:
        out = [
            Check(x.name, False, failure=x.unknown, unknown="", eligibility=x.eligibility)
            if x.met is None
            and ((c.strict and not x.eligibility) or (x.eligibility and x.name in required))
            else x
            for x in out
        ]
    return out


# --------------------------------------------------------------------------- verdicts


def in_scope(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
) -> bool:
    """True when the record concerns this case (eligibility aside)."""
    ecog = case.patient.ecog
    if c.also_when_ecog_at_least is not None and ecog is not None:
        if ecog >= c.also_when_ecog_at_least:
            return True
    return not scope_failures(c, case, classification, facts=facts)


def scope_failures(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
) -> list[str]:
    """The scope fields the case does not meet (empty: in scope)."""
    return [
        x.name
        for x in checks(c, case, classification, facts=facts)
        if not x.eligibility and x.met is False
    ]


def eligibility_failures(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
    kb: Knowledge | None = None,
) -> list[str]:
    """Why a case in scope cannot have the record (empty: it can)."""
    return [
        x.failure
        for x in checks(c, case, classification, facts=facts, kb=kb)
        if x.eligibility and x.met is False
    ]


def unknowns(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
    kb: Knowledge | None = None,
) -> list[str]:
    """What the case does not record that the record's conditions need: to check."""
    out = [
        x.unknown
        for x in checks(c, case, classification, facts=facts, kb=kb)
        if x.met is None and x.unknown
    ]
    if c.resectability and primary_resectability(case) == Resectability.unknown:
        out.append("Resectability not yet assessed by a sarcoma surgeon.")
    return out


def matches(
    c: Conditions,
    case: Case,
    classification: Classification,
    *,
    facts: CaseFacts | None = None,
    kb: Knowledge | None = None,
) -> bool:
    """Every condition known and met (prompts, conditional exclusions and caveats)."""
    return all(x.met is True for x in checks(c, case, classification, facts=facts, kb=kb))


# Kept for callers that check one eligibility field on its own.


def _one(name: str) -> Callable[[Conditions, Case], str | None]:
    def failure(c: Conditions, case: Case) -> str | None:
        for x in _eligibility_checks(c, case_facts(case), None):
            if x.name == name and x.met is False:
                return x.failure
        return None

    failure.__name__ = f"{name}_failure"
    return failure


performance_failure = _one("ecog")
molecular_failure = _one("molecular_any")


def age_failure(c: Conditions, case: Case) -> str | None:
    return _one("age_min")(c, case) or _one("age_max")(c, case)


def prior_anthracycline_failure(c: Conditions, case: Case, kb: Knowledge) -> str | None:
    for x in _eligibility_checks(c, case_facts(case), kb):
        if x.name == "prior_anthracycline" and x.met is False:
            return x.failure
    return None
