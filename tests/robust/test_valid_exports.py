"""Random valid cases (``valid_cases()``) through ``assess`` and every export.

No exception; every one-page PDF is exactly one page (read back with pypdf); the HTML export
holds no active element or script URL and shows the disclaimer; the Markdown export has no
HTML, image or script link; the JSON export round-trips the case. The full report and the
slide run on a smaller sample (they are the slow ones).
"""

from __future__ import annotations

import io
import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader
from strategies import free_text, valid_cases

from lms_board import DISCLAIMER
from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.decision import BoardDecision
from lms_board.export import (
    PAPERS,
    Paper,
    render_html,
    render_json,
    render_markdown,
    render_onepager,
    render_report,
    render_slides,
)
from robust.collect import Failures
from robust.oracles import html_injections, html_scan, markdown_injections
from robust.scale import TALLY, robust_settings

GENERATED = date(2026, 11, 21)
_ITEM = free_text(200, control_chars=False).filter(lambda s: s.strip() != "")


@st.composite
def decisions(draw: st.DrawFn) -> BoardDecision | None:
    """``None`` or a board decision with free text up to its limits."""
    if draw(st.booleans()):
        return None
    recommendation = draw(free_text(5000).filter(lambda s: s.strip() != ""))
    return BoardDecision(
        recommendation=recommendation,
        options_chosen=draw(st.lists(_ITEM, max_size=4)),
        specialties_present=draw(st.lists(_ITEM, max_size=6)),
        patient_preference=draw(st.none() | free_text(2000)),
        trial_referral=draw(st.none() | free_text(2000)),
        follow_up=draw(st.none() | free_text(2000)),
    )


def _pdf_pages(data: bytes) -> int:
    assert data.startswith(b"%PDF-")
    return len(PdfReader(io.BytesIO(data)).pages)


def check_case(data: dict[str, object], decision: BoardDecision | None, paper: Paper) -> None:
    case = parse_case(data)
    a = assess(case)
    assert a.case_id == case.case_id

    pdf = render_onepager(case, a, paper=paper, decision=decision, generated=GENERATED)
    pages = _pdf_pages(pdf)
    assert pages == 1, f"one-pager has {pages} pages"
    TALLY["one-pager PDFs read back with pypdf: exactly one page"] += 1

    html = render_html(case, a, decision=decision, generated=GENERATED)
    assert html_injections(html, allowed_tags=frozenset({"svg"})) == []
    _, _, text = html_scan(html)
    assert DISCLAIMER in text

    md = render_markdown(case, a, decision=decision, generated=GENERATED)
    assert markdown_injections(md) == [], md[:2000]
    assert DISCLAIMER in md.replace("\\", "")

    doc = json.loads(render_json(case, a, decision=decision, generated=GENERATED))
    assert Case.model_validate(doc["case"]) == case
    assert doc["assessment"]["case_id"] == case.case_id


def test_valid_cases_assess_and_export_cleanly() -> None:
    failures = Failures("valid cases: assess + one-pager PDF + HTML + Markdown + JSON")

    @robust_settings(small=25, full=2_000)
    @given(data=valid_cases(), decision=decisions(), paper=st.sampled_from(PAPERS))
    def run(data: dict[str, object], decision: BoardDecision | None, paper: Paper) -> None:
        with failures.collect((data, decision, paper)):
            check_case(data, decision, paper)

    run()
    failures.check()


def test_valid_cases_full_report_and_slide() -> None:
    failures = Failures("valid cases: full report PDF + PowerPoint slide")

    @robust_settings(small=4, full=200)
    @given(data=valid_cases(), decision=decisions())
    def run(data: dict[str, object], decision: BoardDecision | None) -> None:
        with failures.collect((data, decision)):
            case = parse_case(data)
            a = assess(case)
            report = render_report(case, a, decision=decision, generated=GENERATED)
            assert _pdf_pages(report) >= 1
            deck = Presentation(io.BytesIO(render_slides([(case, a)], generated=GENERATED)))
            assert len(deck.slides) == 1

    run()
    failures.check()
