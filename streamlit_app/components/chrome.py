"""What every page shows: the disclaimer, the sidebar (who, which case) and the About box."""

from __future__ import annotations

import streamlit as st

from lms_board import DISCLAIMER, __version__
from lms_board.knowledge import knowledge_reviewed_date
from lms_board.serve import server_summary
from streamlit_app.components import session

_PICK = "app_case_pick"


def disclaimer() -> None:
    st.caption(DISCLAIMER)


def _picked() -> None:
    session.set_current(st.session_state.get(_PICK))


def sidebar() -> None:
    """The current case picker and the About box."""
    with st.sidebar:
        ids = [s.case_id for s in session.store().list_cases()]
        current = session.current_case_id()
        if current not in ids:
            current = None
            session.set_current(None)
        st.session_state[_PICK] = current
        st.selectbox(
            "Current case",
            ids,
            index=None,
            placeholder="Pick a case",
            key=_PICK,
            on_change=_picked,
        )
        with st.expander("About"):
            access = session.access()
            st.text(f"LMS Board {__version__}")
            st.text(f"Knowledge base reviewed {knowledge_reviewed_date().isoformat()}")
            if access.signed_in:
                st.text(f"Signed in as {access.display} ({access.user}), {access.role}")
                st.button("Sign out", key="app_logout", on_click=st.logout)
            else:
                st.text(f"Working as {access.user}")
            st.caption(server_summary(st.get_option))
            st.caption(DISCLAIMER)
