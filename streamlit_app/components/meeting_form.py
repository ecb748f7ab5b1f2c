"""The meeting editor: details, agenda and attendance, typed here and saved as one new version
with compare-and-set on the version the user opened.

What is typed lives in this session until saved (a copy outside the widgets survives a visit
to another page). A save on top of a version somebody else saved in between writes nothing,
says who changed what, keeps everything typed, and offers to apply the user's changes to
that version (section by section: details, agenda, attendance) or to discard them.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import streamlit as st
from pydantic import ValidationError

from lms_board.meeting.model import (
    DEFAULT_SLOT_MINUTES,
    MEETING_STATUSES,
    SPECIALTIES,
    AgendaItem,
    Attendee,
    Meeting,
)
from lms_board.meeting.quorum import check_quorum
from lms_board.meeting.timetable import timetable
from lms_board.store.errors import StaleMeetingError, StoreError
from lms_board.store.meeting_records import StoredMeeting
from lms_board.store.meeting_store import agenda_change
from lms_board.wording import problem_fragment
from streamlit_app.components import meeting_agenda, session
from streamlit_app.components.text import escape_md

K = "mtg_"
NEW = "*new"
FOR, BASE, AGENDA, ATT, NEXT = f"{K}for", f"{K}base", f"{K}agenda", f"{K}att", f"{K}next_row"
STALE, FLASH, KEPT = f"{K}stale", f"{K}flash", f"{K}kept"
#: The details' widget keys and the meeting fields they edit.
DETAILS = {
    "date": f"{K}date",
    "start_time": f"{K}time",
    "status": f"{K}status",
    "place": f"{K}place",
    "video_link": f"{K}video",
    "chair": f"{K}chair",
    "coordinator": f"{K}coordinator",
    "notes": f"{K}notes",
}
LABELS = {
    "date": "Date",
    "start_time": "Start time",
    "place": "Place",
    "video_link": "Video link",
    "chair": "Chair",
    "coordinator": "Coordinator",
    "notes": "Notes",
    "agenda": "Agenda",
    "attendees": "Attendance",
}


def _row_keys(rid: int) -> tuple[str, str, str]:
    return f"{K}att_name_{rid}", f"{K}att_spec_{rid}", f"{K}att_detail_{rid}"


def load(stored: StoredMeeting | None) -> None:
    """Fill the editor from a stored meeting (``None``: a new one, next week at 14:00)."""
    ss = st.session_state
    m = stored.meeting if stored else None
    ss[FOR] = stored.meeting_id if stored else NEW
    ss[BASE] = stored.version if stored else None
    ss.pop(STALE, None)
    ss[KEPT] = {}
    values: dict[str, Any] = {
        "date": m.date if m else date.today() + timedelta(days=7),
        "start_time": m.start_time if m else time(14, 0),
        "status": m.status if m else "planned",
    }
    for field in ("place", "video_link", "chair", "coordinator", "notes"):
        values[field] = (getattr(m, field) if m else None) or ""
    for field, key in DETAILS.items():
        ss[key] = values[field]
    ss[AGENDA] = [i.model_dump(mode="json") for i in m.agenda] if m else []
    for item in m.scheduled() if m else []:
        ss[f"{K}min_{item.case_id}"] = item.minutes
        ss[f"{K}ref_{item.case_id}"] = item.referred_by or ""
    ss[ATT] = []
    for attendee in m.attendees if m else []:
        _add_attendee(attendee)


def _add_attendee(attendee: Attendee | None = None) -> None:
    ss = st.session_state
    rid = ss[NEXT] = ss.get(NEXT, 0) + 1
    name, spec, detail = _row_keys(rid)
    ss[name] = attendee.name if attendee else ""
    ss[spec] = attendee.specialty if attendee else SPECIALTIES[0]
    ss[detail] = (attendee.detail if attendee else None) or ""
    ss[ATT] = [*ss[ATT], rid]


def _keys() -> list[str]:
    ss = st.session_state
    keys = list(DETAILS.values())
    for row in ss.get(AGENDA, []):
        keys += [f"{K}min_{row['case_id']}", f"{K}ref_{row['case_id']}"]
    for rid in ss.get(ATT, []):
        keys += list(_row_keys(rid))
    return keys


def keep() -> None:
    """Copy what is typed outside the widgets (a visit to another page drops widget state)."""
    ss = st.session_state
    ss[KEPT] = {k: ss[k] for k in _keys() if k in ss}


def _restore() -> None:
    ss = st.session_state
    for key, value in ss.get(KEPT, {}).items():
        if key not in ss:
            ss[key] = value


def typed() -> dict[str, Any]:
    """The meeting as typed, as the model's fields (not validated)."""
    ss = st.session_state
    data: dict[str, Any] = {f: ss.get(k) for f, k in DETAILS.items()}
    agenda = []
    for row in ss.get(AGENDA, []):
        if row["state"] == "scheduled":
            cid = row["case_id"]
            row = {
                **row,
                "minutes": ss.get(f"{K}min_{cid}", DEFAULT_SLOT_MINUTES),
                "referred_by": ss.get(f"{K}ref_{cid}") or None,
            }
        agenda.append(row)
    data["agenda"] = agenda
    people = []
    for rid in ss.get(ATT, []):
        name, spec, detail = (ss.get(k) for k in _row_keys(rid))
        if isinstance(name, str) and name.strip():
            people.append({"name": name, "specialty": spec, "detail": detail or None})
    data["attendees"] = people
    return data


def problems(exc: ValidationError, labels: dict[str, str] | None = None) -> list[str]:
    """``Chair: must not be empty``; a rule over several fields in its own words."""
    labels = labels or LABELS
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        what = problem_fragment(err["type"], err.get("ctx"), err["msg"])
        if not loc:
            out.append(
                what.replace("video_link", "video link").replace("place or video", "Place or video")
            )
            continue
        where = labels.get(loc[0], loc[0])
        if loc[0] == "attendees" and len(loc) > 1:
            where = f"Attendee {int(loc[1]) + 1}"
        out.append(f"{where}: {what}")
    return out


def build() -> Meeting:
    return Meeting.model_validate(typed())


def _merged(base: Meeting, theirs: Meeting, mine: dict[str, Any]) -> dict[str, Any]:
    """Their version with my changes since ``base`` on top, field by field (details) and
    section by section (agenda, attendance)."""
    before = base.model_dump(mode="json")
    now = Meeting.model_validate(mine).model_dump(mode="json")
    out = theirs.model_dump(mode="json")
    for field, value in now.items():
        if value != before.get(field):
            out[field] = value
    return out


def save(over: bool = False) -> None:
    """Save button callback; ``over``: apply what is typed to the version stored now."""
    ss = st.session_state
    meetings, user = session.meetings(), session.user()
    try:
        data = typed()
        if over and ss.get(STALE):
            base = meetings.meeting_versions(ss[FOR])[ss[BASE] - 1].meeting
            theirs = meetings.meeting(ss[FOR])
            data, ss[BASE] = _merged(base, theirs.meeting, data), theirs.version
        meeting = Meeting.model_validate(data)
        if ss[FOR] == NEW:
            stored = meetings.create_meeting(meeting, user)
        else:
            stored = meetings.save_meeting(ss[FOR], meeting, ss[BASE], user)
    except ValidationError as exc:
        ss[FLASH] = ("error", "Not saved: " + "; ".join(problems(exc)) + ".")
        return
    except StaleMeetingError as exc:
        base = meetings.meeting_versions(exc.current.meeting_id)[exc.base_version - 1].meeting
        ss[STALE] = (
            f"Not saved: {exc.current.updated_by} saved this meeting at "
            f"{exc.current.updated_at:%Y-%m-%d %H:%M} UTC (now version {exc.current.version}; "
            f"you opened version {exc.base_version}). Their change: "
            f"{agenda_change(base, exc.current.meeting)}. Everything you typed is kept below."
        )
        return
    except StoreError as exc:
        ss[FLASH] = ("error", str(exc))
        return
    session.set_current_meeting(stored.meeting_id)
    load(stored)
    ss[FLASH] = ("success", f"Saved {stored.meeting_id} (version {stored.version}).")


def discard() -> None:
    load(session.meetings().get_meeting(st.session_state[FOR]))


def unsaved(stored: StoredMeeting | None) -> bool:
    """Something typed that the stored meeting does not hold."""
    try:
        return stored is None or build() != stored.meeting
    except ValidationError:
        return True


def opened(stored: StoredMeeting | None) -> None:
    """Load the editor when another meeting is opened; keep what is typed otherwise."""
    ss = st.session_state
    if ss.get(FOR) != (stored.meeting_id if stored else NEW):
        load(stored)
    _restore()


def flash() -> None:
    ss = st.session_state
    message = ss.pop(FLASH, None)
    if message:
        getattr(st, message[0])(escape_md(message[1]))
    if ss.get(STALE):
        st.error(escape_md(ss[STALE]), icon=":material/sync_problem:")
        with st.container(horizontal=True):
            st.button(
                "Apply my changes to their version",
                key=f"{K}save_over",
                type="primary",
                on_click=save,
                args=(True,),
            )
            st.button("Discard my changes", key=f"{K}discard", on_click=discard)


def details() -> None:
    one, two, three = st.columns(3)
    one.date_input("Date", key=DETAILS["date"])
    two.time_input("Start time", key=DETAILS["start_time"], step=timedelta(minutes=5))
    three.selectbox("Status", MEETING_STATUSES, key=DETAILS["status"])
    one, two = st.columns(2)
    one.text_input("Place", key=DETAILS["place"], max_chars=200)
    two.text_input("Video link", key=DETAILS["video_link"], max_chars=500, placeholder="https://…")
    one.text_input("Chair", key=DETAILS["chair"], max_chars=200)
    two.text_input("Coordinator", key=DETAILS["coordinator"], max_chars=200)
    st.text_area("Notes", key=DETAILS["notes"], height=68, max_chars=5000)


def _shift(case_id: str, step: int) -> None:
    rows = st.session_state[AGENDA]
    ids = [r["case_id"] for r in rows if r["state"] == "scheduled"]
    at = ids.index(case_id)
    ids[at], ids[at + step] = ids[at + step], ids[at]
    by_id = {r["case_id"]: r for r in rows if r["state"] == "scheduled"}
    st.session_state[AGENDA] = [by_id[c] for c in ids] + [
        r for r in rows if r["state"] != "scheduled"
    ]


def _remove(case_id: str) -> None:
    rows = st.session_state[AGENDA]
    st.session_state[AGENDA] = [
        r for r in rows if not (r["case_id"] == case_id and r["state"] == "scheduled")
    ]


def _add_cases() -> None:
    ss = st.session_state
    for cid in ss.get(f"{K}add_pick", []):
        ss[AGENDA] = [*ss[AGENDA], {"case_id": cid, "state": "scheduled"}]
        ss[f"{K}min_{cid}"] = DEFAULT_SLOT_MINUTES
        ss[f"{K}ref_{cid}"] = ""
    ss[f"{K}add_pick"] = []


def agenda(decided: set[str]) -> None:
    """The cases in order with their times (running timetable), slot, referrer, readiness."""
    ss = st.session_state
    data = typed()
    rows = [r for r in data["agenda"] if r["state"] == "scheduled"]
    # Not validated yet (that is the save's job): enough for the running timetable.
    draft = Meeting.model_construct(
        date=data["date"] or date.today(),
        start_time=data["start_time"] or time(0, 0),
        chair="",
        coordinator="",
        agenda=[AgendaItem.model_construct(**r) for r in data["agenda"]],
    )
    slots = {s.case_id: s.label for s in timetable(draft)}
    for n, row in enumerate(rows):
        cid = row["case_id"]
        what, minutes, referrer, buttons = st.columns([5, 2, 4, 3], vertical_alignment="bottom")
        what.markdown(
            f"**{slots.get(cid, '')}** · **{escape_md(cid)}**  \n"
            f"{escape_md(meeting_agenda.readiness_label(cid))}"
        )
        minutes.number_input("Minutes", min_value=1, max_value=180, step=5, key=f"{K}min_{cid}")
        referrer.text_input("Referred by", key=f"{K}ref_{cid}", max_chars=200)
        with buttons.container(horizontal=True, gap="small"):
            st.button(
                "↑",
                key=f"{K}up_{cid}",
                on_click=_shift,
                args=(cid, -1),
                disabled=n == 0,
                help="Earlier in the meeting",
            )
            st.button(
                "↓",
                key=f"{K}down_{cid}",
                on_click=_shift,
                args=(cid, 1),
                disabled=n == len(rows) - 1,
                help="Later in the meeting",
            )
            st.button(
                "✕",
                key=f"{K}remove_{cid}",
                on_click=_remove,
                args=(cid,),
                disabled=cid in decided,
                help="Has a decision here: move it to the next meeting instead"
                if cid in decided
                else "Take the case off this agenda",
            )
    for row in data["agenda"]:
        if row["state"] == "moved":
            st.caption(f"{escape_md(row['case_id'])}: moved to {escape_md(row['moved_to'])}")
    on = {r["case_id"] for r in rows}
    free = [s.case_id for s in session.store().list_cases() if s.case_id not in on]
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.multiselect(
            "Add cases from the board", free, key=f"{K}add_pick", placeholder="Pick cases"
        )
        st.button(
            "Add to the agenda",
            key=f"{K}add",
            on_click=_add_cases,
            disabled=not ss.get(f"{K}add_pick"),
        )


def _drop_attendee(rid: int) -> None:
    st.session_state[ATT] = [r for r in st.session_state[ATT] if r != rid]


def attendance() -> None:
    """Who attends (name, specialty from the model's list), and the quorum checked live."""
    for rid in st.session_state[ATT]:
        name, spec, detail = _row_keys(rid)
        a, b, c, d = st.columns([4, 3, 3, 1], vertical_alignment="bottom")
        a.text_input("Name", key=name, max_chars=200)
        b.selectbox("Specialty", SPECIALTIES, key=spec)
        c.text_input(
            "Discipline (when other)",
            key=detail,
            max_chars=80,
            disabled=st.session_state.get(spec) != "other",
        )
        d.button(
            "✕",
            key=f"{K}att_drop_{rid}",
            on_click=_drop_attendee,
            args=(rid,),
            help="Remove this attendee",
        )
    st.button(
        "Add an attendee", key=f"{K}att_add", on_click=_add_attendee, icon=":material/person_add:"
    )
    try:
        people = [Attendee.model_validate(p) for p in typed()["attendees"]]
    except ValidationError:
        people = []
    result = check_quorum(people)
    summary = result.summary()
    text = f"{summary[0].upper()}{summary[1:]} ({len(people)} attending). Rule: {result.rule}."
    (st.success if result.met else st.warning)(escape_md(text))


def actions_row(stored: StoredMeeting | None) -> None:
    """Save (and, with unsaved changes, discard); above the tabs, so every tab reaches it."""
    changed = unsaved(stored)
    with st.container(horizontal=True, vertical_alignment="center"):
        label = "Create the meeting" if stored is None else "Save the meeting"
        st.button(label, key=f"{K}save", type="primary", on_click=save, disabled=not changed)
        if stored is not None and changed:
            st.button("Discard my changes", key=f"{K}discard_top", on_click=discard)
            st.caption("Unsaved changes")
