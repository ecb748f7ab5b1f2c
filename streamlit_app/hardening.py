"""The server-side guards the app applies to itself: no network lookups, a hardened
configuration, and a login whenever one is configured (``lms_board.serve`` owns the rules)."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit import net_util

from lms_board.serve import config_problems


def _unknown() -> None:
    return None


def no_network_lookups() -> None:
    """Never look up this machine's external or internal IP address (see ``launch.py``)."""
    net_util.get_external_ip = _unknown
    net_util.get_internal_ip = _unknown


def login_configured() -> bool:
    """``[auth]`` is in the app's secrets: every page then needs a login. A secrets file that
    exists but cannot be read stops the app (it may hold a login we cannot see)."""
    try:
        auth: Any = st.secrets.get("auth")
    except FileNotFoundError as exc:  # streamlit's StreamlitSecretNotFoundError
        if getattr(exc, "error_id", "") == "no-secrets-found" or "No secrets found" in str(exc):
            return False
        st.error(f"The secrets file cannot be read, so the app shows nothing: {exc}")
        st.stop()
    return bool(auth)


def refuse_unless_hardened() -> None:
    """Show why and stop, before any case is read, when the server runs unhardened (started
    with ``streamlit run`` from another directory, say): ``make run`` / ``lms-board serve``."""
    problems = config_problems(st.get_option, login=login_configured())
    if not problems:
        return
    st.title("LMS Board is not started safely")
    st.error(
        "This server's settings could expose patient data, so the app shows nothing. "
        "Start it with `make run` or `lms-board serve`.",
        icon=":material/gpp_bad:",
    )
    for problem in problems:
        st.markdown(f"- `{problem}`")
    st.stop()
