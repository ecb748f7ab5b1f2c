"""The core-member quorum of a sarcoma MDT meeting: which disciplines must be in the room.

The rule is data (``quorum.yaml`` beside this module, or the file named by
``LMS_BOARD_QUORUM_FILE``), validated on load: each group is a discipline satisfied by anyone
of its specialties. Example: the default asks for a sarcoma surgeon, a medical oncologist, a
radiation oncologist, a radiologist, a pathologist and a specialist nurse; with the surgeon
absent, :func:`check_quorum` says "quorum not met: no sarcoma surgery".
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from lms_board.meeting.model import Attendee, QuorumSnapshot, Specialty

QUORUM_FILE_ENV = "LMS_BOARD_QUORUM_FILE"

_Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
_Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuorumGroup(_Strict):
    """One discipline the quorum needs, satisfied by any of ``specialties``."""

    label: _Label
    specialties: list[Specialty] = Field(min_length=1)


class QuorumSource(_Strict):
    citation: _Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    seen: _Text


class QuorumRule(_Strict):
    """A named quorum rule with its sources and review date."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,60}$")]
    name: _Label
    reviewed: date
    groups: list[QuorumGroup] = Field(min_length=1, max_length=20)
    sources: list[QuorumSource] = Field(default_factory=list)


class QuorumError(ValueError):
    """A quorum file that cannot be used; the message names the file and the field."""


class QuorumResult(_Strict):
    """What :func:`check_quorum` found: met or not, the disciplines present and missing."""

    rule: str
    met: bool
    present: list[str]
    missing: list[str]

    def snapshot(self) -> QuorumSnapshot:
        return QuorumSnapshot(rule=self.rule, met=self.met, missing=list(self.missing))

    def summary(self) -> str:
        """``quorum met`` / ``quorum not met: no pathology, no radiology``."""
        if self.met:
            return "quorum met"
        return "quorum not met: " + ", ".join(f"no {m}" for m in self.missing)


def parse_rule(data: object, source: str) -> QuorumRule:
    """A rule from decoded YAML; :class:`QuorumError` naming ``source`` and each bad field."""
    try:
        return QuorumRule.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors()
        )
        raise QuorumError(f"quorum rule {source}: {problems}") from None


def read_rule(path: Path) -> QuorumRule:
    """The quorum rule in the YAML file ``path``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QuorumError(f"quorum rule {path}: cannot be read ({exc})") from None
    return parse_rule(data, str(path))


@cache
def _rule_at(path: str) -> QuorumRule:
    if path:
        return read_rule(Path(path))
    text = files("lms_board.meeting").joinpath("quorum.yaml").read_text(encoding="utf-8")
    return parse_rule(yaml.safe_load(text), "quorum.yaml")


def quorum_rule(env: Mapping[str, str] | None = None) -> QuorumRule:
    """The rule in force: ``$LMS_BOARD_QUORUM_FILE`` when set, else the shipped default."""
    env = os.environ if env is None else env
    return _rule_at(env.get(QUORUM_FILE_ENV, "").strip())


def check_quorum(attendees: Iterable[Attendee], rule: QuorumRule | None = None) -> QuorumResult:
    """Which of the rule's disciplines the attendees cover; met when every one is covered."""
    rule = rule or quorum_rule()
    there = {a.specialty for a in attendees}
    present = [g.label for g in rule.groups if there.intersection(g.specialties)]
    missing = [g.label for g in rule.groups if not there.intersection(g.specialties)]
    return QuorumResult(rule=rule.name, met=not missing, present=present, missing=missing)
