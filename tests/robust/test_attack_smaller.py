"""The smaller findings of issue 11: bare URLs, bidi controls, stored values rewritten by
opening and saving a case. (Duplicate JSON keys and FHIR drops: test_attack_import.py.)"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader
from test_pages import (
    assert_ok,
    data_dir,
    goto,
    new_session,
    open_case,
    texts,
)

from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.demo import demo_case
from lms_board.export import FORMATS, export_bytes
from lms_board.store import open_store
from streamlit_app.components.text import escape_md

__all__ = ["data_dir"]

RLO = "\u202e"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _with(**changes: object) -> Case:
    data = demo_case("DEMO-01").to_json_dict()
    data.update(changes)
    return parse_case(data)


@pytest.mark.parametrize(
    "text",
    [
        "see http://evil.example/x",
        "https://evil.example",
        "www.evil.example/login",
        "write to a@evil.example",
        "ftp://evil.example/`x`",
    ],
)
def test_a_bare_url_is_shown_as_text_not_a_link(text: str) -> None:
    shown = escape_md(text)
    # Outside code spans, nothing a Markdown renderer would autolink is left.
    outside = re.sub(r"(`+) ?.*? ?\1", "", shown)
    for marker in ("://", "www.", "@"):
        assert marker not in outside, shown
    assert "evil.example" in shown


def _export_text(fmt: str, data: bytes) -> str:
    if fmt in ("pdf", "report"):
        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "pptx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    return data.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_bidi_overrides_reach_no_export(fmt: str) -> None:
    case = _with(notes=f"left {RLO}thgir{chr(0x202C)} leg", question=f"{RLO}?noitcesér")
    text = _export_text(fmt, export_bytes(case, assess(case), fmt))  # type: ignore[arg-type]
    assert not BIDI.search(text), fmt


def test_bidi_overrides_are_shown_visibly_in_the_dashboard(data_dir: object) -> None:
    open_store().create(_with(question=f"Resect the {RLO}tfel side?"), "setup")
    at = new_session()
    open_case(at, "DEMO-01")
    goto(at, "assessment")
    shown = texts(at)
    assert RLO not in shown
    assert "[U+202E]tfel side?" in shown


def test_opening_and_saving_a_case_rewrites_nothing(data_dir: object) -> None:
    data = demo_case("DEMO-01").to_json_dict()
    data["pathology"]["ihc"] = {"desmin": "positive", "CD117 (KIT)": "negative"}
    data["patient"]["comorbidities"] = ["hypertension\ncontrolled on ramipril", "asthma"]
    data["notes"] = "  indented note, with trailing spaces  "
    original = parse_case(data)
    open_store().create(original, "setup")
    at = new_session()
    open_case(at, "DEMO-01")
    goto(at, "intake")
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert "Saved DEMO-01 (version 2)" in texts(at)
    stored = open_store().get("DEMO-01")
    assert stored is not None and stored.version == 2
    assert stored.case.to_json_dict() == original.to_json_dict()
