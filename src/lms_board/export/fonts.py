"""The embedded DejaVu Sans faces every PDF export uses, parsed once per process.

fpdf2 parses a TTF on every ``add_font`` (about 20 ms a face). The first document pays for
that; later documents get a shallow copy of the parsed face with a fresh font file object
and a fresh glyph subset, so each PDF still embeds its own subset. The copy sets attributes
of fpdf2's ``TTFFont`` that are not public API (``i``, ``ttfont``, ``missing_glyphs``,
``biggest_size_pt``, ``_hbfont``, ``subset``): ``pyproject.toml`` pins fpdf2 to the 2.8
minor they were read from, and if the copy ever fails, the slow ``add_font`` path is used.

Documents are made by :func:`new_pdf`; the total-pages alias of fpdf2 is off (case text
must print as typed) unless a document asks for it (``nb_alias``, the full report's footer).
"""

from __future__ import annotations

import atexit
import copy
import io
import threading
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import Literal

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FAMILY = "DejaVu"
Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")

#: fpdf2 style letters -> file in ``lms_board/fonts``.
FACES: dict[str, str] = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}

_files = ExitStack()
atexit.register(_files.close)
_lock = threading.Lock()


@cache
def font_path(name: str) -> Path:
    """A real file path of a bundled font (extracted once if the package is zipped)."""
    with _lock:
        return _files.enter_context(as_file(files("lms_board") / "fonts" / name))


#: Tables fpdf2 does not use without text shaping (layout, kerning, math, a timestamp);
#: without them each document's font subsetting takes a third less time.
_UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM")
#: The Windows Unicode cmaps (BMP and full) carry every mapping; the other three copies
#: only cost decoding time in every document.
_KEPT_CMAPS = ((3, 1), (3, 10))


@cache
def _font_bytes(name: str) -> bytes:
    """The face without its unused layout tables (glyph ids, cmap and metrics unchanged)."""
    out = io.BytesIO()
    # The context manager closes the face's file (left open, it is a ResourceWarning).
    with ttLib.TTFont(str(font_path(name)), recalcTimestamp=False) as font:
        for tag in _UNUSED_TABLES:
            if tag in font:
                del font[tag]
        cmap = font["cmap"]
        kept = [t for t in cmap.tables if (t.platformID, t.platEncID) in _KEPT_CMAPS]
        if kept:
            cmap.tables = kept
        font.save(out)
    return out.getvalue()


@cache
def _template(style: str) -> TTFFont:
    """A parsed face, never embedded itself: only copied into documents."""
    scratch = FPDF()
    scratch.add_font(FAMILY, style, str(font_path(FACES[style])))
    font = scratch.fonts[f"{FAMILY.lower()}{style}"]
    assert isinstance(font, TTFFont)
    return font


def _add_cloned(pdf: FPDF, style: str) -> None:
    template = _template(style)
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(
        io.BytesIO(_font_bytes(FACES[style])), recalcTimestamp=False, lazy=True
    )
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[f"{FAMILY.lower()}{style}"] = font


def ensure_face(pdf: FPDF, style: str) -> None:
    """Register one DejaVu face (``""``, ``"B"`` or ``"I"``) on ``pdf`` unless it is there.

    fpdf2 embeds every registered face, used or not (about 25 ms of subsetting each), so
    the oblique face is only added once some text needs it.
    """
    if f"{FAMILY.lower()}{style}" in pdf.fonts:
        return
    try:
        _add_cloned(pdf, style)
    except Exception:  # fpdf2 internals changed: fall back to a full parse
        pdf.fonts.pop(f"{FAMILY.lower()}{style}", None)
        pdf.add_font(FAMILY, style, str(font_path(FACES[style])))


def add_fonts(pdf: FPDF, styles: str = "B") -> None:
    """Register DejaVu Sans regular plus the ``styles`` faces on ``pdf`` as family ``DejaVu``."""
    for style in ("", *styles):
        ensure_face(pdf, style)


#: The total-pages alias of a document that numbers its pages ("page 2 of 5"): two
#: private-use characters, so no text typed into a case is ever taken for it; fpdf2 keeps
#: the width of two digits for it.
NB_ALIAS = "\ue000\ue001"


def new_pdf(
    paper: Paper = "a4",
    *,
    title: str = "",
    auto_page_break: bool = False,
    document: type[FPDF] = FPDF,
    nb_alias: str | None = None,
) -> FPDF:
    """An empty portrait document on A4 or US Letter with the DejaVu faces registered
    (``document``: an FPDF subclass, e.g. one with a ``footer()``)."""
    if paper not in PAPERS:
        raise ValueError(f"paper: must be one of {', '.join(PAPERS)} (got {paper!r})")
    pdf = document(orientation="portrait", unit="mm", format="A4" if paper == "a4" else "Letter")
    pdf.alias_nb_pages(nb_alias)  # type: ignore[arg-type]  # None turns it off
    add_fonts(pdf)
    pdf.set_auto_page_break(auto_page_break, margin=14)
    pdf.c_margin = 0
    pdf.set_creator("LMS Board")
    if title:
        pdf.set_title(title)
    pdf.set_lang("en")
    return pdf
