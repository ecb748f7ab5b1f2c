"""Export: the current case in every format, the one-page preview drawn after the page."""

from functools import partial

import streamlit as st

from lms_board.export import (
    FORMAT_INFO,
    FORMATS,
    Format,
    Paper,
    export_bytes,
    export_logged,
    file_name,
)
from streamlit_app.components import export_preview, session
from streamlit_app.components.text import escape_md

stored, assessment = session.require_case()
case = stored.case
store = session.store()
user = session.user()
st.title(f"Export · {escape_md(stored.case_id)}")

PAPERS: dict[Paper, str] = {"a4": "A4", "letter": "US Letter"}
left, right = st.columns([1, 2])
paper: Paper = left.radio(
    "Paper", list(PAPERS), format_func=PAPERS.__getitem__, horizontal=True, key="export_paper"
)
decision = store.latest_decision(stored.case_id)
use_decision = left.checkbox(
    "Fill in the board's recorded decision",
    value=decision is not None,
    disabled=decision is None,
    key="export_use_decision",
    help="No decision recorded yet." if decision is None else None,
)
chosen = decision if use_decision else None

# Free text that looks like an identifier leaves the app only after the user confirms.
confirmed = True
if assessment.identifier_flags:
    left.warning("Some free text looks like an identifier. Check it before exporting:")
    for flag in assessment.identifier_flags:
        left.text(flag.message)
    confirmed = left.checkbox(
        "I have checked: this text may leave the app", key="export_confirm_identifiers"
    )


def _deferred(fmt: Format) -> bytes:
    """Built when the button is clicked; the audit log records the export."""
    return export_logged(store, user, case, assessment, fmt, paper=paper, decision=chosen)


with left:
    st.subheader("Download")
    if not confirmed:
        st.info("Downloads appear once the identifier check above is confirmed.")
    else:
        for fmt in FORMATS:
            info = FORMAT_INFO[fmt]
            st.download_button(
                info.label,
                data=partial(_deferred, fmt),
                file_name=file_name(stored.case_id, fmt),
                mime=info.mime,
                key=f"export_dl_{fmt}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )

with right:
    st.subheader("One-page preview")
    export_preview.preview(
        (stored.case_id, stored.version, paper, chosen.decided_at if chosen else None),
        partial(export_bytes, case, assessment, "pdf", paper=paper, decision=chosen),
        f"{stored.case_id}: page 1 of 1",
    )
