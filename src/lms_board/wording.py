"""The words a clinician reads for every code LMS Board holds: one home for the vocabulary
of every page, export and command.

Nothing here decides anything: it turns codes into clinician wording. Use it wherever a code
would otherwise reach a reader:

- ``label(value)``: any case-format or assessment code in words (``head_neck`` -> "head and
  neck", ``fine_needle_aspirate`` -> "fine-needle aspirate", ``locally_advanced`` -> "locally
  advanced"); ``cap(label(x))`` at the start of a sentence.
- ``marker_label("h_caldesmon")`` -> "h-caldesmon", ``marker_label("kit")`` -> "KIT";
  ``ihc_sign("not_done")`` -> "not done".
- ``status_label("ready")``: a stored case's status; ``STATUS_LABELS`` for pickers.
- ``gap_label``, ``flag_label``, ``prompt_label``: the short name of a workup gap, a flag or a
  prompt ("chest CT", "GIST not excluded", "Fertility preservation"); the assessment's own
  ``message`` is the sentence that says what to do.
- ``modality_title("systemic")`` -> "Systemic therapy"; ``option_meta(option)`` -> "Systemic
  therapy · palliative · phase 3 randomised · first line".
- ``classification_status(assessment)`` -> "provisional…", "firm at this workup", or, with a
  gap still open, "not final: workup gaps open" ("firm" never stands beside an open gap).
- ``drug_label("gemcitabine")``, ``registry_link("NCT01234567")`` (ClinicalTrials.gov).
- ``field_label("tumor.size_cm")`` -> "Size (cm)"; ``plain_message("tumor.size_cm: must be
  more than 0")`` -> "Size (cm): must be more than 0" (field paths and quoted codes in words);
  ``problem_fragment(...)`` turns a pydantic error into a plain sentence fragment
  (:func:`lms_board.case.error_messages` uses it, so files, pages and commands alike say
  "must be 120 or less", never "Input should be less than or equal to 120").

Rule ids and codes stay in the JSON export; a page shows them only behind a "details" toggle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lms_board.assessment import FlagCode, GapCode
from lms_board.drugs import drug_vocabulary

if TYPE_CHECKING:
    from lms_board.assessment import Assessment, Classification, Option

NOT_RECORDED = "not recorded"
DASH = "–"
#: The registry page of a trial (ClinicalTrials.gov, by NCT id).
CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{nct}"

#: Codes whose words are not just the code with spaces (every other code: ``_`` -> space).
_SPECIAL: dict[str, str] = {
    # case format
    "head_neck": "head and neck",
    "fine_needle_aspirate": "fine-needle aspirate",
    "abdominal_one_site": "one abdominal site",
    "abdominal_multiple": "several abdominal sites",
    "nodes_distant": "distant nodes",
    "patient_choice": "patient's choice",
    "not_done": "not done",
    "pelvic_exenteration": "pelvic exenteration",
    "primary_site": "primary site",
    "external_beam": "external beam",
    "lung_disease": "lung disease",
    "unknown": "unknown",
    # assessment
    "local_ablative": "local ablative therapy",
    "locally_advanced": "locally advanced",
}


def label(value: object) -> str:
    """A code (an enum member or its value) in words; ``None`` reads "not recorded"."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    raw = str(getattr(value, "value", value))
    return _SPECIAL.get(raw, raw.replace("_", " "))


def cap(text: str) -> str:
    """``text`` with its first letter upper case (the rest as it is)."""
    return text[:1].upper() + text[1:]


def yes_no(value: bool | None, yes: str, no: str | None = None) -> str | None:
    """``yes`` for True, ``no`` for False, ``None`` when not recorded."""
    if value is True:
        return yes
    if value is False:
        return no
    return None


BOOL_LABELS: dict[bool | None, str] = {None: NOT_RECORDED, True: "yes", False: "no"}

# --------------------------------------------------------------------------- pathology

#: Immunohistochemistry markers as pathologists write them.
MARKER_LABELS: dict[str, str] = {
    "desmin": "desmin",
    "sma": "SMA",
    "h_caldesmon": "h-caldesmon",
    "caldesmon": "caldesmon",
    "calponin": "calponin",
    "kit": "KIT",
    "cd117": "CD117",
    "dog1": "DOG1",
    "er": "ER",
    "pr": "PR",
    "pgr": "PgR",
    "cd34": "CD34",
    "s100": "S100",
    "wt1": "WT1",
    "cd10": "CD10",
    "p16": "p16",
    "p53": "p53",
    "ki67": "Ki-67",
    "mdm2": "MDM2",
    "cdk4": "CDK4",
    "rb1": "RB1",
}
IHC_SIGNS: dict[str, str] = {
    "positive": "+",
    "negative": "−",
    "equivocal": "±",
    "not_done": "not done",
}


def marker_label(marker: str) -> str:
    """An IHC marker as written in a report: ``h_caldesmon`` -> "h-caldesmon", ``er`` -> "ER";
    a marker typed in by hand keeps its letters (underscores read as spaces)."""
    key = marker.strip().lower()
    if key in MARKER_LABELS:
        return MARKER_LABELS[key]
    return marker.replace("_", " ").strip()


def ihc_sign(result: object) -> str:
    """``positive`` -> "+", ``not_done`` -> "not done"."""
    return IHC_SIGNS.get(str(getattr(result, "value", result)), label(result))


# --------------------------------------------------------------------------- store

#: A stored case's status, as the Board shows it.
STATUS_LABELS: dict[str, str] = {
    "draft": "draft",
    "ready": "ready",
    "discussed": "discussed",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, label(status))


# --------------------------------------------------------------------------- assessment

#: What each workup gap asks for, in a few words (the gap's message says it in full).
GAP_LABELS: dict[GapCode, str] = {
    "no_tissue_diagnosis": "tissue diagnosis",
    "fna_only": "core biopsy (fine-needle aspirate only)",
    "thin_core_needle": "adequate core (needle thinner than 16 G)",
    "not_image_guided": "image-guided biopsy",
    "transperitoneal_biopsy": "biopsy route (transperitoneal)",
    "no_expert_pathology_review": "sarcoma-expert pathology review",
    "no_local_mri": "MRI of the primary",
    "no_chest_ct": "chest CT",
    "no_abdomen_pelvis_ct": "CT of the abdomen and pelvis",
    "resectability_not_assessed": "surgical opinion on resectability",
    "grade_unknown": "FNCLCC grade",
    "kit_dog1_not_done": "KIT and DOG1 staining",
    "metastatic_extent_not_assessed": "number and resectability of the metastases",
}
#: Each workup gap as what is missing, in the words a coordinator chases it with (meeting
#: readiness: "Defer: no tissue diagnosis, no chest CT").
GAP_MISSING: dict[GapCode, str] = {
    "no_tissue_diagnosis": "no tissue diagnosis",
    "fna_only": "FNA only (core biopsy preferred)",
    "thin_core_needle": "core needle thinner than 16 G",
    "not_image_guided": "biopsy not image-guided",
    "transperitoneal_biopsy": "transperitoneal biopsy (tell the surgeon)",
    "no_expert_pathology_review": "no sarcoma-expert pathology review",
    "no_local_mri": "no MRI of the primary",
    "no_chest_ct": "no chest CT",
    "no_abdomen_pelvis_ct": "no CT of abdomen and pelvis",
    "resectability_not_assessed": "resectability not assessed",
    "grade_unknown": "no FNCLCC grade",
    "kit_dog1_not_done": "KIT and DOG1 not done (GIST not excluded)",
    "metastatic_extent_not_assessed": "number or resectability of the metastases not recorded",
}
FLAG_LABELS: dict[FlagCode, str] = {
    "pediatric": "Paediatric patient",
    "amputation_only_option": "Amputation the only curative surgery",
    "grade_discrepancy": "Grade discrepancy",
    "gist_not_excluded": "GIST not excluded",
    "morcellated_uterine": "Morcellated uterine tumour",
    "anthracycline_limit": "Anthracycline limit",
    "poor_performance": "Poor performance status",
    "identifier_in_free_text": "Possible identifier in free text",
}
#: Prompts (knowledge/prompts.yaml) by code; a prompt added there without a label here reads
#: as its code in words.
PROMPT_LABELS: dict[str, str] = {
    "fertility_preservation": "Fertility preservation",
    "ovarian_preservation": "Ovarian preservation",
    "tumour_ngs": "Tumour NGS",
    "neuropathy_caution": "Peripheral neuropathy",
    "germline_testing": "Germline testing",
    "hormone_receptors_not_done": "ER and PR status",
    "cardio_oncology": "Cardio-oncology review",
    "anthracycline_dose_to_calculate": "Cumulative anthracycline dose",
    "morcellation_restaging": "Restaging after morcellation",
    "orthopaedic_assessment": "Orthopaedic assessment",
    "geriatric_assessment": "Geriatric assessment",
    "reirradiation_limits": "Re-irradiation",
}
#: The heading of the prompts wherever they are shown.
PROMPTS_TITLE = "To discuss"

MODALITY_TITLES: dict[str, str] = {
    "diagnostic": "Diagnosis first",
    "surgery": "Surgery",
    "radiotherapy": "Radiotherapy",
    "systemic": "Systemic therapy",
    "local_ablative": "Local ablative therapy",
    "supportive": "Supportive care",
    "observation": "Observation",
}


def gap_label(code: GapCode) -> str:
    return GAP_LABELS[code]


def gap_missing(code: GapCode) -> str:
    return GAP_MISSING[code]


def flag_label(code: FlagCode) -> str:
    return FLAG_LABELS[code]


def prompt_label(code: str) -> str:
    return PROMPT_LABELS.get(code) or cap(label(code))


def modality_title(modality: str) -> str:
    return MODALITY_TITLES.get(modality) or cap(label(modality))


def option_meta(option: Option, *, setting: bool = True) -> str:
    """``Systemic therapy · palliative · phase 3 randomised · first line``."""
    bits = [modality_title(option.modality), option.intent, option.strength]
    if setting and option.setting:
        bits.append(" ".join(option.setting.split()))
    return " · ".join(b for b in bits if b)


def classification_label(classification: Classification) -> str:
    """``Resectable · localized``."""
    return f"{cap(classification.category)} · {label(classification.subtype)}"


def classification_status(assessment: Assessment) -> str:
    """How final the call is: "firm at this workup" only when no workup gap is open."""
    if assessment.classification.provisional:
        return "provisional: open workup gaps could change it"
    if assessment.workup_gaps:
        n = len(assessment.workup_gaps)
        return f"not final: {n} workup gap{'s' if n > 1 else ''} still open"
    return "firm at this workup"


def drug_label(drug: str | None) -> str:
    """A drug id of the vocabulary as its generic name."""
    if drug is None:
        return NOT_RECORDED
    record = drug_vocabulary().get(drug)
    return record.display if record is not None else drug.replace("-", " ")


def web_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address (never ``javascript:`` or a file), else ``None``."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in url):
        return url.strip()
    return None


def registry_link(nct: str, url: str | None = None) -> str:
    """The registry page of a trial: its recorded http(s) URL, else ClinicalTrials.gov."""
    return web_link(url) or CTGOV_STUDY_URL.format(nct=nct)


# --------------------------------------------------------------------------- case fields

#: Every field of the case format as the intake form and the messages name it.
FIELD_LABELS: dict[str, str] = {
    "schema_version": "Case format version",
    "case_id": "Case id",
    "board_date": "Board date",
    "presenter": "Presenter",
    "question": "Question for the board",
    "notes": "Clinical summary",
    "patient": "Patient",
    "patient.age": "Age (years)",
    "patient.sex": "Sex",
    "patient.ecog": "ECOG",
    "patient.lvef_percent": "LVEF (%)",
    "patient.cumulative_doxorubicin_mg_m2": "Cumulative doxorubicin (mg/m²)",
    "patient.comorbidities": "Comorbidities",
    "patient.coded_comorbidities": "Coded comorbidities",
    "patient.coded_comorbidities[].code": "Condition",
    "patient.coded_comorbidities[].severity": "Severity",
    "patient.coded_comorbidities[].egfr_ml_min": "eGFR (mL/min)",
    "patient.coded_comorbidities[].note": "Note",
    "patient.menopausal_status": "Menopausal status",
    "patient.wishes_fertility_preservation": "Wishes to preserve fertility",
    "patient.pregnant": "Pregnant",
    "patient.gestational_age_weeks": "Weeks of pregnancy",
    "patient.declines": "The patient declines",
    "tumor": "Tumour",
    "tumor.site": "Primary site",
    "tumor.location": "Location",
    "tumor.size_cm": "Size (cm, greatest dimension)",
    "tumor.depth": "Depth",
    "tumor.presentation": "Presentation",
    "tumor.uterine_extension": "Uterine extension (FIGO)",
    "tumor.morcellated": "Morcellated",
    "pathology": "Pathology",
    "pathology.biopsy": "Tissue obtained by",
    "pathology.needle_gauge": "Needle gauge (G)",
    "pathology.image_guided": "Image-guided",
    "pathology.biopsy_route": "Biopsy route",
    "pathology.diagnosis_confirmed": "Histology consistent with LMS",
    "pathology.expert_review": "Sarcoma-expert pathology review",
    "pathology.differentiation_score": "FNCLCC differentiation",
    "pathology.mitoses_per_10hpf": "Mitoses per 10 HPF",
    "pathology.necrosis_percent": "Necrosis (%)",
    "pathology.reported_grade": "Reported grade",
    "pathology.ihc": "Immunohistochemistry",
    "pathology.molecular": "Molecular findings",
    "pathology.margin": "Margin",
    "pathology.tumor_ngs": "Tumour NGS done",
    "pathology.hrd": "Homologous recombination",
    "workup": "Workup",
    "workup.mri_primary": "MRI of the primary",
    "workup.ct_chest": "CT chest",
    "workup.ct_abdomen_pelvis": "CT abdomen/pelvis",
    "workup.pet_ct": "PET-CT",
    "workup.radiograph_primary": "Radiograph of the primary",
    "workup.last_imaging_date": "Last imaging",
    "extent": "Extent",
    "extent.nodes": "Regional nodes",
    "extent.metastases": "Distant metastases",
    "extent.metastases[].site": "Site",
    "extent.metastases[].count": "Lesions",
    "extent.metastases[].resectable": "Resectable",
    "extent.disease_free_interval_months": "Disease-free interval (months)",
    "extent.primary_resectability": "Primary resectability",
    "extent.limb_salvage_feasible": "Limb salvage feasible",
    "extent.neurovascular_involvement": "Neurovascular involvement",
    "history": "History",
    "history.surgery_date": "Definitive surgery",
    "history.treatment_lines": "Systemic treatment lines",
    "history.treatment_lines[].setting": "Setting",
    "history.treatment_lines[].line": "Line number",
    "history.treatment_lines[].drugs": "Drugs",
    "history.treatment_lines[].other_drugs": "Other drugs",
    "history.treatment_lines[].regimen": "Regimen as written",
    "history.treatment_lines[].start_date": "Start",
    "history.treatment_lines[].end_date": "End",
    "history.treatment_lines[].cycles": "Cycles",
    "history.treatment_lines[].doses_mg_m2": "Total doses (mg/m²)",
    "history.treatment_lines[].best_response": "Best response",
    "history.treatment_lines[].stop_reason": "Why it stopped",
    "history.treatment_lines[].note": "Note",
    "history.treatment_lines[].for_other_cancer": "Given for another cancer",
    "history.radiotherapy_courses": "Radiotherapy courses",
    "history.radiotherapy_courses[].timing": "Timing",
    "history.radiotherapy_courses[].target": "Target",
    "history.radiotherapy_courses[].region": "Region",
    "history.radiotherapy_courses[].technique": "Technique",
    "history.radiotherapy_courses[].dose_gy": "Dose (Gy)",
    "history.radiotherapy_courses[].fractions": "Fractions",
    "history.radiotherapy_courses[].start_date": "Start",
    "history.radiotherapy_courses[].end_date": "End",
    "history.patient_preference": "Patient preference",
    # format v1 fields (messages about v1 files)
    "history.radiotherapy": "Radiotherapy",
    "history.systemic_lines_advanced": "Advanced lines given",
    "history.prior_regimens": "Prior regimens",
    "history.progressed_on_last_line": "Progressed on the last line",
}
#: What a row of a list is called in a message ("Treatment line 2: Why it stopped").
ROW_NAMES: dict[str, str] = {
    "patient.coded_comorbidities": "Comorbidity",
    "history.treatment_lines": "Treatment line",
    "history.radiotherapy_courses": "Radiotherapy course",
    "extent.metastases": "Metastasis",
}
_INDEX = re.compile(r"\[(\d+)\]")
#: A field path in a message: one of the case's sections and what follows it.
_PATH = re.compile(
    r"\b(?:patient|tumor|pathology|workup|extent|history)"
    r"(?:(?:\.[a-z0-9_]+)|(?:\[\d+\]))+(?:\.<?[a-z0-9_-]+>?)?"
)
_QUOTED = re.compile(r"'([a-z][a-z0-9_]*)'")


def field_label(path: str) -> str:
    """``tumor.size_cm`` -> "Size (cm, greatest dimension)";
    ``history.treatment_lines[1].stop_reason`` -> "Treatment line 2: Why it stopped";
    ``pathology.ihc.h_caldesmon`` -> "Immunohistochemistry: h-caldesmon"."""
    generic = _INDEX.sub("[]", path)
    if generic in FIELD_LABELS and "[" not in path:
        return FIELD_LABELS[generic]
    match = re.match(r"^([a-z_.]+)\[(\d+)\](?:\.(.+))?$", path)
    if match:
        list_path, index, rest = match.group(1), int(match.group(2)), match.group(3)
        row = f"{ROW_NAMES.get(list_path, FIELD_LABELS.get(list_path, label(list_path)))}"
        row += f" {index + 1}"
        if not rest:
            return row
        field = rest.split(".", 1)[0]
        inner = FIELD_LABELS.get(f"{list_path}[].{field}", cap(label(field)))
        if field == "doses_mg_m2" and "." in rest:
            return f"{row}: total dose of {drug_label(rest.split('.', 1)[1])}"
        return f"{row}: {inner}"
    if path.startswith("pathology.ihc."):
        return f"Immunohistochemistry: {marker_label(path.split('.', 2)[2])}"
    if generic in FIELD_LABELS:
        return FIELD_LABELS[generic]
    return cap(label(path.rsplit(".", 1)[-1]))


def plain_message(message: str, *, with_field: bool = True) -> str:
    """A ``field.path: problem`` message in clinician words: the leading path becomes its label
    (or is dropped with ``with_field=False``, for a message shown beside its field), other
    field paths in the text become labels, quoted codes become words."""
    head, sep, rest = message.partition(": ")
    if sep and (head in FIELD_LABELS or _PATH.fullmatch(head) or head == "(root)"):
        body = _words_in(rest)
        if not with_field or head == "(root)":
            return cap(body)
        return f"{field_label(head)}: {body}"
    if sep and head == "(file)":
        return cap(_words_in(rest))
    return cap(_words_in(message))


def _words_in(text: str) -> str:
    text = _PATH.sub(lambda m: field_label(m.group(0)), text)
    return _QUOTED.sub(lambda m: label(m.group(1)), text)


#: Fixed patterns of the format and how to say them.
_PATTERNS: dict[str, str] = {
    r"^[A-Za-z0-9._-]{1,40}$": "letters, digits, dot, dash or underscore only, at most 40",
}


def problem_fragment(kind: str, ctx: Mapping[str, Any] | None, msg: str) -> str:
    """A pydantic error (its ``type``, ``ctx`` and ``msg``) as a plain sentence fragment
    that follows a field name: "required", "must be 120 or less", "must be a whole number"."""
    c = ctx or {}
    simple = {
        "missing": "required",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "string_type": "must be text",
        "date_type": "must be a date (YYYY-MM-DD)",
        "date_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_inexact": "must be a date without a time (YYYY-MM-DD)",
        "list_type": "must be a list",
        "dict_type": "must be an object",
        "model_type": "must be an object",
        "model_attributes_type": "must be an object",
        "json_invalid": "is not valid JSON",
    }
    if kind in simple:
        return simple[kind]
    if kind == "greater_than":
        return f"must be more than {_num(c.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be {_num(c.get('ge'))} or more"
    if kind == "less_than":
        return f"must be less than {_num(c.get('lt'))}"
    if kind == "less_than_equal":
        return f"must be {_num(c.get('le'))} or less"
    if kind == "string_too_long":
        return f"at most {c.get('max_length')} characters"
    if kind == "string_too_short":
        n = c.get("min_length")
        return "must not be empty" if n == 1 else f"at least {n} characters"
    if kind == "too_long":
        return f"at most {c.get('max_length')} items"
    if kind == "too_short":
        return f"at least {c.get('min_length')} items"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(c.get("pattern")), "not in the expected form")
    if kind in ("enum", "literal_error"):
        return f"must be one of {c.get('expected', '')}".rstrip()
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    # Any other pydantic sentence: keep its content, in the product's voice.
    return (
        msg.replace("Input should be", "must be")
        .replace("String should", "must")
        .replace("should be", "must be")
        .replace("Field required", "required")
    )


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
