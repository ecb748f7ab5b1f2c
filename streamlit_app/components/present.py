"""The meeting's deck: one agenda case a screen, in type read from the back of a room.

Every line of the deck is a Markdown heading of the theme (``#####`` is 1.25 rem, 20 px;
``####`` 24 px, ``###`` 28 px), so nothing on the screen is under 20 px but the footnotes
(``st.caption``: what did not fit, and where it is). Long lists show their first items and
name how many more there are; the Options, Assessment and Imaging pages have them all.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from lms_board.assessment import Assessment
from lms_board.export.text import case_line, history_items, next_visits, stage_text
from lms_board.meeting.model import Meeting
from lms_board.store import StoredCase
from lms_board.store.meeting_records import StoredMeeting
from lms_board.tables import classification_text, grade_cell
from lms_board.wording import PROMPTS_TITLE, cap
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

#: How many items of each list the screen has room for.
TOP_OPTIONS, NOT_SUITABLE, GAPS, TRIALS, VISITS, PROMPTS, HISTORY = 3, 2, 3, 2, 2, 2, 3
_PICK = "present_meeting_pick"
_COLOURS = {"resectable": "green", "advanced": "orange"}


def agenda_ids(meeting: Meeting) -> list[str]:
    """The cases to present, in agenda order (cases moved to another meeting left out)."""
    return [item.case_id for item in meeting.scheduled()]


def position(ids: list[str]) -> int:
    """Index of the current case on the agenda; the first case when another one is open."""
    current = session.current_case_id()
    if current not in ids:
        session.set_current(ids[0])
        return 0
    return ids.index(current)


def go(ids: list[str], index: int) -> None:
    if 0 <= index < len(ids):
        session.set_current(ids[index])


def lines(items: list[str], size: str = "#####") -> str:
    """Markdown of one heading per item (a bullet each), so each is at least 20 px."""
    return "\n".join(f"{size} • {item}" for item in items)


def more(count: int, shown: int, where: str) -> None:
    if count > shown:
        st.caption(f"{count - shown} more on the {where} page.")


def heading(stored: StoredCase, assessment: Assessment) -> None:
    """The case and its classification with grade and stage, the question, the case in one
    line."""
    case, c = stored.case, assessment.classification
    colour = _COLOURS.get(c.category, "blue")
    badge = f":{colour}-background[{escape_md(classification_text(assessment))}]"
    grade_stage = f"FNCLCC {grade_cell(assessment)} · {stage_text(assessment.stage, note=False)}"
    st.markdown(
        f"### {escape_md(stored.case_id)} {badge} {escape_md(grade_stage)}\n"
        f"### {escape_md(case.question or 'No question recorded.')}\n"
        f"#### {escape_md(case_line(case, assessment))}"
    )


def why(assessment: Assessment) -> None:
    """Reasons for the classification and the workup gaps."""
    st.markdown("#### Why")
    st.markdown(lines([escape_md(r.text) for r in assessment.classification.rationale]))
    gaps = assessment.workup_gaps
    if gaps:
        st.markdown(f"#### :orange[Workup gaps ({len(gaps)})]")
        st.markdown(lines([escape_md(g.message) for g in gaps[:GAPS]]))
        more(len(gaps), GAPS, "Assessment")


def history(stored: StoredCase) -> None:
    """The treatment so far, the latest line last and in bold (never the one left out)."""
    history = history_items(stored.case)
    if history:
        st.markdown("#### Treatment so far")
        shown = [escape_md(h) for h in history[-HISTORY:]]
        shown[-1] = f"**{shown[-1]}**"  # the latest line is never left out
        st.markdown(lines(shown))
        if len(history) > HISTORY:
            st.caption(f"{len(history) - HISTORY} earlier on the Assessment page.")


def options(assessment: Assessment) -> None:
    """The top options and what is not suitable, with why."""
    st.markdown(f"#### Top options ({len(assessment.options)})")
    if not assessment.options:
        st.markdown("##### No options listed.")
    named = [
        f"{n}. {escape_md(o.name)} · *{escape_md(o.intent)}*"
        for n, o in enumerate(assessment.options[:TOP_OPTIONS], start=1)
    ]
    st.markdown("\n".join(f"##### {line}" for line in named))
    more(len(assessment.options), TOP_OPTIONS, "Options")
    unsuitable = assessment.not_suitable
    if unsuitable:
        st.markdown(f"#### Not suitable ({len(unsuitable)})")
        shown = [f"{escape_md(n.name)}: *{escape_md(n.reason)}*" for n in unsuitable[:NOT_SUITABLE]]
        st.markdown(lines(shown))
        more(len(unsuitable), NOT_SUITABLE, "Options")


def plans(assessment: Assessment, today: date) -> None:
    """The points to discuss, trials, the imaging plan's next dates."""
    if assessment.prompts:
        st.markdown(f"#### {PROMPTS_TITLE} ({len(assessment.prompts)})")
        st.markdown(lines([escape_md(p.message) for p in assessment.prompts[:PROMPTS]]))
        more(len(assessment.prompts), PROMPTS, "Assessment")
    trials = assessment.trials
    if trials:
        st.markdown(f"#### Trials ({len(trials)})")
        shown = [f"{t.nct} · {cap(t.status)}: {t.title}" for t in trials[:TRIALS]]
        st.markdown(lines([escape_md(s) for s in shown]))
        more(len(trials), TRIALS, "Options")
    visits = next_visits(assessment.imaging.surveillance, today, VISITS)
    if visits:
        st.markdown("#### Imaging: next dates")
        st.markdown(lines([escape_md(f"{v.when}: {v.what}") for v in visits]))


def notes(stored: StoredCase) -> None:
    """The case's free text (clinical summary, preference), shown only when switched on."""
    case = stored.case
    with st.container(border=True):
        for title, text in (
            ("Notes", case.notes or "No clinical summary."),
            ("Patient preference", case.history.patient_preference),
        ):
            if text:
                paragraphs = [escape_md(p) for p in text.splitlines() if p.strip()]
                st.markdown(f"#### {title}\n" + "\n".join(f"##### {p}" for p in paragraphs))


def nav_buttons(ids: list[str], index: int, *, disabled: bool) -> None:
    """Previous/next: ← and → on a keyboard, Page Up and Page Down from a clicker (both
    pairs are Streamlit button shortcuts); off while the decision panel is open."""
    first, last = disabled or index == 0, disabled or index == len(ids) - 1
    for label, shortcut, icon, step, off, kind in (
        ("Previous", "Left", ":material/arrow_back:", -1, first, "secondary"),
        ("Next", "Right", ":material/arrow_forward:", 1, last, "secondary"),
        ("Back", "PageUp", ":material/keyboard_double_arrow_left:", -1, first, "tertiary"),
        ("Forward", "PageDown", ":material/keyboard_double_arrow_right:", 1, last, "tertiary"),
    ):
        st.button(
            label, key=f"present_{shortcut.lower()}", icon=icon, shortcut=shortcut,
            disabled=off, type=kind, on_click=go, args=(ids, index + step),  # type: ignore[arg-type]
        )  # fmt: skip


def _meeting_label(stored: StoredMeeting) -> str:
    m = stored.meeting
    n = len(m.scheduled())
    return (
        f"{stored.meeting_id} · {m.date:%d %b %Y} {m.start_time:%H:%M} · {n} case{'s' * (n != 1)}"
    )


def _picked() -> None:
    session.set_current_meeting(st.session_state.get(_PICK))


def pick_meeting(meetings: list[StoredMeeting]) -> None:
    """No meeting open: the stored meetings to choose from (latest first)."""
    st.title("Present a meeting")
    if not meetings:
        st.info("No board meetings yet. A coordinator builds one (date, agenda, attendance) first.")
        return
    labels = {s.meeting_id: _meeting_label(s) for s in meetings}
    st.selectbox(
        "Meeting to present", list(labels), index=None, format_func=labels.__getitem__,
        placeholder="Pick a meeting", key=_PICK, on_change=_picked,
    )  # fmt: skip


def _close_meeting() -> None:
    session.set_current_meeting(None)
    st.session_state.pop(_PICK, None)


def change_meeting_button() -> None:
    st.button(
        "Other meeting", key="present_other", icon=":material/event:", type="tertiary",
        on_click=_close_meeting,
    )  # fmt: skip
