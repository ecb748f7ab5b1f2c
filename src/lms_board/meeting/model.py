"""What a board meeting is made of: the meeting and its agenda, attendance, the decision on
each case, follow-up actions and what was actually done afterwards.

Strict pydantic models (unknown keys refused, every text bounded), stored as JSON documents by
``lms_board.store.meeting_store``. A recommendation is a *plan*: steps in order, each step one
or more items done together, each item an option of the assessment (by id) or free text. So
"neoadjuvant chemotherapy, then resection + metastasectomy" is two steps, the second with two
items, and the concordance with the tool's options is read from the ids, not from words.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from lms_board.assessment import Intent
from lms_board.case_fields import CaseId

#: Who sits at a sarcoma board (issue 14's list); ``other`` names the discipline in ``detail``.
Specialty = Literal[
    "sarcoma surgeon",
    "medical oncologist",
    "radiation oncologist",
    "radiologist",
    "pathologist",
    "specialist nurse",
    "gynaecological oncologist",
    "thoracic surgeon",
    "orthopaedic surgeon",
    "palliative care",
    "other",
]
SPECIALTIES: tuple[Specialty, ...] = get_args(Specialty)

MeetingStatus = Literal["planned", "held", "cancelled"]
MEETING_STATUSES: tuple[MeetingStatus, ...] = get_args(MeetingStatus)
#: ``moved``: the case went on to another meeting (``moved_to``); the item stays as history.
AgendaState = Literal["scheduled", "moved"]
Outcome = Literal["decided", "deferred"]
ActionStatus = Literal["open", "done", "cancelled"]
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
#: Why what was done differs from what the board decided (issue 14's list).
DeviationReason = Literal[
    "patient preference", "fitness changed", "progression", "waiting time", "other"
]
DEVIATION_REASONS: tuple[DeviationReason, ...] = get_args(DeviationReason)


def check_action_status(status: str) -> ActionStatus:
    """``status`` if it is one of :data:`ACTION_STATUSES`, else ``ValueError`` naming them."""
    for known in ACTION_STATUSES:
        if status == known:
            return known
    raise ValueError(f"status must be one of {', '.join(ACTION_STATUSES)}, not {status!r}")


DEFAULT_SLOT_MINUTES = 10
MAX_AGENDA = 60
MAX_ATTENDEES = 60

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Text = Annotated[str, StringConstraints(max_length=5000)]
OptionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")]
Nct = Annotated[str, StringConstraints(pattern=r"^NCT[0-9]{8}$")]
MeetingId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,40}$")]
Minutes = Annotated[int, Field(ge=1, le=180)]


def _optional(value: object) -> object:
    """Blank text is "not given"."""
    return None if isinstance(value, str) and not value.strip() else value


OptText = Annotated[Text | None, BeforeValidator(_optional)]
OptShort = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None,
    BeforeValidator(_optional),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Attendee(_Strict):
    """One person at the meeting: ``Attendee(name="A. Surgeon", specialty="sarcoma surgeon")``."""

    name: Name
    specialty: Specialty
    #: The discipline when ``specialty`` is ``other`` (e.g. "interventional radiology").
    detail: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None,
        BeforeValidator(_optional),
    ] = None

    @property
    def discipline(self) -> str:
        """The specialty, or for ``other`` the discipline named in ``detail``."""
        return self.detail if self.specialty == "other" and self.detail else self.specialty

    @property
    def label(self) -> str:
        """``A. Surgeon (sarcoma surgeon)``."""
        return f"{self.name} ({self.discipline})"


class AgendaItem(_Strict):
    """A case on the agenda: its slot in minutes, who referred it (the letter's addressee)."""

    case_id: CaseId
    minutes: Minutes = DEFAULT_SLOT_MINUTES
    referred_by: OptShort = None
    state: AgendaState = "scheduled"
    moved_to: MeetingId | None = None
    moved_from: MeetingId | None = None

    @model_validator(mode="after")
    def _moved_names_its_meeting(self) -> AgendaItem:
        if self.state == "moved" and not self.moved_to:
            raise ValueError("a moved agenda item names the meeting it moved to (moved_to)")
        return self


def web_address(value: str) -> str:
    """``value`` if it is an http(s) address without spaces, else ``ValueError``."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("must be a web address starting with https:// (or http://)")
    return value.strip()


class Meeting(_Strict):
    """A board meeting: when and where, who chairs and coordinates, the agenda, attendance."""

    date: date
    start_time: time
    place: OptShort = None
    video_link: Annotated[
        Annotated[str, StringConstraints(max_length=500)] | None, BeforeValidator(_optional)
    ] = None
    chair: Name
    coordinator: Name
    status: MeetingStatus = "planned"
    agenda: list[AgendaItem] = Field(default_factory=list, max_length=MAX_AGENDA)
    attendees: list[Attendee] = Field(default_factory=list, max_length=MAX_ATTENDEES)
    notes: OptText = None

    @field_validator("video_link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return None if value is None else web_address(value)

    @field_validator("start_time")
    @classmethod
    def _minute(cls, value: time) -> time:
        return value.replace(second=0, microsecond=0, tzinfo=None)

    @model_validator(mode="after")
    def _where_and_once(self) -> Meeting:
        if self.place is None and self.video_link is None:
            raise ValueError("place or video_link: give at least one (where the board meets)")
        seen: set[str] = set()
        for item in self.scheduled():
            if item.case_id in seen:
                raise ValueError(f"agenda: case {item.case_id} is on the agenda twice")
            seen.add(item.case_id)
        return self

    def scheduled(self) -> list[AgendaItem]:
        """The agenda items still to be discussed here (moved ones left out), in order."""
        return [item for item in self.agenda if item.state == "scheduled"]

    def item(self, case_id: str) -> AgendaItem | None:
        """The scheduled agenda item of ``case_id``, or ``None``."""
        return next((i for i in self.scheduled() if i.case_id == case_id), None)

    @property
    def where(self) -> str:
        """``Room 4 · https://video.example/board`` (place, then link)."""
        return " · ".join(x for x in (self.place, self.video_link) if x)


class PlanItem(_Strict):
    """One thing to do: an option of the assessment (``option_id`` with its name as ``text``)
    or free text (``option_id`` ``None``), e.g. "resection of the primary"."""

    option_id: OptionId | None = None
    text: Line


class PlanStep(_Strict):
    """Items done together (joined by "+"); steps follow one another ("then")."""

    items: list[PlanItem] = Field(min_length=1, max_length=8)

    @property
    def text(self) -> str:
        return " + ".join(i.text for i in self.items)


def _mid_sentence(text: str) -> str:
    """``Wide resection`` → ``wide resection`` (``SBRT …`` and ``R0 …`` stay as they are)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def plan_text(steps: list[PlanStep]) -> str:
    """``Neoadjuvant chemotherapy, then wide resection + metastasectomy``: one sentence, so
    every item after the first starts in lower case (acronyms kept)."""
    items = [[i.text for i in s.items] for s in steps]
    words = [
        " + ".join(t if (n == 0 and k == 0) else _mid_sentence(t) for k, t in enumerate(step))
        for n, step in enumerate(items)
    ]
    return ", then ".join(words)


class QuorumSnapshot(_Strict):
    """The quorum as it stood when the decision was recorded."""

    rule: str
    met: bool
    missing: list[str] = Field(default_factory=list)


class ToolSnapshot(_Strict):
    """What LMS Board proposed when the decision was recorded (for concordance later, even
    if the knowledge base or the case changes afterwards)."""

    option_ids: list[OptionId] = Field(default_factory=list)
    option_names: list[Line] = Field(default_factory=list)
    classification: Line
    case_version: int = Field(ge=1)
    knowledge_reviewed: date | None = None

    @property
    def first_option_id(self) -> str | None:
        return self.option_ids[0] if self.option_ids else None


def _now() -> datetime:
    return datetime.now(UTC)


class MeetingDecision(_Strict):
    """What the board decided for one case at one meeting, or why it deferred the case."""

    outcome: Outcome = "decided"
    plan: list[PlanStep] = Field(default_factory=list, max_length=8)
    intent: Intent | None = None
    rationale: OptText = None
    #: Why the board chose none of the tool's options (shown in the concordance).
    departure_reason: OptText = None
    options_discussed: list[PlanItem] = Field(default_factory=list, max_length=30)
    trial_nct: Annotated[Nct | None, BeforeValidator(_optional)] = None
    trial_note: OptText = None
    #: For a deferred case: what is missing (readiness items, or the board's own words).
    deferral_reasons: list[Line] = Field(default_factory=list, max_length=20)
    attendees_present: list[Attendee] = Field(default_factory=list, max_length=MAX_ATTENDEES)
    quorum: QuorumSnapshot
    tool: ToolSnapshot
    discussion_minutes: Annotated[float, Field(ge=0, le=600)] | None = None
    decided_at: datetime = Field(default_factory=_now)

    @field_validator("decided_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.astimezone()

    @model_validator(mode="after")
    def _complete(self) -> MeetingDecision:
        if self.outcome == "decided":
            if not self.plan:
                raise ValueError("plan: a decision needs the recommended plan (one step or more)")
            if self.intent is None:
                raise ValueError(
                    "intent: say whether the plan is curative, palliative or diagnostic"
                )
        elif not self.deferral_reasons:
            raise ValueError("deferral_reasons: say what the board is waiting for")
        return self

    @property
    def recommendation(self) -> str:
        """The plan in words, or ``Deferred: no chest CT; …``."""
        if self.outcome == "deferred":
            return "Deferred: " + "; ".join(self.deferral_reasons)
        return plan_text(self.plan)

    def chosen_option_ids(self) -> list[str]:
        """The assessment's options the plan uses, in plan order."""
        return [i.option_id for s in self.plan for i in s.items if i.option_id is not None]


class ActionInput(_Strict):
    """A follow-up action as typed: ``ActionInput(text="Book chest CT", owner="CNS",
    due=date(2026, 12, 17))``."""

    text: Line
    owner: Name
    due: date | None = None


class Implementation(_Strict):
    """What was actually done after the board, and why it differs when it does."""

    what_done: Line
    as_decided: bool
    reason: DeviationReason | None = None
    note: OptText = None
    done_on: date | None = None

    @model_validator(mode="after")
    def _reason_when_different(self) -> Implementation:
        if not self.as_decided and self.reason is None:
            raise ValueError(
                "reason: say why it differs from the decision ("
                + ", ".join(DEVIATION_REASONS)
                + ")"
            )
        if self.reason == "other" and not self.note:
            raise ValueError("note: describe the other reason")
        return self
