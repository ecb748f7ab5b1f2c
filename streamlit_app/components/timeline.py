"""The imaging timeline as a Plotly figure (plotly only, no Streamlit: exports may reuse it).

One row per examination (``CT · chest/abdomen/pelvis``), a dot per planned visit coloured by
modality; each dated history event (surgery, last imaging, board) has its own row on the same
time axis. With dated visits the axis is calendar time; without an anchor date it is months.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import plotly.graph_objects as go

from lms_board.assessment import SurveillanceVisit

MODALITY_COLOURS: dict[str, str] = {
    "MRI": "#1f4e79",
    "CT": "#1b7a7a",
    "PET-CT": "#7a428a",
    "radiograph": "#6e6e6e",
}
HISTORY_COLOUR = "#b35900"


def row_label(visit: SurveillanceVisit) -> str:
    return f"{visit.modality} · {visit.region}"


def surveillance_timeline(
    visits: Sequence[SurveillanceVisit],
    history: Mapping[str, date | None] | None = None,
    *,
    today: date | None = None,
    font_size: int = 14,
) -> go.Figure:
    """The surveillance schedule, and the dated history events each on its own row."""
    dated = bool(visits) and all(v.date is not None for v in visits)
    events = {k: d for k, d in (history or {}).items() if d is not None}
    if visits and not dated:
        events = {}  # months after treatment: history dates have no place on that axis
    rows = list(events)
    for v in visits:
        if row_label(v) not in rows:
            rows.append(row_label(v))
    fig = go.Figure()
    for modality, colour in MODALITY_COLOURS.items():
        mine = [v for v in visits if v.modality == modality]
        if mine:
            fig.add_trace(
                go.Scatter(
                    x=[v.date if dated else v.month for v in mine],
                    y=[row_label(v) for v in mine],
                    mode="markers",
                    name=modality,
                    marker={
                        "size": font_size,
                        "color": colour,
                        "line": {"width": 1, "color": "white"},
                    },
                    customdata=[v.month for v in mine],
                    hovertemplate="%{y}<br>month %{customdata}<br>%{x}<extra></extra>",
                )
            )
    if events:
        fig.add_trace(
            go.Scatter(
                x=list(events.values()),
                y=list(events),
                mode="markers",
                name="history",
                marker={"size": font_size + 4, "color": HISTORY_COLOUR, "symbol": "diamond"},
                hovertemplate="%{y}<br>%{x}<extra></extra>",
            )
        )
    calendar = dated or (bool(events) and not visits)
    if today is not None and calendar:
        fig.add_shape(
            type="line",
            x0=today.isoformat(),
            x1=today.isoformat(),
            y0=0,
            y1=1,
            yref="paper",
            line={"color": "#888888", "dash": "dot", "width": 1},
        )
        fig.add_annotation(
            x=today.isoformat(),
            y=1,
            yref="paper",
            text="today",
            showarrow=False,
            yanchor="bottom",
            font={"size": font_size - 2, "color": "#666666"},
        )
    fig.update_layout(
        height=max(200, 48 * len(rows) + 130),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"size": font_size, "family": "sans-serif", "color": "#14213d"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        # "none" + explicit colours: plotly_white is copied and validated on every call (~13 ms).
        template="none",
        plot_bgcolor="white",
        paper_bgcolor="white",
        xaxis={
            "title": None if calendar else "months after treatment",
            "gridcolor": "#e5e9f0",
            "type": "date" if calendar else "linear",
            "automargin": True,
        },
        yaxis={
            "categoryorder": "array",
            "categoryarray": list(reversed(rows)),
            "title": None,
            "automargin": True,
            "gridcolor": "#e5e9f0",
        },
    )
    return fig
