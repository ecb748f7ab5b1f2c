"""The case file format v2 (``docs/case-format.md``) as strict pydantic models, and the
one way in for every case: :func:`parse_case`, which reads format v2 and format v1 alike
(v1 is validated as v1, so its messages name v1 fields, then upgraded; see
``lms_board.case_upgrade``).

"Missing" means "not known", never "no": every optional field defaults to ``None`` and
``False`` means "checked, and no"; for lists, ``[]`` means "none" and a missing list or
``null`` means "not known". Unknown keys are rejected so a typo never silently drops data;
every error names its field path (``tumor.size_cm``).

Format v2 adds to v1: the whole treatment history as treatment lines (one per regimen,
drugs from one vocabulary, dates, cycles, doses, best response, why it stopped),
radiotherapy courses, coded comorbidities, menopausal status, the wish to preserve
fertility, what the patient declines, and tumour NGS / homologous-recombination status.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from lms_board import case_v1
from lms_board.case_fields import (
    ABDOMINAL_SITES,
    LOCAL_MRI_SITES,
    TRUNK_EXTREMITY_SITES,
    Biopsy,
    BiopsyRoute,
    CaseId,
    ComorbidityCode,
    Declined,
    Depth,
    HrdStatus,
    IhcResult,
    IsoDate,
    LineSetting,
    Margin,
    MenopausalStatus,
    MetastasisSite,
    Nodes,
    Presentation,
    Radiotherapy,
    RadiotherapyTarget,
    RadiotherapyTechnique,
    RadiotherapyTiming,
    Resectability,
    Response,
    Severity,
    Sex,
    ShortText,
    Site,
    StopReason,
    StrictFloat,
    StrictModel,
    UterineExtension,
    section,
)
from lms_board.case_rules import applies_problems
from lms_board.case_v1 import Extent, Metastasis, Tumor, Workup
from lms_board.drugs import drug_vocabulary
from lms_board.strict_json import DuplicateKeyError, unique_keys
from lms_board.wording import problem_fragment

__all__ = [
    "ABDOMINAL_SITES",
    "LOCAL_MRI_SITES",
    "SCHEMA_VERSION",
    "SUPPORTED_VERSIONS",
    "TRUNK_EXTREMITY_SITES",
    "Biopsy",
    "BiopsyRoute",
    "Case",
    "CaseError",
    "CodedComorbidity",
    "ComorbidityCode",
    "Declined",
    "Depth",
    "Extent",
    "History",
    "HrdStatus",
    "IhcResult",
    "LineSetting",
    "Margin",
    "MenopausalStatus",
    "Metastasis",
    "MetastasisSite",
    "Nodes",
    "NumberedLine",
    "Pathology",
    "Patient",
    "Presentation",
    "Radiotherapy",
    "RadiotherapyCourse",
    "RadiotherapyTarget",
    "RadiotherapyTechnique",
    "RadiotherapyTiming",
    "Resectability",
    "Response",
    "Severity",
    "Sex",
    "Site",
    "StopReason",
    "TreatmentLine",
    "Tumor",
    "UterineExtension",
    "Workup",
    "cross_field_problems",
    "cross_field_problems_raw",
    "error_messages",
    "load_case",
    "parse_case",
    "parse_case_json",
]

SCHEMA_VERSION = 2
#: Versions :func:`parse_case` reads; older ones are upgraded on read.
SUPPORTED_VERSIONS = (1, 2)


def _known_drug(value: str) -> str:
    if value not in drug_vocabulary():
        raise ValueError(
            f"unknown drug '{value}': use a generic name from the drug list "
            "(knowledge/drugs.yaml), or other_drugs for a drug outside it"
        )
    return value


def _schema_version(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("must be the integer 1 or 2 (case format version)")
    return value


DrugId = Annotated[str, StringConstraints(min_length=1, max_length=41), AfterValidator(_known_drug)]
LongText = Annotated[str, StringConstraints(max_length=500)]
#: Drugs one treatment line may list (each at most once; more than the vocabulary holds).
MAX_DRUGS_PER_LINE = 40


class CodedComorbidity(StrictModel):
    """One comorbidity by code; ``egfr_ml_min`` only for renal impairment."""

    code: ComorbidityCode
    severity: Severity | None = None
    egfr_ml_min: StrictInt | None = Field(default=None, ge=1, le=200)
    note: ShortText | None = None


class Patient(case_v1.Patient):
    nullable: ClassVar[tuple[str, ...]] = ("comorbidities", "coded_comorbidities", "declines")
    coded_comorbidities: list[CodedComorbidity] = Field(default_factory=list, max_length=20)
    menopausal_status: MenopausalStatus | None = None
    wishes_fertility_preservation: StrictBool | None = None
    declines: list[Declined] = Field(default_factory=list, max_length=len(Declined))
    pregnant: StrictBool | None = None
    gestational_age_weeks: StrictInt | None = Field(default=None, ge=1, le=42)

    def has_condition(self, code: ComorbidityCode) -> CodedComorbidity | None:
        """The coded comorbidity with that code, if recorded."""
        return next((c for c in self.coded_comorbidities if c.code == code), None)

    def declined(self, what: Declined) -> bool:
        return what in self.declines


class Pathology(case_v1.Pathology):
    tumor_ngs: StrictBool | None = None
    hrd: HrdStatus | None = None


#: A cancer other than the sarcoma, named in a line's regimen or note ("for breast cancer").
_OTHER_CANCER = re.compile(
    r"\b(?:for|of|against)\s+(?:(?:her|his|the|a|an|prior|previous|earlier|early|"
    r"metastatic|adjuvant)\s+){0,3}((?:breast|lung|ovarian|endometrial|cervical|"
    r"prostate|colorectal|bladder|thyroid|testicular|germ[- ]cell)\s+(?:cancer|carcinoma)|"
    r"(?:hodgkin(?:'s)?|non-hodgkin(?:'s)?)\s+lymphoma|hodgkin(?:'s)?\s+disease|"
    r"lymphoma|leuka?emia|retinoblastoma|wilms(?:'s)?\s+tumou?r|neuroblastoma|"
    r"another cancer|other cancer|a (?:prior|previous) cancer)",
    re.IGNORECASE,
)


class TreatmentLine(StrictModel):
    """One regimen: its setting, drugs, dates, cycles, doses, best response, why it stopped.

    ``doses_mg_m2`` holds the cumulative dose of a drug given in this line, in mg/m² of that
    drug (an epirubicin dose stays epirubicin; the anthracycline rule converts it).
    """

    nullable: ClassVar[tuple[str, ...]] = ("drugs", "other_drugs", "doses_mg_m2")
    setting: LineSetting
    line: StrictInt | None = Field(default=None, ge=1, le=15)
    #: No cap below the vocabulary's size: a v1 regimen text naming many drugs must upgrade.
    drugs: list[DrugId] = Field(default_factory=list, max_length=MAX_DRUGS_PER_LINE)
    other_drugs: list[ShortText] = Field(default_factory=list, max_length=8)
    regimen: ShortText | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    cycles: StrictInt | None = Field(default=None, ge=1, le=200)
    doses_mg_m2: dict[DrugId, Annotated[StrictFloat, Field(gt=0, le=5000, allow_inf_nan=False)]] = (
        Field(default_factory=dict)
    )
    best_response: Response | None = None
    stop_reason: StopReason | None = None
    note: LongText | None = None
    #: The cancer the line was given for when it was not this LMS ("breast cancer"): its
    #: anthracycline counts toward the lifetime dose, its outcome says nothing about the LMS.
    for_other_cancer: ShortText | None = None

    @property
    def other_cancer(self) -> str | None:
        """The other cancer this line was given for: ``for_other_cancer``, else a cancer
        other than a sarcoma named in the regimen or note ("EC for breast cancer")."""
        if self.for_other_cancer:
            return self.for_other_cancer
        for text in (self.regimen, self.note):
            match = _OTHER_CANCER.search(text or "")
            if match:
                return match.group(1).lower()
        return None

    @property
    def described(self) -> bool:
        """False for a line known only by its count (no drug, no regimen recorded)."""
        return bool(self.drugs or self.other_drugs or self.regimen)


class RadiotherapyCourse(StrictModel):
    """One course of radiotherapy; ``target: primary_site`` marks the primary's field."""

    timing: RadiotherapyTiming
    target: RadiotherapyTarget | None = None
    region: ShortText | None = None
    technique: RadiotherapyTechnique | None = None
    dose_gy: StrictFloat | None = Field(default=None, gt=0, le=150, allow_inf_nan=False)
    fractions: StrictInt | None = Field(default=None, ge=1, le=60)
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


@dataclass(frozen=True)
class NumberedLine:
    """A treatment line with its place in the history: ``label`` is how a board says it
    ("line 2", "adjuvant", "maintenance after line 1")."""

    index: int
    line: TreatmentLine
    number: int | None
    label: str


_SETTING_LABEL = {
    LineSetting.neoadjuvant: "neoadjuvant",
    LineSetting.adjuvant: "adjuvant",
    LineSetting.perioperative: "perioperative",
    LineSetting.unknown: "setting not recorded",
}


class History(StrictModel):
    """Treatment so far. ``treatment_lines`` oldest first; missing = not known, [] = none."""

    nullable: ClassVar[tuple[str, ...]] = ("treatment_lines", "radiotherapy_courses")
    surgery_date: IsoDate | None = None
    treatment_lines: list[TreatmentLine] = Field(default_factory=list, max_length=30)
    radiotherapy_courses: list[RadiotherapyCourse] = Field(default_factory=list, max_length=20)
    patient_preference: LongText | None = None

    @property
    def systemic_history_known(self) -> bool:
        """False when ``treatment_lines`` is missing or null: systemic history not recorded."""
        return self.given("treatment_lines")

    @property
    def radiotherapy_known(self) -> bool:
        return self.given("radiotherapy_courses")

    def numbered_lines(self) -> list[NumberedLine]:
        """Every line with its advanced-line number (explicit, else counted in order)."""
        out: list[NumberedLine] = []
        current = 0
        for i, tl in enumerate(self.treatment_lines):
            other = tl.other_cancer
            if other is not None:
                # Given for another cancer: no LMS line number, no LMS outcome.
                out.append(NumberedLine(i, tl, None, f"for {other}"))
            elif tl.setting == LineSetting.advanced:
                current = tl.line if tl.line is not None else current + 1
                out.append(NumberedLine(i, tl, current, f"line {current}"))
            elif tl.setting == LineSetting.maintenance:
                number = tl.line if tl.line is not None else (current or None)
                label = f"maintenance after line {number}" if number else "maintenance"
                out.append(NumberedLine(i, tl, number, label))
            else:
                out.append(NumberedLine(i, tl, None, _SETTING_LABEL[tl.setting]))
        return out

    @property
    def advanced_lines_given(self) -> int:
        """Lines of systemic therapy given for advanced disease (0 when none recorded)."""
        numbers = [n.number for n in self.numbered_lines() if n.line.setting == "advanced"]
        return max((n for n in numbers if n is not None), default=0)


class Case(StrictModel):
    """One LMS case as brought to the board (format v2); ``case_id`` is a pseudonym."""

    nullable: ClassVar[tuple[str, ...]] = ("workup", "history")
    schema_version: Annotated[Literal[2], BeforeValidator(_schema_version)]
    case_id: CaseId
    board_date: IsoDate | None = None
    presenter: Annotated[str, StringConstraints(max_length=120)] | None = None
    question: Annotated[str, StringConstraints(max_length=1000)] | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None
    patient: Patient
    tumor: Tumor
    pathology: Pathology
    workup: Workup = Field(default_factory=Workup)
    extent: Extent
    history: History = Field(default_factory=History)
    _source_version: int = PrivateAttr(default=SCHEMA_VERSION)

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Case:
        problems = cross_field_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def source_version(self) -> int:
        """The format version the case was read from (1: upgraded on read)."""
        return self._source_version

    def __eq__(self, other: object) -> bool:
        """Equal when the cases say the same (the version they were read from aside)."""
        if not isinstance(other, Case):
            return NotImplemented
        return self.__dict__ == other.__dict__ and _private(self) == _private(other)

    __hash__ = None  # type: ignore[assignment]

    def free_text(self) -> dict[str, str]:
        """Every free-text value by its field path (``patient.comorbidities[0]``)."""
        out: dict[str, str] = {}
        for path, value in _free_text_items(self):
            if value:
                out[path] = value
        return out

    def to_json_dict(self) -> dict[str, Any]:
        """The case as case-format JSON, keeping exactly the keys that were given."""
        return self._restore_nulls(self.model_dump(mode="json", exclude_unset=True))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)


def _private(case: Case) -> dict[str, Any]:
    return {k: v for k, v in (case.__pydantic_private__ or {}).items() if k != "_source_version"}


def _free_text_items(case: Case) -> Iterator[tuple[str, str | None]]:
    yield "presenter", case.presenter
    yield "question", case.question
    yield "notes", case.notes
    yield "tumor.location", case.tumor.location
    yield "history.patient_preference", case.history.patient_preference
    for path, values in (
        ("patient.comorbidities", case.patient.comorbidities),
        ("pathology.molecular", case.pathology.molecular),
    ):
        for i, v in enumerate(values):
            yield f"{path}[{i}]", v
    for i, c in enumerate(case.patient.coded_comorbidities):
        yield f"patient.coded_comorbidities[{i}].note", c.note
    for i, tl in enumerate(case.history.treatment_lines):
        base = f"history.treatment_lines[{i}]"
        yield f"{base}.regimen", tl.regimen
        yield f"{base}.note", tl.note
        yield f"{base}.for_other_cancer", tl.for_other_cancer
        for j, d in enumerate(tl.other_drugs):
            yield f"{base}.other_drugs[{j}]", d
    for i, rt in enumerate(case.history.radiotherapy_courses):
        yield f"history.radiotherapy_courses[{i}].region", rt.region


# --------------------------------------------------------------------------- cross-field rules


def cross_field_problems(case: Case) -> list[str]:
    """The cross-field rules of the format; each message names both fields."""
    return cross_field_problems_raw(case.model_dump(mode="json"))


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return [
        (i, v)
        for i, v in enumerate(value if isinstance(value, list) else [])
        if isinstance(v, dict)
    ]


BEFORE_START = "must not be before the start date ({base}.start_date)"


def _after(end: Any, start: Any) -> bool:
    """Both ISO date strings (or dates) and ``end`` before ``start``."""
    return isinstance(end, str) and isinstance(start, str) and end < start


def cross_field_problems_raw(data: dict[str, Any]) -> list[str]:
    """The cross-field rules on a decoded v2 case (valid or not), so they are named even
    when other fields fail too: every v1 rule, then the rules of the v2 fields."""
    problems = case_v1.cross_field_problems_raw(data)
    problems += [p for p in applies_problems(data, SCHEMA_VERSION) if p not in problems]
    patient, history = section(data, "patient"), section(data, "history")
    codes: set[Any] = set()
    for i, c in _items(patient.get("coded_comorbidities")):
        code = c.get("code")
        if isinstance(code, str) and code != ComorbidityCode.other and code in codes:
            problems.append(f"patient.coded_comorbidities[{i}].code: duplicate code '{code}'")
        codes.add(code)
    declines = patient.get("declines")
    if isinstance(declines, list):
        hashable = [d for d in declines if isinstance(d, str)]
        for d in sorted({d for d in hashable if hashable.count(d) > 1}):
            problems.append(f"patient.declines: '{d}' is listed twice")
    problems.extend(_treatment_line_problems(history.get("treatment_lines")))
    for i, rt in _items(history.get("radiotherapy_courses")):
        if _after(rt.get("end_date"), rt.get("start_date")):
            base = f"history.radiotherapy_courses[{i}]"
            problems.append(f"{base}.end_date: {BEFORE_START.format(base=base)}")
    return problems


def _treatment_line_problems(lines: Any) -> list[str]:
    problems: list[str] = []
    last_number, last_path = 0, ""
    for i, tl in _items(lines):
        base = f"history.treatment_lines[{i}]"
        setting, number = tl.get("setting"), tl.get("line")
        if setting == LineSetting.advanced and isinstance(number, int):
            if number <= last_number:
                problems.append(
                    f"{base}.line: advanced lines must be numbered in increasing order, "
                    f"oldest first (line {number} after line {last_number}, "
                    f"{last_path}.line)"
                )
            last_number, last_path = number, base
        elif setting == LineSetting.advanced:
            last_number, last_path = last_number + 1, base
        raw_drugs = tl.get("drugs")
        drugs: list[Any] = raw_drugs if isinstance(raw_drugs, list) else []
        for d in sorted({d for d in drugs if isinstance(d, str) and drugs.count(d) > 1}):
            problems.append(f"{base}.drugs: '{d}' is listed twice")
        doses = tl.get("doses_mg_m2")
        for d in doses if isinstance(doses, dict) else {}:
            if d not in drugs:
                problems.append(f"{base}.doses_mg_m2.{d}: a dose for a drug not in {base}.drugs")
        if _after(tl.get("end_date"), tl.get("start_date")):
            problems.append(f"{base}.end_date: {BEFORE_START.format(base=base)}")
    return problems


# --------------------------------------------------------------------------- reading


class CaseError(ValueError):
    """A case that cannot be loaded; ``messages`` name every bad field."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def error_messages(exc: ValidationError, version: int = SCHEMA_VERSION) -> list[str]:
    """``field.path: problem`` for every error of a validation failure, the problem in plain
    words (``tumor.size_cm: must be more than 0``; :func:`lms_board.wording.problem_fragment`)."""
    out: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        # Drop the enum/union/validator branch labels pydantic adds to the location.
        loc = tuple(
            p
            for p in loc
            if not (isinstance(p, str) and (p.startswith("function-") or p == "[key]"))
        )
        if err["type"] == "extra_forbidden":
            msg = f"unknown field (not in case format v{version})"
        else:
            msg = problem_fragment(err["type"], err.get("ctx"), err["msg"])
        path = _loc_path(loc)
        if not path:
            # Cross-field messages already carry their field paths.
            out.extend(part.strip() for part in msg.split("; ") if part.strip())
            continue
        out.append(f"{path}: {msg}")
    return out


def _validate(
    model: type[Case] | type[case_v1.CaseV1], data: dict[str, Any], raw_rules: Any, version: int
) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        messages = error_messages(exc, version)
        messages += [m for m in raw_rules(data) if m not in messages]
        raise CaseError(messages) from None


def parse_case(data: Any) -> Case:
    """Validate a decoded JSON value as a case of any supported version (v1 is upgraded),
    or raise :class:`CaseError`."""
    from lms_board.case_upgrade import upgrade_v1

    if not isinstance(data, dict):
        raise CaseError([f"(root): a case must be a JSON object, not {type(data).__name__}"])
    version = data.get("schema_version")
    try:
        if version == 1 and not isinstance(version, bool):
            v1 = _validate(case_v1.CaseV1, data, case_v1.cross_field_problems_raw, 1)
            case: Case = _validate(Case, upgrade_v1(v1), cross_field_problems_raw, 2)
            case._source_version = 1
            return case
        if version == SCHEMA_VERSION and not isinstance(version, bool):
            return _validate(Case, data, cross_field_problems_raw, 2)  # type: ignore[no-any-return]
    except RecursionError:
        raise CaseError(["(root): the case is nested too deeply"]) from None
    if "schema_version" not in data:
        message = "schema_version: required field is missing"
    else:
        message = "schema_version: must be the integer 1 or 2 (case format version)"
    try:
        _validate(Case, {**data, "schema_version": SCHEMA_VERSION}, cross_field_problems_raw, 2)
    except CaseError as exc:
        raise CaseError([message, *exc.messages]) from None
    except RecursionError:
        raise CaseError([message, "(root): the case is nested too deeply"]) from None
    raise CaseError([message])


def parse_case_json(text: str | bytes) -> Case:
    """Decode and validate case JSON, or raise :class:`CaseError`."""
    try:
        if isinstance(text, bytes):
            # Strict UTF-8 (json.loads on bytes would let encoded surrogates through).
            text = text.decode("utf-8-sig")
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=unique_keys)
    except UnicodeDecodeError as exc:
        raise CaseError([f"(file): not UTF-8 text ({exc.reason})"]) from None
    except DuplicateKeyError as exc:
        raise CaseError([f"(file): {exc}"]) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise CaseError([f"(file): not valid JSON ({exc})"]) from None
    except RecursionError:
        raise CaseError(["(file): JSON nested too deeply"]) from None
    if "\\u" in text and _has_lone_surrogate(data):
        raise CaseError(
            ["(file): holds a lone UTF-16 surrogate escape (\\ud800–\\udfff): not text"]
        )
    return parse_case(data)


def _has_lone_surrogate(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (RecursionError, ValueError):
        return False
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a case file")


def load_case(path: str | Path) -> Case:
    """Read a case file, or raise :class:`CaseError` naming the file problem or the fields."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CaseError([f"(file): {p} does not exist"]) from None
    except IsADirectoryError:
        raise CaseError([f"(file): {p} is a folder, not a case file"]) from None
    except OSError as exc:
        raise CaseError([f"(file): cannot read {p} ({exc.strerror})"]) from None
    if not raw.strip():
        raise CaseError([f"(file): {p} is empty"])
    return parse_case_json(raw)
