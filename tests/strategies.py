"""Hypothesis strategies and small helpers for case files (case format v2, and v1 to test
the upgrade).

Reused across the suite; the names below are stable (pydantic v2 has no Hypothesis plugin,
so the format's bounds and cross-field rules are written out here once).

Strategies
- ``valid_cases(control_chars=True)`` -> ``dict``: a JSON-ready format v2 case dict that
  respects every bound and cross-field rule of ``docs/case-format.md`` and validates into
  :class:`lms_board.case.Case`. Covers every enum value (every treatment-line setting, stop
  reason and best response, radiotherapy timings, comorbidity codes, declines, menopausal
  status, HRD status), optional fields missing or ``null``, treatment lines with drugs from
  the vocabulary, doses and dates, radiotherapy courses, metastasis lists without duplicate
  sites, boundary numbers, and free text with unicode, markup and ``<script>``.
  ``control_chars=False`` keeps C0/C1 control characters (NUL included) out of free text.
- ``valid_v1_cases(control_chars=True)`` -> ``dict``: the same in format v1
  (``shared/spec/case-format.md``), with v1's history (``prior_regimens``...) to be upgraded.
- ``valid_case_models()`` -> ``Case``: ``valid_cases()`` validated.
- ``treatment_lines()`` -> ``list[dict]``: a valid ``history.treatment_lines`` list.
- ``free_text(max_len)`` -> ``str``: free text up to ``max_len`` characters, sometimes exactly
  ``max_len``, often one of ``TRICKY_TEXTS``.
- ``invalid_case_dicts(version=2)`` -> ``Invalid(data, field)``: a decoded JSON value that is
  NOT a valid case, with the field path (``tumor.size_cm``) the error message must name (``""``
  when the root itself is wrong). Wrong types, unknown drug ids, missing and unknown keys,
  out-of-range numbers, huge strings, odd unicode in enums and ids, cross-field breaches.
  ``version=1``: a broken v1 file, whose message must name the v1 field.
- ``malformed_payloads()`` -> ``bytes``: a case *file* (v1 or v2) that must be refused:
  everything of ``invalid_case_dicts()`` encoded, plus NaN/Infinity, truncated JSON, invalid
  UTF-8, empty and whitespace-only files, non-object roots.

Helpers
- ``changed(data, {"tumor.size_cm": 5.1, "pathology.needle_gauge": DELETE})``: a deep copy of a
  case dict with values set (or keys removed with ``DELETE``) by dotted path; ``[i]`` indexes a
  list (``"extent.metastases[0].count"``; one past the end appends).
- ``to_bytes(value)``: JSON-encode like a case file (UTF-8, NaN allowed so it can be tested).
- ``base_v1()`` / ``base_v2()``: a complete valid case of each version; ``V1_CROSS_FIELD`` and
  ``V2_CROSS_FIELD``: one breach per cross-field rule with the fields its message names.
"""

from __future__ import annotations

import copy
import json
import re
import string
from datetime import date
from typing import Any, NamedTuple

from hypothesis import strategies as st
from pydantic import BaseModel

from lms_board import case_v1
from lms_board.case import (
    Biopsy,
    BiopsyRoute,
    Case,
    CodedComorbidity,
    ComorbidityCode,
    Declined,
    Depth,
    Extent,
    History,
    HrdStatus,
    IhcResult,
    LineSetting,
    Margin,
    MenopausalStatus,
    MetastasisSite,
    Nodes,
    Pathology,
    Patient,
    Presentation,
    Radiotherapy,
    RadiotherapyCourse,
    RadiotherapyTarget,
    RadiotherapyTechnique,
    RadiotherapyTiming,
    Resectability,
    Response,
    Severity,
    Sex,
    Site,
    StopReason,
    TreatmentLine,
    Tumor,
    UterineExtension,
    Workup,
    parse_case,
)
from lms_board.drugs import drug_vocabulary

__all__ = [
    "CONTAINER_FIELDS",
    "DELETE",
    "DRUG_IDS",
    "TRICKY_TEXTS",
    "V1_CROSS_FIELD",
    "V2_CROSS_FIELD",
    "Invalid",
    "base_v1",
    "base_v2",
    "changed",
    "free_text",
    "invalid_case_dicts",
    "malformed_payloads",
    "to_bytes",
    "treatment_lines",
    "valid_case_models",
    "valid_cases",
    "valid_v1_cases",
]

#: Free text a renderer, an exporter or a store must survive unchanged.
TRICKY_TEXTS: tuple[str, ...] = (
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "**bold** _it_ [link](javascript:alert(1)) `code` # heading",
    "{{ 7*7 }} ${7*7} %s %(x)s {0}",
    "'; DROP TABLE cases; --",
    "Ümit Çelik — Œdème, naïve façade, ß",
    "ساركوما عضلية ملساء",  # Arabic (right-to-left)
    "平滑筋肉腫 子宮",
    "👩‍⚕️ 🧬 🩻",
    "a\u200bzero\u200dwidth\ufeff",
    "line one\nline two\r\nline three\ttab",
    'back\\slash / and "quotes"',
    "   ",
    "",
)

#: Fields whose value is a list or an object (format v2). ``valid_cases`` sends them missing or
#: as a value, never ``null``; the model reads ``null`` as "not known" for most of them.
CONTAINER_FIELDS: tuple[str, ...] = (
    "workup",
    "history",
    "patient.comorbidities",
    "patient.coded_comorbidities",
    "patient.declines",
    "pathology.ihc",
    "pathology.molecular",
    "extent.metastases",
    "history.treatment_lines",
    "history.radiotherapy_courses",
)


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


#: Marker for ``changed``: remove the key.
DELETE: Any = _Delete()

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _split(path: str) -> list[str | int]:
    return [name if name else int(idx) for name, idx in _PATH_PART.findall(path)]


def changed(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with each dotted path set to its value (``DELETE`` removes it).

    Missing intermediate objects are created, so ``{"workup.pet_ct": True}`` works on a case
    without ``workup``.
    """
    out = copy.deepcopy(data)
    for path, value in changes.items():
        parts = _split(path)
        node: Any = out
        for part in parts[:-1]:
            if isinstance(part, str) and isinstance(node, dict) and node.get(part) is None:
                node[part] = {}
            node = node[part]
        last = parts[-1]
        if value is DELETE:
            if isinstance(node, dict):
                node.pop(last, None)
            else:
                del node[last]
        elif isinstance(node, list) and last == len(node):
            node.append(copy.deepcopy(value))
        else:
            node[last] = copy.deepcopy(value)
    return out


def to_bytes(value: Any) -> bytes:
    """Encode a decoded value as a case file would be (UTF-8 JSON; NaN/Infinity kept)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- valid cases

_DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)


def _characters(control_chars: bool) -> st.SearchStrategy[str]:
    if control_chars:
        return st.characters(exclude_categories=("Cs",))
    return st.characters(exclude_categories=("Cs", "Cc"))


def free_text(max_len: int, *, control_chars: bool = True) -> st.SearchStrategy[str]:
    """Free text of at most ``max_len`` characters (sometimes exactly ``max_len``)."""
    chars = _characters(control_chars)
    tricky = [t for t in TRICKY_TEXTS if len(t) <= max_len]
    if not control_chars:
        tricky = [t for t in tricky if not any(ord(c) < 32 and c not in "\n\r\t" for c in t)]
    return st.one_of(
        st.text(chars, max_size=min(max_len, 60)),
        st.sampled_from(tricky),
        st.builds(lambda c: c * max_len, chars),
        st.builds(
            lambda t: (t * (max_len // max(len(t), 1) + 1))[:max_len],
            st.sampled_from([t for t in tricky if t]),
        ),
    )


def _int(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.one_of(st.sampled_from([lo, hi]), st.integers(lo, hi))


def _number(lo: float, hi: float, *, exclude_min: bool = False) -> st.SearchStrategy[float | int]:
    """A JSON number in range, sometimes an integer, sometimes the bound itself."""
    ends: list[float | int] = [hi] if exclude_min else [lo, hi]
    floats = st.floats(
        min_value=lo,
        max_value=hi,
        exclude_min=exclude_min,
        allow_nan=False,
        allow_infinity=False,
    )
    ints = st.integers(int(lo) + 1 if exclude_min else int(lo), int(hi))
    return st.one_of(st.sampled_from(ends), ints, floats)


_OPTIONAL = st.sampled_from(("missing", "null", "value", "value"))
_OPTIONAL_CONTAINER = st.sampled_from(("missing", "value", "value"))


def _put(
    draw: st.DrawFn,
    obj: dict[str, Any],
    key: str,
    strategy: st.SearchStrategy[Any],
    *,
    container: bool = False,
) -> None:
    mode = draw(_OPTIONAL_CONTAINER if container else _OPTIONAL)
    if mode == "null":
        obj[key] = None
    elif mode == "value":
        obj[key] = draw(strategy)


def _values(enum: type[Any]) -> list[str]:
    return [member.value for member in enum]


@st.composite
def _patient(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    p: dict[str, Any] = {"age": draw(_int(0, 120)), "sex": draw(st.sampled_from(_values(Sex)))}
    _put(draw, p, "ecog", _int(0, 4))
    _put(draw, p, "lvef_percent", _int(10, 90))
    _put(draw, p, "cumulative_doxorubicin_mg_m2", _number(0, 1000))
    _put(
        draw,
        p,
        "comorbidities",
        st.lists(free_text(200, control_chars=control_chars), max_size=4),
        container=True,
    )
    return p


@st.composite
def _tumor(draw: st.DrawFn, site: str, control_chars: bool) -> dict[str, Any]:
    t: dict[str, Any] = {"site": site}
    _put(draw, t, "location", free_text(200, control_chars=control_chars))
    _put(draw, t, "size_cm", _number(0, 60, exclude_min=True))
    _put(draw, t, "depth", st.sampled_from(_values(Depth)))
    _put(draw, t, "presentation", st.sampled_from(_values(Presentation)))
    if site == Site.uterus.value:
        _put(draw, t, "uterine_extension", st.sampled_from(_values(UterineExtension)))
        _put(draw, t, "morcellated", st.booleans())
    return t


_IHC_KEYS = st.one_of(
    st.sampled_from(["desmin", "sma", "h_caldesmon", "kit", "dog1", "er", "pr", "KIT", "Dog1"]),
    st.text(_characters(False), min_size=1, max_size=40),
)


@st.composite
def _pathology(
    draw: st.DrawFn, resectability: str | None, worked_up: bool, control_chars: bool
) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if worked_up:
        p["biopsy"] = draw(
            st.sampled_from(["core_needle", "incisional", "excisional", "resection"])
        )
    else:
        _put(draw, p, "biopsy", st.sampled_from(_values(Biopsy)))
    biopsy = p.get("biopsy")
    if biopsy == Biopsy.core_needle.value:
        _put(draw, p, "needle_gauge", _int(8, 25))
    _put(draw, p, "image_guided", st.booleans())
    _put(draw, p, "biopsy_route", st.sampled_from(_values(BiopsyRoute)))
    if worked_up:
        p["diagnosis_confirmed"] = p["expert_review"] = True
    else:
        _put(draw, p, "diagnosis_confirmed", st.booleans())
        _put(draw, p, "expert_review", st.booleans())
    _put(draw, p, "differentiation_score", _int(1, 3))
    _put(draw, p, "mitoses_per_10hpf", _int(0, 500))
    _put(draw, p, "necrosis_percent", _number(0, 100))
    _put(draw, p, "reported_grade", _int(1, 3))
    _put(
        draw,
        p,
        "ihc",
        st.dictionaries(_IHC_KEYS, st.sampled_from(_values(IhcResult)), max_size=6),
        container=True,
    )
    _put(
        draw,
        p,
        "molecular",
        st.lists(free_text(200, control_chars=control_chars), max_size=3),
        container=True,
    )
    if resectability == Resectability.resected.value or biopsy in (
        Biopsy.excisional.value,
        Biopsy.resection.value,
    ):
        _put(draw, p, "margin", st.sampled_from(_values(Margin)))
    return p


@st.composite
def _workup(draw: st.DrawFn, worked_up: bool) -> dict[str, Any]:
    w: dict[str, Any] = {}
    for key in ("mri_primary", "ct_chest", "ct_abdomen_pelvis", "pet_ct", "radiograph_primary"):
        if worked_up and key != "pet_ct":
            w[key] = True
        else:
            _put(draw, w, key, st.booleans())
    _put(draw, w, "last_imaging_date", _DATES)
    return w


@st.composite
def _metastasis(draw: st.DrawFn, site: str, worked_up: bool) -> dict[str, Any]:
    m: dict[str, Any] = {"site": site}
    if worked_up:
        m["count"] = draw(st.one_of(st.integers(1, 3), _int(1, 100)))
        m["resectable"] = draw(st.booleans())
    else:
        _put(draw, m, "count", _int(1, 100))
        _put(draw, m, "resectable", st.booleans())
    return m


@st.composite
def _extent(
    draw: st.DrawFn, site: str, resectability: str | None, worked_up: bool
) -> dict[str, Any]:
    e: dict[str, Any] = {}
    _put(draw, e, "nodes", st.sampled_from(_values(Nodes)))
    met_sites = draw(st.lists(st.sampled_from(_values(MetastasisSite)), unique=True, max_size=4))
    if draw(st.booleans()) or met_sites:
        e["metastases"] = [draw(_metastasis(s, worked_up)) for s in met_sites]
    _put(draw, e, "disease_free_interval_months", _int(0, 600))
    if resectability is not None:
        e["primary_resectability"] = resectability
    elif draw(st.booleans()):
        e["primary_resectability"] = None
    if site == Site.extremity.value:
        _put(draw, e, "limb_salvage_feasible", st.booleans())
    _put(draw, e, "neurovascular_involvement", st.booleans())
    return e


@st.composite
def _history_v1(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    h: dict[str, Any] = {}
    _put(draw, h, "surgery_date", _DATES)
    _put(draw, h, "radiotherapy", st.sampled_from(_values(Radiotherapy)))
    _put(draw, h, "systemic_lines_advanced", _int(0, 10))
    regimens = st.one_of(
        st.lists(st.sampled_from(V1_REGIMEN_TEXTS), max_size=4),
        st.lists(free_text(200, control_chars=control_chars), max_size=3),
    )
    _put(draw, h, "prior_regimens", regimens, container=True)
    _put(draw, h, "progressed_on_last_line", st.booleans())
    _put(draw, h, "patient_preference", free_text(500, control_chars=control_chars))
    return h


#: Regimens as v1 files write them (free text naming drugs by generic and other names).
V1_REGIMEN_TEXTS: tuple[str, ...] = (
    "doxorubicin",
    "doxorubicin + trabectedin, then trabectedin maintenance",
    "gemcitabine + docetaxel",
    "Gem/Doc",
    "trabectedin",
    "eribulin",
    "pazopanib",
    "doxorubicin + dacarbazine",
    "Adriamycin + DTIC",
    "AI (doxorubicin/ifosfamide) x6",
    "epirubicin + ifosfamide",
    "letrozole",
    "unknown regimen abroad",
)

#: Every drug id of the vocabulary (``knowledge/drugs.yaml``).
DRUG_IDS: tuple[str, ...] = tuple(sorted(drug_vocabulary()))


def _dated(draw: st.DrawFn, obj: dict[str, Any], *, end_allowed: bool = True) -> None:
    """``start_date`` and ``end_date`` (each optional), the end never before the start."""
    first, second = sorted((draw(_DATES), draw(_DATES)))
    _put(draw, obj, "start_date", st.just(first))
    if end_allowed:
        _put(draw, obj, "end_date", st.just(second))


@st.composite
def _treatment_line(
    draw: st.DrawFn, setting: str, number: int | None, control_chars: bool
) -> dict[str, Any]:
    tl: dict[str, Any] = {"setting": setting}
    if number is not None:
        tl["line"] = number
    drugs = draw(st.lists(st.sampled_from(DRUG_IDS), unique=True, max_size=4))
    _put(draw, tl, "drugs", st.just(drugs), container=True)
    _put(
        draw,
        tl,
        "other_drugs",
        st.lists(free_text(200, control_chars=control_chars), max_size=2),
        container=True,
    )
    _put(draw, tl, "regimen", free_text(200, control_chars=control_chars))
    stop = draw(st.sampled_from(["missing", "null", *_values(StopReason)]))
    if stop == "null":
        tl["stop_reason"] = None
    elif stop != "missing":
        tl["stop_reason"] = stop
    _dated(draw, tl, end_allowed=stop != StopReason.ongoing.value)
    _put(draw, tl, "cycles", _int(1, 200))
    given = tl.get("drugs") or []
    dosed = draw(st.lists(st.sampled_from(given), unique=True)) if given else []
    _put(
        draw,
        tl,
        "doses_mg_m2",
        st.fixed_dictionaries({d: _number(0, 5000, exclude_min=True) for d in dosed}),
        container=True,
    )
    _put(draw, tl, "best_response", st.sampled_from(_values(Response)))
    _put(draw, tl, "note", free_text(500, control_chars=control_chars))
    _put(draw, tl, "for_other_cancer", free_text(200, control_chars=control_chars))
    return tl


@st.composite
def treatment_lines(draw: st.DrawFn, control_chars: bool = True) -> list[dict[str, Any]]:
    """Treatment lines oldest first, every setting and stop reason; advanced lines numbered
    (explicitly, sometimes skipping a number, or counted) in increasing order."""
    settings = draw(st.lists(st.sampled_from(_values(LineSetting)), max_size=6))
    lines: list[dict[str, Any]] = []
    current = 0
    for setting in settings:
        number: int | None = None
        if setting == LineSetting.advanced.value:
            if current < 14 and draw(st.booleans()):
                number = current + draw(st.integers(1, 2))
            current = number if number is not None else current + 1
        elif setting == LineSetting.maintenance.value and draw(st.booleans()):
            number = draw(st.sampled_from([current or 1, 15]))
        lines.append(draw(_treatment_line(setting, number, control_chars)))
    return lines


@st.composite
def _radiotherapy_course(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    rt: dict[str, Any] = {"timing": draw(st.sampled_from(_values(RadiotherapyTiming)))}
    _put(draw, rt, "target", st.sampled_from(_values(RadiotherapyTarget)))
    _put(draw, rt, "region", free_text(200, control_chars=control_chars))
    _put(draw, rt, "technique", st.sampled_from(_values(RadiotherapyTechnique)))
    _put(draw, rt, "dose_gy", _number(0, 150, exclude_min=True))
    _put(draw, rt, "fractions", _int(1, 60))
    _dated(draw, rt)
    return rt


@st.composite
def _history(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    h: dict[str, Any] = {}
    _put(draw, h, "surgery_date", _DATES)
    _put(draw, h, "treatment_lines", treatment_lines(control_chars), container=True)
    _put(
        draw,
        h,
        "radiotherapy_courses",
        st.lists(_radiotherapy_course(control_chars), max_size=3),
        container=True,
    )
    _put(draw, h, "patient_preference", free_text(500, control_chars=control_chars))
    return h


@st.composite
def _coded_comorbidities(draw: st.DrawFn, control_chars: bool) -> list[dict[str, Any]]:
    codes = draw(st.lists(st.sampled_from(_values(ComorbidityCode)), max_size=4))
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for code in codes:
        if code in seen and code != ComorbidityCode.other.value:
            continue
        seen.add(code)
        c: dict[str, Any] = {"code": code}
        _put(draw, c, "severity", st.sampled_from(_values(Severity)))
        if code == ComorbidityCode.renal_impairment.value:
            _put(draw, c, "egfr_ml_min", _int(1, 200))
        _put(draw, c, "note", free_text(200, control_chars=control_chars))
        out.append(c)
    return out


@st.composite
def _patient_v2(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    p = draw(_patient(control_chars))
    _put(draw, p, "coded_comorbidities", _coded_comorbidities(control_chars), container=True)
    if p["sex"] != Sex.male.value:
        _put(draw, p, "menopausal_status", st.sampled_from(_values(MenopausalStatus)))
        _put(draw, p, "pregnant", st.booleans())
        if p.get("pregnant") is True:
            _put(draw, p, "gestational_age_weeks", _int(1, 42))
    _put(draw, p, "wishes_fertility_preservation", st.booleans())
    _put(
        draw,
        p,
        "declines",
        st.lists(st.sampled_from(_values(Declined)), unique=True),
        container=True,
    )
    return p


_CASE_ID = st.from_regex(r"\A[A-Za-z0-9._-]{1,40}\Z")


@st.composite
def _case(draw: st.DrawFn, version: int, control_chars: bool) -> dict[str, Any]:
    site = draw(st.sampled_from(_values(Site)))
    resectability = draw(st.sampled_from([None, *_values(Resectability)]))
    # Half the cases are fully worked up (tissue confirmed, imaging done, metastases counted
    # and judged), so the non-provisional classifications come up as often as incomplete ones.
    worked_up = draw(st.booleans())
    case: dict[str, Any] = {"schema_version": version, "case_id": draw(_CASE_ID)}
    _put(draw, case, "board_date", _DATES)
    _put(draw, case, "presenter", free_text(120, control_chars=control_chars))
    _put(draw, case, "question", free_text(1000, control_chars=control_chars))
    _put(draw, case, "notes", free_text(5000, control_chars=control_chars))
    patient = _patient_v2 if version == 2 else _patient
    case["patient"] = draw(patient(control_chars))
    case["tumor"] = draw(_tumor(site, control_chars))
    case["pathology"] = draw(_pathology(resectability, worked_up, control_chars))
    if version == 2:
        _put(draw, case["pathology"], "tumor_ngs", st.booleans())
        if case["pathology"].get("tumor_ngs") is not False:
            _put(draw, case["pathology"], "hrd", st.sampled_from(_values(HrdStatus)))
    if worked_up:
        case["workup"] = draw(_workup(worked_up))
    else:
        _put(draw, case, "workup", _workup(worked_up), container=True)
    case["extent"] = draw(_extent(site, resectability, worked_up))
    history = _history if version == 2 else _history_v1
    _put(draw, case, "history", history(control_chars), container=True)
    return case


def valid_cases(control_chars: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON-ready case dict in format v2 that validates into ``Case`` (module docstring)."""
    return _case(2, control_chars)


def valid_v1_cases(control_chars: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON-ready case dict in format v1 (``shared/spec/case-format.md``) that validates
    into ``CaseV1`` and is upgraded by ``parse_case``."""
    return _case(1, control_chars)


def valid_case_models(control_chars: bool = True) -> st.SearchStrategy[Case]:
    """``valid_cases()`` validated into ``Case``."""
    return valid_cases(control_chars=control_chars).map(parse_case)


# --------------------------------------------------------------------------- invalid cases


class Invalid(NamedTuple):
    """A decoded JSON value that is not a valid case, and the field its error must name."""

    data: Any
    field: str


#: Every field a case must have (case formats v1 and v2 alike).
REQUIRED_FIELDS = (
    "schema_version",
    "case_id",
    "patient",
    "tumor",
    "pathology",
    "extent",
    "patient.age",
    "patient.sex",
    "tumor.site",
)

_COMMON_OUT_OF_RANGE: dict[str, tuple[Any, ...]] = {
    "schema_version": (0, 3),
    "patient.age": (-1, 121, 10**9),
    "patient.ecog": (-1, 5),
    "patient.lvef_percent": (9, 91),
    "patient.cumulative_doxorubicin_mg_m2": (-0.01, 1000.01, 1e308),
    "tumor.size_cm": (0, -1, 60.01, 1e308),
    "pathology.differentiation_score": (0, 4),
    "pathology.mitoses_per_10hpf": (-1, 501),
    "pathology.necrosis_percent": (-0.1, 100.1),
    "pathology.reported_grade": (0, 4),
    "extent.disease_free_interval_months": (-1, 601),
}

#: Field path -> values outside its bounds (one step outside, and far outside), format v2.
OUT_OF_RANGE: dict[str, tuple[Any, ...]] = {
    **_COMMON_OUT_OF_RANGE,
    "patient.coded_comorbidities[1].egfr_ml_min": (0, 201),
    "history.treatment_lines[0].line": (0, 16),
    "history.treatment_lines[0].cycles": (0, 201),
    "history.treatment_lines[0].doses_mg_m2.doxorubicin": (0, -1, 5000.01),
    "history.radiotherapy_courses[0].dose_gy": (0, 150.01),
    "history.radiotherapy_courses[0].fractions": (0, 61),
}
#: The same for format v1.
V1_OUT_OF_RANGE: dict[str, tuple[Any, ...]] = {
    **_COMMON_OUT_OF_RANGE,
    "history.systemic_lines_advanced": (-1, 11),
}

_COMMON_WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    "case_id": (1, None, [], {}),
    "board_date": ("2026-13-01", "01/12/2026", "tomorrow", []),
    "presenter": ([], {}, 1),
    "patient": ([], "patient", 1),
    "patient.age": ("fifty", [54], {"v": 54}, 54.5),
    "patient.sex": ("F", 1, ["female"]),
    "patient.comorbidities": ("diabetes", {"a": "b"}),
    "tumor.site": ("leg", 0, ["extremity"]),
    "tumor.size_cm": ("big", [11], {"cm": 11}),
    "pathology.biopsy": ("trucut", True),
    "pathology.ihc": (["desmin"], "desmin+", {"desmin": "weak"}),
    "pathology.molecular": ("BRCA2", {"x": 1}),
    "workup": ([], "done"),
    "workup.ct_chest": ("maybe", [True], {"v": True}, 2),
    "extent": ([], None),
    "extent.nodes": ("N2", 0),
    "extent.metastases": ("lung", {"site": "lung"}, [{"site": "moon"}], [{}], ["lung"]),
    "extent.primary_resectability": ("operable",),
}

#: Field path -> values of a type (or vocabulary) the field never takes, format v2.
WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    **_COMMON_WRONG_TYPES,
    "patient.coded_comorbidities": ("diabetes", [{"code": "gout"}], [{}], ["diabetes"]),
    "patient.menopausal_status": ("pre", True),
    "patient.pregnant": ("yes", 1),
    "patient.wishes_fertility_preservation": ("yes", 1),
    "patient.declines": ("surgery", ["amputate"], [True]),
    "pathology.tumor_ngs": ("done", 1),
    "pathology.hrd": ("positive", True),
    "history.treatment_lines": (
        "doxorubicin",
        {"setting": "advanced"},
        [{"setting": "second"}],
        [{}],
        ["doxorubicin"],
    ),
    "history.treatment_lines[0].drugs": ("doxorubicin", [1], {"doxorubicin": 1}),
    "history.treatment_lines[0].drugs[0]": ("adriamycine", "Doxorubicin", "doxorubicin ", ""),
    "history.treatment_lines[0].stop_reason": ("progressed", True),
    "history.treatment_lines[0].best_response": ("PR", 1),
    "history.treatment_lines[0].start_date": ("2026-02-30", 2020),
    "history.radiotherapy_courses": ("preoperative", [{"timing": "sometimes"}]),
}
#: The same for format v1.
V1_WRONG_TYPES: dict[str, tuple[Any, ...]] = {
    **_COMMON_WRONG_TYPES,
    "history.prior_regimens": ("doxorubicin",),
    "history.radiotherapy": ("yes", True),
}

#: Field path -> values whose unicode makes them wrong (homoglyphs, zero-width, full-width).
ODD_UNICODE: dict[str, tuple[str, ...]] = {
    "case_id": ("DEMO–01", "DEMO 01", "ДЕМО-01", "DEMO-01\u200b", "ＤＥＭＯ", "x" * 41, ""),
    "tumor.site": ("extremіty", "extremity\u200b", "ＥＸＴＲＥＭＩＴＹ", " extremity"),
    "patient.sex": ("femаle", "female\u0000"),
    "extent.nodes": ("Ν0", "N0\u200b"),
}

_COMMON_MAX_LENGTHS: dict[str, int] = {
    "presenter": 120,
    "question": 1000,
    "notes": 5000,
    "tumor.location": 200,
    "patient.comorbidities[0]": 200,
    "pathology.molecular[0]": 200,
    "history.patient_preference": 500,
}
#: Field path -> maximum length; values one over and far over are generated (format v2).
MAX_LENGTHS: dict[str, int] = {
    **_COMMON_MAX_LENGTHS,
    "patient.coded_comorbidities[0].note": 200,
    "history.treatment_lines[0].regimen": 200,
    "history.treatment_lines[0].other_drugs[0]": 200,
    "history.treatment_lines[0].note": 500,
    "history.radiotherapy_courses[0].region": 200,
}
#: The same for format v1.
V1_MAX_LENGTHS: dict[str, int] = {**_COMMON_MAX_LENGTHS, "history.prior_regimens[0]": 200}


def base_v1() -> dict[str, Any]:
    """A complete valid format v1 case: every section present so any path can be changed."""
    return {
        "schema_version": 1,
        "case_id": "HYP-01",
        "board_date": "2026-12-01",
        "presenter": "Sarcoma fellow",
        "question": "Plan?",
        "notes": "Deep thigh mass.",
        "patient": {"age": 54, "sex": "female", "ecog": 0, "comorbidities": ["asthma"]},
        "tumor": {"site": "extremity", "location": "left thigh", "size_cm": 11.0},
        "pathology": {
            "biopsy": "core_needle",
            "needle_gauge": 14,
            "ihc": {"desmin": "positive"},
            "molecular": ["RB1 loss"],
        },
        "workup": {"ct_chest": True},
        "extent": {"nodes": "N0", "metastases": [], "primary_resectability": "resectable"},
        "history": {"prior_regimens": ["doxorubicin"], "patient_preference": "none stated"},
    }


def base_v2() -> dict[str, Any]:
    """A complete valid format v2 case with every v2 list filled, so any path can be changed."""
    return changed(
        base_v1(),
        {
            "schema_version": 2,
            "patient.coded_comorbidities": [
                {"code": "diabetes"},
                {"code": "renal_impairment", "severity": "mild", "egfr_ml_min": 55},
            ],
            "patient.menopausal_status": "postmenopausal",
            "patient.wishes_fertility_preservation": False,
            "patient.declines": ["amputation"],
            "pathology.tumor_ngs": True,
            "pathology.hrd": "proficient",
            "history": {
                "treatment_lines": [
                    {
                        "setting": "advanced",
                        "line": 1,
                        "drugs": ["doxorubicin"],
                        "other_drugs": ["investigational agent"],
                        "regimen": "doxorubicin 75 mg/m2 q3w",
                        "start_date": "2025-01-10",
                        "end_date": "2025-04-20",
                        "cycles": 6,
                        "doses_mg_m2": {"doxorubicin": 450},
                        "best_response": "stable_disease",
                        "stop_reason": "progression",
                        "note": "tolerated well",
                    }
                ],
                "radiotherapy_courses": [
                    {
                        "timing": "preoperative",
                        "target": "primary_site",
                        "region": "left thigh",
                        "technique": "external_beam",
                        "dose_gy": 50,
                        "fractions": 25,
                        "start_date": "2024-10-01",
                        "end_date": "2024-11-05",
                    }
                ],
                "patient_preference": "none stated",
            },
        },
    )


_MODELS: dict[str, type[BaseModel]] = {
    "": Case,
    "patient": Patient,
    "tumor": Tumor,
    "pathology": Pathology,
    "workup": Workup,
    "extent": Extent,
    "history": History,
    "patient.coded_comorbidities[0]": CodedComorbidity,
    "history.treatment_lines[0]": TreatmentLine,
    "history.radiotherapy_courses[0]": RadiotherapyCourse,
}
_V1_MODELS: dict[str, type[BaseModel]] = {
    "": case_v1.CaseV1,
    "patient": case_v1.Patient,
    "tumor": Tumor,
    "pathology": case_v1.Pathology,
    "workup": Workup,
    "extent": Extent,
    "history": case_v1.History,
}

#: One cross-field rule broken (format v1 rules, kept by v2) -> the fields its message names.
V1_CROSS_FIELD: tuple[tuple[dict[str, Any], tuple[str, ...]], ...] = (
    ({"tumor.uterine_extension": "confined"}, ("tumor.uterine_extension", "tumor.site")),
    ({"tumor.morcellated": False}, ("tumor.morcellated", "tumor.site")),
    (
        {"tumor.site": "trunk", "extent.limb_salvage_feasible": True},
        ("extent.limb_salvage_feasible", "tumor.site"),
    ),
    ({"pathology.biopsy": "incisional"}, ("pathology.needle_gauge", "pathology.biopsy")),
    (
        {"pathology.margin": "R0"},
        ("pathology.margin", "extent.primary_resectability", "pathology.biopsy"),
    ),
    (
        {"extent.metastases": [{"site": "lung"}, {"site": "lung", "count": 2}]},
        ("extent.metastases[1].site",),
    ),
)

#: The cross-field rules format v2 adds, each broken once on ``base_v2()``.
V2_CROSS_FIELD: tuple[tuple[dict[str, Any], tuple[str, ...]], ...] = (
    (
        {"patient.sex": "male", "patient.menopausal_status": "premenopausal"},
        ("patient.menopausal_status", "patient.sex"),
    ),
    (
        {"patient.coded_comorbidities[0].egfr_ml_min": 40},
        ("patient.coded_comorbidities[0].egfr_ml_min", "patient.coded_comorbidities[0].code"),
    ),
    (
        {"patient.coded_comorbidities[1].code": "diabetes"},
        ("patient.coded_comorbidities[1].code",),
    ),
    ({"patient.declines": ["surgery", "surgery"]}, ("patient.declines",)),
    (
        {"patient.sex": "male", "patient.menopausal_status": DELETE, "patient.pregnant": False},
        ("patient.pregnant", "patient.sex"),
    ),
    (
        {"patient.gestational_age_weeks": 12},
        ("patient.gestational_age_weeks", "patient.pregnant"),
    ),
    ({"pathology.tumor_ngs": False}, ("pathology.hrd", "pathology.tumor_ngs")),
    (
        {"history.treatment_lines[0].setting": "adjuvant"},
        ("history.treatment_lines[0].line", "history.treatment_lines[0].setting"),
    ),
    (
        {
            "history.treatment_lines[1]": {"setting": "advanced", "line": 1},
        },
        ("history.treatment_lines[1].line", "history.treatment_lines[0].line"),
    ),
    (
        {"history.treatment_lines[0].drugs": ["doxorubicin", "doxorubicin"]},
        ("history.treatment_lines[0].drugs",),
    ),
    (
        {"history.treatment_lines[0].doses_mg_m2": {"doxorubicin": 450, "ifosfamide": 9000}},
        ("history.treatment_lines[0].doses_mg_m2.ifosfamide", "history.treatment_lines[0].drugs"),
    ),
    (
        {"history.treatment_lines[0].end_date": "2024-12-31"},
        ("history.treatment_lines[0].end_date", "history.treatment_lines[0].start_date"),
    ),
    (
        {"history.treatment_lines[0].stop_reason": "ongoing"},
        ("history.treatment_lines[0].end_date", "history.treatment_lines[0].stop_reason"),
    ),
    (
        {"history.radiotherapy_courses[0].end_date": "2024-09-30"},
        ("history.radiotherapy_courses[0].end_date", "history.radiotherapy_courses[0].start_date"),
    ),
)


@st.composite
def invalid_case_dicts(draw: st.DrawFn, version: int = 2) -> Invalid:
    """A decoded JSON value that must be refused, and the field path its error must name
    (``version`` 1: a broken format v1 file, whose message names the v1 field)."""
    v1 = version == 1
    base_of = base_v1 if v1 else base_v2
    base = draw(st.sampled_from([base_of(), _uterus(base_of())]))
    kind = draw(
        st.sampled_from(
            (
                "root",
                "missing",
                "unknown_key",
                "out_of_range",
                "wrong_type",
                "odd_unicode",
                "too_long",
                "cross_field",
            )
        )
    )
    if kind == "root":
        value = draw(
            st.one_of(
                st.lists(st.integers(), max_size=3),
                st.text(max_size=10),
                st.integers(),
                st.none(),
                st.booleans(),
                st.just([base_of()]),
            )
        )
        return Invalid(value, "")
    if kind == "missing":
        path = draw(st.sampled_from(REQUIRED_FIELDS))
        return Invalid(changed(base, {path: DELETE}), path)
    if kind == "unknown_key":
        models = _V1_MODELS if v1 else _MODELS
        parent = draw(st.sampled_from(sorted(models)))
        name = draw(
            st.one_of(
                st.sampled_from(["sise_cm", "Site", "mrn", "name", "__proto__", "size_cm "]),
                st.text(string.ascii_lowercase + "_", min_size=1, max_size=12),
            )
        )
        if name in models[parent].model_fields:
            name = name + "_x"
        path = f"{parent}.{name}" if parent else name
        return Invalid(changed(base, {path: 1}), path)
    if kind == "out_of_range":
        table = V1_OUT_OF_RANGE if v1 else OUT_OF_RANGE
        path = draw(st.sampled_from(sorted(table)))
        return Invalid(changed(base, {path: draw(st.sampled_from(table[path]))}), path)
    if kind == "wrong_type":
        table = V1_WRONG_TYPES if v1 else WRONG_TYPES
        path = draw(st.sampled_from(sorted(table)))
        value = draw(st.sampled_from(table[path]))
        return Invalid(changed(base, {path: value}), path)
    if kind == "odd_unicode":
        path = draw(st.sampled_from(sorted(ODD_UNICODE)))
        return Invalid(changed(base, {path: draw(st.sampled_from(ODD_UNICODE[path]))}), path)
    if kind == "too_long":
        lengths = V1_MAX_LENGTHS if v1 else MAX_LENGTHS
        path = draw(st.sampled_from(sorted(lengths)))
        size = draw(st.sampled_from([lengths[path] + 1, 200_000]))
        char = draw(st.sampled_from(["x", "é", "🩻", "<"]))
        return Invalid(changed(base, {path: char * size}), path)
    # cross_field: one rule broken; the message names the first field of the pair.
    breaches = V1_CROSS_FIELD if v1 else V1_CROSS_FIELD + V2_CROSS_FIELD
    changes, fields = draw(st.sampled_from(breaches))
    return Invalid(changed(base_of(), changes), fields[0])


def _uterus(base: dict[str, Any]) -> dict[str, Any]:
    return changed(
        base,
        {
            "tumor.site": "uterus",
            "tumor.uterine_extension": "confined",
            "tumor.morcellated": False,
        },
    )


@st.composite
def malformed_payloads(draw: st.DrawFn) -> bytes:
    """The bytes of a case file that must be refused (see the module docstring)."""
    kind = draw(
        st.sampled_from(
            ("invalid_dict", "nan_inf", "truncated", "bad_utf8", "blank", "not_json", "deep")
        )
    )
    if kind == "invalid_dict":
        return to_bytes(draw(invalid_case_dicts(draw(st.sampled_from([1, 2])))).data)
    if kind == "nan_inf":
        path = draw(
            st.sampled_from(
                [
                    "tumor.size_cm",
                    "pathology.necrosis_percent",
                    "patient.cumulative_doxorubicin_mg_m2",
                    "patient.age",
                ]
            )
        )
        value = draw(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
        text = to_bytes(changed(base_v2(), {path: value}))
        if draw(st.booleans()) and value == float("inf"):
            text = text.replace(b"Infinity", b"1e999")
        return text
    full = to_bytes(draw(st.one_of(valid_cases(False), valid_v1_cases(False))))
    if kind == "truncated":
        # The root object's closing brace is the last byte: any shorter prefix is invalid JSON.
        return full[: draw(st.integers(0, len(full) - 1))]
    if kind == "bad_utf8":
        cut = draw(st.integers(0, len(full)))
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80"]))
        return full[:cut] + junk + full[cut:]
    if kind == "blank":
        return draw(st.sampled_from([b"", b" ", b"\n\n", b"\t \r\n", b"\xef\xbb\xbf"]))
    if kind == "not_json":
        return draw(
            st.sampled_from(
                [
                    b"schema_version: 1\ncase_id: X\n",
                    b"<case><id>1</id></case>",
                    b"{'schema_version': 1}",
                    b'{"schema_version": 1,}',
                    b"\x00\x01\x02",
                    b"%PDF-1.7",
                ]
            )
        )
    depth = draw(st.integers(50, 100_000))
    version = draw(st.sampled_from([b"1", b"2"]))
    return b'{"schema_version": ' + version + b', "notes": ' + b"[" * depth + b"]" * depth + b"}"
