"""Cases as a FHIR R4 (R4B) Bundle shaped after mCODE, and back.

Per case: a Patient with sex only (no name, no identifier, no birth date), an age
Observation, the primary cancer Condition (leiomyosarcoma, ICD-O-3 8890/3; it carries the
pseudonymous ``case_id``), the stage group, tumour size and ECOG Observations, one
secondary cancer Condition per metastatic site, and from case format v2: one
MedicationStatement per treatment line (its drugs as the ingredients of a contained
Medication), one Procedure per radiotherapy course and one Condition per coded comorbidity.
Codes follow mCODE where it has one (LOINC 21908-9/21914-7 stage group, 21889-1 tumour size
with 33728-7 greatest dimension, 89247-1 ECOG; SNOMED CT 128462008 secondary malignant
neoplasm; SNOMED CT 108290001 radiotherapy, the category code of HL7 CodeX Radiation
Therapy), but the resources do not claim mCODE or CodeX profile conformance. What has no
standard code here (drug ids, line setting and number, stop reason, best response, cycles,
cumulative dose, radiotherapy timing/target/technique/dose/fractions, comorbidity code,
severity and eGFR) is carried in ``urn:lms-board:`` code systems and extensions, so a
receiving system sees the values as text and LMS Board reads them back exactly.

Import reads back exactly the fields the export carries (:data:`FHIR_FIELDS`); the stage group
is derived by the assessment and is not imported. Everything else of a case is left out of
the bundle (:data:`FHIR_DROPPED`): use the case-format JSON for a complete copy.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from pydantic import BaseModel, ValidationError

from lms_board.case import Case, MetastasisSite
from lms_board.interchange.result import ImportResult

#: The case fields a FHIR export carries and an import restores.
FHIR_FIELDS: tuple[str, ...] = (
    "case_id",
    "patient.age",
    "patient.sex",
    "patient.ecog",
    "tumor.site",
    "tumor.location",
    "tumor.size_cm",
    "extent.metastases[].site",
    "extent.metastases[].count",
    "extent.metastases[].resectable",
    "patient.coded_comorbidities[]",
    "history.treatment_lines[]",
    "history.radiotherapy_courses[]",
)
#: What a FHIR export leaves out (a case-format JSON export keeps it).
FHIR_DROPPED: tuple[str, ...] = (
    "board_date",
    "presenter",
    "question",
    "notes",
    "patient.lvef_percent",
    "patient.cumulative_doxorubicin_mg_m2",
    "patient.comorbidities",
    "patient.menopausal_status",
    "patient.wishes_fertility_preservation",
    "patient.pregnant",
    "patient.gestational_age_weeks",
    "patient.declines",
    "tumor.depth",
    "tumor.presentation",
    "tumor.uterine_extension",
    "tumor.morcellated",
    "pathology",
    "workup",
    "extent.nodes",
    "extent.disease_free_interval_months",
    "extent.primary_resectability",
    "extent.limb_salvage_feasible",
    "extent.neurovascular_involvement",
    "history.surgery_date",
    "history.patient_preference",
)

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"
HISTOLOGY_EXT = (
    "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior"
)
CASE_ID_SYSTEM = "urn:lms-board:case-id"
TUMOR_SITE_SYSTEM = "urn:lms-board:tumor-site"
METASTASIS_SITE_SYSTEM = "urn:lms-board:metastasis-site"
LESION_COUNT_EXT = "urn:lms-board:fhir:extension:lesion-count"
RESECTABLE_EXT = "urn:lms-board:fhir:extension:resectable"
#: On the primary Condition: distant extent was recorded (so no secondary Condition = none found).
METASTASES_RECORDED_EXT = "urn:lms-board:fhir:extension:metastases-recorded"
#: On the primary Condition: the v2 lists were recorded (so no resource = none).
LINES_RECORDED_EXT = "urn:lms-board:fhir:extension:treatment-lines-recorded"
RADIOTHERAPY_RECORDED_EXT = "urn:lms-board:fhir:extension:radiotherapy-recorded"
COMORBIDITIES_RECORDED_EXT = "urn:lms-board:fhir:extension:comorbidities-recorded"
#: Place of a treatment line, course or comorbidity in its list (0 = first, oldest).
ORDER_EXT = "urn:lms-board:fhir:extension:order"
LINE_SETTING_EXT = "urn:lms-board:fhir:extension:line-setting"
LINE_NUMBER_EXT = "urn:lms-board:fhir:extension:line-number"
CYCLES_EXT = "urn:lms-board:fhir:extension:cycles"
BEST_RESPONSE_EXT = "urn:lms-board:fhir:extension:best-response"
CUMULATIVE_DOSE_EXT = "urn:lms-board:fhir:extension:cumulative-dose"
OTHER_CANCER_EXT = "urn:lms-board:fhir:extension:for-other-cancer"
RT_TIMING_EXT = "urn:lms-board:fhir:extension:radiotherapy-timing"
RT_TECHNIQUE_EXT = "urn:lms-board:fhir:extension:radiotherapy-technique"
RT_DOSE_EXT = "urn:lms-board:fhir:extension:radiotherapy-dose"
RT_FRACTIONS_EXT = "urn:lms-board:fhir:extension:radiotherapy-fractions"
EGFR_EXT = "urn:lms-board:fhir:extension:egfr"
DRUG_SYSTEM = "urn:lms-board:drug"
STOP_REASON_SYSTEM = "urn:lms-board:stop-reason"
RESPONSE_SYSTEM = "urn:lms-board:best-response"
RT_TARGET_SYSTEM = "urn:lms-board:radiotherapy-target"
COMORBIDITY_SYSTEM = "urn:lms-board:comorbidity"
SEVERITY_SYSTEM = "urn:lms-board:severity"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
RADIOTHERAPY = (SNOMED, "108290001", "Radiation oncology AND/OR radiotherapy (procedure)")
#: MedicationStatement.status by why the line stopped.
_STATEMENT_STATUS = {
    "ongoing": "active",
    "completed": "completed",
    "progression": "stopped",
    "toxicity": "stopped",
    "patient_choice": "stopped",
}

AGE = (LOINC, "30525-0", "Age")
ECOG = (LOINC, "89247-1", "ECOG Performance Status score")
TUMOR_SIZE = (LOINC, "21889-1", "Size Tumor")
GREATEST_DIMENSION = (LOINC, "33728-7", "Size.maximum dimension in Tumor")
STAGE_GROUP_CLINICAL = (LOINC, "21908-9", "Stage group.clinical Cancer")
STAGE_GROUP_OTHER = (LOINC, "21914-7", "Stage group.other Cancer")
SECONDARY_NEOPLASM = (SNOMED, "128462008", "Secondary malignant neoplastic disease (disorder)")
LEIOMYOSARCOMA_ICDO3 = (ICDO3, "8890/3", "Leiomyosarcoma, NOS")

#: SNOMED CT body structures for the metastasis sites that have a plain one.
METASTASIS_BODY_SITE: dict[MetastasisSite, tuple[str, str]] = {
    MetastasisSite.lung: ("39607008", "Lung structure"),
    MetastasisSite.liver: ("10200004", "Liver structure"),
    MetastasisSite.bone: ("272673000", "Bone structure"),
    MetastasisSite.peritoneum: ("15425007", "Structure of serous membrane of peritoneum"),
    MetastasisSite.soft_tissue: ("87784001", "Soft tissues"),
    MetastasisSite.brain: ("12738006", "Brain structure"),
    MetastasisSite.nodes_distant: ("59441001", "Structure of lymph node"),
}

_NAMESPACE = uuid.UUID("8a0c7a5e-4f7e-4f0e-9d55-6c6d73626f61")


def _urn(case_id: str, role: str) -> tuple[str, str]:
    """A stable ``(resource id, fullUrl)`` for one resource of one case."""
    rid = str(uuid.uuid5(_NAMESPACE, f"{case_id}/{role}"))
    return rid, f"urn:uuid:{rid}"


def _coding(code: tuple[str, str, str]) -> dict[str, str]:
    system, value, display = code
    return {"system": system, "code": value, "display": display}


def _concept(code: tuple[str, str, str]) -> dict[str, Any]:
    return {"coding": [_coding(code)], "text": code[2]}


def _entry(url: str, kind: type[BaseModel], body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(fullUrl, resource)``: ``body`` validated as the FHIR resource ``kind``, as JSON."""
    return url, kind.model_validate(body).model_dump(mode="json", exclude_none=True)


def _quantity(value: float, unit: str, code: str | None = None) -> dict[str, Any]:
    """A UCUM quantity (``code``: the UCUM code when it is not the unit as written)."""
    return {"value": value, "unit": unit, "system": UCUM, "code": code or unit}


def _note(body: dict[str, Any], text: str | None) -> None:
    """Add ``text`` to ``body`` as its note, when there is any."""
    note = fhir_text(text)
    if note is not None:
        body["note"] = [{"text": note}]


def _observation(
    case_id: str,
    role: str,
    patient_url: str,
    code: tuple[str, str, str],
    category: str,
    **value: Any,
) -> tuple[str, dict[str, Any]]:
    rid, url = _urn(case_id, role)
    body: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": [{"coding": [{"system": OBS_CATEGORY, "code": category}]}],
        "code": _concept(code),
        "subject": {"reference": patient_url},
        **value,
    }
    return _entry(url, Observation, body)


def case_resources(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """``(fullUrl, resource)`` for every resource the export writes for one case."""
    from lms_board.assess import assess

    cid = case.case_id
    patient_id, patient_url = _urn(cid, "patient")
    patient = {"resourceType": "Patient", "id": patient_id, "gender": case.patient.sex.value}
    entries: list[tuple[str, dict[str, Any]]] = [_entry(patient_url, Patient, patient)]
    entries.append(
        _observation(
            cid,
            "age",
            patient_url,
            AGE,
            "social-history",
            valueQuantity=_quantity(case.patient.age, "years", "a"),
        )
    )
    primary_id, primary_url = _urn(cid, "primary")
    site = case.tumor.site
    # The site is coded; the free-text location, when known, is the body site's text.
    body_site: dict[str, Any] = {"coding": [{"system": TUMOR_SITE_SYSTEM, "code": site.value}]}
    location = fhir_text(case.tumor.location)
    if location is not None:  # FHIR strings cannot be empty: "" is exported as not known
        body_site["text"] = location
    primary: dict[str, Any] = {
        "resourceType": "Condition",
        "id": primary_id,
        "identifier": [{"system": CASE_ID_SYSTEM, "value": cid}],
        "extension": [
            {"url": HISTOLOGY_EXT, "valueCodeableConcept": _concept(LEIOMYOSARCOMA_ICDO3)},
            {"url": METASTASES_RECORDED_EXT, "valueBoolean": case.extent.metastases_known},
            {"url": LINES_RECORDED_EXT, "valueBoolean": case.history.systemic_history_known},
            {"url": RADIOTHERAPY_RECORDED_EXT, "valueBoolean": case.history.radiotherapy_known},
            {
                "url": COMORBIDITIES_RECORDED_EXT,
                "valueBoolean": case.patient.given("coded_comorbidities"),
            },
        ],
        "code": {"coding": [_coding(LEIOMYOSARCOMA_ICDO3)], "text": "Leiomyosarcoma"},
        "bodySite": [body_site],
        "subject": {"reference": patient_url},
    }
    entries.append(_entry(primary_url, Condition, primary))
    stage = assess(case).stage
    if stage.group:
        code = (
            STAGE_GROUP_CLINICAL
            if (stage.system or "").upper().startswith("AJCC")
            else STAGE_GROUP_OTHER
        )
        entries.append(
            _observation(
                cid,
                "stage",
                patient_url,
                code,
                "survey",
                focus=[{"reference": primary_url}],
                valueCodeableConcept={"text": stage.group},
                method={"text": stage.system or "unknown staging system"},
            )
        )
    if case.tumor.size_cm is not None:
        entries.append(
            _observation(
                cid,
                "size",
                patient_url,
                TUMOR_SIZE,
                "exam",
                focus=[{"reference": primary_url}],
                component=[
                    {
                        "code": _concept(GREATEST_DIMENSION),
                        "valueQuantity": _quantity(case.tumor.size_cm, "cm"),
                    }
                ],
            )
        )
    if case.patient.ecog is not None:
        entries.append(
            _observation(cid, "ecog", patient_url, ECOG, "survey", valueInteger=case.patient.ecog)
        )
    for met in case.extent.metastases:
        met_id, met_url = _urn(cid, f"metastasis/{met.site.value}")
        codings = [{"system": METASTASIS_SITE_SYSTEM, "code": met.site.value}]
        if met.site in METASTASIS_BODY_SITE:
            sct, display = METASTASIS_BODY_SITE[met.site]
            codings.append({"system": SNOMED, "code": sct, "display": display})
        extensions: list[dict[str, Any]] = [
            {"url": CONDITION_RELATED, "valueReference": {"reference": primary_url}}
        ]
        if met.count is not None:
            extensions.append({"url": LESION_COUNT_EXT, "valueInteger": met.count})
        if met.resectable is not None:
            extensions.append({"url": RESECTABLE_EXT, "valueBoolean": met.resectable})
        secondary = {
            "resourceType": "Condition",
            "id": met_id,
            "extension": extensions,
            "code": _concept(SECONDARY_NEOPLASM),
            "bodySite": [{"coding": codings, "text": met.site.value.replace("_", " ")}],
            "subject": {"reference": patient_url},
        }
        entries.append(_entry(met_url, Condition, secondary))
    entries += _treatment_line_resources(case, patient_url, primary_url)
    entries += _radiotherapy_resources(case, patient_url, primary_url)
    entries += _comorbidity_resources(case, patient_url)
    return entries


def fhir_text(text: str | None) -> str | None:
    """Free text as a FHIR string, or ``None`` for text FHIR cannot hold (empty, or only
    white space other than spaces and line breaks): exported as not known."""
    if text is None or not re.search(r"[ \r\n\t\S]", text):
        return None
    return text


def _extension(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def _code(system: str, code: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}], "text": text or code.replace("_", " ")}


def _period(start: date | None, end: date | None) -> dict[str, str] | None:
    period = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v is not None}
    return period or None


def _treatment_line_resources(
    case: Case, patient_url: str, primary_url: str
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, tl in enumerate(case.history.treatment_lines):
        rid, url = _urn(case.case_id, f"treatment-line/{i}")
        ingredients: list[dict[str, Any]] = []
        for drug in tl.drugs:
            item: dict[str, Any] = {"itemCodeableConcept": _code(DRUG_SYSTEM, drug)}
            dose = tl.doses_mg_m2.get(drug)
            if dose is not None:
                quantity = _quantity(dose, "mg/m2")
                item["extension"] = [_extension(CUMULATIVE_DOSE_EXT, valueQuantity=quantity)]
            ingredients.append(item)
        for other in tl.other_drugs:
            text = fhir_text(other)
            if text is not None:
                ingredients.append({"itemCodeableConcept": {"text": text}})
        medication: dict[str, Any] = {"resourceType": "Medication", "id": "regimen"}
        if ingredients:
            medication["ingredient"] = ingredients
        regimen = fhir_text(tl.regimen)
        if regimen is not None:
            medication["code"] = {"text": regimen}
        extensions = [
            _extension(ORDER_EXT, valueInteger=i),
            _extension(LINE_SETTING_EXT, valueCode=tl.setting.value),
        ]
        if tl.line is not None:
            extensions.append(_extension(LINE_NUMBER_EXT, valueInteger=tl.line))
        if tl.cycles is not None:
            extensions.append(_extension(CYCLES_EXT, valueInteger=tl.cycles))
        if tl.best_response is not None:
            response = _code(RESPONSE_SYSTEM, tl.best_response.value)
            extensions.append(_extension(BEST_RESPONSE_EXT, valueCodeableConcept=response))
        other_cancer = fhir_text(tl.for_other_cancer)
        if other_cancer is not None:
            extensions.append(_extension(OTHER_CANCER_EXT, valueString=other_cancer))
        stop = tl.stop_reason.value if tl.stop_reason is not None else None
        body: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "id": rid,
            "extension": extensions,
            "contained": [medication],
            "status": _STATEMENT_STATUS.get(stop or "", "unknown"),
            "medicationReference": {"reference": "#regimen"},
            "subject": {"reference": patient_url},
            "reasonReference": [{"reference": primary_url}],
        }
        if stop is not None:
            body["statusReason"] = [_code(STOP_REASON_SYSTEM, stop)]
        period = _period(tl.start_date, tl.end_date)
        if period:
            body["effectivePeriod"] = period
        _note(body, tl.note)
        out.append(_entry(url, MedicationStatement, body))
    return out


def _radiotherapy_resources(
    case: Case, patient_url: str, primary_url: str
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, rt in enumerate(case.history.radiotherapy_courses):
        rid, url = _urn(case.case_id, f"radiotherapy/{i}")
        extensions = [
            _extension(ORDER_EXT, valueInteger=i),
            _extension(RT_TIMING_EXT, valueCode=rt.timing.value),
        ]
        if rt.technique is not None:
            extensions.append(_extension(RT_TECHNIQUE_EXT, valueCode=rt.technique.value))
        if rt.dose_gy is not None:
            extensions.append(_extension(RT_DOSE_EXT, valueQuantity=_quantity(rt.dose_gy, "Gy")))
        if rt.fractions is not None:
            extensions.append(_extension(RT_FRACTIONS_EXT, valueInteger=rt.fractions))
        body: dict[str, Any] = {
            "resourceType": "Procedure",
            "id": rid,
            "extension": extensions,
            "status": "completed" if rt.end_date is not None else "unknown",
            "code": _concept(RADIOTHERAPY),
            "subject": {"reference": patient_url},
            "reasonReference": [{"reference": primary_url}],
        }
        site: dict[str, Any] = {}
        if rt.target is not None:
            site["coding"] = [{"system": RT_TARGET_SYSTEM, "code": rt.target.value}]
        region = fhir_text(rt.region)
        if region is not None:
            site["text"] = region
        if site:
            body["bodySite"] = [site]
        period = _period(rt.start_date, rt.end_date)
        if period:
            body["performedPeriod"] = period
        out.append(_entry(url, Procedure, body))
    return out


def _comorbidity_resources(case: Case, patient_url: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, c in enumerate(case.patient.coded_comorbidities):
        rid, url = _urn(case.case_id, f"comorbidity/{i}")
        extensions = [_extension(ORDER_EXT, valueInteger=i)]
        if c.egfr_ml_min is not None:
            extensions.append(
                _extension(EGFR_EXT, valueQuantity=_quantity(c.egfr_ml_min, "mL/min"))
            )
        body: dict[str, Any] = {
            "resourceType": "Condition",
            "id": rid,
            "extension": extensions,
            "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "problem-list-item"}]}],
            "code": _code(COMORBIDITY_SYSTEM, c.code.value),
            "subject": {"reference": patient_url},
        }
        if c.severity is not None:
            body["severity"] = _code(SEVERITY_SYSTEM, c.severity.value)
        _note(body, c.note)
        out.append(_entry(url, Condition, body))
    return out


def cases_to_fhir_bundle(
    cases: Iterable[Case], timestamp: datetime | None = None
) -> dict[str, Any]:
    """A ``collection`` Bundle of every case, validated as FHIR R4 (R4B) by ``fhir.resources``."""
    entries = [
        {"fullUrl": url, "resource": resource}
        for case in cases
        for url, resource in case_resources(case)
    ]
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": (timestamp or datetime.now(UTC)).isoformat(timespec="seconds"),
            "entry": entries,
        }
    )
    data: dict[str, Any] = json.loads(bundle.model_dump_json(exclude_none=True))
    return data


def cases_to_fhir_json(cases: Iterable[Case], timestamp: datetime | None = None) -> str:
    """:func:`cases_to_fhir_bundle` as indented JSON text."""
    return json.dumps(cases_to_fhir_bundle(cases, timestamp), indent=2, ensure_ascii=False)


# -- import -------------------------------------------------------------------------------


def _code_of(concept: Mapping[str, Any] | None, system: str) -> str | None:
    for coding in (concept or {}).get("coding", []) or []:
        if coding.get("system") == system and coding.get("code"):
            return str(coding["code"])
    return None


def _has_code(concept: Mapping[str, Any] | None, code: tuple[str, str, str]) -> bool:
    return _code_of(concept, code[0]) == code[1]


def _ext(resource: Mapping[str, Any], url: str) -> Any:
    for ext in resource.get("extension", []) or []:
        if ext.get("url") == url:
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


def is_fhir_bundle(data: Any) -> bool:
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


#: The resources an import reads, and the top-level elements it reads of each: anything else in
#: the bundle is reported by name (``ImportResult.notices``) and skipped, never silently.
READ: dict[str, tuple[type[Any], frozenset[str]]] = {
    "Patient": (Patient, frozenset({"resourceType", "id", "meta", "gender"})),
    "Observation": (
        Observation,
        frozenset(
            {
                "resourceType",
                "id",
                "meta",
                "status",
                "category",
                "code",
                "subject",
                "focus",
                "valueQuantity",
                "valueInteger",
                "valueCodeableConcept",
                "component",
                "method",
            }
        ),
    ),
    "Condition": (
        Condition,
        frozenset(
            {
                "resourceType",
                "id",
                "meta",
                "identifier",
                "extension",
                "category",
                "code",
                "severity",
                "bodySite",
                "subject",
                "note",
            }
        ),
    ),
    "MedicationStatement": (
        MedicationStatement,
        frozenset(
            {
                "resourceType",
                "id",
                "meta",
                "extension",
                "contained",
                "status",
                "statusReason",
                "medicationReference",
                "subject",
                "reasonReference",
                "effectivePeriod",
                "note",
            }
        ),
    ),
    "Procedure": (
        Procedure,
        frozenset(
            {
                "resourceType",
                "id",
                "meta",
                "extension",
                "status",
                "code",
                "subject",
                "reasonReference",
                "bodySite",
                "performedPeriod",
            }
        ),
    ),
}
_SHOWN_PLACES = 5


class _Skipped:
    """What an import read but does not keep, by reason, with the entries it concerns (one
    notice per reason, so a bundle of 50 000 unknown resources gives one line, not 50 000)."""

    def __init__(self) -> None:
        self.places: dict[str, list[int]] = {}

    def add(self, reason: str, number: int) -> None:
        self.places.setdefault(reason, []).append(number)

    def report(self, result: ImportResult, source: str) -> None:
        for reason, numbers in self.places.items():
            shown = ", ".join(str(n) for n in numbers[:_SHOWN_PLACES])
            more = (
                f" and {len(numbers) - _SHOWN_PLACES} more" if len(numbers) > _SHOWN_PLACES else ""
            )
            where = f"entr{'y' if len(numbers) == 1 else 'ies'} {shown}{more}"
            result.add_notice(source, where, reason)


def _first_errors(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[:3]
    return "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in first)


def _code_label(concept: Mapping[str, Any] | None) -> str:
    for coding in (concept or {}).get("coding", []) or []:
        system = str(coding.get("system") or "")
        name = {LOINC: "LOINC", SNOMED: "SNOMED CT"}.get(system, system or "no system")
        return f"{name} {coding.get('code')}"
    return "no code"


def _read_entry(
    entry: Any, number: int, source: str, result: ImportResult, skipped: _Skipped
) -> dict[str, Any] | None:
    """The entry's resource, validated as FHIR R4 and normalised; ``None`` (and why) if the
    entry is malformed or of a kind LMS Board does not read."""
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        got = type(entry).__name__ if not isinstance(entry, dict) else "an entry with no resource"
        result.add_error(source, f"entry {number}", f"not a Bundle entry with a resource ({got})")
        return None
    kind = resource.get("resourceType")
    if not isinstance(kind, str) or not kind:
        skipped.add("a resource with no resourceType: skipped", number)
        return None
    if kind not in READ:
        skipped.add(f"resourceType {kind[:60]!r} is not read by LMS Board: skipped", number)
        return None
    model, read = READ[kind]
    try:
        validated = model.model_validate(resource)
    except ValidationError as exc:
        result.add_error(source, f"entry {number}", f"not a valid {kind} ({_first_errors(exc)})")
        return None
    normalised: dict[str, Any] = json.loads(validated.model_dump_json(exclude_none=True))
    for element in sorted(set(normalised) - read):
        skipped.add(f"{kind}.{element} is not imported", number)
    return normalised


def _ref(resource: Mapping[str, Any], key: str) -> str:
    value = resource.get(key)
    return str(value.get("reference") or "") if isinstance(value, Mapping) else ""


def _focus(resource: Mapping[str, Any]) -> list[str]:
    return [str(f.get("reference") or "") for f in resource.get("focus", []) or []]


class _Index:
    """Every read resource filed once, by what links it to a case: linear in the bundle."""

    def __init__(self) -> None:
        self.patients: dict[str, dict[str, Any]] = {}
        #: ``(entry number, the names it is referred to by, subject, resource)``.
        self.primaries: list[tuple[int, list[str], str, dict[str, Any]]] = []
        self.primaries_of: dict[str, int] = {}
        #: Observations and secondary Conditions linked to a primary (by focus or
        #: condition-related), and those linked to a subject only.
        self.by_primary: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self.by_subject: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._person_only: dict[str, list[tuple[int, dict[str, Any]]]] = {}

    def add(self, number: int, url: str, resource: dict[str, Any], skipped: _Skipped) -> None:
        kind = resource["resourceType"]
        if kind == "Patient":
            self.patients[url] = resource
            if resource.get("id"):
                self.patients[f"Patient/{resource['id']}"] = resource
            return
        subject = _ref(resource, "subject")
        if kind == "Condition" and any(
            i.get("system") == CASE_ID_SYSTEM for i in resource.get("identifier", []) or []
        ):
            names = [url] + ([f"Condition/{resource['id']}"] if resource.get("id") else [])
            self.primaries.append((number, names, subject, resource))
            self.primaries_of[subject] = self.primaries_of.get(subject, 0) + 1
            for name in names:
                self.by_primary.setdefault(name, [])
            return
        code = resource.get("code")
        if (
            kind == "Condition"
            and not _has_code(code, SECONDARY_NEOPLASM)
            and _code_of(code, COMORBIDITY_SYSTEM) is None
        ):
            skipped.add(f"Condition ({_code_label(code)}) is not read: skipped", number)
            return
        if kind == "Procedure" and not _has_code(code, RADIOTHERAPY):
            skipped.add(f"Procedure ({_code_label(code)}) is not read: skipped", number)
            return
        if kind == "Observation":
            if _has_code(code, STAGE_GROUP_CLINICAL) or _has_code(code, STAGE_GROUP_OTHER):
                skipped.add(
                    "stage group Observation not imported (LMS Board computes the stage "
                    "from the case)",
                    number,
                )
                return
            if not any(_has_code(code, c) for c in (AGE, ECOG, TUMOR_SIZE)):
                skipped.add(f"Observation ({_code_label(code)}) is not read: skipped", number)
                return
        linked = _ext(resource, CONDITION_RELATED)
        targets = (
            _focus(resource)
            + [str(r.get("reference") or "") for r in resource.get("reasonReference", []) or []]
            + ([str(linked.get("reference") or "")] if isinstance(linked, Mapping) else [])
        )
        target = next((t for t in targets if t), "")
        if target:
            self.by_primary.setdefault(target, []).append((number, resource))
        else:
            self.by_subject.setdefault(subject, []).append((number, resource))

    def related(self, primary_names: list[str], subject: str) -> list[tuple[int, dict[str, Any]]]:
        """The resources of one case: those linked to its primary Condition, and those of its
        subject that name no primary (all of them when the subject has one case; when it has
        several, only its age and ECOG, worked out once per subject)."""
        own = [r for name in primary_names for r in self.by_primary.pop(name, [])]
        shared = self.by_subject.get(subject, [])
        if self.primaries_of.get(subject, 0) > 1:
            if subject not in self._person_only:
                last: dict[str, tuple[int, dict[str, Any]]] = {}
                person: list[tuple[int, dict[str, Any]]] = []
                for n, r in shared:
                    for code in (AGE, ECOG):
                        if r.get("resourceType") == "Observation" and _has_code(
                            r.get("code"), code
                        ):
                            last[code[1]] = (n, r)
                    if r.get("resourceType") == "Condition" and (
                        _code_of(r.get("code"), COMORBIDITY_SYSTEM) is not None
                    ):
                        person.append((n, r))
                self._person_only[subject] = sorted(
                    [*last.values(), *person], key=lambda item: item[0]
                )
            shared = self._person_only[subject]
        return shared + own


def read_fhir_bundle(data: Any, source: str = "upload.json") -> ImportResult:
    """The cases in a Bundle this module wrote (or one shaped the same way). Each entry is
    read once; entries of other kinds, and elements LMS Board does not keep, are listed in
    ``notices``; a malformed entry is an error naming it; nothing raises."""
    result = ImportResult()
    if not isinstance(data, dict):
        result.add_error(source, "", "not a valid FHIR R4 Bundle (not a JSON object)")
        return result
    entries = data.get("entry")
    if entries is not None and not isinstance(entries, list):
        result.add_error(source, "", "not a valid FHIR R4 Bundle (entry: must be a list)")
        return result
    try:
        Bundle.model_validate({k: v for k, v in data.items() if k != "entry"})
    except ValidationError as exc:
        result.add_error(source, "", f"not a valid FHIR R4 Bundle ({_first_errors(exc)})")
        return result
    skipped = _Skipped()
    index = _Index()
    for number, entry in enumerate(entries or [], start=1):
        resource = _read_entry(entry, number, source, result, skipped)
        if resource is not None:
            index.add(number, str(entry.get("fullUrl") or ""), resource, skipped)
    skipped.report(result, source)
    if not index.primaries:
        result.add_error(
            source,
            "",
            f"no case in the bundle (no Condition with an identifier of {CASE_ID_SYSTEM})",
        )
        return result
    seen: dict[str, str] = {}
    for number, names, subject, primary in index.primaries:
        where = f"entry {number}"
        case_id = next(
            i.get("value") for i in primary["identifier"] if i.get("system") == CASE_ID_SYSTEM
        )
        case_data, problems = _case_from_resources(
            case_id, primary, index.patients.get(subject), index.related(names, subject)
        )
        result.add_parsed(case_data, problems, source=source, where=where, seen=seen)
    return result


def _case_from_resources(
    case_id: Any,
    primary: Mapping[str, Any],
    patient: Mapping[str, Any] | None,
    related: list[tuple[int, dict[str, Any]]],
) -> tuple[dict[str, Any], list[str]]:
    problems: list[str] = []
    patient_data: dict[str, Any] = {}
    if patient is None:
        problems.append("patient: the case's Condition has no Patient in the bundle")
    elif patient.get("gender") is not None:
        patient_data["sex"] = patient["gender"]
    tumor: dict[str, Any] = {}
    metastases: list[dict[str, Any]] = []
    comorbidities: list[tuple[int, dict[str, Any]]] = []
    lines: list[tuple[int, dict[str, Any]]] = []
    courses: list[tuple[int, dict[str, Any]]] = []
    for body_site in primary.get("bodySite", []) or []:
        site = _code_of(body_site, TUMOR_SITE_SYSTEM)
        if site is not None:
            tumor["site"] = site
            if body_site.get("text") is not None:
                tumor["location"] = body_site["text"]
    for _number, resource in related:
        kind = resource.get("resourceType")
        code = resource.get("code")
        if kind == "Observation":
            if _has_code(code, AGE):
                patient_data["age"] = (resource.get("valueQuantity") or {}).get("value")
            elif _has_code(code, ECOG):
                patient_data["ecog"] = resource.get("valueInteger")
            elif _has_code(code, TUMOR_SIZE):
                for comp in resource.get("component", []) or []:
                    if _has_code(comp.get("code"), GREATEST_DIMENSION):
                        quantity = comp.get("valueQuantity") or {}
                        tumor["size_cm"] = _to_cm(quantity, problems)
        elif kind == "Condition" and _has_code(code, SECONDARY_NEOPLASM):
            site = None
            for body_site in resource.get("bodySite", []) or []:
                site = site or _code_of(body_site, METASTASIS_SITE_SYSTEM)
            met: dict[str, Any] = {"site": site}
            count = _ext(resource, LESION_COUNT_EXT)
            if count is not None:
                met["count"] = count
            resectable = _ext(resource, RESECTABLE_EXT)
            if resectable is not None:
                met["resectable"] = resectable
            metastases.append(met)
        elif kind == "Condition" and _code_of(code, COMORBIDITY_SYSTEM) is not None:
            comorbidities.append((_order(resource), _comorbidity_from(resource)))
        elif kind == "MedicationStatement":
            lines.append((_order(resource), _line_from(resource)))
        elif kind == "Procedure" and _has_code(code, RADIOTHERAPY):
            courses.append((_order(resource), _course_from(resource)))
    extent: dict[str, Any] = {}
    if metastases or _ext(primary, METASTASES_RECORDED_EXT) is True:
        extent["metastases"] = metastases
    if comorbidities or _ext(primary, COMORBIDITIES_RECORDED_EXT) is True:
        patient_data["coded_comorbidities"] = _in_order(comorbidities)
    history: dict[str, Any] = {}
    if lines or _ext(primary, LINES_RECORDED_EXT) is True:
        history["treatment_lines"] = _in_order(lines)
    if courses or _ext(primary, RADIOTHERAPY_RECORDED_EXT) is True:
        history["radiotherapy_courses"] = _in_order(courses)
    data = {
        "schema_version": 2,
        "case_id": case_id,
        "patient": patient_data,
        "tumor": tumor,
        "pathology": {},
        "extent": extent,
    }
    if history:
        data["history"] = history
    return data, problems


def _order(resource: Mapping[str, Any]) -> int:
    order = _ext(resource, ORDER_EXT)
    return order if isinstance(order, int) else 1_000_000


def _in_order(items: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _day(value: Any) -> Any:
    """A FHIR date or dateTime as the case format's ISO date."""
    return value[:10] if isinstance(value, str) else value


def _put_given(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _line_from(resource: Mapping[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {"setting": _ext(resource, LINE_SETTING_EXT)}
    _put_given(line, "line", _ext(resource, LINE_NUMBER_EXT))
    medication: Mapping[str, Any] = next(
        (c for c in resource.get("contained", []) or [] if c.get("resourceType") == "Medication"),
        {},
    )
    drugs: list[str] = []
    others: list[str] = []
    doses: dict[str, Any] = {}
    for ingredient in medication.get("ingredient", []) or []:
        concept = ingredient.get("itemCodeableConcept") or {}
        drug = _code_of(concept, DRUG_SYSTEM)
        if drug is None:
            if concept.get("text") is not None:
                others.append(concept["text"])
            continue
        drugs.append(drug)
        dose = _ext(ingredient, CUMULATIVE_DOSE_EXT)
        if isinstance(dose, dict) and dose.get("value") is not None:
            doses[drug] = dose["value"]
    if drugs:
        line["drugs"] = drugs
    if others:
        line["other_drugs"] = others
    if doses:
        line["doses_mg_m2"] = doses
    _put_given(line, "regimen", (medication.get("code") or {}).get("text"))
    period = resource.get("effectivePeriod") or {}
    _put_given(line, "start_date", _day(period.get("start")))
    _put_given(line, "end_date", _day(period.get("end")))
    _put_given(line, "cycles", _ext(resource, CYCLES_EXT))
    _put_given(line, "best_response", _code_of(_ext(resource, BEST_RESPONSE_EXT), RESPONSE_SYSTEM))
    reasons = resource.get("statusReason") or [None]
    _put_given(line, "stop_reason", _code_of(reasons[0], STOP_REASON_SYSTEM))
    notes = resource.get("note") or []
    if notes:
        _put_given(line, "note", notes[0].get("text"))
    _put_given(line, "for_other_cancer", _ext(resource, OTHER_CANCER_EXT))
    return line


def _course_from(resource: Mapping[str, Any]) -> dict[str, Any]:
    course: dict[str, Any] = {"timing": _ext(resource, RT_TIMING_EXT)}
    for site in resource.get("bodySite", []) or []:
        _put_given(course, "target", _code_of(site, RT_TARGET_SYSTEM))
        _put_given(course, "region", site.get("text"))
    _put_given(course, "technique", _ext(resource, RT_TECHNIQUE_EXT))
    dose = _ext(resource, RT_DOSE_EXT)
    if isinstance(dose, dict):
        _put_given(course, "dose_gy", dose.get("value"))
    _put_given(course, "fractions", _ext(resource, RT_FRACTIONS_EXT))
    period = resource.get("performedPeriod") or {}
    _put_given(course, "start_date", _day(period.get("start")))
    _put_given(course, "end_date", _day(period.get("end")))
    return course


def _comorbidity_from(resource: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"code": _code_of(resource.get("code"), COMORBIDITY_SYSTEM)}
    _put_given(item, "severity", _code_of(resource.get("severity"), SEVERITY_SYSTEM))
    egfr = _ext(resource, EGFR_EXT)
    if isinstance(egfr, dict):
        _put_given(item, "egfr_ml_min", egfr.get("value"))
    notes = resource.get("note") or []
    if notes:
        _put_given(item, "note", notes[0].get("text"))
    return item


def _to_cm(quantity: Mapping[str, Any], problems: list[str]) -> Any:
    value = quantity.get("value")
    unit = quantity.get("code") or quantity.get("unit")
    if unit == "mm" and isinstance(value, int | float):
        return value / 10
    if unit not in ("cm", None):
        problems.append(f"tumor.size_cm: unit {unit!r} is not cm or mm")
    return value
