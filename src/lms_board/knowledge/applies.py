"""Does a knowledge record apply to a case? Small named checks over :class:`Conditions`.

Scope checks (category, site, line of therapy…) decide whether a record concerns the case;
eligibility checks (ECOG, molecular finding, prior anthracycline, age) decide whether a case
in scope can have it, with a reason when it cannot. A value the case does not record is
"to check", never a silent yes or no, except where noted.
Example: a later-line option (``line_min: 1``) is out of scope for a case with no line of
advanced therapy; at ECOG 3 an option given at ECOG 0-2 is in scope but not suitable.
"""

from __future__ import annotations

from lms_board.assessment import Classification
from lms_board.case import Case, Resectability, StopReason
from lms_board.classify import primary_resectability
from lms_board.drugs import drugs_in_text as _drugs_in_text
from lms_board.knowledge.loader import Knowledge
from lms_board.knowledge.schema import Conditions


def line_of_therapy(case: Case) -> int:
    """Lines of systemic therapy already given for advanced disease (none recorded → 0)."""
    return case.history.advanced_lines_given


def line_label(line: int) -> str:
    return "first line" if line == 0 else f"later line (after {line} line{'s' if line > 1 else ''})"


def drugs_in_text(text: str, kb: Knowledge) -> set[str]:
    """Generic names of the knowledge base's drugs that a free-text regimen mentions."""
    return _drugs_in_text(text, kb.drugs)


def progressed_drugs(case: Case, kb: Knowledge) -> set[str]:
    """Drugs of every treatment line the disease progressed on."""
    return {
        d
        for tl in case.history.treatment_lines
        if tl.stop_reason == StopReason.progression
        for d in tl.drugs
    }


def prior_anthracycline(case: Case, kb: Knowledge) -> bool | None:
    """Has the patient had an anthracycline? ``None`` when the case does not say."""
    dose = case.patient.cumulative_doxorubicin_mg_m2
    h = case.history
    anthracyclines = {d.name for d in kb.drugs if d.anthracycline}
    if (dose is not None and dose > 0) or any(
        set(tl.drugs) & anthracyclines for tl in h.treatment_lines
    ):
        return True
    if dose == 0 or h.treatment_lines or h.systemic_history_known:
        return False
    return None


def in_scope(c: Conditions, case: Case, classification: Classification) -> bool:
    """True when the record concerns this case (eligibility aside)."""
    ecog = case.patient.ecog
    if c.also_when_ecog_at_least is not None and ecog is not None:
        if ecog >= c.also_when_ecog_at_least:
            return True
    return not scope_failures(c, case, classification)


def scope_failures(c: Conditions, case: Case, classification: Classification) -> list[str]:
    """The scope fields the case does not meet (empty: in scope)."""
    out: list[str] = []
    t, e, h = case.tumor, case.extent, case.history
    if c.categories and classification.category not in c.categories:
        out.append("categories")
    if c.subtypes and classification.subtype not in c.subtypes:
        out.append("subtypes")
    if c.sites and t.site not in c.sites:
        out.append("sites")
    if c.resectability and primary_resectability(case) not in c.resectability:
        out.append("resectability")
    if c.presentation and t.presentation is not None and t.presentation not in c.presentation:
        out.append("presentation")
    if (
        c.uterine_extension
        and t.uterine_extension is not None
        and t.uterine_extension not in c.uterine_extension
    ):
        out.append("uterine_extension")
    if c.margins and case.pathology.margin not in c.margins:
        out.append("margins")
    if c.metastases is not None and bool(e.metastases) != c.metastases:
        out.append("metastases")
    if c.limb_salvage_feasible is True and e.limb_salvage_feasible is False:
        out.append("limb_salvage_feasible")
    if c.limb_salvage_feasible is False and e.limb_salvage_feasible is not False:
        out.append("limb_salvage_feasible")
    if c.no_prior_radiotherapy and h.radiotherapy_courses:
        out.append("no_prior_radiotherapy")
    line = line_of_therapy(case)
    if c.line_min is not None and line < c.line_min:
        out.append("line_min")
    if c.line_max is not None and line > c.line_max:
        out.append("line_max")
    if c.size_min_cm is not None and t.size_cm is not None and t.size_cm < c.size_min_cm:
        out.append("size_min_cm")
    return out


def performance_failure(c: Conditions, case: Case) -> str | None:
    """``ECOG 3: given at ECOG 0-2`` when the case's ECOG is above the record's maximum."""
    ecog = case.patient.ecog
    if c.ecog_max is not None and ecog is not None and ecog > c.ecog_max:
        return f"ECOG {ecog}: given at ECOG 0–{c.ecog_max} only."
    return None


def molecular_failure(c: Conditions, case: Case) -> str | None:
    """When a molecular finding is required and none of the keywords is recorded."""
    if not c.molecular_any:
        return None
    findings = " | ".join(case.pathology.molecular).casefold()
    if any(k.casefold() in findings for k in c.molecular_any):
        return None
    return (
        "Needs a recorded alteration ("
        + ", ".join(c.molecular_any)
        + "); none in pathology.molecular."
    )


def prior_anthracycline_failure(c: Conditions, case: Case, kb: Knowledge) -> str | None:
    if c.prior_anthracycline is None:
        return None
    prior = prior_anthracycline(case, kb)
    if c.prior_anthracycline == "excluded" and prior is True:
        return "An anthracycline has already been given."
    if c.prior_anthracycline == "required" and prior is False:
        return "Needs a prior anthracycline-based line."
    return None


def age_failure(c: Conditions, case: Case) -> str | None:
    age = case.patient.age
    if c.age_min is not None and age < c.age_min:
        return f"Age {age}: needs {c.age_min} or over."
    if c.age_max is not None and age > c.age_max:
        return f"Age {age}: needs {c.age_max} or under."
    return None


def unknowns(c: Conditions, case: Case, kb: Knowledge) -> list[str]:
    """What the case does not record that the record's conditions need: to check."""
    out: list[str] = []
    t = case.tumor
    if c.ecog_max is not None and case.patient.ecog is None:
        out.append(f"ECOG not recorded: needs ECOG 0–{c.ecog_max}.")
    if c.size_min_cm is not None and t.size_cm is None:
        out.append(f"Tumour size not recorded: needs {c.size_min_cm:g} cm or more.")
    if c.presentation and t.presentation is None:
        out.append("Presentation (primary or recurrence) not recorded: needs a primary tumour.")
    if c.uterine_extension and t.uterine_extension is None:
        out.append("Uterine extension not recorded: needs disease confined to the uterus.")
    if c.prior_anthracycline is not None and prior_anthracycline(case, kb) is None:
        want = "none" if c.prior_anthracycline == "excluded" else "a prior anthracycline line"
        out.append(f"Prior anthracycline exposure not recorded: needs {want}.")
    if c.no_prior_radiotherapy and not case.history.radiotherapy_known:
        out.append("Prior radiotherapy not recorded.")
    if c.resectability and primary_resectability(case) == Resectability.unknown:
        out.append("Resectability not yet assessed by a sarcoma surgeon.")
    return out
