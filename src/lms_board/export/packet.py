"""The board packet: an agenda cover page, then each case's one-pager, in one PDF.

The agenda lists every case on one page (rows get tighter as the list grows), with the page
its one-pager is on. Each case page is exactly the one-pager, footed "page k of n".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF

from lms_board import DISCLAIMER, __version__
from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export.fonts import Paper, new_pdf
from lms_board.export.onepager import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    Sheet,
    draw_onepager,
)
from lms_board.export.painter import AMBER, INK, MUTED, NAVY, RULE, TINT, Painter, Style
from lms_board.export.text import generated_on, iso, knowledge_reviewed, one_line

CaseItem = tuple[Case, Assessment]

KICKER = Style(7.0, bold=True, color=MUTED)
TITLE = Style(20.0, bold=True, leading=1.2)
SUB = Style(9.5, color=MUTED)
TH = Style(7.0, bold=True, color=NAVY)
FOOT = Style(6.2, color=MUTED, leading=1.3)
FOOT_B = Style(6.2, bold=True, color=MUTED, leading=1.3)


def meeting_date(items: Sequence[CaseItem]) -> date | None:
    """The board date most cases share (``None`` when no case has one)."""
    dates = [c.board_date for c, _ in items if c.board_date is not None]
    if not dates:
        return None
    return max(set(dates), key=lambda d: (dates.count(d), d))


@dataclass(frozen=True)
class AgendaLine:
    """A meeting's agenda row on the cover: the slot's times, its minutes, the readiness."""

    time: str
    minutes: int
    readiness: str


def _agenda(
    pdf: FPDF,
    items: Sequence[CaseItem],
    title: str,
    day: date,
    total: int,
    subtitle: str = "",
    agenda: Sequence[AgendaLine] | None = None,
) -> None:
    pdf.add_page()
    p = Painter(pdf)
    p.dry = False
    x, w = MARGIN_X, pdf.w - 2 * MARGIN_X
    y = MARGIN_TOP
    p.lines(x, y, w, ["SARCOMA MULTIDISCIPLINARY TUMOUR BOARD · LEIOMYOSARCOMA"], KICKER)
    y += KICKER.line_h + 2
    y += p.text(x, y, w, title, TITLE, 2, more="…")
    sub = f"{len(items)} case{'s' if len(items) != 1 else ''} · board packet generated {iso(day)}"
    if subtitle:
        y += p.text(x, y, w, subtitle, SUB, 2, more="…")
    y += p.text(x, y, w, sub, SUB, 1) + 5

    bottom = pdf.h - MARGIN_BOTTOM - 12
    n = max(1, len(items))
    # Row height and font shrink with the number of cases so the agenda stays on one page.
    row_h = min(9.0, max(3.0, (bottom - y - 8) / n))
    size = 8.0 if row_h >= 5.0 else max(5.5, row_h / 0.5)
    body = Style(size, leading=1.25)
    bold = Style(size, bold=True, leading=1.25)
    muted = Style(size * 0.92, color=MUTED, leading=1.25)
    warn = Style(size, bold=True, color=AMBER, leading=1.25)
    two_lines = row_h >= 2 * body.line_h + 1.0

    cols = [("#", 7.0), ("Case", 32.0), ("Classification", 42.0), ("Question", 0.0), ("Page", 11.0)]
    if agenda is not None:
        cols = [
            ("Time", 24.0),
            ("Case", 30.0),
            ("Classification", 36.0),
            ("Readiness", 42.0),
            ("Question", 0.0),
            ("Page", 10.0),
        ]
    q = next(i for i, (label, _) in enumerate(cols) if label == "Question")
    fixed = sum(cw for _, cw in cols)
    widths = [cw if cw else w - fixed for _, cw in cols]
    p.rect(x, y, w, 6.0, fill=TINT)
    cx = x + 1.5
    for (label, _), cw in zip(cols, widths, strict=True):
        align = "R" if label in ("#", "Page") else "L"
        p.lines(cx, y + 1.3, cw - 3, [label.upper()], TH, align)
        cx += cw
    y += 6.0 + 0.8
    lines_per_cell = 2 if two_lines else 1
    for i, (case, a) in enumerate(items, start=1):
        cx = x + 1.5
        cells: list[tuple[list[str], Style, str]] = []
        question = one_line(case.question) or "no question recorded"
        q_lines = p.fit(question, body, widths[q] - 3, lines_per_cell, "…")
        presenter = one_line(case.presenter)
        case_lines = [p.one_line(case.case_id, bold, widths[1] - 3)]
        if two_lines and presenter:
            case_lines.append(p.one_line(presenter, muted, widths[1] - 3))
        label = a.classification.label + (" (provisional)" if a.classification.provisional else "")
        first: tuple[list[str], Style, str] = ([str(i)], muted, "R")
        middle: list[tuple[list[str], Style, str]] = []
        if agenda is not None:
            row = agenda[i - 1]
            slot = [row.time, f"{row.minutes} min"] if two_lines else [row.time]
            first = (slot, body, "L")
            style = warn if row.readiness != "Ready" else body
            ready = p.fit(row.readiness, style, widths[3] - 3, lines_per_cell, "…")
            middle = [(ready, style, "L")]
        cells = [
            first,
            (case_lines, bold, "L"),
            (p.fit(label, body, widths[2] - 3, lines_per_cell, "…"), body, "L"),
            *middle,
            (q_lines, body, "L"),
            ([str(i + 1)], body, "R"),
        ]
        for (lines, style, align), cw in zip(cells, widths, strict=True):
            for j, line in enumerate(lines):
                st = muted if (style is bold and j == 1) else style
                p.lines(cx, y + j * body.line_h, cw - 3, [line], st, align)
            cx += cw
        y += row_h
        p.hline(x, x + w, y - 0.6, color=RULE, w=0.2)

    fy = pdf.h - MARGIN_BOTTOM - 6
    p.hline(x, x + w, fy - 1.2, color=RULE, w=0.3)
    p.lines(x, fy, w, [p.one_line(DISCLAIMER, FOOT_B, w)], FOOT_B)
    info = (
        f"Generated {iso(day)} · knowledge base reviewed {iso(knowledge_reviewed())}"
        f" · LMS Board {__version__}"
    )
    p.lines(x, fy + FOOT.line_h, w - 30, [info], FOOT)
    p.lines(x + w - 30, fy + FOOT.line_h, 30, [f"Page 1 of {total}"], FOOT, "R")
    pdf.set_text_color(*INK)


def render_packet(
    cases: Sequence[CaseItem],
    *,
    paper: Paper = "a4",
    decisions: Mapping[str, BoardDecision] | None = None,
    generated: date | datetime | None = None,
    title: str | None = None,
    on_case: Callable[[Case], None] | None = None,
    subtitle: str = "",
    agenda: Sequence[AgendaLine] | None = None,
) -> bytes:
    """One PDF for a meeting: agenda cover page, then one page per case (its one-pager).

    ``cases``: ``(case, assess(case))`` pairs in agenda order; ``decisions``: board decisions
    by case id (their box is filled); ``on_case`` is called after each case page (progress).
    ``agenda`` (one line per case: times, slot, readiness) and ``subtitle`` (time and place)
    make the cover a meeting's agenda.
    """
    if agenda is not None and len(agenda) != len(cases):
        raise ValueError("agenda: one line per case")
    day = generated_on(generated)
    meeting = meeting_date(cases)
    heading = title or (f"Tumour board {iso(meeting)}" if meeting else "Tumour board packet")
    pdf = new_pdf(paper, title=heading)
    total = len(cases) + 1
    _agenda(pdf, cases, heading, day, total, subtitle, agenda)
    reviewed = knowledge_reviewed()
    for i, (case, assessment) in enumerate(cases, start=1):
        sheet = Sheet(
            generated=day,
            reviewed=reviewed,
            decision=(decisions or {}).get(case.case_id),
            page_label=f"Case {i} of {len(cases)} · page {i + 1} of {total}",
        )
        draw_onepager(pdf, case, assessment, sheet)
        if on_case is not None:
            on_case(case)
    return bytes(pdf.output())
