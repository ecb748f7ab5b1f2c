"""The surveillance timeline drawn with fpdf2 lines, dots and text (no browser, no image).

One row per examination (``CT chest``, ``MRI primary site``), a dot at each planned month,
years marked along the axis; the next visits are ringed.
"""

from __future__ import annotations

from collections.abc import Sequence

from lms_board.assessment import SurveillanceVisit
from lms_board.export.painter import FAINT, INK, MUTED, NAVY, RULE, Color, Painter, Style

MODALITY_COLORS: dict[str, Color] = {
    "MRI": NAVY,
    "CT": (27, 122, 122),
    "PET-CT": (122, 66, 138),
    "radiograph": (120, 120, 120),
}
ROW_H = 4.0
AXIS_H = 5.0
LABEL = Style(6.8, color=INK)
TICK = Style(6.0, color=MUTED)


def row_keys(visits: Sequence[SurveillanceVisit]) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for v in visits:
        k = (v.modality, v.region)
        if k not in keys:
            keys.append(k)
    return keys


def timeline_height(visits: Sequence[SurveillanceVisit], max_rows: int = 4) -> float:
    if not visits:
        return 0.0
    return min(len(row_keys(visits)), max_rows) * ROW_H + AXIS_H + 1.0


def _span(visits: Sequence[SurveillanceVisit]) -> int:
    last = max(v.month for v in visits)
    return max(12, -(-last // 12) * 12)


def draw_timeline(
    p: Painter,
    x: float,
    y: float,
    w: float,
    visits: Sequence[SurveillanceVisit],
    highlight_months: Sequence[int] = (),
    max_rows: int = 4,
) -> float:
    """Draw the chart at ``(x, y)`` across ``w`` mm; return its height."""
    h = timeline_height(visits, max_rows)
    if p.dry or not visits:
        return h
    pdf = p.pdf
    keys = row_keys(visits)[:max_rows]
    label_w = 30.0
    label_w = min(45.0, max(24.0, max(p.width(f"{m} {r}", LABEL) for m, r in keys) + 3.0))
    x0 = x + label_w
    x1 = x + w - 2.0
    span = _span(visits)

    def at(month: int) -> float:
        return x0 + (x1 - x0) * month / span

    # Year bands and grid.
    for year in range(span // 12):
        if year % 2 == 1:
            p.rect(
                at(year * 12),
                y,
                at((year + 1) * 12) - at(year * 12),
                len(keys) * ROW_H,
                fill=(247, 249, 251),
            )
    axis_y = y + len(keys) * ROW_H + 0.6
    p.hline(x0, x1, axis_y, color=FAINT, w=0.3)
    step = 12 if span <= 72 else 24
    for m in range(0, span + 1, step):
        p.hline(at(m), at(m), axis_y, color=FAINT)
        pdf.set_draw_color(*FAINT)
        pdf.set_line_width(0.3)
        pdf.line(at(m), axis_y, at(m), axis_y + 1.0)
        p.use(TICK)
        label = "0" if m == 0 else f"{m // 12} y"
        tw = pdf.get_string_width(label)
        pdf.set_xy(at(m) - tw / 2, axis_y + 1.1)
        pdf.cell(tw, TICK.line_h, label)
    p.use(TICK)
    pdf.set_xy(x, axis_y + 1.1)
    pdf.cell(label_w - 2, TICK.line_h, "years from baseline", align="R")

    highlight = set(highlight_months)
    for row, (modality, region) in enumerate(keys):
        cy = y + row * ROW_H + ROW_H / 2
        color = MODALITY_COLORS.get(modality, NAVY)
        p.hline(x0, x1, cy, color=RULE, w=0.2)
        p.use(LABEL)
        label = p.one_line(f"{modality} {region}", LABEL, label_w - 2)
        pdf.set_xy(x, cy - LABEL.line_h / 2)
        pdf.cell(label_w - 2, LABEL.line_h, label, align="R")
        pdf.set_fill_color(*color)
        for v in visits:
            if (v.modality, v.region) != (modality, region):
                continue
            cx = at(v.month)
            pdf.circle(cx, cy, 0.85, style="F")
            if v.month in highlight:
                pdf.set_draw_color(*color)
                pdf.set_line_width(0.3)
                pdf.circle(cx, cy, 1.5, style="D")
    return h
