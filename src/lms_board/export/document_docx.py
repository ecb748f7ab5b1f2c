"""A :class:`~lms_board.export.document.Document` as a Word file (python-docx), for clinics
that edit their letters: headings, paragraphs, bullet lists, tables, and the disclaimer and
generation line in the page footer."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from lms_board import DISCLAIMER
from lms_board.export.document import Bullets, Document, KeyValues, Para, Table
from lms_board.export.report import footer_info
from lms_board.export.text import clean

NAVY = RGBColor(0x1F, 0x4E, 0x79)
AMBER = RGBColor(0xA1, 0x5C, 0x07)
MUTED = RGBColor(0x60, 0x68, 0x72)


def _text(text: str) -> str:
    """Plain text Word can hold (XML 1.0 has no control characters)."""
    return clean(text)


def _run(p: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
         size: float | None = None, color: RGBColor | None = None) -> None:  # fmt: skip
    run = p.add_run(_text(text))
    run.bold = bold
    run.italic = italic
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def _para(doc: DocxDocument, block: Para) -> None:
    p = doc.add_paragraph()
    style = block.style
    _run(
        p,
        block.text,
        bold=style in ("bold", "warn"),
        italic=style == "italic",
        size=8.5 if style == "small" else None,
        color=AMBER if style == "warn" else (MUTED if style == "small" else None),
    )


def _table(doc: DocxDocument, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], text, bold=True, color=NAVY)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _text(text) or "–"


def render_document_docx(document: Document) -> bytes:
    """The document as ``.docx`` bytes."""
    doc = new_docx()
    props = doc.core_properties
    props.title = _text(document.meta_title or document.title)
    props.author = "LMS Board"
    props.comments = DISCLAIMER
    kicker = doc.add_paragraph()
    _run(kicker, document.kicker.upper(), bold=True, size=8, color=MUTED)
    doc.add_heading(_text(document.title), level=1)
    for line in document.subtitle:
        _run(doc.add_paragraph(), line, color=MUTED)
    if document.banner:
        _run(doc.add_paragraph(), document.banner, bold=True, color=AMBER)
    for section in document.sections:
        doc.add_heading(_text(section.title), level=2)
        for block in section.blocks:
            if isinstance(block, Para):
                _para(doc, block)
            elif isinstance(block, Bullets):
                for item in block.items:
                    doc.add_paragraph(_text(item), style="List Bullet")
            elif isinstance(block, KeyValues):
                for label, value in block.rows:
                    p = doc.add_paragraph()
                    _run(p, f"{label}: ", bold=True)
                    lines = (_text(value) or "–").split("\n")
                    for i, line in enumerate(lines):
                        if i:
                            p.add_run().add_break(WD_BREAK.LINE)
                        p.add_run(line)
            else:
                _table(doc, block)
    for line in document.closing:
        _run(doc.add_paragraph(), line, italic=True, color=MUTED)
    footer = doc.sections[0].footer
    _run(footer.paragraphs[0], DISCLAIMER, bold=True, size=7, color=MUTED)
    _run(
        footer.add_paragraph(),
        footer_info(document.footer, document.generated),
        size=7,
        color=MUTED,
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
