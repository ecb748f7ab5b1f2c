"""Concordance and quality: how often the board followed the tool's options, deferrals,
minutes per case against the slot, implementation and overdue actions, per meeting and over
time (``lms_board.meeting.quality``), with the same table as CSV."""

from datetime import date

import pandas as pd
import streamlit as st

from lms_board.meeting.quality import quality_csv, quality_rows, store_quality_table
from streamlit_app.components import meeting_quality as q
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

st.title("Concordance")
meetings = session.meetings()
rows = store_quality_table(meetings, date.today())
per_meeting, everything = rows[:-1], rows[-1]
if not everything.decided + everything.deferred:
    st.info("No board decisions recorded yet: the figures appear once meetings have decided.")
    st.stop()


def rate(value: float | None) -> str:
    return "–" if value is None else f"{value:g} %"


st.caption(
    f"{len(per_meeting)} meeting(s), {everything.decided} decision(s), {everything.deferred} "
    "deferral(s). Compared with the options the tool listed when each decision was recorded."
)
cols = st.columns(6)
cols[0].metric("Tool's first option", rate(everything.first_option_rate))
cols[1].metric("Any tool option", rate(everything.any_option_rate))
cols[2].metric("No tool option", rate(everything.no_option_rate))
cols[3].metric("Deferral rate", rate(everything.deferral_rate))
cols[4].metric(
    "Implemented",
    rate(everything.implementation_rate),
    help="Implemented as decided, of the decisions whose implementation is recorded",
)
cols[5].metric("Overdue actions", everything.actions_overdue)

left, right = st.columns(2)
left.plotly_chart(q.concordance_figure(per_meeting), theme=None, key="qc_concordance")
right.plotly_chart(q.deferral_figure(per_meeting), theme=None, key="qc_deferral")
left.plotly_chart(q.minutes_figure(per_meeting), theme=None, key="qc_minutes")
right.plotly_chart(q.follow_figure(per_meeting), theme=None, key="qc_follow")

reasons = (
    ("Why no tool option was chosen", everything.no_option_reasons),
    ("What deferred cases were waiting for", everything.deferral_reasons),
    ("Why the treatment differed from the decision", everything.deviation_reasons),
)
for title, found in reasons:
    st.markdown(f"**{title}:** " + (escape_md("; ".join(found)) if found else "none recorded"))

st.subheader("The table")
st.dataframe(pd.DataFrame(quality_rows(rows)), hide_index=True, width="stretch")
st.download_button(
    "Quality table (CSV)",
    data=quality_csv(rows).encode("utf-8"),
    file_name=f"board-quality-{date.today().isoformat()}.csv",
    mime="text/csv",
    key="qc_csv",
    icon=":material/download:",
)
