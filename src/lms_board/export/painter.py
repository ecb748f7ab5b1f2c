"""Measure-then-draw text on an fpdf2 page: the same call sizes a block and paints it.

A :class:`Painter` in ``dry`` mode only returns heights, so a layout can try budgets until
everything fits, then paint once with the same code path. Lines come from :meth:`Painter.wrap`,
a greedy word wrap on the embedded face's own advance widths (what fpdf2's
``get_string_width`` measures), and are printed one ``cell`` each, so measured and printed
lines agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import TTFFont

from lms_board.export.fonts import FAMILY, ensure_face
from lms_board.export.text import MORE

PT = 25.4 / 72  # millimetres per point

Color = tuple[int, int, int]
INK: Color = (33, 37, 41)
MUTED: Color = (96, 104, 114)
FAINT: Color = (150, 157, 166)
NAVY: Color = (31, 78, 121)
RULE: Color = (214, 219, 226)
TINT: Color = (240, 244, 249)
AMBER: Color = (161, 92, 7)
AMBER_TINT: Color = (253, 245, 232)
RED: Color = (150, 48, 48)
WHITE: Color = (255, 255, 255)


@dataclass(frozen=True)
class Style:
    size: float
    bold: bool = False
    italic: bool = False
    color: Color = INK
    leading: float = 1.3

    @property
    def line_h(self) -> float:
        return self.size * PT * self.leading

    @property
    def face(self) -> str:
        return "B" if self.bold else ("I" if self.italic else "")


class Painter:
    """Wraps, truncates, measures and (unless ``dry``) draws text blocks."""

    def __init__(self, pdf: FPDF, wrap_lines: int | None = None) -> None:
        """``wrap_lines``: the most lines any caller asks of one text (``None``: no limit)."""
        self.pdf = pdf
        self.wrap_lines = wrap_lines
        self.dry = True
        self.cuts = 0
        self._wraps: dict[tuple[str, str, float, float], list[str]] = {}
        self._widths: dict[tuple[str, str, float], float] = {}

    def font(self, style: Style) -> None:
        ensure_face(self.pdf, style.face)
        self.pdf.set_font(FAMILY, style.face, style.size)

    def use(self, style: Style) -> None:
        self.font(style)
        self.pdf.set_text_color(*style.color)

    def width(self, text: str, style: Style) -> float:
        """Printed width in mm (what ``get_string_width`` gives, without selecting the font)."""
        key = (text, style.face, style.size)
        w = self._widths.get(key)
        if w is None:
            cw, k = self._char_widths(style)
            w = sum(cw[ord(c)] for c in text) * k
            self._widths[key] = w
        return w

    def _char_widths(self, style: Style) -> tuple[dict[int, float], float]:
        """The face's advance widths (font units) and the factor to millimetres."""
        ensure_face(self.pdf, style.face)
        font = self.pdf.fonts[f"{FAMILY.lower()}{style.face}"]
        assert isinstance(font, TTFFont), "the DejaVu faces are TrueType"
        return font.cw, style.size * 0.001 / self.pdf.k

    def wrap(self, text: str, style: Style, width: float) -> list[str]:
        """``text`` word-wrapped to ``width`` (cached per document).

        A greedy, linear-time wrap on the font's own advance widths (the measure
        ``get_string_width`` uses; fpdf2's ``multi_cell`` wrap is quadratic per line, 6 ms a
        call). A word wider than the line is broken between characters. With ``wrap_lines``
        set it stops as soon as there are more lines than any caller shows.
        """
        key = (text, style.face, style.size, round(width, 2))
        cached = self._wraps.get(key)
        if cached is not None:
            return cached
        cw, k = self._char_widths(style)
        limit = 1_000_000 if self.wrap_lines is None else self.wrap_lines + 1
        room = width / k  # line width in font units
        space = cw[32]
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            line_w = 0.0
            for word in paragraph.split(" "):
                if not word or len(lines) >= limit:
                    continue
                word_w = sum(cw[ord(c)] for c in word)
                extra = word_w + (space if line else 0.0)
                if line_w + extra <= room:
                    line.append(word)
                    line_w += extra
                    continue
                if line:
                    lines.append(" ".join(line))
                    line, line_w = [], 0.0
                while word_w > room and len(lines) < limit:  # an over-long word
                    acc, cut = 0.0, 0
                    for ch in word:
                        if cut and acc + cw[ord(ch)] > room:
                            break
                        acc += cw[ord(ch)]
                        cut += 1
                    lines.append(word[:cut])
                    word, word_w = word[cut:], word_w - acc
                if word:
                    line, line_w = [word], word_w
            if line and len(lines) < limit:
                lines.append(" ".join(line))
            if len(lines) >= limit:
                break
        lines = lines[:limit]
        self._wraps[key] = lines
        return lines

    def clip(self, text: str, style: Style, width: float, suffix: str = "…") -> str:
        """``text`` cut (at a word if possible) so that ``text + suffix`` fits ``width``."""
        if self.width(text, style) <= width and not suffix:
            return text
        room = width - self.width(suffix, style)
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid], style) <= room:
                lo = mid
            else:
                hi = mid - 1
        cut = text[:lo]
        space = cut.rfind(" ")
        if space > lo * 0.6:
            cut = cut[:space]
        return cut.rstrip(" ,;:·–-") + suffix

    def fit(
        self, text: str, style: Style, width: float, max_lines: int, more: str = MORE
    ) -> list[str]:
        """At most ``max_lines`` lines; a cut text ends with ``more`` on its last line."""
        if max_lines <= 0:
            return []
        if self.wrap_lines is not None and max_lines > self.wrap_lines:
            raise ValueError(f"max_lines {max_lines} > wrap_lines {self.wrap_lines}")
        lines = self.wrap(text, style, width)
        if len(lines) <= max_lines:
            return lines
        kept = lines[:max_lines]
        self.cuts += 1
        tail = kept[-1]
        joiner = " " if more and not more.startswith("…") else ""
        if self.width(tail + joiner + more, style) <= width:
            kept[-1] = tail + joiner + more
        else:
            kept[-1] = self.clip(tail, style, width, suffix=joiner + more)
        return kept

    def one_line(self, text: str, style: Style, width: float) -> str:
        """``text`` on one line, cut with an ellipsis when too long."""
        if self.width(text, style) <= width:
            return text
        return self.clip(text, style, width)

    def lines(
        self, x: float, y: float, width: float, lines: list[str], style: Style, align: str = "L"
    ) -> float:
        """Draw prepared lines; return their height."""
        h = style.line_h * len(lines)
        if not self.dry and lines:
            self.use(style)
            for i, line in enumerate(lines):
                self.pdf.set_xy(x, y + i * style.line_h)
                self.pdf.cell(width, style.line_h, line, align=align)
        return h

    def text(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        style: Style,
        max_lines: int = 1000,
        more: str = MORE,
        align: str = "L",
    ) -> float:
        """Wrap, cut to ``max_lines`` and draw ``text``; return the height used."""
        return self.lines(x, y, width, self.fit(text, style, width, max_lines, more), style, align)

    def spans(self, x: float, y: float, width: float, parts: list[tuple[str, Style]]) -> float:
        """One line made of differently styled pieces; the last piece that overflows is cut."""
        if not parts:
            return 0.0
        h = max(s.line_h for _, s in parts)
        if self.dry:
            return h
        cx = x
        for text, style in parts:
            room = x + width - cx
            if room <= 1:
                break
            shown = self.one_line(text, style, room)
            w = self.width(shown, style)
            self.use(style)
            self.pdf.set_xy(cx, y + (h - style.line_h))
            self.pdf.cell(w, style.line_h, shown)
            cx += w
            if shown != text:
                break
        return h

    # Shapes (drawn only when not dry).
    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: Color | None = None,
        stroke: Color | None = None,
        line_w: float = 0.25,
        radius: float = 0.0,
    ) -> None:
        if self.dry:
            return
        pdf = self.pdf
        style = ""
        if fill is not None:
            pdf.set_fill_color(*fill)
            style += "F"
        if stroke is not None:
            pdf.set_draw_color(*stroke)
            pdf.set_line_width(line_w)
            style += "D"
        if not style:
            return
        pdf.rect(x, y, w, h, style=style, round_corners=radius > 0, corner_radius=radius)

    def hline(self, x1: float, x2: float, y: float, color: Color = RULE, w: float = 0.25) -> None:
        if self.dry:
            return
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(w)
        self.pdf.line(x1, y, x2, y)
