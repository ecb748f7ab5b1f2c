"""Per-session access to the store, the user and the current case.

The store is the source of truth: nothing about a patient goes into ``st.cache_data`` or
``st.cache_resource``. Session state only holds the current case id and assessments memoised by
``(case_id, version)``.
"""

from __future__ import annotations

import streamlit as st

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.store import CaseStore, StoredCase, current_user, open_store
from streamlit_app.components import nav

CURRENT = "current_case_id"
_ASSESSMENTS = "app_assessments"


def store() -> CaseStore:
    """The store (``$DATABASE_URL`` or the SQLite file under ``$LMS_BOARD_DATA``); the
    engine is made once per process, so opening it on every rerun is cheap."""
    return open_store()


def user() -> str:
    """Who is working: the logged-in user, else ``local:$LMS_BOARD_USER`` or the OS login."""
    return current_user(st.user)


def current_case_id() -> str | None:
    value = st.session_state.get(CURRENT)
    return value if isinstance(value, str) and value else None


def set_current(case_id: str | None) -> None:
    st.session_state[CURRENT] = case_id


def current() -> StoredCase | None:
    """The current case as stored now (``None`` if none is chosen or it was deleted)."""
    case_id = current_case_id()
    return store().get(case_id) if case_id else None


def assessment_of(stored: StoredCase) -> Assessment:
    """``assess()`` of a stored case version, computed once per session and version."""
    memo: dict[tuple[str, int], Assessment] = st.session_state.setdefault(_ASSESSMENTS, {})
    key = (stored.case_id, stored.version)
    if key not in memo:
        memo[key] = assess(stored.case)
    return memo[key]


def require_case() -> tuple[StoredCase, Assessment]:
    """The current case and its assessment, or a pointer to the Board and a stop."""
    stored = current()
    if stored is None:
        st.info("No case is open. Pick one in the sidebar, or open one on the Board.")
        st.page_link(nav.BOARD, label="Go to the Board", icon=":material/table_view:")
        st.stop()
    return stored, assessment_of(stored)
