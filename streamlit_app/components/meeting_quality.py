"""The Concordance page's figures, drawn from ``lms_board.meeting.quality`` rows (one per
meeting, oldest first): nothing is counted here, only plotted."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from lms_board.meeting.quality import QualityRow

FONT = 14
COLOURS = {"first": "#1b7837", "any": "#7fbf7b", "none": "#c2a5cf", "slot": "#bbbbbb"}


def _layout(fig: go.Figure, title: str, y_title: str, *, percent: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": FONT + 2}},
        font={"size": FONT},
        height=330,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.18, "traceorder": "normal"},
        yaxis={"title": y_title, "range": [0, 100] if percent else None, "rangemode": "tozero"},
        xaxis={"type": "category"},
        plot_bgcolor="white",
    )
    fig.update_yaxes(gridcolor="#e5e5e5")
    return fig


def _x(rows: Sequence[QualityRow]) -> list[str]:
    return [r.meeting for r in rows]


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def concordance_figure(rows: Sequence[QualityRow]) -> go.Figure:
    """Decisions matching the tool's first option, another of its options, or none (% of the
    decisions of each meeting; deferrals not counted)."""
    fig = go.Figure()
    parts = (
        ("Tool's first option", "first", [r.first_option for r in rows]),
        ("Another tool option", "any", [r.any_option - r.first_option for r in rows]),
        ("No tool option", "none", [r.no_option for r in rows]),
    )
    for name, colour, counts in parts:
        fig.add_bar(
            name=name,
            x=_x(rows),
            y=[_share(n, r.decided) for n, r in zip(counts, rows, strict=True)],
            customdata=[[n, r.decided] for n, r in zip(counts, rows, strict=True)],
            hovertemplate="%{y}% (%{customdata[0]} of %{customdata[1]} decisions)",
            marker_color=COLOURS[colour],
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, "Concordance with the tool's options", "% of decisions", percent=True)


def deferral_figure(rows: Sequence[QualityRow]) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        x=_x(rows),
        y=[r.deferral_rate for r in rows],
        customdata=[["; ".join(r.deferral_reasons) or "none"] for r in rows],
        hovertemplate="%{y}% deferred<br>%{customdata[0]}",
        marker_color="#d6604d",
        name="Deferred",
    )
    return _layout(fig, "Deferral rate", "% of cases discussed", percent=True)


def minutes_figure(rows: Sequence[QualityRow]) -> go.Figure:
    """Minutes used against the slots, over the cases whose discussion was timed."""
    fig = go.Figure()
    fig.add_bar(
        name="Slotted",
        x=_x(rows),
        y=[r.minutes_slotted for r in rows],
        marker_color=COLOURS["slot"],
    )
    fig.add_bar(name="Used", x=_x(rows), y=[r.minutes_used for r in rows], marker_color="#4393c3")
    fig.update_layout(barmode="group")
    return _layout(fig, "Minutes per case: used vs slot (timed cases)", "minutes")


def follow_figure(rows: Sequence[QualityRow]) -> go.Figure:
    """Implementation rate (% of recorded implementations as decided) and overdue actions."""
    fig = go.Figure()
    fig.add_bar(
        name="Implemented as decided (%)",
        x=_x(rows),
        y=[r.implementation_rate for r in rows],  # none recorded: no bar
        marker_color="#1b7837",
    )
    fig.add_bar(
        name="Overdue actions",
        x=_x(rows),
        y=[r.actions_overdue for r in rows],
        marker_color="#b2182b",
    )
    fig.update_layout(barmode="group")
    return _layout(fig, "Follow-through", "% / actions")
