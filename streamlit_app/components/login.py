"""The pages shown instead of the app: sign in, or signed in without a role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from lms_board import DISCLAIMER
from lms_board.access import Access
from streamlit_app.components.text import escape_md


def _provider(auth: Mapping[str, Any]) -> str | None:
    """``None`` for the ``[auth]`` provider itself, else the first ``[auth.<name>]``."""
    if auth.get("client_id"):
        return None
    return next((name for name, v in auth.items() if isinstance(v, Mapping)), None)


def login_page(auth: Mapping[str, Any]) -> None:
    """Nothing about any case: a title, why, and the sign-in button."""
    st.title("LMS Board")
    st.markdown("Sign in to see the tumour board's cases.")
    provider = _provider(auth)
    st.button(
        "Sign in",
        key="login_button",
        type="primary",
        icon=":material/login:",
        on_click=st.login,
        args=(provider,) if provider else (),
    )
    st.caption(
        "Cases are shown only to signed-in board members with a role; every change is "
        "recorded under your sign-in."
    )
    st.caption(DISCLAIMER)


def no_role_page(access: Access) -> None:
    st.title("LMS Board")
    st.warning(
        f"You are signed in as {escape_md(access.display)}, but you have no LMS Board role. "
        "Ask the board's coordinator to add you as a coordinator or a viewer.",
        icon=":material/lock:",
    )
    st.button("Sign out", key="logout_button", on_click=st.logout)
