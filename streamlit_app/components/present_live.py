"""The live parts of the deck: the timer against the case's slot, and the decision as stored now.

Both are fragments that rerun on their own (``run_every``), not the page: the timer every
:data:`TICK_SECONDS`, the decision every :data:`POLL_SECONDS` (one indexed ``SELECT … LIMIT 1``
of the latest decision version). Each rerun costs the server a short script run, so the timer
does not tick every second: on a busy server that slowed the page's own reruns. So a decision recorded on another app server against the same
PostgreSQL database shows on this screen within a few seconds, with no reload.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import streamlit as st

from lms_board.store.meeting_records import StoredDecision
from lms_board.store.meeting_store import MeetingStore
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

#: How often an open deck re-reads the decision (a change elsewhere shows within this + a run).
POLL_SECONDS = 2.0
#: How often the timer is redrawn.
TICK_SECONDS = 5.0
_CLOCK = "present_clock"


@dataclass
class Clock:
    """Seconds spent on each case of a meeting, counting only while the case is on screen."""

    case_id: str | None = None
    since: float = 0.0
    spent: dict[str, float] = field(default_factory=dict)

    def show(self, case_id: str, now: float) -> None:
        """The deck now shows ``case_id``; the time on the one before is banked."""
        if case_id == self.case_id:
            return
        if self.case_id is not None:
            self.spent[self.case_id] = self.elapsed(self.case_id, now)
        self.case_id, self.since = case_id, now

    def elapsed(self, case_id: str, now: float) -> float:
        running = now - self.since if case_id == self.case_id else 0.0
        return self.spent.get(case_id, 0.0) + running


def clock(meeting_id: str) -> Clock:
    clocks: dict[str, Clock] = st.session_state.setdefault(_CLOCK, {})
    return clocks.setdefault(meeting_id, Clock())


def minutes_text(seconds: float) -> str:
    """``4:07``."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


@st.fragment(run_every=TICK_SECONDS)
def timer(meeting_id: str, case_id: str, slot_minutes: int) -> None:
    """``⏱ 4:07 of 10 min``, red once the slot is used up."""
    spent = clock(meeting_id).elapsed(case_id, time.monotonic())
    text = f":material/timer: {minutes_text(spent)} of {slot_minutes} min"
    st.markdown(
        f"#### :red[{text}]" if spent > slot_minutes * 60 else f"#### {text}", width="content"
    )


def decision_lines(stored: StoredDecision) -> list[str]:
    """The decision as the room sees it: the plan (or the deferral), intent, who was there."""
    d = stored.decision
    when = f"{stored.recorded_at:%H:%M}"
    signed = f", signed off by {escape_md(stored.signer_name)}" if stored.signed else ""
    head = (
        ":orange-background[Deferred]" if d.outcome == "deferred" else ":green-background[Decided]"
    )
    by = escape_md(stored.recorded_by)
    quorum = "quorum met" if d.quorum.met else ":red[quorum NOT met]"
    bits = [escape_md(d.intent or ""), quorum]
    plan = "; ".join(d.deferral_reasons) if d.outcome == "deferred" else None
    if d.trial_nct or d.trial_note:
        trial = " ".join(x for x in (d.trial_nct, d.trial_note) if x)
        bits.append(f"trial referral {escape_md(trial)}")
    facts = " · ".join(b for b in bits if b)
    return [
        f"#### {head} {escape_md(plan or d.recommendation)}",
        f"##### {facts} · version {stored.version}, {when}, {by}{signed}",
    ]


@st.fragment(run_every=POLL_SECONDS)
def decision(meeting_id: str, case_id: str) -> None:
    """The latest decision on the case at this meeting, re-read every :data:`POLL_SECONDS`."""
    stored = MeetingStore(session.store()).decision(meeting_id, case_id)
    with st.container(border=True, key="present_decision"):
        if stored is None:
            st.markdown("#### No decision recorded yet.")
        else:
            st.markdown("\n".join(decision_lines(stored)))
