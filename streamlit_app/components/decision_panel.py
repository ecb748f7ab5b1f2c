"""Recording the board's decision while presenting: a panel over the deck (key ``D``).

The recommendation is a plan of steps (each step: options of the assessment and/or a line of
free text, done together; steps follow one another), built with
:func:`lms_board.meeting.capture.plan_steps`, so "neoadjuvant chemotherapy, then resection +
metastasectomy" is two structured steps. Or the board defers the case and says what it is
waiting for. Saving is a compare-and-set on the decision version seen when the panel opened:
a decision saved in between (another screen, another server) is refused with who saved it,
and everything typed stays in the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st
from pydantic import ValidationError

from lms_board.assessment import Assessment
from lms_board.meeting.capture import FREE_TEXT, capture_decision, option_item, plan_steps
from lms_board.meeting.model import ActionInput, Meeting
from lms_board.meeting.quorum import check_quorum
from lms_board.meeting.readiness import readiness
from lms_board.store.errors import StaleDecisionError
from lms_board.store.meeting_store import MeetingStore
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

K = "present_dp_"
OPEN, BASE, SAVED = f"{K}open", f"{K}base", f"{K}saved"
STEPS, ACTIONS = 3, 3
INTENTS = ("curative", "palliative", "diagnostic")


def is_open(meeting_id: str, case_id: str) -> bool:
    return st.session_state.get(OPEN) == (meeting_id, case_id)


def open_panel(meeting_id: str, case_id: str) -> None:
    """Open the panel on the decision version stored now (the base of the save)."""
    latest = MeetingStore(session.store()).decision(meeting_id, case_id)
    st.session_state[OPEN] = (meeting_id, case_id)
    st.session_state[BASE] = latest.version if latest else 0


def close_panel() -> None:
    st.session_state[OPEN] = None


def _problems(exc: ValidationError, what: str = "") -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(f"{what}{where + ': ' if where else ''}{msg}")
    return out


def _plan(assessment: Assessment, names: dict[str, str]) -> list[list[str]]:
    steps = []
    for n in range(STEPS):
        entries = [names[o] for o in st.session_state.get(f"{K}step{n}", [])]
        text = (st.session_state.get(f"{K}step{n}_text") or "").strip()
        if text:
            entries.append(FREE_TEXT + text)
        if entries:
            steps.append(entries)
    return steps


def _actions() -> list[ActionInput]:
    out = []
    for n in range(ACTIONS):
        text = (st.session_state.get(f"{K}act{n}") or "").strip()
        owner = (st.session_state.get(f"{K}act{n}_owner") or "").strip()
        if text or owner:
            due: date | None = st.session_state.get(f"{K}act{n}_due")
            try:
                out.append(ActionInput(text=text, owner=owner, due=due))
            except ValidationError as exc:
                raise ValueError("; ".join(_problems(exc, f"Action {n + 1} "))) from None
    return out


def _form(assessment: Assessment, meeting: Meeting) -> Callable[[int, float], Any]:
    """The panel's widgets; returns a function that builds the decision and its actions."""
    names = {o.name: o.id for o in assessment.options}
    trials = {f"{t.nct} · {t.title}": t.nct for t in assessment.trials}
    people = {a.label: a for a in meeting.attendees}
    top, intent = st.columns(2)
    deferred = top.radio("Outcome", ["decided", "deferred"], horizontal=True, key=f"{K}outcome")
    if deferred == "decided":
        intent.selectbox("Intent", INTENTS, index=None, key=f"{K}intent")
        st.markdown("##### Plan: each step one or more options done together; steps in order")
        for n in range(STEPS):
            left, right = st.columns([5, 2])
            left.multiselect(f"Step {n + 1}: options", list(names), key=f"{K}step{n}")
            right.text_input(
                f"Step {n + 1}: other (free text)", max_chars=300, key=f"{K}step{n}_text"
            )
        left, right = st.columns(2)
        left.text_area("Rationale", max_chars=5000, key=f"{K}rationale", height=68)
        right.text_area(
            "Why none of the tool's options (if so)", max_chars=2000, key=f"{K}departure",
            height=68,
        )  # fmt: skip
        left, middle, right = st.columns(3)
        left.multiselect("Options discussed", list(names), key=f"{K}discussed")
        middle.selectbox("Trial referral", list(trials), index=None, key=f"{K}trial")
        right.text_input("Trial referral (other, free text)", max_chars=2000, key=f"{K}trial_note")
    else:
        ready = readiness(assessment)
        waiting = [i.words for i in (*ready.missing, *ready.to_chase)]
        st.multiselect("Waiting for", waiting, default=ready.missing_words(), key=f"{K}waiting")
        st.text_input("Also waiting for (free text)", max_chars=300, key=f"{K}waiting_text")
    present = st.multiselect("Present", list(people), default=list(people), key=f"{K}present")
    st.markdown(f"##### {escape_md(check_quorum([people[p] for p in present]).summary())}")
    st.markdown("##### Follow-up actions")
    for n in range(ACTIONS):
        a, b, c = st.columns([4, 2, 2])
        a.text_input(f"Action {n + 1}", max_chars=300, key=f"{K}act{n}")
        b.text_input(f"Owner {n + 1}", max_chars=200, key=f"{K}act{n}_owner")
        c.date_input(f"Due {n + 1}", value=None, key=f"{K}act{n}_due")

    def build(version: int, minutes: float) -> Any:
        s = st.session_state
        attendees = [people[p] for p in present]
        if deferred == "deferred":
            reasons = [*s.get(f"{K}waiting", []), (s.get(f"{K}waiting_text") or "").strip()]
            return capture_decision(
                assessment, version, attendees, outcome="deferred",
                deferral_reasons=[r for r in reasons if r], discussion_minutes=minutes,
            )  # fmt: skip
        return capture_decision(
            assessment,
            version,
            attendees,
            plan=plan_steps(assessment, _plan(assessment, names)),
            intent=s.get(f"{K}intent"),
            rationale=s.get(f"{K}rationale"),
            departure_reason=s.get(f"{K}departure"),
            options_discussed=[
                option_item(assessment, names[o]) for o in s.get(f"{K}discussed", [])
            ],
            trial_nct=trials.get(s.get(f"{K}trial") or ""),
            trial_note=s.get(f"{K}trial_note"),
            discussion_minutes=minutes,
        )

    return build


def save(
    meeting_id: str, case_id: str, build: Callable[..., Any], version: int, minutes: float
) -> None:
    """Record the decision on the base version; a stale base is refused, nothing typed lost."""
    meetings = MeetingStore(session.store())
    try:
        decision, actions = build(version, round(minutes, 1)), _actions()
    except ValidationError as exc:
        for problem in _problems(exc):
            st.error(escape_md(problem))
        return
    except ValueError as exc:
        st.error(escape_md(exc))
        return
    base = st.session_state.get(BASE, 0)
    try:
        meetings.record_decision(
            meeting_id, case_id, decision, session.user(), base_version=base, actions=actions
        )
    except StaleDecisionError as exc:
        st.error(escape_md(exc))
        latest = exc.current.version if exc.current else 0
        st.button(
            f"Replace version {latest} with what is typed here", key=f"{K}rebase",
            on_click=st.session_state.__setitem__, args=(BASE, latest),
        )  # fmt: skip
        return
    st.session_state[SAVED] = f"Decision on {case_id} recorded."
    close_panel()
    st.rerun()


@st.dialog("Board decision", width="large", on_dismiss=close_panel)
def panel(
    meeting: Meeting,
    meeting_id: str,
    case_id: str,
    assessment: Assessment,
    version: int,
    minutes: float,
) -> None:
    """The decision panel for the case on screen (``version``: the case version the board saw)."""
    st.markdown(f"#### {escape_md(case_id)} · {escape_md(meeting_id)}")
    base = st.session_state.get(BASE, 0)
    if base:
        st.markdown(f"##### Replaces decision version {base}.")
    build = _form(assessment, meeting)
    left, right = st.columns(2)
    if left.button("Save the decision", type="primary", key=f"{K}save"):
        save(meeting_id, case_id, build, version, minutes)
    right.button("Close without saving", key=f"{K}close", on_click=close_panel)
