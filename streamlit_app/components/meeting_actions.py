"""Follow-through: the follow-up actions of a meeting, or of every meeting by owner, overdue
first (``lms_board.meeting.follow_through``); mark one done or cancelled (compare-and-set on
the action's version: a change somebody made in between is named, nothing is overwritten);
add an action to a case of the meeting."""

from __future__ import annotations

from datetime import date

import streamlit as st
from pydantic import ValidationError

from lms_board.meeting.follow_through import action_state, grouped
from lms_board.meeting.model import ActionInput, ActionStatus
from lms_board.store.errors import StoreError
from lms_board.store.meeting_records import StoredAction, StoredMeeting
from streamlit_app.components import meeting_form, session
from streamlit_app.components.text import escape_md

K = "mtga_"
FLASH = f"{K}flash"
LABELS = {"text": "Action", "owner": "Owner", "due": "Due"}


def _change(action_id: int, version: int, status: ActionStatus) -> None:
    try:
        session.meetings().change_action(action_id, version, session.user(), status=status)
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[FLASH] = ("success", f"Action {action_id} marked {status}.")


def _add(meeting_id: str) -> None:
    ss = st.session_state
    try:
        action = ActionInput(
            text=ss.get(f"{K}text", ""), owner=ss.get(f"{K}owner", ""), due=ss.get(f"{K}due")
        )
        session.meetings().add_actions(meeting_id, ss[f"{K}case"], [action], session.user())
    except ValidationError as exc:
        ss[FLASH] = ("error", "Not added: " + "; ".join(meeting_form.problems(exc, LABELS)))
        return
    except StoreError as exc:
        ss[FLASH] = ("error", str(exc))
        return
    ss[f"{K}text"] = ""
    ss[FLASH] = ("success", "Action added.")


def _row(action: StoredAction, today: date, *, meeting: bool) -> None:
    state = escape_md(action_state(action, today))
    if action.overdue(today):
        state = f":red[**{state}**]"
    where = f"{action.meeting_id} · " if meeting else ""
    text, buttons = st.columns([7, 3], vertical_alignment="center")
    text.markdown(
        f"{escape_md(action.text)} · **{escape_md(action.owner)}** · "
        f"{escape_md(where)}{escape_md(action.case_id)} · {state}"
    )
    if action.status == "open" and session.can_edit():
        with buttons.container(horizontal=True, gap="small"):
            st.button(
                "Done",
                key=f"{K}done_{action.id}",
                on_click=_change,
                args=(action.id, action.version, "done"),
                icon=":material/check:",
            )
            st.button(
                "Cancel",
                key=f"{K}cancel_{action.id}",
                on_click=_change,
                args=(action.id, action.version, "cancelled"),
            )


def follow_through(stored: StoredMeeting, today: date) -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        getattr(st, message[0])(escape_md(message[1]))
    scope = st.segmented_control(
        "Actions",
        ["This meeting", "Every meeting, by owner"],
        default="This meeting",
        key=f"{K}scope",
    )
    meetings = session.meetings()
    if scope == "Every meeting, by owner":
        groups = grouped(meetings.actions(), today, "owner")
    else:
        groups = grouped(meetings.actions(meeting_id=stored.meeting_id), today, "meeting")
    if not groups:
        st.caption("No follow-up actions yet.")
    for name, actions in groups:
        overdue = sum(1 for a in actions if a.overdue(today))
        st.markdown(f"**{escape_md(name)}** · {len(actions)} action(s), {overdue} overdue")
        for action in actions:
            _row(action, today, meeting=scope != "This meeting")
    cases = [i.case_id for i in stored.meeting.agenda]
    if cases and session.can_edit():
        with st.popover("Add an action", icon=":material/add_task:"):
            st.selectbox("Case", cases, key=f"{K}case")
            st.text_input("Action", key=f"{K}text", max_chars=300)
            st.text_input("Owner", key=f"{K}owner", max_chars=200)
            st.date_input("Due", value=None, key=f"{K}due")
            st.button("Add", key=f"{K}add", on_click=_add, args=(stored.meeting_id,))
