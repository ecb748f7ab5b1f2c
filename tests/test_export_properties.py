"""Any valid case (Hypothesis, ``tests/strategies.py``) exports: one page, escaped HTML,
inert Markdown, a JSON round trip and a slide that opens."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pypdf import PdfReader
from strategies import valid_case_models

from lms_board.assess import assess
from lms_board.case import Case, parse_case
from lms_board.export import (
    render_html,
    render_json,
    render_markdown,
    render_onepager,
    render_slides,
)

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(case=valid_case_models())
def test_any_valid_case_is_one_page_on_both_papers(case: Case) -> None:
    a = assess(case)
    for paper in ("a4", "letter"):
        reader = PdfReader(io.BytesIO(render_onepager(case, a, paper=paper)))  # type: ignore[arg-type]
        assert len(reader.pages) == 1
        assert case.case_id in " ".join(reader.pages[0].extract_text().split())


@SETTINGS
@given(case=valid_case_models())
def test_any_valid_case_exports_escaped_text_forms(case: Case) -> None:
    a = assess(case)
    doc = render_html(case, a)
    assert "<script" not in doc.lower()
    md = render_markdown(case, a)
    assert "<script" not in md.lower()
    data = json.loads(render_json(case, a))
    assert parse_case(data["case"]) == case
    prs = Presentation(io.BytesIO(render_slides([(case, a)])))
    assert len(prs.slides) == 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=valid_case_models(), room=st.integers(0, 600))
def test_a_fitted_history_always_ends_with_the_latest_line(case: Case, room: int) -> None:
    """Whatever the room, the history keeps its latest treatment line (shortened at worst);
    older lines give way first and are counted."""
    from lms_board.export.text import (
        history_fitted,
        history_text,
        treatment_line_brief,
        treatment_line_short,
        treatment_line_text,
    )

    text = history_fitted(case, lambda t: len(t) <= room)
    lines = case.history.numbered_lines()
    if text == history_text(case) or not lines:
        return
    last = lines[-1]
    forms = (treatment_line_text(last), treatment_line_short(last), treatment_line_brief(last))
    assert any(text.endswith(form) for form in forms), text
    shown = sum(1 for n in lines if treatment_line_brief(n).split(" (")[0] in text)
    if shown < len(lines):
        assert "earlier line" in text
