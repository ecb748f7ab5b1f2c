"""The one-page PDF, read back with pypdf: always one page, and it says what matters.

Real PDFs from the real ``assess()`` of every demo and shared case, plus a maximal case
(every free-text field at its maximum, 8 metastasis sites, 12 long options) on A4 and Letter.
"""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, datetime

import pytest
from conftest import shared_case_files
from pypdf import PdfReader
from test_export_samples import LAST_LINE_LABEL, UNICODE, XSS, maximal_case, rich, xss_case

from lms_board import DISCLAIMER
from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import Case, load_case
from lms_board.decision import BoardDecision
from lms_board.demo import demo_cases
from lms_board.export import render_onepager
from lms_board.export.onepager import TIGHTEN, Budget, budgets

PAPERS = ("a4", "letter")
SIZES = {"a4": (595, 842), "letter": (612, 792)}
GENERATED = date(2026, 11, 21)


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
    """Extracted text with every run of white space as one space."""
    return " ".join(text.split())


def page_text(pdf: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in read(pdf).pages))


def assert_one_page(pdf: bytes, paper: str) -> str:
    reader = read(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == SIZES[paper]
    return flat(reader.pages[0].extract_text())


def assert_says_what_matters(text: str, case: Case, a: Assessment) -> None:
    assert case.case_id in text
    assert a.classification.label in text
    assert DISCLAIMER in text
    assert "Page 1 of 1" in text
    # The minimal budget still shows three options and one trial: those must be printed whole.
    for option in a.options[:3]:
        assert option.name in text, option.name
    if a.trials:
        assert a.trials[0].nct in text
    for trial in a.trials:  # any trial id on the page is printed whole, never clipped
        if trial.nct[:6] in text:
            assert trial.nct in text


def demo_and_shared() -> list[Case]:
    return demo_cases() + [load_case(p) for p in shared_case_files()]


@pytest.mark.parametrize("paper", PAPERS)
def test_every_demo_and_shared_case_is_one_page(paper: str) -> None:
    cases = demo_and_shared()
    assert len(cases) >= 9
    for case in cases:
        a = assess(case)
        text = assert_one_page(render_onepager(case, a, paper=paper, generated=GENERATED), paper)  # type: ignore[arg-type]
        assert_says_what_matters(text, case, a)
        assert "Generated 2026-11-21" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_maximal_case_stays_on_one_page(paper: str) -> None:
    case = maximal_case()
    a = rich(case, options=12, trials=6, not_suitable=8)
    text = assert_one_page(render_onepager(case, a, paper=paper), paper)  # type: ignore[arg-type]
    assert case.case_id in text
    assert a.classification.label in text
    assert "12 listed" in text
    assert "more options: see the full report" in text
    assert "…see full report" in text  # the question or notes were cut by rule
    assert a.trials[0].nct in text
    assert "Shortened to one page" in text
    # The history gives way from its oldest lines: the latest line is on the page.
    assert f"{LAST_LINE_LABEL}: doxorubicin" in text
    assert "earlier lines: see the full report" in text or "earlier lines →" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_text_without_spaces_wraps_and_stays_on_one_page(paper: str) -> None:
    case = maximal_case(text="Ü" + "x" * 50)  # words longer than any column
    a = rich(case, options=9, trials=4, not_suitable=5)
    text = assert_one_page(render_onepager(case, a, paper=paper), paper)  # type: ignore[arg-type]
    assert case.case_id in text


def test_rich_assessment_prints_options_and_trials_with_references() -> None:
    case = demo_cases()[0]
    a = rich(case, options=4, trials=2, not_suitable=2, long=False)
    text = assert_one_page(render_onepager(case, a), "a4")
    for option in a.options:
        assert option.name in text
    for trial in a.trials:
        assert trial.nct in text
        assert "as of 2025-06-26" in text
    for n in a.not_suitable:
        assert n.name in text
    # The first option cites ev-00 (a DOI) and ev-05 (a PMID): both are in the references.
    assert "doi:10.1000/sample.0" in text
    assert "PMID 30000005" in text
    assert "years from baseline" in text  # the surveillance chart's axis
    assert "Next 2027-04-01" in text


def test_unicode_and_script_text_print_as_plain_text() -> None:
    case = xss_case()
    text = page_text(render_onepager(case, assess(case)))
    assert XSS in text
    assert UNICODE in text
    for ch in "üç≥±–µ":
        assert ch in text


def test_only_the_embedded_dejavu_font_is_used() -> None:
    case = xss_case()
    reader = read(render_onepager(case, assess(case)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(fonts[k].get_object()["/BaseFont"]) for k in fonts]
    assert names and all("DejaVuSans" in n for n in names), names
    assert not any(core in n for n in names for core in ("Helvetica", "Times", "Courier"))


def test_board_decision_fills_the_recommendation_box() -> None:
    case = demo_cases()[0]
    decision = BoardDecision(
        recommendation="Preoperative radiotherapy 50 Gy, then wide excision; µ ≥ ±",
        options_chosen=["Preoperative RT + resection"],
        specialties_present=["surgery", "radiology", "pathology", "oncology"],
        follow_up="MRI after RT",
        decided_at=datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
    )
    empty = page_text(render_onepager(case, assess(case)))
    filled = page_text(render_onepager(case, assess(case), decision=decision))
    assert "to be completed at the meeting" in empty
    assert decision.recommendation in filled
    assert "decided 2026-12-03" in filled
    assert "MRI after RT" in filled


def test_generated_date_and_knowledge_review_date_in_footer() -> None:
    from lms_board.knowledge import knowledge_reviewed_date

    case = demo_cases()[0]
    text = page_text(render_onepager(case, assess(case), generated=datetime(2027, 1, 2, 9, 30)))
    assert "Generated 2027-01-02" in text
    assert f"knowledge base reviewed {knowledge_reviewed_date().isoformat()}" in text


def test_budget_ladder_only_ever_tightens() -> None:
    ladder = budgets()
    assert ladder[0] == Budget()
    assert len(ladder) == len(TIGHTEN) + 1
    for before, after in itertools.pairwise(ladder):
        changed = [
            f for f in Budget.__dataclass_fields__ if getattr(before, f) != getattr(after, f)
        ]
        assert len(changed) == 1
        assert getattr(after, changed[0]) < getattr(before, changed[0])
    # The tightest budget still shows the essentials.
    last = ladder[-1]
    assert last.options >= 3 and last.trials >= 1 and last.question >= 2


def test_bad_paper_is_refused() -> None:
    case = demo_cases()[0]
    with pytest.raises(ValueError, match="paper"):
        render_onepager(case, assess(case), paper="a5")  # type: ignore[arg-type]


@pytest.mark.parametrize("paper", PAPERS)
def test_every_treatment_line_of_a_demo_history_is_on_the_page(paper: str) -> None:
    """DEMO-10 (five lines after surgery): each line is named, the last one whole."""
    case = next(c for c in demo_cases() if c.case_id == "DEMO-10")
    a = assess(case)
    text = assert_one_page(render_onepager(case, a, paper=paper, generated=GENERATED), paper)  # type: ignore[arg-type]
    lines = case.history.numbered_lines()
    assert len(lines) == 5
    assert "line 4: eribulin (" in text and "progression" in text.split("line 4: eribulin")[1]
    shown = [n.label for n in lines if f"{n.label}: " in text]
    hidden = len(lines) - len(shown)
    assert shown == [n.label for n in lines][hidden:], "only the oldest lines may give way"
    if hidden:
        assert f"+{hidden} earlier line" in text
