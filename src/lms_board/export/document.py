"""A document as blocks (paragraphs, bullet lists, label/value rows, tables) in sections, so
one content is rendered as PDF (``document_pdf``) and as Word (``document_docx``) alike:
the outcome letter and the meeting minutes are built once, as a :class:`Document`.

Text in a block is plain text (never markup); renderers leave control characters out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ParaStyle = Literal["body", "bold", "italic", "small", "warn"]


@dataclass(frozen=True)
class Para:
    text: str
    style: ParaStyle = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class KeyValues:
    """Label/value rows, e.g. ``("Intent", "curative")``."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


Block = Para | Bullets | KeyValues | Table


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """A titled document: a kicker line, title, subtitle lines, an optional warning banner,
    sections, and a footer label printed with the disclaimer on every page."""

    kicker: str
    title: str
    subtitle: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: str
    generated: date
    banner: str | None = None
    meta_title: str = ""
    closing: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """Every word of the document in reading order (for tests and plain-text views)."""
        out = [self.kicker, self.title, *self.subtitle]
        if self.banner:
            out.append(self.banner)
        for section in self.sections:
            out.append(section.title)
            for block in section.blocks:
                if isinstance(block, Para):
                    out.append(block.text)
                elif isinstance(block, Bullets):
                    out.extend(block.items)
                elif isinstance(block, KeyValues):
                    out.extend(f"{k}: {v}" for k, v in block.rows)
                else:
                    out.append(" | ".join(block.header))
                    out.extend(" | ".join(r) for r in block.rows)
        out.extend(self.closing)
        return "\n".join(out)
