"""One PowerPoint slide (16:9) per case for the board's screen: python-pptx, no template.

Each slide: case id and classification, the question, the key facts, the top options and
trial examples, open gaps and flags, and the disclaimer. PowerPoint does not measure text
for us, so every field has a character budget and long text is cut with "…".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PresentationT
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from lms_board import DISCLAIMER, __version__
from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.export.text import (
    case_facts,
    generated_on,
    history_fitted,
    iso,
    knowledge_reviewed,
    one_line,
)
from lms_board.wording import PROMPTS_TITLE, option_meta, prompt_label

CaseItem = tuple[Case, Assessment]


def _rgb(r: int, g: int, b: int) -> RGBColor:
    return RGBColor(r, g, b)  # type: ignore[no-untyped-call]  # python-pptx leaves it untyped


NAVY = _rgb(0x1F, 0x4E, 0x79)
INK = _rgb(0x21, 0x25, 0x29)
MUTED = _rgb(0x60, 0x68, 0x72)
AMBER = _rgb(0xA1, 0x5C, 0x07)
TINT = _rgb(0xF0, 0xF4, 0xF9)
WHITE = _rgb(0xFF, 0xFF, 0xFF)
FONT = "DejaVu Sans"

W, H = Emu(12192000), Emu(6858000)  # 13.333 × 7.5 in
MM = 36000  # EMU per millimetre
FACT_CHARS = 95  # characters of a case fact on the slide


def cut(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word with "…"."""
    s = one_line(text)
    if len(s) <= limit:
        return s
    head = s[: limit - 1]
    space = head.rfind(" ")
    if space > limit * 0.6:
        head = head[:space]
    return head.rstrip(" ,;:·–-") + "…"


def _box(slide: Slide, x: float, y: float, w: float, h: float) -> TextFrame:
    shape = slide.shapes.add_textbox(
        Emu(int(x * MM)), Emu(int(y * MM)), Emu(int(w * MM)), Emu(int(h * MM))
    )
    tf: TextFrame = shape.text_frame
    tf.word_wrap = True
    tf.margin_left = tf.margin_right = Emu(0)
    tf.margin_top = tf.margin_bottom = Emu(0)
    return tf


def _para(
    tf: TextFrame,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor = INK,
    first: bool = False,
    space_after: float = 2.0,
    align: PP_ALIGN | None = None,
) -> None:
    # add_paragraph is untyped in python-pptx 1.0.
    p = tf.paragraphs[0] if first else tf.add_paragraph()  # type: ignore[no-untyped-call]
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = color
    p.space_after = Pt(space_after)
    if align is not None:
        p.alignment = align


def _slide(prs: PresentationT, case: Case, a: Assessment, footer: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    cls = a.classification

    # Header band.
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, W, Emu(int(24 * MM)))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    tf = _box(slide, 12, 4, 200, 16)
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    _para(tf, cut(case.case_id, 40), 26, bold=True, color=WHITE, first=True, space_after=0)
    board = f"Board {iso(case.board_date)}" if case.board_date else "Board date not set"
    presenter = f" · {cut(case.presenter or '', 60)}" if case.presenter else ""
    _para(tf, board + presenter, 11, color=WHITE, space_after=0)
    tf = _box(slide, 215, 6, 112, 12)
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    label = cls.label + (" · provisional" if cls.provisional else "")
    _para(tf, label, 16, bold=True, color=WHITE, first=True, align=PP_ALIGN.RIGHT)

    # Question.
    q = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(12 * MM), Emu(29 * MM), Emu(315 * MM), Emu(17 * MM)
    )
    q.fill.solid()
    q.fill.fore_color.rgb = TINT
    q.line.fill.background()
    tf = _box(slide, 16, 30.5, 307, 14)
    _para(tf, "QUESTION FOR THE BOARD", 9, bold=True, color=NAVY, first=True, space_after=1)
    _para(tf, cut(case.question or "No question recorded.", 190), 15)

    # Left: case facts, gaps, flags.
    tf = _box(slide, 12, 51, 150, 110)
    _para(tf, "CASE", 10, bold=True, color=NAVY, first=True)
    for fact in case_facts(case, a)[:8]:
        if fact.label == "History":  # the latest line is never the part that is cut
            value = history_fitted(case, lambda text: len(text) <= FACT_CHARS)
        else:
            value = fact.value
        _para(tf, f"{fact.label}: {cut(value, FACT_CHARS)}", 11, space_after=1.5)
    if a.workup_gaps:
        _para(tf, f"OPEN WORKUP GAPS ({len(a.workup_gaps)})", 10, bold=True, color=AMBER)
        for g in a.workup_gaps[:3]:
            _para(tf, f"! {cut(g.message, 85)}", 10.5, space_after=1)
    if a.flags:
        _para(tf, f"FLAGS ({len(a.flags)})", 10, bold=True, color=AMBER)
        for fl in a.flags[:3]:
            _para(tf, f"▲ {cut(fl.message, 85)}", 10.5, space_after=1)
    if a.prompts:
        _para(tf, f"{PROMPTS_TITLE.upper()} ({len(a.prompts)})", 10, bold=True, color=NAVY)
        _para(tf, cut("; ".join(prompt_label(p.code) for p in a.prompts), 150), 10.5)

    # Right: options, not suitable, trials.
    tf = _box(slide, 172, 51, 155, 110)
    _para(tf, f"OPTIONS FOR DISCUSSION ({len(a.options)})", 10, bold=True, color=NAVY, first=True)
    if not a.options:
        _para(tf, "No options listed for this case.", 12, color=MUTED)
    for i, o in enumerate(a.options[:5], start=1):
        _para(tf, f"{i}. {cut(o.name, 70)}", 13, bold=True, space_after=0)
        _para(tf, cut(option_meta(o), 90), 10, color=MUTED)
    if len(a.options) > 5:
        _para(tf, f"+{len(a.options) - 5} more in the full report", 10, color=MUTED)
    if a.not_suitable:
        names = "; ".join(n.name for n in a.not_suitable)
        _para(tf, "NOT SUITABLE", 10, bold=True, color=NAVY)
        _para(tf, cut(names, 150), 10.5)
    if a.trials:
        _para(tf, "TRIAL EXAMPLES", 10, bold=True, color=NAVY)
        for t in a.trials[:3]:
            _para(
                tf,
                f"{t.nct} · {t.status} (as of {iso(t.status_as_of)}): {cut(t.title, 60)}",
                10.5,
                space_after=1,
            )

    # Footer.
    tf = _box(slide, 12, 180, 315, 9)
    _para(tf, DISCLAIMER, 9, bold=True, color=MUTED, first=True, space_after=0)
    _para(tf, footer, 8, color=MUTED, space_after=0)


def render_slides(
    cases: Sequence[CaseItem],
    *,
    generated: date | datetime | None = None,
    title: str = "Tumour board slides",
) -> bytes:
    """A 16:9 .pptx with one slide per ``(case, assessment)``; ``title`` names the deck (in
    its properties and every slide's footer)."""
    prs = Presentation()
    prs.slide_width = W
    prs.slide_height = H
    day = generated_on(generated)
    reviewed = iso(knowledge_reviewed())
    for i, (case, a) in enumerate(cases, start=1):
        footer = (
            f"{title} · generated {iso(day)} · knowledge base reviewed {reviewed} · LMS Board "
            f"{__version__} · slide {i} of {len(cases)}"
        )
        _slide(prs, case, a, footer)
    prs.core_properties.title = title
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
