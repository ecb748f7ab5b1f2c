"""Per-session access to the store, the user and the current case.

**The current case** is one value per browser session, and every page reads it from here:
the sidebar picker, a click on a Board row, "Edit", "Present" and saving a new case all set it
with :func:`set_current`; a page shows it with :func:`current` (``None`` when none is open or
it was deleted) or :func:`require_case` (which points to the Board and stops when none is
open). Nothing else keeps a "selected case" of its own, so two parts of the screen never
disagree about which case is open.

The store is the source of truth: nothing about a patient goes into ``st.cache_data`` or
``st.cache_resource``. Session state only holds the current case id and assessments memoised by
``(case_id, version)``.

**Deep links**: the address names what is open, ``?case=DEMO-01&meeting=MTG-2026-12-10``.
:func:`follow_url` (run by the entry point before every page) opens what the address names on
a session's first run (a shared link or a reload) and from then on keeps the address in step
with :func:`set_current` and :func:`set_current_meeting`, on every page.
"""

from __future__ import annotations

import secrets
from typing import Any

import streamlit as st

from lms_board.access import Access, access_of
from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.store import CaseStore, StoredCase, open_store
from lms_board.store.meeting_store import MeetingStore
from streamlit_app import hardening
from streamlit_app.components import login, nav

CURRENT = "current_case_id"
CURRENT_MEETING = "current_meeting_id"
_ASSESSMENTS = "app_assessments"
_BROWSER_SESSION = "app_browser_session"
#: The query parameters of a deep link, and the marker of a session that has read them.
CASE_PARAM, MEETING_PARAM = "case", "meeting"
_URL_READ = "app_url_read"


def access() -> Access:
    """Who is working and in what role; with a login configured, nobody gets past this
    without one (the sign-in page is shown and the run stops)."""
    configured = hardening.login_configured()
    auth: Any = st.secrets.get("auth", {}) if configured else {}
    settings: Any = st.secrets.get("lms_board", {}) if configured else {}
    found = access_of(st.user.to_dict(), login=configured, settings=settings)
    if found is None:
        login.login_page(auth)
        st.stop()
        raise AssertionError("unreachable")  # st.stop() ends the run
    if found.role is None:
        login.no_role_page(found)
        st.stop()
    return found


def store() -> CaseStore:
    """The store (``$DATABASE_URL`` or the SQLite file under ``$LMS_BOARD_DATA``), for a user
    who may see it; the engine is made once per process, so this is cheap on every rerun."""
    access()
    return open_store()


def meetings() -> MeetingStore:
    """The board meetings, in the same store as the cases."""
    return MeetingStore(store())


def user() -> str:
    """Who is working: the signed-in user's subject, else ``local:$LMS_BOARD_USER`` or the
    OS login."""
    return access().user


def can_edit() -> bool:
    return access().can_edit


def require_editor() -> None:
    """Stop a page that changes cases for a user who may only read."""
    if not can_edit():
        st.info(
            "You can read and present the board; entering and changing cases is for coordinators.",
            icon=":material/visibility:",
        )
        st.stop()


def browser_session() -> str:
    """A random id of this browser session (drafts of a local user are kept per session)."""
    token: str = st.session_state.setdefault(_BROWSER_SESSION, secrets.token_hex(8))
    return token


def current_case_id() -> str | None:
    """The id of the case open in this session (``None``: none)."""
    value = st.session_state.get(CURRENT)
    return value if isinstance(value, str) and value else None


def set_current(case_id: str | None) -> None:
    """Open ``case_id`` on every page of this session (``None``: close it)."""
    st.session_state[CURRENT] = case_id
    _write_url(CASE_PARAM, case_id)


def current_meeting_id() -> str | None:
    """The id of the meeting open in this session (``None``: none): the Meeting, Present and
    Concordance pages all read it from here."""
    value = st.session_state.get(CURRENT_MEETING)
    return value if isinstance(value, str) and value else None


def set_current_meeting(meeting_id: str | None) -> None:
    """Open ``meeting_id`` on every page of this session (``None``: close it)."""
    st.session_state[CURRENT_MEETING] = meeting_id
    _write_url(MEETING_PARAM, meeting_id)


def _write_url(name: str, value: str | None) -> None:
    """Put ``value`` in the address as ``?name=value`` (``None``: take it out)."""
    if not value:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def follow_url() -> None:
    """On this session's first run, open the case and the meeting the address names (a link
    someone shared, or a reload); on every run, make the address name what is open."""
    ss = st.session_state
    if not ss.get(_URL_READ):
        ss[_URL_READ] = True
        case_id = st.query_params.get(CASE_PARAM)
        if case_id:
            found = store().get(case_id) is not None
            ss[CURRENT] = case_id if found else None
            if not found:
                st.warning(f"The link names case {case_id}, which is not on the board.")
        meeting_id = st.query_params.get(MEETING_PARAM)
        if meeting_id:
            found = meetings().get_meeting(meeting_id) is not None
            ss[CURRENT_MEETING] = meeting_id if found else None
            if not found:
                st.warning(f"The link names meeting {meeting_id}, which is not in the store.")
    _write_url(CASE_PARAM, current_case_id())
    _write_url(MEETING_PARAM, current_meeting_id())


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
