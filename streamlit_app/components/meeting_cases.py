"""Each case of a saved meeting: its decision as recorded (read-only here; the Present page
records it), sign-off, the outcome letter (PDF, Word), moving it to the next meeting, what was
done afterwards; and the meeting's minutes and packet.

Every paper is rendered by ``lms_board.export.meeting_docs.meeting_paper`` when its button is
clicked (a deferred download, run off the script thread: no ``st`` calls in it) and logged.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from lms_board.export.meeting_docs import (
    IDENTIFIER_FLAG,
    LETTER_FORMATS,
    MIME,
    LetterFormat,
    PaperKind,
    decision_rows,
    letter_file_name,
    meeting_paper,
    minutes_file_name,
    packet_file_name,
    sign_off_text,
)
from lms_board.meeting.model import DEVIATION_REASONS, Implementation
from lms_board.meeting.timetable import timetable
from lms_board.store.errors import StoreError
from lms_board.store.meeting_records import StoredDecision, StoredMeeting
from streamlit_app.components import meeting_agenda, meeting_form, session
from streamlit_app.components.text import escape_md

K = "mtgc_"
FLASH = f"{K}flash"


def flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        getattr(st, message[0])(escape_md(message[1]))


def _flagged(case_ids: list[str]) -> list[str]:
    """The cases whose free text looks like an identifier (to be checked before export)."""
    out = []
    for cid in case_ids:
        stored = session.store().get(cid)
        if stored and IDENTIFIER_FLAG in session.assessment_of(stored).flag_codes():
            out.append(cid)
    return out


def _confirmed(case_ids: list[str], key: str) -> bool:
    flagged = _flagged(case_ids)
    if not flagged:
        return True
    st.warning(
        f"Free text of {', '.join(flagged)} looks like an identifier: check it before the "
        "paper leaves the app.",
        icon=":material/badge:",
    )
    return st.checkbox("I have checked it", key=f"{K}confirm_{key}_{','.join(flagged)}")


def download(
    label: str,
    meeting_id: str,
    kind: PaperKind,
    file_name: str,
    mime: str,
    *,
    case_id: str | None = None,
    fmt: LetterFormat = "pdf",
) -> None:
    meetings, user = session.meetings(), session.user()

    def build() -> bytes:
        return meeting_paper(meetings, user, meeting_id, kind, case_id=case_id, fmt=fmt).data

    st.download_button(
        label,
        data=build,
        file_name=file_name,
        mime=mime,
        key=f"{K}dl_{kind}_{fmt}_{case_id or ''}",
        on_click="ignore",
        icon=":material/download:",
    )


def _sign(meeting_id: str, case_id: str, version: int) -> None:
    signer = st.session_state.get(f"{K}signer_{case_id}", "").strip()
    if not signer:
        st.session_state[FLASH] = (
            "error",
            "Sign-off: name who signs (the chair, or a named user).",
        )
        return
    try:
        session.meetings().sign_off(meeting_id, case_id, version, session.user(), signer)
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[FLASH] = ("success", f"{case_id}: decision version {version} signed off.")


def _move(meeting_id: str, case_id: str, version: int) -> None:
    meetings = session.meetings()
    target = meetings.next_meeting(meeting_id)
    if target is None:
        st.session_state[FLASH] = ("error", "There is no later meeting: create it first.")
        return
    try:
        meetings.move_case(meeting_id, case_id, target.meeting_id, version, session.user())
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    meeting_form.load(meetings.meeting(meeting_id))
    st.session_state[FLASH] = ("success", f"{case_id} moved to {target.meeting_id}.")


def _implementation(meeting_id: str, case_id: str) -> None:
    ss = st.session_state
    try:
        record = Implementation(
            what_done=ss.get(f"{K}impl_what_{case_id}", ""),
            as_decided=ss.get(f"{K}impl_same_{case_id}", True),
            reason=None
            if ss.get(f"{K}impl_same_{case_id}", True)
            else ss.get(f"{K}impl_why_{case_id}"),
            note=ss.get(f"{K}impl_note_{case_id}") or None,
            done_on=ss.get(f"{K}impl_on_{case_id}"),
        )
        session.meetings().record_implementation(meeting_id, case_id, record, session.user())
    except ValidationError as exc:
        ss[FLASH] = (
            "error",
            f"{case_id}: not recorded: " + "; ".join(meeting_form.problems(exc, labels=IMPL)),
        )
        return
    except StoreError as exc:
        ss[FLASH] = ("error", str(exc))
        return
    ss[FLASH] = ("success", f"{case_id}: what was done is recorded.")


IMPL = {"what_done": "What was done", "reason": "Why it differs", "note": "Note"}


def _decision(stored: StoredMeeting, case_id: str, decision: StoredDecision | None) -> None:
    if decision is None:
        st.caption("No decision recorded yet: it is recorded on the Present page.")
        return
    for label, value in decision_rows(decision.decision):
        st.markdown(f"**{escape_md(label)}:** {escape_md(value)}")
    st.markdown(escape_md(sign_off_text(decision)))
    editor = session.can_edit()
    if not decision.signed and editor:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.text_input("Signed off by", value=stored.meeting.chair, key=f"{K}signer_{case_id}")
            st.button(
                f"Sign off version {decision.version}",
                key=f"{K}sign_{case_id}",
                type="primary",
                on_click=_sign,
                args=(stored.meeting_id, case_id, decision.version),
            )
    if _confirmed([case_id], case_id):
        with st.container(horizontal=True):
            for fmt in LETTER_FORMATS:
                name = letter_file_name(stored.meeting, case_id, fmt)
                what = "PDF" if fmt == "pdf" else "Word"
                download(
                    f"Outcome letter ({what})",
                    stored.meeting_id,
                    "letter",
                    name,
                    MIME[fmt],
                    case_id=case_id,
                    fmt=fmt,
                )
    if decision.decision.outcome == "decided" and editor:
        _implementation_form(stored.meeting_id, case_id)


def _implementation_form(meeting_id: str, case_id: str) -> None:
    done = session.meetings().implementations(meeting_id=meeting_id, case_id=case_id)
    if done:
        last = done[-1].implementation
        how = "as decided" if last.as_decided else f"differs: {last.reason}"
        st.markdown(f"**Done:** {escape_md(last.what_done)} ({escape_md(how)})")
    with st.popover("Record what was done", icon=":material/task_alt:"):
        st.text_input("What was done", key=f"{K}impl_what_{case_id}", max_chars=300)
        st.date_input("When", value=None, key=f"{K}impl_on_{case_id}")
        same = st.toggle("As the board decided", value=True, key=f"{K}impl_same_{case_id}")
        if not same:
            st.selectbox("Why it differs", DEVIATION_REASONS, key=f"{K}impl_why_{case_id}")
            st.text_input("Note (required for other)", key=f"{K}impl_note_{case_id}")
        st.button(
            "Record",
            key=f"{K}impl_save_{case_id}",
            on_click=_implementation,
            args=(meeting_id, case_id),
        )


def cases(stored: StoredMeeting) -> None:
    """One box per scheduled case, in agenda order."""
    made = {d.case_id: d for d in session.meetings().decisions(stored.meeting_id)}
    clean = not meeting_form.unsaved(stored)
    for slot in timetable(stored.meeting):
        cid = slot.case_id
        with st.container(border=True):
            st.markdown(
                f"**{slot.label} · {escape_md(cid)}** · "
                f"{escape_md(meeting_agenda.readiness_label(cid))}"
            )
            _decision(stored, cid, made.get(cid))
            movable = cid not in made or made[cid].decision.outcome == "deferred"
            if session.can_edit() and movable:
                st.button(
                    "Move to the next meeting",
                    key=f"{K}move_{cid}",
                    on_click=_move,
                    args=(stored.meeting_id, cid, stored.version),
                    disabled=not clean,
                    help=None if clean else "Save or discard your changes first",
                )


def papers(stored: StoredMeeting) -> None:
    """The minutes and the packet (cover: the agenda and the date)."""
    m = stored.meeting
    if not _confirmed([i.case_id for i in stored.meeting.scheduled()], "meeting"):
        return
    with st.container(horizontal=True):
        download("Minutes (PDF)", stored.meeting_id, "minutes", minutes_file_name(m), MIME["pdf"])
        download(
            "Board packet (PDF)", stored.meeting_id, "packet", packet_file_name(m), MIME["pdf"]
        )
    st.caption("Each download is written to the audit log.")
