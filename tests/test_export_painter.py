"""The measuring text engine of the PDF exports: widths, wrapping, cutting, fonts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms_board.export.fonts import FACES, add_fonts, font_path, new_pdf
from lms_board.export.painter import Painter, Style
from lms_board.export.text import MORE

STYLES = [Style(7.6), Style(8.4, bold=True), Style(7.2, italic=True)]
WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzÜüçµ≥±–0123456789.,;()+", min_size=1, max_size=60
)
TEXT = st.lists(WORD, min_size=0, max_size=60).map(" ".join)


@pytest.fixture(scope="module")
def painter() -> Painter:
    pdf = new_pdf()
    pdf.add_page()
    return Painter(pdf)


def test_fonts_come_from_the_package_with_their_licence() -> None:
    for name in FACES.values():
        path = font_path(name)
        assert path.is_file() and path.parent.name == "fonts"
    assert (font_path("DejaVuSans.ttf").parent / "LICENSE-DejaVu.txt").is_file()


def test_cloned_faces_measure_like_a_fresh_parse() -> None:
    cloned = new_pdf()
    from fpdf import FPDF

    fresh = FPDF()
    for style, name in FACES.items():
        fresh.add_font("DejaVu", style, str(font_path(name)))
    add_fonts(cloned, "BI")
    try:
        for style in FACES:
            for pdf in (cloned, fresh):
                pdf.set_font("DejaVu", style, 9)
            text = "Gemcitabine + docetaxel ≥ 16 G ü ç ± – µ"
            assert cloned.get_string_width(text) == pytest.approx(fresh.get_string_width(text))
    finally:  # fpdf2's add_font leaves each face's file open (a ResourceWarning when collected)
        for font in fresh.fonts.values():
            font.ttfont.close()


@pytest.mark.parametrize("style", STYLES)
def test_width_is_fpdf_string_width(painter: Painter, style: Style) -> None:
    for text in ("Gemcitabine + docetaxel ≥ 16 G ü ç ± – µ", "x" * 80, "中文 ✓ ✗ ▲", ""):
        painter.font(style)
        assert painter.width(text, style) == pytest.approx(painter.pdf.get_string_width(text))


@settings(max_examples=60, deadline=None)
@given(text=TEXT, width=st.floats(min_value=8.0, max_value=180.0))
def test_wrap_keeps_every_character_and_fits_the_width(text: str, width: float) -> None:
    pdf = new_pdf()
    pdf.add_page()
    p = Painter(pdf)
    for style in STYLES:
        lines = p.wrap(text, style, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert p.width(line, style) <= width + 1e-6 or len(line) == 1


@settings(max_examples=60, deadline=None)
@given(text=TEXT, width=st.floats(min_value=30.0, max_value=180.0), n=st.integers(1, 5))
def test_fit_cuts_to_the_line_budget_and_says_so(text: str, width: float, n: int) -> None:
    pdf = new_pdf()
    pdf.add_page()
    p = Painter(pdf, wrap_lines=8)
    style = STYLES[0]
    full = p.wrap(text, style, width)
    lines = p.fit(text, style, width, n)
    assert len(lines) == min(n, len(full))
    for line in lines:
        assert p.width(line, style) <= width + 1e-6 or len(line) == 1
    if len(full) > n:
        assert lines[-1].endswith(MORE)
    else:
        assert lines == full


def test_fit_refuses_more_lines_than_wrap_lines(painter: Painter) -> None:
    short = Painter(painter.pdf, wrap_lines=2)
    with pytest.raises(ValueError, match="wrap_lines"):
        short.fit("some text", STYLES[0], 50, 3)
