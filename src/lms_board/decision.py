"""The board's decision on a case, as recorded after the discussion.

A decision is what the board agreed, not what the assessment proposed: the options chosen
are free text (usually option names from the assessment), and who was present is recorded
because a sarcoma board decision needs surgery, radiology, pathology and oncology in the room.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

_Item = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_Text = Annotated[str, StringConstraints(max_length=2000)]


def _now() -> datetime:
    return datetime.now(UTC)


class BoardDecision(BaseModel):
    """What the board decided for one case, e.g. "Wide local excision after preoperative RT"."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    recommendation: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)
    ]
    options_chosen: list[_Item] = Field(default_factory=list, max_length=50)
    specialties_present: list[_Item] = Field(default_factory=list, max_length=50)
    patient_preference: _Text | None = None
    trial_referral: _Text | None = None
    follow_up: _Text | None = None
    decided_at: datetime = Field(default_factory=_now)

    @field_validator("decided_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        """A time without a zone is taken as this machine's local time."""
        return value if value.tzinfo is not None else value.astimezone()
