"""Resectable or advanced, at this point in time, with the rules that fired; workup gaps; flags.

Each rule has a stable id (``oligometastatic.criteria_met``) and a sentence, so a board
member who disagrees can see exactly why. Example: two resectable lung metastases
30 months after a thigh resection → resectable · oligometastatic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lms_board.assessment import (
    GAP_CODES,
    Category,
    Classification,
    Flag,
    GapCode,
    Grade,
    Reason,
    Subtype,
    WorkupGap,
)
from lms_board.case import (
    ABDOMINAL_SITES,
    LOCAL_MRI_SITES,
    Biopsy,
    BiopsyRoute,
    Case,
    IhcResult,
    Presentation,
    Resectability,
    Site,
)
from lms_board.case_facts import (
    LVEF_LIMIT_PERCENT,
    OLIGO_MAX_LESIONS,
    OLIGO_MIN_DFI_MONTHS,
    cardiac_contraindications,
    curative_surgery_declined,
    limited_metastatic_short_interval,
    metastases_without_extent,
    peripheral_vascular,
    total_lesions,
    uterus_retained,
)
from lms_board.identifiers import case_identifiers
from lms_board.treatment import ANTHRACYCLINE_LIMIT_MG_M2, anthracycline_exposure
from lms_board.wording import gap_label, label

THINNEST_CORE_GAUGE = 16  # "18 G core is too thin: ask for ≥ 16 G"
#: Sites whose biopsy must take a retroperitoneal route (the IVC is retroperitoneal).
RETROPERITONEAL_ROUTE_SITES = frozenset({Site.retroperitoneum, Site.vascular})

__all__ = [
    "ANTHRACYCLINE_LIMIT_MG_M2",
    "LVEF_LIMIT_PERCENT",
    "OLIGO_MAX_LESIONS",
    "OLIGO_MIN_DFI_MONTHS",
    "classify",
    "flags",
    "oligometastatic_failures",
    "primary_resectability",
    "provisional_gaps",
    "total_lesions",
    "workup_gaps",
]

# Evidence ids (knowledge/evidence.yaml) behind the rules; tested to resolve.
EV_OLIGO = ["oligomet-lung-eortc-1996"]
EV_GUIDELINE = ["esmo-sts-2018", "nccn-sts"]
EV_BIOPSY = ["seom-sts-2021", "esmo-sts-2018"]
EV_BIOPSY_RPS = ["biopsy-rps-cnb-2019"]
EV_RPS = ["tarpswg-2015"]
EV_IMAGING = ["esmo-sts-2018", "seom-sts-2021"]
EV_GIST = ["esmo-gist-2022"]
EV_LIMITED = ["oligomet-review-2023", "oligomet-lung-eortc-1996"]
EV_PERIPHERAL_VEIN = ["vascular-lms-extremity-2009", "esmo-sts-2018"]

#: Gaps whose closure could move the case between resectable and advanced.
CATEGORY_GAPS: frozenset[GapCode] = frozenset(
    {
        "no_tissue_diagnosis",
        "no_chest_ct",
        "no_abdomen_pelvis_ct",
        "no_local_mri",
        "resectability_not_assessed",
        "kit_dog1_not_done",
        "metastatic_extent_not_assessed",
    }
)
#: Oligometastatic failures that only say something is not recorded (the extent gap).
UNKNOWN_EXTENT_RULES = frozenset(
    {"metastatic.metastasis_resectability_unknown", "metastatic.lesion_count_unknown"}
)
#: Gaps that can only find more disease: they cannot change a metastatic call.
MORE_DISEASE_GAPS: frozenset[GapCode] = frozenset(
    {"no_chest_ct", "no_abdomen_pelvis_ct", "no_local_mri"}
)


def _reason(rule: str, text: str, evidence: list[str] | None = None) -> Reason:
    return Reason(rule=rule, text=text, evidence=list(evidence or []))


def primary_resectability(case: Case) -> Resectability:
    """The surgical opinion on the primary; not recorded counts as ``unknown``."""
    return case.extent.primary_resectability or Resectability.unknown


def oligometastatic_failures(case: Case) -> list[Reason]:
    """Why metastatic disease is not oligometastatic (empty list: the criteria are met)."""
    out: list[Reason] = []
    mets = case.extent.metastases
    not_resectable = [m.site.value for m in mets if m.resectable is False]
    unknown = [m.site.value for m in mets if m.resectable is None]
    if not_resectable:
        out.append(
            _reason(
                "metastatic.unresectable_metastasis",
                f"Metastases not removable with curative intent: {', '.join(not_resectable)}.",
                EV_OLIGO,
            )
        )
    if unknown:
        out.append(
            _reason(
                "metastatic.metastasis_resectability_unknown",
                f"Resectability of the metastases not recorded ({', '.join(unknown)}): "
                "oligometastatic needs every site judged removable.",
                EV_OLIGO,
            )
        )
    lesions = total_lesions(case)
    if lesions is None:
        out.append(
            _reason(
                "metastatic.lesion_count_unknown",
                "Number of metastatic lesions not recorded: the ≤ 5-lesion rule cannot be met.",
                EV_OLIGO,
            )
        )
    elif lesions > OLIGO_MAX_LESIONS:
        out.append(
            _reason(
                "metastatic.too_many_lesions",
                f"{lesions} metastatic lesions: more than {OLIGO_MAX_LESIONS}.",
                EV_OLIGO,
            )
        )
    dfi = case.extent.disease_free_interval_months
    if dfi is not None and dfi < OLIGO_MIN_DFI_MONTHS:
        out.append(
            _reason(
                "metastatic.short_disease_free_interval",
                f"Disease-free interval {dfi} months: under {OLIGO_MIN_DFI_MONTHS} months "
                "suggests aggressive biology.",
                EV_OLIGO,
            )
        )
    primary = primary_resectability(case)
    if primary in (Resectability.unresectable, Resectability.borderline):
        out.append(
            _reason(
                "metastatic.primary_not_resectable",
                f"Primary judged {primary.value}: oligometastatic needs a resected or resectable primary.",
                EV_OLIGO,
            )
        )
    return out


def _limited_short_interval_reason(case: Case) -> Reason:
    dfi = case.extent.disease_free_interval_months
    when = "found with the primary (synchronous)" if dfi == 0 else f"{dfi} months after the primary"
    return _reason(
        "metastatic.limited_short_interval_curative_pathway",
        f"Limited metastatic disease ({total_lesions(case)} lesion(s), all judged removable; "
        f"primary {primary_resectability(case).value}) {when}: advanced by the "
        f"{OLIGO_MIN_DFI_MONTHS}-month rule, but a curative-intent pathway is open: systemic "
        "therapy first, then resection (or SBRT) of the primary and every metastasis if the "
        "disease stays limited.",
        EV_LIMITED,
    )


def tumour_word(case: Case) -> str:
    """How the rationale names the tumour being treated: "local recurrence" for a recurrence,
    else "primary"."""
    return (
        "local recurrence"
        if case.tumor.presentation == Presentation.local_recurrence
        else "primary"
    )


def _category(case: Case) -> tuple[Category, Subtype, list[Reason]]:
    primary = primary_resectability(case)
    if case.extent.metastases:
        failures = oligometastatic_failures(case)
        if failures:
            if limited_metastatic_short_interval(case):
                failures.append(_limited_short_interval_reason(case))
            return "advanced", "metastatic", failures
        lesions = total_lesions(case)
        dfi = case.extent.disease_free_interval_months
        dfi_text = (
            f"disease-free interval {dfi} months (≥ {OLIGO_MIN_DFI_MONTHS})"
            if dfi is not None
            else "disease-free interval not recorded (counts as met; confirm it)"
        )
        return (
            "resectable",
            "oligometastatic",
            [
                _reason(
                    "oligometastatic.criteria_met",
                    f"{lesions} metastatic lesion(s), all judged removable with curative intent; "
                    f"{dfi_text}; primary {primary.value}.",
                    EV_OLIGO,
                )
            ],
        )
    if primary == Resectability.unresectable:
        return (
            "advanced",
            "locally_advanced",
            [
                _reason(
                    "locally_advanced.unresectable_primary",
                    f"No distant metastasis; the {tumour_word(case)} is judged unresectable.",
                    EV_GUIDELINE,
                )
            ],
        )
    if primary == Resectability.borderline:
        return (
            "advanced",
            "locally_advanced",
            [
                _reason(
                    "locally_advanced.borderline_primary",
                    f"No distant metastasis; the {tumour_word(case)} is borderline resectable: "
                    "first-line systemic therapy and/or radiotherapy, then reassess resectability.",
                    EV_GUIDELINE,
                )
            ],
        )
    tumour = tumour_word(case)
    if primary == Resectability.resected:
        rule, text = (
            "localized.resected_primary",
            f"No distant metastasis; the {tumour} has been resected.",
        )
    elif primary == Resectability.resectable:
        rule, text = (
            "localized.resectable_primary",
            f"No distant metastasis; the {tumour} is judged resectable.",
        )
    else:
        rule, text = (
            "localized.resectability_unknown",
            f"No distant metastasis found; surgical opinion on the {tumour} not recorded, so the "
            "call is resectable · localized until a sarcoma surgeon has reviewed it.",
        )
    reasons = [_reason(rule, text, EV_GUIDELINE)]
    if case.tumor.site == Site.extremity and case.extent.limb_salvage_feasible is False:
        reasons.append(
            _reason(
                "localized.amputation_only",
                "Limb salvage judged not feasible: the curative operation is an amputation.",
                EV_GUIDELINE,
            )
        )
    if peripheral_vascular(case):
        reasons.append(
            _reason(
                "localized.peripheral_vein",
                "LMS of a peripheral vein (not the vena cava): treated by the limb-sarcoma "
                "rules (wide resection with venous reconstruction where needed, radiotherapy "
                "by its indications); the vena cava keeps its own rules.",
                EV_PERIPHERAL_VEIN,
            )
        )
    if case.tumor.site == Site.retroperitoneum:
        reasons.append(
            _reason(
                "localized.retroperitoneal",
                "Retroperitoneal primary: en bloc resection at a high-volume sarcoma centre.",
                EV_RPS,
            )
        )
    return "resectable", "localized", reasons


def provisional_gaps(
    subtype: str, gap_codes: Iterable[str], *, extent_settled: bool = False
) -> frozenset[str]:
    """The open gaps whose closure could change the call: those of :data:`CATEGORY_GAPS`,
    except, for a metastatic call, those that can only find more disease (a missing chest CT
    cannot make a metastatic case resectable), and the unrecorded extent of the metastases
    when what is recorded already makes the disease metastatic (``extent_settled``)."""
    open_gaps = frozenset(gap_codes) & CATEGORY_GAPS
    if subtype == "metastatic":
        open_gaps -= MORE_DISEASE_GAPS
        if extent_settled:
            open_gaps -= {"metastatic_extent_not_assessed"}
    return open_gaps


def classify(case: Case, gaps: list[WorkupGap]) -> Classification:
    """The point-in-time classification; ``provisional`` while a gap could change it."""
    category, subtype, rationale = _category(case)
    extent_settled = subtype == "metastatic" and any(
        # Metastatic on what is known (too many lesions, one unresectable, a short
        # interval…): the missing counts cannot make it oligometastatic.
        r.rule not in UNKNOWN_EXTENT_RULES
        for r in oligometastatic_failures(case)
    )
    open_gaps = provisional_gaps(subtype, [g.code for g in gaps], extent_settled=extent_settled)
    if not case.extent.metastases and not case.extent.metastases_known:
        rationale.append(
            _reason(
                "provisional.distant_extent_not_recorded",
                "Distant metastases not recorded (neither found nor excluded): the call is "
                "provisional until staging is entered.",
                EV_GUIDELINE,
            )
        )
    provisional = bool(open_gaps) or not case.extent.metastases_known
    if open_gaps:
        rationale.append(
            _reason(
                "provisional.open_workup_gaps",
                "Provisional: the call could change once these are done: "
                + ", ".join(gap_label(g) for g in GAP_CODES if g in open_gaps)
                + ".",
                EV_GUIDELINE,
            )
        )
    declined = curative_surgery_declined(case)
    if category == "resectable" and declined is not None:
        rationale.append(
            _reason(
                "patient.declines_curative_surgery",
                f"The patient declines the curative operation ({label(declined)}): "
                "the category stands, and the non-surgical options of advanced disease "
                "(systemic therapy, radiotherapy) are listed too.",
                EV_GUIDELINE,
            )
        )
    ecog = case.patient.ecog
    if ecog is not None and ecog >= 3:
        rationale.append(
            _reason(
                "fitness.poor_performance",
                f"ECOG {ecog}: the category stands, but fitness for surgery and combination "
                "chemotherapy is limited; supportive care is part of every plan.",
                EV_GUIDELINE,
            )
        )
    return Classification(
        category=category,
        subtype=subtype,
        provisional=provisional,
        rationale=rationale,
        open_gaps=sorted(open_gaps),
    )


def _has_tissue(case: Case) -> bool:
    return case.pathology.biopsy not in (None, Biopsy.none)


def _uterus_in_place(case: Case) -> bool:
    """Not yet operated on, or operated on with the uterus kept (a myomectomy)."""
    if uterus_retained(case):
        return True
    return not (
        case.extent.primary_resectability == Resectability.resected
        or case.pathology.biopsy == Biopsy.resection
        or case.history.surgery_date is not None
    )


def workup_gaps(case: Case, grade: Grade | None) -> list[WorkupGap]:
    """What is missing from the workup, each with what to do; only where it applies."""
    p, w, site = case.pathology, case.workup, case.tumor.site
    gaps: list[WorkupGap] = []

    def gap(code: GapCode, message: str, evidence: list[str]) -> None:
        gaps.append(WorkupGap(code=code, message=message, evidence=evidence))

    if not _has_tissue(case) or p.diagnosis_confirmed is not True:
        gap(
            "no_tissue_diagnosis",
            "No confirmed histological diagnosis of LMS: obtain an image-guided core needle biopsy.",
            EV_BIOPSY,
        )
    if p.biopsy == Biopsy.fine_needle_aspirate:
        gap(
            "fna_only",
            "Fine-needle aspirate only: may be insufficient; a core needle biopsy is preferred.",
            EV_BIOPSY,
        )
    if (
        p.biopsy == Biopsy.core_needle
        and p.needle_gauge is not None
        and p.needle_gauge > THINNEST_CORE_GAUGE
    ):
        gap(
            "thin_core_needle",
            f"Core needle {p.needle_gauge} G is thinner than 16 G: repeat with ≥ 16 G if tissue is insufficient.",
            EV_BIOPSY,
        )
    if p.biopsy in (Biopsy.fine_needle_aspirate, Biopsy.core_needle) and p.image_guided is not True:
        gap(
            "not_image_guided",
            "Needle biopsy not recorded as image-guided: guidance avoids necrotic areas and plans the tract.",
            EV_BIOPSY,
        )
    if site in RETROPERITONEAL_ROUTE_SITES and p.biopsy_route == BiopsyRoute.transperitoneal:
        gap(
            "transperitoneal_biopsy",
            "Retroperitoneal tumour biopsied through the peritoneum: risk of peritoneal seeding; "
            "future biopsies retroperitoneal only, and tell the surgeon.",
            EV_BIOPSY_RPS,
        )
    if _has_tissue(case) and p.expert_review is not True:
        gap(
            "no_expert_pathology_review",
            "No review by a sarcoma-expert pathologist: request it (LMS immunohistochemistry varies).",
            EV_GUIDELINE,
        )
    needs_mri = site in LOCAL_MRI_SITES or (site == Site.uterus and _uterus_in_place(case))
    if needs_mri and w.mri_primary is not True:
        gap(
            "no_local_mri",
            "No MRI of the primary site: MRI with and without contrast for local extent and surgical planning.",
            EV_IMAGING,
        )
    if w.ct_chest is not True:
        gap(
            "no_chest_ct",
            "No chest CT: needed to exclude lung metastases before the stage and category are final.",
            EV_GUIDELINE,
        )
    if (site in ABDOMINAL_SITES or case.extent.metastases) and w.ct_abdomen_pelvis is not True:
        gap(
            "no_abdomen_pelvis_ct",
            "No CT of the abdomen and pelvis with contrast: needed for this site or with distant disease.",
            EV_GUIDELINE,
        )
    unassessed = metastases_without_extent(case)
    if unassessed:
        gap(
            "metastatic_extent_not_assessed",
            "Metastases recorded without the number of lesions or whether they can be removed ("
            + ", ".join(unassessed)
            + "): count them on the images and ask the surgeon (thoracic for the lung) whether "
            "every one can be removed; oligometastatic or not depends on it.",
            EV_OLIGO,
        )
    if primary_resectability(case) == Resectability.unknown:
        gap(
            "resectability_not_assessed",
            "Resectability of the primary not assessed: ask a sarcoma surgeon at the board.",
            EV_GUIDELINE,
        )
    if grade is None or grade.grade is None:
        gap(
            "grade_unknown",
            "FNCLCC grade unknown: record differentiation, mitoses and necrosis, or the reported grade.",
            EV_GUIDELINE,
        )
    if gist_possible(case) and _has_tissue(case) and not _kit_dog1_done(case):
        gap(
            "kit_dog1_not_done",
            "KIT (CD117) and DOG1 immunohistochemistry not both clearly negative or positive "
            f"({kit_dog1_summary(case)}): complete or repeat them (and mutation testing if "
            "equivocal) to exclude a GIST before the diagnosis of LMS and the plan are final.",
            EV_GIST,
        )
    return gaps


#: Where a GIST is in the differential of a spindle-cell tumour: the gut wall, and a visceral
#: tumour of the mesentery, omentum or a hollow organ of the digestive tract.
_GI_TRACT = re.compile(
    r"oesophag|esophag|gastr|stomach|duoden|jejun|ile(?:um|al)|bowel|intestin|colon|colic|"
    r"caec|cec|rect|sigmoid|mesenter|omentum|omental|gastrointestinal|small bowel"
)


def gist_possible(case: Case) -> bool:
    """A gastrointestinal site, or a visceral tumour of the digestive tract by its location."""
    if case.tumor.site == Site.gastrointestinal:
        return True
    return case.tumor.site == Site.other_visceral and bool(
        _GI_TRACT.search((case.tumor.location or "").casefold())
    )


def _kit_dog1_done(case: Case) -> bool:
    """Both KIT (CD117) and DOG1 have a clear result (positive or negative); an equivocal or
    missing one leaves a GIST possible."""
    results = _normalised_ihc(case.pathology.ihc)
    done = (IhcResult.positive, IhcResult.negative)
    return any(results.get(n) in done for n in KIT_NAMES) and any(
        results.get(n) in done for n in DOG1_NAMES
    )


def kit_dog1_summary(case: Case) -> str:
    """``KIT negative, DOG1 equivocal`` (``not done`` for a missing one)."""
    results = _normalised_ihc(case.pathology.ihc)

    def one(names: tuple[str, ...]) -> str:
        found = [results[n] for n in names if n in results]
        return found[0].value.replace("_", " ") if found else "not done"

    return f"KIT {one(KIT_NAMES)}, DOG1 {one(DOG1_NAMES)}"


KIT_NAMES = ("kit", "ckit", "cd117")
DOG1_NAMES = ("dog1", "ano1")


def _normalised_ihc(ihc: dict[str, IhcResult]) -> dict[str, IhcResult]:
    return {k.strip().lower().replace("-", "").replace(" ", ""): v for k, v in ihc.items()}


def _negative(ihc: dict[str, IhcResult], names: tuple[str, ...]) -> bool:
    normalised = _normalised_ihc(ihc)
    return any(normalised.get(n) == IhcResult.negative for n in names)


def anthracycline_limit_flag(case: Case) -> Flag | None:
    """No further anthracycline: less than one standard cycle left to 450 mg/m² (from the
    recorded total and the lines), LVEF under 50%, or heart failure."""
    why = []
    reason = anthracycline_exposure(case).limit_reason()
    if reason:
        why.append(reason[:1].lower() + reason[1:].rstrip("."))
    why.extend(cardiac_contraindications(case))
    if not why:
        return None
    return Flag(
        code="anthracycline_limit", message="No further anthracycline: " + "; ".join(why) + "."
    )


def flags(case: Case, grade: Grade | None) -> list[Flag]:
    """What the board must see that is not a gap."""
    out: list[Flag] = []
    pt = case.patient
    if pt.age < 18:
        out.append(
            Flag(code="pediatric", message=f"Age {pt.age}: involve the pediatric sarcoma team.")
        )
    if case.tumor.site == Site.extremity and case.extent.limb_salvage_feasible is False:
        out.append(
            Flag(
                code="amputation_only_option",
                message="Limb salvage judged not feasible: amputation is the curative surgical option; "
                "confirm at a sarcoma reference centre.",
            )
        )
    if grade is not None and grade.discrepancy:
        out.append(
            Flag(
                code="grade_discrepancy",
                message=f"Reported grade G{grade.reported_grade} differs from the FNCLCC components "
                f"(score {grade.score} → G{grade.grade}): ask pathology.",
            )
        )
    if gist_possible(case) and not (
        _negative(case.pathology.ihc, KIT_NAMES) and _negative(case.pathology.ihc, DOG1_NAMES)
    ):
        out.append(
            Flag(
                code="gist_not_excluded",
                message="Digestive-tract site without KIT and DOG1 both negative: exclude GIST.",
            )
        )
    if case.tumor.morcellated is True:
        out.append(
            Flag(
                code="morcellated_uterine",
                message="Uterine LMS removed by morcellation: higher risk of peritoneal spread; image the abdomen and pelvis.",
            )
        )
    limit = anthracycline_limit_flag(case)
    if limit is not None:
        out.append(limit)
    if pt.ecog is not None and pt.ecog >= 3:
        out.append(
            Flag(
                code="poor_performance",
                message=f"ECOG {pt.ecog}: no combination chemotherapy; supportive care always offered.",
            )
        )
    hits = case_identifiers(case)
    if hits:
        out.append(
            Flag(
                code="identifier_in_free_text",
                message="Free text may hold an identifier: " + "; ".join(h.message for h in hits),
            )
        )
    return out
