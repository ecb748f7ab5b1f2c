"""What the meeting store hands out: a stored meeting, a decision version, an action, an
implementation record, each with who saved it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lms_board.meeting.model import ActionStatus, Implementation, Meeting, MeetingDecision


@dataclass(frozen=True, slots=True)
class StoredMeeting:
    """One saved version of a meeting."""

    meeting_id: str
    meeting: Meeting
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """One version of the decision on a case at a meeting, and its sign-off if any."""

    meeting_id: str
    case_id: str
    version: int
    decision: MeetingDecision
    case_version: int
    recorded_at: datetime
    recorded_by: str
    signed_at: datetime | None = None
    signed_by: str | None = None
    signer_name: str | None = None

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True, slots=True)
class StoredAction:
    """A follow-up action: what, who, by when, and where it stands."""

    id: int
    meeting_id: str
    case_id: str
    text: str
    owner: str
    due: date | None
    status: ActionStatus
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str

    def overdue(self, today: date) -> bool:
        """Open with its due date in the past."""
        return self.status == "open" and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class StoredImplementation:
    """What was done for a case after a meeting's decision (``decision_version``)."""

    id: int
    meeting_id: str
    case_id: str
    decision_version: int
    implementation: Implementation
    recorded_at: datetime
    recorded_by: str
