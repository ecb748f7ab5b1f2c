"""Cases as a FHIR R4 (R4B) Bundle shaped after mCODE, and back.

Per case: a Patient with sex only (no name, no identifier, no birth date), an age
Observation, the primary cancer Condition (leiomyosarcoma, ICD-O-3 8890/3; it carries the
pseudonymous ``case_id``), the stage group, tumour size and ECOG Observations, and one
secondary cancer Condition per metastatic site. Codes follow mCODE (LOINC 21908-9/21914-7 stage
group, 21889-1 tumour size with 33728-7 greatest dimension, 89247-1 ECOG; SNOMED CT 128462008
secondary malignant neoplasm) but the resources do not claim mCODE profile conformance.

Import reads back exactly the fields the export carries (:data:`FHIR_FIELDS`); the stage group
is derived by the assessment and is not imported.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

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
    return url, Observation.model_validate(body).model_dump(mode="json", exclude_none=True)


def case_resources(case: Case) -> list[tuple[str, dict[str, Any]]]:
    """``(fullUrl, resource)`` for every resource the export writes for one case."""
    from lms_board.assess import assess

    cid = case.case_id
    patient_id, patient_url = _urn(cid, "patient")
    patient = Patient.model_validate(
        {"resourceType": "Patient", "id": patient_id, "gender": case.patient.sex.value}
    )
    entries: list[tuple[str, dict[str, Any]]] = [
        (patient_url, patient.model_dump(mode="json", exclude_none=True))
    ]
    entries.append(
        _observation(
            cid,
            "age",
            patient_url,
            AGE,
            "social-history",
            valueQuantity={"value": case.patient.age, "unit": "years", "system": UCUM, "code": "a"},
        )
    )
    primary_id, primary_url = _urn(cid, "primary")
    site = case.tumor.site
    # The site is coded; the free-text location, when known, is the body site's text.
    body_site: dict[str, Any] = {"coding": [{"system": TUMOR_SITE_SYSTEM, "code": site.value}]}
    if case.tumor.location:  # FHIR strings cannot be empty: "" is exported as not known
        body_site["text"] = case.tumor.location
    primary: dict[str, Any] = {
        "resourceType": "Condition",
        "id": primary_id,
        "identifier": [{"system": CASE_ID_SYSTEM, "value": cid}],
        "extension": [
            {"url": HISTOLOGY_EXT, "valueCodeableConcept": _concept(LEIOMYOSARCOMA_ICDO3)},
            {"url": METASTASES_RECORDED_EXT, "valueBoolean": case.extent.metastases_known},
        ],
        "code": {"coding": [_coding(LEIOMYOSARCOMA_ICDO3)], "text": "Leiomyosarcoma"},
        "bodySite": [body_site],
        "subject": {"reference": patient_url},
    }
    entries.append(
        (primary_url, Condition.model_validate(primary).model_dump(mode="json", exclude_none=True))
    )
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
                        "valueQuantity": {
                            "value": case.tumor.size_cm,
                            "unit": "cm",
                            "system": UCUM,
                            "code": "cm",
                        },
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
        entries.append(
            (
                met_url,
                Condition.model_validate(secondary).model_dump(mode="json", exclude_none=True),
            )
        )
    return entries


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
            {"resourceType", "id", "meta", "identifier", "extension", "code", "bodySite", "subject"}
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
        if kind == "Condition" and not _has_code(code, SECONDARY_NEOPLASM):
            skipped.add(f"Condition ({_code_label(code)}) is not read: skipped", number)
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
        targets = _focus(resource) + (
            [str(linked.get("reference") or "")] if isinstance(linked, Mapping) else []
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
                for n, r in shared:
                    for code in (AGE, ECOG):
                        if r.get("resourceType") == "Observation" and _has_code(
                            r.get("code"), code
                        ):
                            last[code[1]] = (n, r)
                self._person_only[subject] = sorted(last.values(), key=lambda item: item[0])
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
    extent: dict[str, Any] = {}
    if metastases or _ext(primary, METASTASES_RECORDED_EXT) is True:
        extent["metastases"] = metastases
    data = {
        "schema_version": 1,
        "case_id": case_id,
        "patient": patient_data,
        "tumor": tumor,
        "pathology": {},
        "extent": extent,
    }
    return data, problems


def _to_cm(quantity: Mapping[str, Any], problems: list[str]) -> Any:
    value = quantity.get("value")
    unit = quantity.get("code") or quantity.get("unit")
    if unit == "mm" and isinstance(value, int | float):
        return value / 10
    if unit not in ("cm", None):
        problems.append(f"tumor.size_cm: unit {unit!r} is not cm or mm")
    return value
