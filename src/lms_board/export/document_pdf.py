"""A :class:`~lms_board.export.document.Document` as PDF (fpdf2, the embedded DejaVu faces),
flowing over as many pages as it takes, the disclaimer and "page i of n" on every page."""

from __future__ import annotations

from lms_board.export.document import Bullets, Document, KeyValues, Para, Table
from lms_board.export.fonts import Paper
from lms_board.export.painter import AMBER, AMBER_TINT, MUTED, NAVY, RULE, TINT, Style
from lms_board.export.report import (
    BODY,
    BODY_B,
    LABEL,
    SMALL,
    SUB,
    TITLE,
    WARN,
    Flow,
    footed_pdf,
    footer_info,
)
from lms_board.export.text import clean

#: "italic" is set in grey upright: every face embedded costs a font subset per document
#: (about a third of a letter's time), and the oblique one would serve a few words only.
NOTE = Style(BODY.size, color=MUTED, leading=BODY.leading)
_STYLES: dict[str, Style] = {
    "body": BODY,
    "bold": BODY_B,
    "italic": NOTE,
    "small": SMALL,
    "warn": WARN,
}
BANNER = Style(9.0, bold=True, color=AMBER, leading=1.4)
CELL = Style(8.2, leading=1.35)
CELL_HEAD = Style(7.6, bold=True, color=NAVY, leading=1.35)
CELL_PAD = 1.2


def _table(f: Flow, table: Table) -> None:
    total = sum(table.widths) or 1.0
    widths = [f.w * w / total for w in table.widths]

    def row(cells: tuple[str, ...], style: Style, fill: bool) -> None:
        wrapped = [
            f.p.wrap(clean(c) or "–", style, max(w - 2 * CELL_PAD, 5.0))
            for c, w in zip(cells, widths, strict=True)
        ]
        h = max(len(lines) for lines in wrapped) * style.line_h + 2 * CELL_PAD
        f.ensure(h)
        if fill:
            f.p.rect(f.x, f.y, f.w, h, fill=TINT)
        x = f.x
        for lines, w in zip(wrapped, widths, strict=True):
            f.p.lines(x + CELL_PAD, f.y + CELL_PAD, w - 2 * CELL_PAD, lines, style)
            x += w
        f.y += h
        f.p.hline(f.x, f.x + f.w, f.y, color=RULE, w=0.2)

    f.gap(0.6)
    # Keep the header with the first row.
    f.ensure(CELL_HEAD.line_h + 2 * CELL.line_h + 4 * CELL_PAD)
    row(table.header, CELL_HEAD, fill=True)
    for cells in table.rows:
        row(cells, CELL, fill=False)
    f.gap(1.2)


def _blocks(f: Flow, doc: Document) -> None:
    for section in doc.sections:
        f.heading(section.title)
        for block in section.blocks:
            if isinstance(block, Para):
                f.para(clean(block.text), _STYLES[block.style])
                f.gap(0.8)
            elif isinstance(block, Bullets):
                for item in block.items:
                    f.bullet(clean(item))
            elif isinstance(block, KeyValues):
                for label, value in block.rows:
                    f.kv(label, clean(value) or "–", label_w=34.0)
            else:
                _table(f, block)


def render_document_pdf(doc: Document, *, paper: Paper = "a4") -> bytes:
    """The document as a PDF (as many pages as it needs)."""
    pdf = footed_pdf(
        paper, title=doc.meta_title or doc.title, info=footer_info(doc.footer, doc.generated)
    )
    f = Flow(pdf)
    f.new_page()
    f.p.lines(f.x, f.y, f.w, [doc.kicker.upper()], LABEL)
    f.y += LABEL.line_h + 0.5
    f.para(clean(doc.title), TITLE)
    for line in doc.subtitle:
        f.para(clean(line), SUB)
    if doc.banner:
        f.gap(1.5)
        lines = f.p.wrap(clean(doc.banner), BANNER, f.w - 6)
        h = len(lines) * BANNER.line_h + 4
        f.p.rect(f.x, f.y, f.w, h, fill=AMBER_TINT, stroke=AMBER, line_w=0.4)
        f.p.lines(f.x + 3, f.y + 2, f.w - 6, lines, BANNER)
        f.y += h
    f.gap(2.0)
    _blocks(f, doc)
    if doc.closing:
        f.gap(3.0)
        for line in doc.closing:
            f.para(clean(line), Style(8.0, color=MUTED, leading=1.4))
    return bytes(pdf.output())
