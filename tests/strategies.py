"""Hypothesis strategies and small helpers for case files (case format v1).

Reused across the suite; the names below are stable (pydantic v2 has no Hypothesis plugin,
so the format's bounds and cross-field rules are written out here once).

Strategies
- ``valid_cases(control_chars=True)`` -> ``dict``: a JSON-ready case dict that respects every
  bound and cross-field rule of ``shared/spec/case-format.md`` and validates into
  :class:`lms_board.case.Case`. Covers every enum value, optional fields missing or ``null``
  (``null`` only for scalar fields, see ``CONTAINER_FIELDS``), metastasis lists without
  duplicate sites, boundary numbers, and free text with unicode, markup and ``<script>``.
  ``control_chars=False`` keeps C0/C1 control characters (NUL included) out of free text.
- ``valid_case_models()`` -> ``Case``: the same, validated.
- ``free_text(max_len)`` -> ``str``: free text up to ``max_len`` characters, sometimes exactly
  ``max_len``, often one of ``TRICKY_TEXTS``.
- ``invalid_case_dicts()`` -> ``Invalid(data, field)``: a decoded JSON value that is NOT a valid
  case, with the field path (``tumor.size_cm``) the error message must name (``""`` when the
  root itself is wrong). Wrong types, missing and unknown keys, out-of-range numbers, huge
  strings, odd unicode in enums and ids, cross-field breaches.
- ``malformed_payloads()`` -> ``bytes``: a case *file* that must be refused: everything of
  ``invalid_case_dicts()`` encoded, plus NaN/Infinity, truncated JSON, invalid UTF-8, empty and
  whitespace-only files, non-object roots.

Helpers
- ``changed(data, {"tumor.size_cm": 5.1, "pathology.needle_gauge": DELETE})``: a deep copy of a
  case dict with values set (or keys removed with ``DELETE``) by dotted path; ``[i]`` indexes a
  list (``"extent.metastases[0].count"``).
- ``to_bytes(value)``: JSON-encode like a case file (UTF-8, NaN allowed so it can be tested).
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

from lms_board.case import (
    Biopsy,
    BiopsyRoute,
    Case,
    Depth,
    Extent,
    IhcResult,
    Margin,
    MetastasisSite,
    Nodes,
    Pathology,
    Patient,
    Presentation,
    Radiotherapy,
    Resectability,
    Sex,
    Site,
    Tumor,
    UterineExtension,
    Workup,
)

__all__ = [
    "CONTAINER_FIELDS",
    "DELETE",
    "TRICKY_TEXTS",
    "Invalid",
    "changed",
    "free_text",
    "invalid_case_dicts",
    "malformed_payloads",
    "to_bytes",
    "valid_case_models",
    "valid_cases",
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

#: Fields whose value is a list or an object. The model takes them missing or as a value but
#: (as of this writing) not as ``null``; ``valid_cases`` therefore never sends ``null`` there.
CONTAINER_FIELDS: tuple[str, ...] = (
    "workup",
    "history",
    "patient.comorbidities",
    "pathology.ihc",
    "pathology.molecular",
    "extent.metastases",
    "history.prior_regimens",
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
def _history(draw: st.DrawFn, control_chars: bool) -> dict[str, Any]:
    h: dict[str, Any] = {}
    _put(draw, h, "surgery_date", _DATES)
    _put(draw, h, "radiotherapy", st.sampled_from(_values(Radiotherapy)))
    _put(draw, h, "systemic_lines_advanced", _int(0, 10))
    regimens = st.one_of(
        st.lists(
            st.sampled_from(
                [
                    "doxorubicin",
                    "doxorubicin + trabectedin, then trabectedin maintenance",
                    "gemcitabine + docetaxel",
                    "trabectedin",
                    "eribulin",
                    "pazopanib",
                    "doxorubicin + dacarbazine",
                ]
            ),
            max_size=4,
        ),
        st.lists(free_text(200, control_chars=control_chars), max_size=3),
    )
    _put(draw, h, "prior_regimens", regimens, container=True)
    _put(draw, h, "progressed_on_last_line", st.booleans())
    _put(draw, h, "patient_preference", free_text(500, control_chars=control_chars))
    return h


_CASE_ID = st.from_regex(r"\A[A-Za-z0-9._-]{1,40}\Z")


@st.composite
def valid_cases(draw: st.DrawFn, control_chars: bool = True) -> dict[str, Any]:
    """A JSON-ready case dict that validates into ``Case`` (see the module docstring)."""
    site = draw(st.sampled_from(_values(Site)))
    resectability = draw(st.sampled_from([None, *_values(Resectability)]))
    # Half the cases are fully worked up (tissue confirmed, imaging done, metastases counted
    # and judged), so the non-provisional classifications come up as often as incomplete ones.
    worked_up = draw(st.booleans())
    case: dict[str, Any] = {"schema_version": 1, "case_id": draw(_CASE_ID)}
    _put(draw, case, "board_date", _DATES)
    _put(draw, case, "presenter", free_text(120, control_chars=control_chars))
    _put(draw, case, "question", free_text(1000, control_chars=control_chars))
    _put(draw, case, "notes", free_text(5000, control_chars=control_chars))
    case["patient"] = draw(_patient(control_chars))
    case["tumor"] = draw(_tumor(site, control_chars))
    case["pathology"] = draw(_pathology(resectability, worked_up, control_chars))
    if worked_up:
        case["workup"] = draw(_workup(worked_up))
    else:
        _put(draw, case, "workup", _workup(worked_up), container=True)
    case["extent"] = draw(_extent(site, resectability, worked_up))
    _put(draw, case, "history", _history(control_chars), container=True)
    return case


def valid_case_models(control_chars: bool = True) -> st.SearchStrategy[Case]:
    """``valid_cases()`` validated into ``Case``."""
    return valid_cases(control_chars=control_chars).map(Case.model_validate)


# --------------------------------------------------------------------------- invalid cases


class Invalid(NamedTuple):
    """A decoded JSON value that is not a valid case, and the field its error must name."""

    data: Any
    field: str


#: Every field a case must have (case format v1).
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

#: Field path -> values outside its bounds (one step outside, and far outside).
OUT_OF_RANGE: dict[str, tuple[Any, ...]] = {
    "schema_version": (0, 2),
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
    "history.systemic_lines_advanced": (-1, 11),
}

#: Field path -> values of a type the field never takes.
WRONG_TYPES: dict[str, tuple[Any, ...]] = {
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

#: Field path -> maximum length; values one over and far over are generated.
MAX_LENGTHS: dict[str, int] = {
    "presenter": 120,
    "question": 1000,
    "notes": 5000,
    "tumor.location": 200,
    "patient.comorbidities[0]": 200,
    "pathology.molecular[0]": 200,
    "history.prior_regimens[0]": 200,
    "history.patient_preference": 500,
}


def _base() -> dict[str, Any]:
    """A complete valid case: every section present so any path can be changed."""
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


_MODELS: dict[str, type[BaseModel]] = {
    "": Case,
    "patient": Patient,
    "tumor": Tumor,
    "pathology": Pathology,
    "workup": Workup,
    "extent": Extent,
}


@st.composite
def invalid_case_dicts(draw: st.DrawFn) -> Invalid:
    """A decoded JSON value that must be refused, and the field path its error must name."""
    base = draw(st.sampled_from([_base(), _base_uterus()]))
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
                st.just([_base()]),
            )
        )
        return Invalid(value, "")
    if kind == "missing":
        path = draw(st.sampled_from(REQUIRED_FIELDS))
        return Invalid(changed(base, {path: DELETE}), path)
    if kind == "unknown_key":
        parent = draw(st.sampled_from(["", "patient", "tumor", "pathology", "workup", "extent"]))
        name = draw(
            st.one_of(
                st.sampled_from(["sise_cm", "Site", "mrn", "name", "__proto__", "size_cm "]),
                st.text(string.ascii_lowercase + "_", min_size=1, max_size=12),
            )
        )
        if name in _MODELS[parent].model_fields:
            name = name + "_x"
        path = f"{parent}.{name}" if parent else name
        return Invalid(changed(base, {path: 1}), path)
    if kind == "out_of_range":
        path = draw(st.sampled_from(sorted(OUT_OF_RANGE)))
        return Invalid(changed(base, {path: draw(st.sampled_from(OUT_OF_RANGE[path]))}), path)
    if kind == "wrong_type":
        path = draw(st.sampled_from(sorted(WRONG_TYPES)))
        value = draw(st.sampled_from(WRONG_TYPES[path]))
        return Invalid(changed(base, {path: value}), path)
    if kind == "odd_unicode":
        path = draw(st.sampled_from(sorted(ODD_UNICODE)))
        return Invalid(changed(base, {path: draw(st.sampled_from(ODD_UNICODE[path]))}), path)
    if kind == "too_long":
        path = draw(st.sampled_from(sorted(MAX_LENGTHS)))
        size = draw(st.sampled_from([MAX_LENGTHS[path] + 1, 200_000]))
        char = draw(st.sampled_from(["x", "é", "🩻", "<"]))
        return Invalid(changed(base, {path: char * size}), path)
    # cross_field: one rule broken; the message names the first field of the pair.
    breaches: tuple[tuple[dict[str, Any], str], ...] = (
        ({"tumor.uterine_extension": "confined"}, "tumor.uterine_extension"),
        ({"tumor.morcellated": False}, "tumor.morcellated"),
        (
            {"tumor.site": "trunk", "extent.limb_salvage_feasible": True},
            "extent.limb_salvage_feasible",
        ),
        ({"pathology.biopsy": "incisional"}, "pathology.needle_gauge"),
        ({"pathology.margin": "R0"}, "pathology.margin"),
        (
            {"extent.metastases": [{"site": "lung"}, {"site": "lung", "count": 2}]},
            "extent.metastases[1].site",
        ),
    )
    changes, path = draw(st.sampled_from(breaches))
    return Invalid(changed(_base(), changes), path)


def _base_uterus() -> dict[str, Any]:
    return changed(
        _base(),
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
        return to_bytes(draw(invalid_case_dicts()).data)
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
        text = to_bytes(changed(_base(), {path: value}))
        if draw(st.booleans()) and value == float("inf"):
            text = text.replace(b"Infinity", b"1e999")
        return text
    full = to_bytes(draw(valid_cases(control_chars=False)))
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
    return b'{"schema_version": 1, "notes": ' + b"[" * depth + b"]" * depth + b"}"
