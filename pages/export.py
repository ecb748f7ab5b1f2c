"""Export: preview the one-pager of the current case and download it in every format."""

import io

import pypdfium2 as pdfium
import streamlit as st

from lms_board.export import FORMAT_INFO, FORMATS, Format, export_bytes, export_logged, file_name
from streamlit_app.components import session

stored, assessment = session.require_case()
case = stored.case
store = session.store()
user = session.user()
st.title(f"Export · {stored.case_id}")

left, right = st.columns([1, 2])
paper = left.radio(
    "Paper",
    ["a4", "letter"],
    format_func=lambda p: {"a4": "A4", "letter": "US Letter"}[p],
    horizontal=True,
    key="export_paper",
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
identifier_flags = assessment.identifier_flags
confirmed = True
if identifier_flags:
    left.warning("Some free text looks like an identifier. Check it before exporting:")
    for flag in identifier_flags:
        left.text(flag.message)
    confirmed = left.checkbox(
        "I have checked: this text may leave the app", key="export_confirm_identifiers"
    )


def _pdf() -> bytes:
    return export_bytes(case, assessment, "pdf", paper=paper, decision=chosen)


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
                data=lambda fmt=fmt: _deferred(fmt),
                file_name=file_name(stored.case_id, fmt),
                mime=info.mime,
                key=f"export_dl_{fmt}",
                on_click="ignore",
                icon=":material/download:",
                width="stretch",
            )


def _preview_png() -> bytes:
    """Page 1 as PNG, kept per session (not st.cache_data) until the case, paper or decision change."""
    key = (stored.case_id, stored.version, paper, chosen.decided_at if chosen else None)
    memo = st.session_state.setdefault("export_preview", {})
    if memo.get("key") != key:
        document = pdfium.PdfDocument(_pdf())
        try:
            image = document[0].render(scale=1.4).to_pil()
        finally:
            document.close()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        memo.clear()
        memo.update(key=key, png=buffer.getvalue())
    png: bytes = memo["png"]
    return png


with right:
    st.subheader("One-page preview")
    st.image(_preview_png(), caption=f"{stored.case_id}: page 1 of 1", width="stretch")
