"""Full report, HTML, Markdown, JSON, slides and the board packet, each read back for real
(pypdf, html.parser, python-pptx, json + the pydantic models)."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

import pytest
from pptx import Presentation
from test_export_onepager import flat, read
from test_export_samples import UNICODE, XSS, maximal_case, rich, xss_case

from lms_board import DISCLAIMER
from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import parse_case
from lms_board.demo import demo_cases
from lms_board.export import (
    FORMATS,
    export_bytes,
    file_name,
    render_html,
    render_json,
    render_markdown,
    render_packet,
    render_report,
    render_slides,
)
from lms_board.export.markdown_doc import md


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def parse_html(doc: str) -> _Tags:
    p = _Tags()
    p.feed(doc)
    p.close()
    return p


# ---- HTML -------------------------------------------------------------------------------
def test_html_escapes_every_free_text_field() -> None:
    case = xss_case()
    doc = render_html(case, assess(case))
    parsed = parse_html(doc)
    assert "script" not in parsed.tags  # no element from user text (and none of our own)
    assert "<script" not in doc.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    text = "".join(parsed.data)
    for value in case.free_text().values():
        assert XSS in value
    assert text.count(XSS) >= len(case.free_text()) - 1  # presenter, question, notes, …
    assert UNICODE in text
    assert DISCLAIMER in text


def test_html_is_self_contained_and_print_ready() -> None:
    case = maximal_case()
    a = rich(case, options=5, trials=3, not_suitable=2)
    doc = render_html(case, a)
    assert doc.startswith("<!DOCTYPE html>")
    assert "@media print" in doc and "@page" in doc
    assert "<link" not in doc and "src=" not in doc  # no external files
    text = "".join(parse_html(doc).data)
    for option in a.options:
        assert option.name in text
    for trial in a.trials:
        assert trial.nct in text
    assert "<svg" in doc  # the surveillance timeline


# ---- Markdown ---------------------------------------------------------------------------
def test_markdown_escapes_markup_in_free_text() -> None:
    data = xss_case().to_json_dict()
    data["notes"] = "**bold** _it_ [link](http://e.example) # not a heading\n- not a list\n1. no"
    case = parse_case(data)
    doc = render_markdown(case, assess(case))
    assert "<script>" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "**bold**" not in doc and "\\*\\*bold\\*\\*" in doc
    assert "[link](http" not in doc
    assert "> \\- not a list" in doc
    assert "> 1\\. no" in doc
    assert DISCLAIMER in doc
    assert f"# {case.case_id}: " in doc


def test_md_helper_leaves_plain_words_alone() -> None:
    assert md("Gemcitabine and docetaxel") == "Gemcitabine and docetaxel"
    assert md("a|b") == "a\\|b"
    assert md("x < y & z") == "x &lt; y &amp; z"


# ---- JSON -------------------------------------------------------------------------------
def test_json_round_trips_case_and_assessment() -> None:
    case = maximal_case()
    a = rich(case)
    data = json.loads(render_json(case, a))
    assert set(data) >= {"case", "assessment", "export"}
    assert parse_case(data["case"]) == case
    assert Assessment.model_validate(data["assessment"]) == a
    assert data["export"]["disclaimer"] == DISCLAIMER


# ---- Full report ------------------------------------------------------------------------
def test_full_report_holds_everything() -> None:
    case = maximal_case()
    a = rich(case, options=12, trials=6, not_suitable=8)
    reader = read(render_report(case, a, paper="letter"))
    n = len(reader.pages)
    assert n > 2
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    for option in a.options:
        assert option.name in text
    for trial in a.trials:
        assert trial.nct in text
    for ns in a.not_suitable:
        assert ns.name in text
    assert flat(case.notes or "")[-60:] in text  # the notes in full, to their last words
    for ref in a.evidence.values():
        if ref.pmid:
            assert f"PMID {ref.pmid}" in text
    assert f"Page {n} of {n}" in text
    assert text.count(DISCLAIMER) == n


# ---- Slides -----------------------------------------------------------------------------
def test_slides_one_per_case() -> None:
    cases = demo_cases()
    data = render_slides([(c, assess(c)) for c in cases])
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == len(cases)
    for case, slide in zip(cases, prs.slides, strict=True):
        text = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert case.case_id in text
        assert DISCLAIMER in text


# ---- Packet -----------------------------------------------------------------------------
def test_packet_is_cover_plus_one_page_per_case() -> None:
    cases = demo_cases()
    seen: list[str] = []
    data = render_packet(
        [(c, assess(c)) for c in cases], paper="letter", on_case=lambda c: seen.append(c.case_id)
    )
    reader = read(data)
    assert len(reader.pages) == len(cases) + 1
    assert seen == [c.case_id for c in cases]
    cover = flat(reader.pages[0].extract_text())
    assert f"{len(cases)} cases" in cover
    for i, case in enumerate(cases, start=1):
        assert case.case_id in cover
        page = flat(reader.pages[i].extract_text())
        assert case.case_id in page
        assert f"Case {i} of {len(cases)} · page {i + 1} of {len(cases) + 1}" in page


def test_packet_of_fifty_cases_keeps_the_agenda_on_one_page() -> None:
    base = demo_cases()
    items = []
    for i in range(50):
        data = base[i % len(base)].to_json_dict()
        data["case_id"] = f"B-{i:02d}"
        case = parse_case(data)
        items.append((case, assess(case)))
    reader = read(render_packet(items))
    assert len(reader.pages) == 51
    cover = flat(reader.pages[0].extract_text())
    assert "B-00" in cover and "B-49" in cover


# ---- The switch the CLI and the page use -------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_bytes_every_format(fmt: str) -> None:
    case = demo_cases()[0]
    data = export_bytes(case, assess(case), fmt)  # type: ignore[arg-type]
    assert data
    magic = {"pdf": b"%PDF-", "report": b"%PDF-", "pptx": b"PK"}
    if fmt in magic:
        assert data.startswith(magic[fmt])
    else:
        assert case.case_id in data.decode()
    assert file_name(case.case_id, fmt).startswith(case.case_id)  # type: ignore[arg-type]


def test_only_web_links_become_links() -> None:
    from lms_board.assessment import EvidenceRef

    case = demo_cases()[0]
    a = rich(case, options=1, trials=1, not_suitable=0, long=False)
    bad = EvidenceRef(citation="Odd source", url="javascript:alert(1)")
    a = a.model_copy(update={"evidence": {**a.evidence, "ev-00": bad}})
    doc = render_html(case, a)
    assert 'href="javascript' not in doc
    assert "<javascript" not in render_markdown(case, a)


def test_slides_open_for_maximal_and_script_cases() -> None:
    cases = [maximal_case(), xss_case()]
    prs = Presentation(io.BytesIO(render_slides([(c, rich(c)) for c in cases])))
    assert len(prs.slides) == 2
    text = " ".join(
        s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame
    )
    assert XSS in text  # plain text in a text frame, nothing interprets it


# ---- the treatment history: every line, the latest never cut --------------------------------
def test_html_and_markdown_list_every_treatment_line_as_a_row() -> None:
    from lms_board.export.text import history_items

    case = maximal_case()
    a = assess(case)
    items = history_items(case, full=True)
    assert len(items) == 1 + 20 + 30  # surgery, 20 radiotherapy courses, 30 lines
    doc = render_html(case, a)
    listed = doc.split('<ul class="lines">')[1].split("</ul>")[0]
    assert listed.count("<li>") == len(items)
    assert "maintenance after line 14: doxorubicin" in listed.split("<li>")[-1]
    md_lines = render_markdown(case, a).splitlines()
    start = md_lines.index("- **History:**")
    rows = md_lines[start + 1 : start + 1 + len(items)]
    assert all(r.startswith("  - ") for r in rows)
    assert rows[-1].startswith("  - maintenance after line 14: doxorubicin")


def test_report_and_slides_show_the_latest_line() -> None:
    case = maximal_case()
    a = assess(case)
    report = flat("\n".join(p.extract_text() for p in read(render_report(case, a)).pages))
    assert "maintenance after line 14: doxorubicin" in report
    assert "line 1: doxorubicin" in report and "adjuvant: doxorubicin" in report
    deck = Presentation(io.BytesIO(render_slides([(case, a)])))
    texts = [
        shape.text_frame.text
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    history = next(p for t in texts for p in t.split("\n") if p.startswith("History: "))
    assert "maintenance after line 14: doxorubicin" in history
    assert "earlier lines" in history
