"""What the clinical rules need to know about a case, each fact from one small named function,
computed once per assessment (:func:`case_facts`).

Examples:
- an FNA without a grade is no tissue diagnosis (``diagnosis_status`` → ``"none"``);
- "BRCA2 wild-type" is not a homologous-recombination alteration (``hrd_alteration``);
- two resectable lung nodules found with the primary (DFI 0), primary resectable →
  ``limited_metastatic_short_interval``: advanced by the 12-month rule, but a curative-intent
  pathway is open;
- a recurrence where the primary was irradiated → ``irradiated_field_recurrence``;
- a pelvic recurrence into the bladder whose exenteration the patient declines →
  ``curative_surgery_declined``: the non-surgical options of advanced disease apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lms_board.case import (
    Biopsy,
    Case,
    ComorbidityCode,
    Declined,
    HrdStatus,
    IhcResult,
    Margin,
    MenopausalStatus,
    Presentation,
    RadiotherapyTarget,
    RadiotherapyTiming,
    Resectability,
    Severity,
    Sex,
    Site,
    StopReason,
    UterineExtension,
)
from lms_board.drugs import drug_vocabulary
from lms_board.grading import fnclcc_grade
from lms_board.knowledge.schema import DiagnosisStatus, FigoStage, ReceptorStatus
from lms_board.staging import figo_group
from lms_board.treatment import (
    AnthracyclineExposure,
    DrugHistory,
    anthracycline_exposure,
    drug_histories,
)

OLIGO_MAX_LESIONS = 5
OLIGO_MIN_DFI_MONTHS = 12
LVEF_LIMIT_PERCENT = 50
#: eGFR under which renal impairment is severe (KDIGO G4-G5, "severely decreased").
SEVERE_RENAL_EGFR = 30
#: Reproductive potential is assumed up to this age (fertility-asco-2018: "patients of
#: reproductive age"), except in a woman recorded as postmenopausal.
REPRODUCTIVE_AGE_MAX = 45

#: Molecular findings that mean a homologous-recombination alteration (case-insensitive).
HRD_KEYWORDS = (
    "brca1",
    "brca2",
    "brca",
    "palb2",
    "rad51",
    "atm",
    "hrd",
    "homologous recombination",
    "homologous-recombination",
)
#: Words that negate a finding in the same clause ("BRCA2 wild-type", "HRD negative").
NEGATION = re.compile(
    r"wild[ -]?type|\bwt\b|negative|not detected|no pathogenic|no (?:alteration|mutation|"
    r"variant|deletion|loss)|\bnot\b|\bno\b|absent|without|proficient|\bnormal\b|intact|"
    r"\bvus\b|uncertain significance|benign",
)
_CLAUSE = re.compile(r"[;,.\n]| but | and ")
_ER_KEYS = ("er", "era", "eralpha", "oestrogenreceptor", "estrogenreceptor")
_PR_KEYS = ("pr", "pgr", "progesteronereceptor")
_FRAIL = re.compile(r"\bfrail", re.IGNORECASE)


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def diagnosis_status(case: Case, grade: int | None) -> DiagnosisStatus:
    """``none``: no tissue, or an FNA that leaves the diagnosis or grade open;
    ``unconfirmed``: tissue taken but the diagnosis not recorded as confirmed."""
    p = case.pathology
    if p.biopsy in (None, Biopsy.none):
        return "none"
    if p.biopsy == Biopsy.fine_needle_aspirate and (
        grade is None or p.diagnosis_confirmed is not True
    ):
        return "none"
    if p.diagnosis_confirmed is not True:
        return "unconfirmed"
    return "confirmed"


def figo_stage(case: Case) -> FigoStage | None:
    """The FIGO stage without its letter (IIIA → III) for uterine LMS; else ``None``."""
    if case.tumor.site != Site.uterus:
        return None
    group, _ = figo_group(case)
    if group is None:
        return None
    for stage in ("IV", "III", "II", "I"):
        if group.startswith(stage):
            return stage
    return None


def _receptor(ihc: dict[str, IhcResult], keys: tuple[str, ...]) -> IhcResult | None:
    values = [v for k, v in ihc.items() if _norm(k) in keys]
    if IhcResult.positive in values:
        return IhcResult.positive
    for v in (IhcResult.equivocal, IhcResult.negative):
        if v in values:
            return v
    return None


def receptor_status(case: Case) -> ReceptorStatus:
    """ER/PR from the immunohistochemistry: positive if either is positive."""
    ihc = case.pathology.ihc
    er, pr = _receptor(ihc, _ER_KEYS), _receptor(ihc, _PR_KEYS)
    results = {er, pr} - {None, IhcResult.not_done}
    if IhcResult.positive in results:
        return "positive"
    if IhcResult.equivocal in results:
        return "equivocal"
    if IhcResult.negative in results:
        return "negative"
    return "not_done"


def finding_is_positive(text: str, keywords: tuple[str, ...] = HRD_KEYWORDS) -> bool:
    """A molecular finding names one of the keywords in a clause without a negation."""
    for clause in _CLAUSE.split(text.casefold()):
        if any(re.search(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z])", clause) for k in keywords):
            if not NEGATION.search(clause):
                return True
    return False


def hrd_alteration(case: Case) -> bool:
    """A recorded homologous-recombination alteration: ``pathology.hrd == deficient`` or a
    molecular finding naming BRCA1/2, PALB2, RAD51, ATM or HRD that is not negated."""
    p = case.pathology
    if p.hrd == HrdStatus.deficient:
        return True
    return any(finding_is_positive(m) for m in p.molecular)


def total_lesions(case: Case) -> int | None:
    counts = [m.count for m in case.extent.metastases]
    if any(c is None for c in counts):
        return None
    return sum(c for c in counts if c is not None)


def limited_metastatic_disease(case: Case) -> bool:
    """Metastases all judged removable, at most 5 lesions, primary resected or resectable
    (whatever the disease-free interval)."""
    e = case.extent
    if not e.metastases or any(m.resectable is not True for m in e.metastases):
        return False
    lesions = total_lesions(case)
    if lesions is None or lesions > OLIGO_MAX_LESIONS:
        return False
    return e.primary_resectability not in (Resectability.unresectable, Resectability.borderline)


def limited_metastatic_short_interval(case: Case) -> bool:
    """Limited metastatic disease with a disease-free interval under 12 months (0 =
    synchronous): advanced by the rule, but a curative-intent pathway is open."""
    dfi = case.extent.disease_free_interval_months
    return limited_metastatic_disease(case) and dfi is not None and dfi < OLIGO_MIN_DFI_MONTHS


def prior_radiotherapy_primary(case: Case) -> bool | None:
    """Has the primary site been irradiated? ``None`` when radiotherapy is not recorded."""
    h = case.history
    for course in h.radiotherapy_courses:
        if course.target == RadiotherapyTarget.primary_site:
            return True
        if course.target is None and course.timing != RadiotherapyTiming.palliative:
            return True
    return False if h.radiotherapy_known else None


def irradiated_field_recurrence(case: Case) -> bool | None:
    """A local recurrence in a field irradiated before."""
    if case.tumor.presentation != Presentation.local_recurrence:
        return False if case.tumor.presentation is not None else None
    return prior_radiotherapy_primary(case)


def limb_threatening(case: Case) -> bool:
    """An extremity tumour whose removal would cost the limb (or cannot be removed)."""
    if case.tumor.site != Site.extremity:
        return False
    return case.extent.limb_salvage_feasible is False or case.extent.primary_resectability in (
        Resectability.unresectable,
        Resectability.borderline,
    )


def curative_surgery_declined(case: Case) -> Declined | None:
    """The curative operation the patient declines, when the primary is still to be
    operated on: any surgery, an amputation when limb salvage is not feasible, or a pelvic
    exenteration for a uterine LMS invading the bladder or rectum."""
    if case.extent.primary_resectability == Resectability.resected:
        return None
    declines, t = case.patient.declines, case.tumor
    if Declined.surgery in declines:
        return Declined.surgery
    if (
        Declined.amputation in declines
        and t.site == Site.extremity
        and case.extent.limb_salvage_feasible is False
    ):
        return Declined.amputation
    if (
        Declined.pelvic_exenteration in declines
        and t.uterine_extension == UterineExtension.bladder_or_rectum
    ):
        return Declined.pelvic_exenteration
    return None


def frail(case: Case) -> bool:
    """Frailty written in the comorbidities (there is no coded field for it)."""
    return any(_FRAIL.search(c) for c in case.patient.comorbidities)


def severe_organ_dysfunction(case: Case) -> list[str]:
    """Severe hepatic impairment, severe renal impairment (recorded as severe, or an eGFR
    under 30 mL/min): each counts toward the single-agent rule like frailty."""
    pt = case.patient
    out: list[str] = []
    liver = pt.has_condition(ComorbidityCode.hepatic_impairment)
    if liver is not None and liver.severity == Severity.severe:
        out.append("severe hepatic impairment")
    kidney = pt.has_condition(ComorbidityCode.renal_impairment)
    if kidney is not None:
        egfr = kidney.egfr_ml_min
        if egfr is not None and egfr < SEVERE_RENAL_EGFR:
            out.append(f"severe renal impairment (eGFR {egfr} mL/min)")
        elif kidney.severity == Severity.severe and egfr is None:
            out.append("severe renal impairment")
    return out


def reproductive_potential(case: Case) -> bool:
    """Could gonadotoxic treatment cost this patient fertility? Up to 45, unless a woman is
    recorded as postmenopausal (after an oophorectomy, say); at any age when the patient says
    they wish to preserve fertility."""
    pt = case.patient
    if pt.wishes_fertility_preservation is True:
        return True
    if pt.sex == Sex.female and pt.menopausal_status == MenopausalStatus.postmenopausal:
        return False
    return pt.age <= REPRODUCTIVE_AGE_MAX


def metastases_without_extent(case: Case) -> list[str]:
    """Metastatic sites recorded without their number of lesions or their resectability."""
    return [
        m.site.value.replace("_", " ")
        for m in case.extent.metastases
        if m.count is None or m.resectable is None
    ]


# --------------------------------------------------------------------------- round 3


def _case_text(case: Case) -> str:
    """The free text a referral puts its story in (notes, question, location, history notes,
    comorbidities), lower case, for the few facts with no coded field of their own."""
    parts = [case.notes, case.question, case.tumor.location, case.history.patient_preference]
    parts += case.patient.comorbidities
    parts += [tl.note for tl in case.history.treatment_lines]
    return " \n".join(p for p in parts if p).casefold()


#: A pregnancy now, in the free text ("20 weeks pregnant", "is pregnant", "current
#: pregnancy"); "a future pregnancy" or "two previous pregnancies" do not count.
_PREGNANT_NOW = re.compile(
    r"\b(?:is|currently|now|presently|found to be|became)\s+(?:\w+\s+){0,2}pregnant\b|"
    r"\b\d{1,2}\s*(?:weeks?|wks?)(?:'|’)?\s*(?:pregnant|of pregnancy|of gestation|gestation)\b|"
    r"\bpregnant (?:at|with|since) |\b(?:during|in) (?:her|the) (?:current )?pregnancy\b|"
    r"\bcurrent pregnancy\b|\b(?:first|second|third) trimester\b|\bgravid\b"
)
_NOT_PREGNANT = re.compile(r"\bnot (?:\w+ )?pregnant|pregnancy test (?:is |was )?negative")


def pregnant(case: Case) -> bool | None:
    """``patient.pregnant``; when it is not recorded, a current pregnancy named in the free
    text ("20 weeks pregnant"; not "not pregnant", "a future pregnancy")."""
    p = case.patient
    if p.sex == Sex.male:
        return False
    if p.pregnant is not None:
        return p.pregnant
    text = _case_text(case)
    if _PREGNANT_NOW.search(text) and not _NOT_PREGNANT.search(text):
        return True
    return None


#: Body regions a radiotherapy field and a tumour location are compared by (word stems).
BODY_REGIONS: dict[str, tuple[str, ...]] = {
    "head and neck": (
        "head",
        "neck",
        "orbit",
        "eye",
        "ocular",
        "retinoblastoma",
        "sinus",
        "maxill",
        "mandib",
        "skull",
        "cranial",
        "brain",
        "nasopharyn",
        "oropharyn",
        "larynx",
        "laryng",
        "tongue",
        "oral",
        "parotid",
        "scalp",
        "face",
        "facial",
        "jaw",
        "nasal",
    ),
    "chest": (
        "chest",
        "breast",
        "thorax",
        "thoracic",
        "axilla",
        "mediastin",
        "mantle",
        "supraclav",
        "sternum",
        "stern",
        "rib",
        "lung",
        "pleura",
        "scapul",
        "clavic",
    ),
    "abdomen": (
        "abdomen",
        "abdominal",
        "retroperit",
        "para-aortic",
        "paraaortic",
        "seminoma",
        "stomach",
        "gastric",
        "liver",
        "kidney",
        "renal",
        "pancrea",
    ),
    "pelvis": (
        "pelvis",
        "pelvic",
        "prostate",
        "cervix",
        "cervical cancer",
        "rectum",
        "rectal",
        "uterus",
        "uterine",
        "endometri",
        "bladder",
        "vulva",
        "vagina",
        "groin",
        "inguinal",
        "anal",
        "sacrum",
        "sacral",
        "spermatic",
        "scrot",
        "testi",
    ),
}
_SITE_REGION = {
    Site.head_neck: "head and neck",
    Site.retroperitoneum: "abdomen",
    Site.uterus: "pelvis",
}
_RAS_WORDS = re.compile(
    r"radiation[- ](?:associated|induced|related) (?:sarcoma|lms|leiomyosarcoma|tumou?r)|"
    r"post-?radiation sarcoma"
)
#: "In the old radiotherapy field": radiation-associated for a primary tumour only (a local
#: recurrence in its own field is the irradiated-field recurrence rule instead).
_RT_FIELD_WORDS = re.compile(
    r"(?:in|within|inside|at the edge of) the (?:previous |prior |former |old )?"
    r"(?:radiotherapy |radiation |irradiated )field|(?:in|within) an? (?:previously )?"
    r"irradiated (?:field|area|region)"
)


def _regions(text: str) -> set[str]:
    low = text.casefold()
    return {
        region
        for region, stems in BODY_REGIONS.items()
        if any(re.search(rf"(?<![a-z]){re.escape(s)}", low) for s in stems)
    }


def tumour_regions(case: Case) -> set[str]:
    """The body regions of the tumour: its site, and the words of its location."""
    out = _regions(case.tumor.location or "")
    if case.tumor.site in _SITE_REGION:
        out.add(_SITE_REGION[case.tumor.site])
    return out


#: Years from radiotherapy to a sarcoma in its field before it counts as radiation-associated
#: (the latency of Cahan's criteria); a course with no target recorded must meet it.
RAS_MIN_LATENCY_YEARS = 3


def _latency_met(case: Case, start: date | None) -> bool:
    board = case.board_date or case.workup.last_imaging_date
    if start is None or board is None:
        return False
    return (board - start).days >= RAS_MIN_LATENCY_YEARS * 365


_WEEKS = re.compile(
    r"(\d{1,2})\s*(?:weeks?|wks?)(?:'|’)?\s*(?:pregnant|of pregnancy|of gestation|gestation|"
    r"gestational age|into (?:the|her) pregnancy)|(?:pregnant|gestation|gestational age)"
    r"[^.;\n]{0,12}?\b(\d{1,2})\s*(?:weeks?|wks?)\b"
)


def gestational_weeks(case: Case) -> int | None:
    """``patient.gestational_age_weeks``; for a pregnancy known from the free text only,
    the weeks it names ("11 weeks pregnant")."""
    p = case.patient
    if p.gestational_age_weeks is not None or p.pregnant is not None:
        return p.gestational_age_weeks
    if pregnant(case) is not True:
        return None
    match = _WEEKS.search(_case_text(case))
    if match is None:
        return None
    weeks = int(match.group(1) or match.group(2))
    return weeks if 1 <= weeks <= 42 else None


def radiation_field(case: Case) -> str | None:
    """A course of radiotherapy given for something else (another cancer, another target)
    whose region is the tumour's body region: "breast (2015)". ``None``: none recorded."""
    where = tumour_regions(case)
    for course in case.history.radiotherapy_courses:
        if course.target in (RadiotherapyTarget.primary_site, RadiotherapyTarget.metastasis):
            continue
        if course.target is None and not _latency_met(case, course.start_date):
            continue
        if course.region and _regions(course.region) & where:
            year = f" ({course.start_date.year})" if course.start_date else ""
            return f"{course.region}{year}"
    return None


def radiation_associated(case: Case) -> bool:
    """A sarcoma in or near the field of earlier radiotherapy for another target (the
    recorded courses by region), or called radiation-associated in the record."""
    if radiation_field(case) is not None:
        return True
    text = _case_text(case)
    if _RAS_WORDS.search(text):
        return True
    return case.tumor.presentation == Presentation.primary and bool(_RT_FIELD_WORDS.search(text))


#: Peripheral veins (limbs, groin, pelvis outside the vena cava): vascular LMS here is
#: treated like an extremity tumour; the inferior vena cava keeps its own rules.
_PERIPHERAL_VEIN = re.compile(
    r"femoral|popliteal|saphenous|tibial|peroneal|iliac|brachial|axillary|subclavian|"
    r"basilic|cephalic|radial|ulnar"
)
_CAVA = re.compile(r"vena cava|\bivc\b|caval|renal vein|hepatic vein|retrohepatic")


def peripheral_vascular(case: Case) -> bool:
    """A vascular LMS of a peripheral vein (femoral, iliac, popliteal…), not of the vena
    cava, by the words of ``tumor.location``."""
    if case.tumor.site != Site.vascular:
        return False
    location = (case.tumor.location or "").casefold()
    return bool(_PERIPHERAL_VEIN.search(location)) and not _CAVA.search(location)


def rule_site(case: Case) -> Site:
    """The site whose rules apply: a peripheral-vein LMS follows the extremity rules."""
    return Site.extremity if peripheral_vascular(case) else case.tumor.site


_UNPLANNED = re.compile(
    r"whoops|unplanned|inadvertent|shelled out|enucleat|without (?:a |any |prior |"
    r"preoperative )?(?:biopsy|diagnosis|imaging)|outside a (?:sarcoma|reference) cent|"
    r"as an? (?:presumed |suspected )?"
    r"(?:benign |simple )?(?:lipoma|cyst|fibroma|dermatofibroma|ganglion|leiomyoma|fibroid|"
    r"hernia|lump|sebaceous)"
)


def unplanned_excision(case: Case) -> bool:
    """Excised without a diagnosis (a "whoops" operation): an excisional biopsy, or the record
    says so ("excised as a lipoma", "unplanned excision")."""
    return case.pathology.biopsy == Biopsy.excisional or bool(_UNPLANNED.search(_case_text(case)))


def reexcision_indicated(case: Case) -> bool:
    """Resected with involved margins (R1/R2), or an unplanned excision whose margins are not
    recorded as clear: re-excision is discussed before the radiotherapy decision. In the
    retroperitoneum and the vena cava only after an unplanned operation: a planned en bloc
    resection with a microscopic margin at a vessel is followed by surveillance (TARPSWG)."""
    p = case.pathology
    if case.extent.primary_resectability != Resectability.resected and p.biopsy not in (
        Biopsy.excisional,
        Biopsy.resection,
    ):
        return False
    unplanned = unplanned_excision(case)
    if rule_site(case) in (Site.retroperitoneum, Site.vascular) and not unplanned:
        return False
    if p.margin in (Margin.R1, Margin.R2):
        return True
    return unplanned and p.margin in (None, Margin.unknown)


_MYOMECTOMY = re.compile(
    r"myomectom|uterus (?:and ovaries |and adnexa )?(?:still |left )?in (?:situ|place)|uterus (?:was )?(?:preserved|retained|conserved)"
)
_HYSTERECTOMY_DONE = re.compile(
    r"(?:after|following|underwent|had|status post|s/p|by) (?:an? )?(?:total |radical |simple |"
    r"abdominal |vaginal |laparoscopic |robotic |subtotal |supracervical )*hysterectomy|"
    r"hysterectomy (?:was )?(?:done|performed)|\btah\b|\btlh\b"
)


def uterus_retained(case: Case) -> bool:
    """A uterine LMS found at myomectomy (or another uterus-sparing operation) with the uterus
    still in place: completion hysterectomy and restaging come next."""
    biopsy = case.pathology.biopsy
    if case.tumor.site != Site.uterus or biopsy not in (Biopsy.excisional, Biopsy.resection):
        return False
    text = _case_text(case)
    sparing = biopsy == Biopsy.excisional or bool(_MYOMECTOMY.search(text))
    return sparing and not _HYSTERECTOMY_DONE.search(text)


_OLIGOPROGRESSION = re.compile(
    r"oligo-?progress|(?:one|a single|single|only one|1) (?:\w+ ){0,3}(?:lesion|metastas[ie]s|"
    r"nodule|deposit|site)s? (?:\w+ ){0,3}(?:progress|grow|enlarg|increas)|(?:progress|grow|"
    r"enlarg)\w* (?:in|at|of) (?:only )?(?:one|a single|1) (?:\w+ ){0,2}(?:lesion|metastas[ie]s|"
    r"nodule|site)"
)


def oligoprogression(case: Case) -> bool:
    """One (or very few) lesions progressing while an advanced line still controls the rest:
    an ongoing line recorded, and the record says a single lesion grows."""
    ongoing = any(
        tl.stop_reason == StopReason.ongoing and tl.other_cancer is None
        for tl in case.history.treatment_lines
    )
    return (
        ongoing
        and bool(case.extent.metastases)
        and bool(_OLIGOPROGRESSION.search(_case_text(case)))
    )


def cardiac_contraindications(case: Case) -> list[str]:
    """LVEF under 50% or heart failure: no anthracycline."""
    pt = case.patient
    out: list[str] = []
    if pt.lvef_percent is not None and pt.lvef_percent < LVEF_LIMIT_PERCENT:
        out.append(f"LVEF {pt.lvef_percent}% (< {LVEF_LIMIT_PERCENT}%)")
    if pt.has_condition(ComorbidityCode.heart_failure):
        out.append("heart failure recorded")
    return out


@dataclass(frozen=True)
class CaseFacts:
    """Everything the rules read from a case, computed once."""

    case: Case
    grade: int | None
    diagnosis: DiagnosisStatus
    figo_stage: FigoStage | None
    receptors: ReceptorStatus
    hrd_alteration: bool
    exposure: AnthracyclineExposure
    histories: dict[str, DrugHistory] = field(default_factory=dict)
    limited_metastatic_short_interval: bool = False
    prior_radiotherapy_primary: bool | None = None
    irradiated_field_recurrence: bool | None = None
    limb_threatening: bool = False
    frail: bool = False
    severe_organ_dysfunction: tuple[str, ...] = ()
    reproductive_potential: bool = False
    cardiac_contraindications: tuple[str, ...] = ()
    surgery_declined: Declined | None = None
    pregnant: bool | None = None
    gestational_weeks: int | None = None
    radiation_associated: bool = False
    radiation_field: str | None = None
    rule_site: Site | None = None
    reexcision_indicated: bool = False
    uterus_retained: bool = False
    oligoprogression: bool = False

    @property
    def excluded(self) -> dict[str, DrugHistory]:
        """Drugs progressed on, stopped for toxicity or failed, in any line."""
        return {d: h for d, h in self.histories.items() if h.excluded}

    @property
    def line(self) -> int:
        """Lines of systemic therapy given for advanced disease."""
        return self.case.history.advanced_lines_given

    def anthracycline_limits(self) -> list[str]:
        """Why no further anthracycline can be given (empty: it can)."""
        out = []
        reason = self.exposure.limit_reason()
        if reason:
            out.append(reason[:1].lower() + reason[1:].rstrip("."))
        out.extend(self.cardiac_contraindications)
        return out

    @property
    def anthracycline_suitable(self) -> bool:
        """Doxorubicin could be given: no limit, no cardiac bar, no anthracycline failed
        before (progression, toxicity or a replaced line)."""
        vocabulary = drug_vocabulary()
        failed = any(d in vocabulary and vocabulary[d].anthracycline for d in self.excluded)
        return not self.anthracycline_limits() and not failed


def case_facts(case: Case) -> CaseFacts:
    grade = fnclcc_grade(case.pathology)
    grade_value = grade.grade if grade else None
    return CaseFacts(
        case=case,
        grade=grade_value,
        diagnosis=diagnosis_status(case, grade_value),
        figo_stage=figo_stage(case),
        receptors=receptor_status(case),
        hrd_alteration=hrd_alteration(case),
        exposure=anthracycline_exposure(case),
        histories=drug_histories(case.history),
        limited_metastatic_short_interval=limited_metastatic_short_interval(case),
        prior_radiotherapy_primary=prior_radiotherapy_primary(case),
        irradiated_field_recurrence=irradiated_field_recurrence(case),
        limb_threatening=limb_threatening(case),
        frail=frail(case),
        severe_organ_dysfunction=tuple(severe_organ_dysfunction(case)),
        reproductive_potential=reproductive_potential(case),
        cardiac_contraindications=tuple(cardiac_contraindications(case)),
        surgery_declined=curative_surgery_declined(case),
        pregnant=pregnant(case),
        gestational_weeks=gestational_weeks(case),
        radiation_associated=radiation_associated(case),
        radiation_field=radiation_field(case),
        rule_site=rule_site(case),
        reexcision_indicated=reexcision_indicated(case),
        uterus_retained=uterus_retained(case),
        oligoprogression=oligoprogression(case),
    )
