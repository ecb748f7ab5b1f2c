"""No page and no export shows a clinician a code: no raw enum value or code (an ``_`` inside
a word), no rule id, no pydantic message ("String should", "Input should", "field required").

Scanned: the AppTest output of every page (text, headings, captions, alerts, metrics, widget
labels and options, table cells) for the demo cases and the review cases with the most
history and prompts, the intake page with its errors showing, and the text of every export
(one-pager and report PDF, HTML, Markdown, slide, board packet). The JSON export keeps the codes
by design and the "details" toggle shows rule ids to those who ask: both are left out here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_pages import W, data_dir, goto, load_demo, new_session, open_case

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import Case, load_case
from lms_board.demo import demo_cases
from lms_board.export import (
    render_html,
    render_markdown,
    render_onepager,
    render_packet,
    render_report,
    render_slides,
)
from lms_board.store import open_store

__all__ = ["data_dir"]

CLINICAL = REPO_ROOT / "tests" / "clinical" / "cases"
#: Review cases with the longest histories and the most prompts (issue 10).
REVIEW_IDS = ("RV-01", "RV-06", "RV-22", "RV-27", "RV-43")
PAGES = ("board", "intake", "assessment", "options", "imaging", "evidence", "present", "export")

_UNDERSCORE = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]")
_PYDANTIC = re.compile(r"String should|Input should|[Ff]ield required|required field is missing")
#: Addresses a reader looks up as written (a DOI or URL may hold an underscore).
_ADDRESS = re.compile(r"https?://\S+|doi:\S+|\b10\.\d{4,9}/\S+")


def problems(text: str, assessments: Iterable[Assessment] = ()) -> list[str]:
    """What a clinician should not read in ``text``: each offending word or phrase."""
    plain = _ADDRESS.sub(" ", text)
    found = [m.group(0) for m in _PYDANTIC.finditer(plain)]
    for word in plain.split():
        if _UNDERSCORE.search(word):
            found.append(word)
    for a in assessments:
        found += [r.rule for r in a.classification.rationale if r.rule in plain]
    return found


def test_the_scan_finds_what_the_clinicians_saw() -> None:
    """The strings the issue quotes are caught (so a pass means something)."""
    for seen in (
        "IHC desmin +, sma +, h_caldesmon +",
        "Provisional: the call could change once these are done: no_chest_ct, no_tissue_diagnosis.",
        "case_id: String should match pattern '^[A-Za-z0-9._-]{1,40}$'",
        "tumor.size_cm: Input should be greater than 0",
        "patient.sex: required field is missing",
        "Result: not_done",
    ):
        assert problems(seen), seen
    a = assess(demo_cases()[3])
    rule = a.classification.rationale[0].rule
    assert rule in problems(f"Why: {rule}", [a])
    assert problems("see https://doi.org/10.1000/ab_cd and doi:10.1/x_y") == []


def review_cases() -> list[Case]:
    return [load_case(CLINICAL / f"{case_id}.json") for case_id in REVIEW_IDS]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def slide_text(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    return " ".join(
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("case", demo_cases() + review_cases(), ids=lambda c: c.case_id)
def test_no_export_prints_a_code_a_rule_id_or_a_pydantic_message(case: Case) -> None:
    a = assess(case)
    texts = {
        "one-pager": pdf_text(render_onepager(case, a)),
        "report": pdf_text(render_report(case, a)),
        "html": html_text(render_html(case, a)),
        "markdown": render_markdown(case, a).replace("\\_", "_"),
        "slide": slide_text(render_slides([(case, a)])),
    }
    for name, text in texts.items():
        assert problems(text, [a]) == [], name


def test_the_board_packet_prints_no_code() -> None:
    items = [(c, assess(c)) for c in demo_cases() + review_cases()]
    text = pdf_text(render_packet(items))
    assert problems(text, [a for _, a in items]) == []


# --------------------------------------------------------------------------- pages


def page_text(at: AppTest) -> str:
    """Everything a page shows a reader, markdown escapes removed."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts += [str(e.value) for e in getattr(at, kind)]
    for m in at.metric:
        parts += [str(m.label), str(m.value)]
    for kind in ("selectbox", "multiselect", "radio"):
        for w in getattr(at, kind):
            parts.append(str(w.label))
            parts += [str(o) for o in w.options]
    for kind in ("button", "checkbox", "toggle", "text_input", "text_area"):
        parts += [str(w.label) for w in getattr(at, kind)]
    for frame in at.dataframe:
        value = frame.value
        parts += [str(c) for c in value.columns]
        parts += [str(v) for v in value.astype(str).to_numpy().ravel()]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def _seed(cases: list[Case]) -> None:
    store = open_store()
    for case in cases:
        if store.get(case.case_id) is None:
            store.create(case, "tester")


@pytest.mark.parametrize("case", demo_cases() + review_cases(), ids=lambda c: c.case_id)
def test_no_page_shows_a_code_a_rule_id_or_a_pydantic_message(data_dir: Path, case: Case) -> None:
    _seed([case])
    at = new_session()
    open_case(at, case.case_id)
    a = assess(case)
    for page in PAGES:
        goto(at, page)
        if page == "export":
            at.run()  # the preview's pass
        assert problems(page_text(at), [a]) == [], page


def test_the_intake_page_says_its_errors_in_words(data_dir: Path) -> None:
    at = goto(new_session(), "intake")
    at.text_input(key=W + "case_id").set_value("not an id!").run()
    at.text_input(key=W + "patient.age").set_value("6a2").run()
    at.text_input(key=W + "tumor.size_cm").set_value("0").run()
    at.button(key="intake_save").click().run()
    text = page_text(at)
    assert "Letters, digits, dot, dash or underscore only, at most 40" in text
    assert "Must be more than 0" in text and "Required" in text
    assert problems(text) == []


def test_the_board_with_every_demo_case_shows_no_code(data_dir: Path) -> None:
    at = new_session()
    load_demo(at)
    assert problems(page_text(at)) == []
