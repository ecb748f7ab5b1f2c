"""Is a case ready for the meeting? Read from its assessment, never recomputed.

A case is **Defer** when the assessment's call is provisional because of a gap that must be
closed before the board can decide (no tissue diagnosis, no chest CT, …: the gaps that make
the classification provisional, ``Classification.open_gaps``), when distant staging is not
recorded, or when the free text may hold a patient identifier (it would go on the shared
screen). Otherwise it is **Ready**. Resectability not assessed is settled *at* the board by
its surgeon, so it never defers a case; other open gaps (expert review, thin core, …) are
listed to chase without deferring. Example: DEMO-06 (FNA only, no chest CT) → Defer: no tissue
diagnosis, no chest CT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lms_board.assessment import Assessment
from lms_board.wording import gap_missing

ReadinessState = Literal["ready", "defer"]


#: Gaps the board settles in the meeting itself (its surgeon judges resectability).
SETTLED_AT_BOARD = frozenset({"resectability_not_assessed"})
#: The classification rule that says distant staging is not recorded.
STAGING_NOT_RECORDED_RULE = "provisional.distant_extent_not_recorded"
IDENTIFIER_FLAG = "identifier_in_free_text"


@dataclass(frozen=True)
class ReadinessItem:
    """One thing missing or open: a stable code and its words."""

    code: str
    words: str


@dataclass(frozen=True)
class Readiness:
    """Ready, or Defer with the missing items named; plus what to settle or chase."""

    case_id: str
    state: ReadinessState
    missing: tuple[ReadinessItem, ...] = ()
    at_board: tuple[ReadinessItem, ...] = ()
    to_chase: tuple[ReadinessItem, ...] = field(default=())

    @property
    def label(self) -> str:
        """``Ready`` or ``Defer: no tissue diagnosis, no chest CT``."""
        if self.state == "ready":
            return "Ready"
        return "Defer: " + ", ".join(i.words for i in self.missing)

    def missing_words(self) -> list[str]:
        return [i.words for i in self.missing]


def readiness(assessment: Assessment) -> Readiness:
    """The case's readiness for the board, from its assessment (gaps, flags, rationale)."""
    c = assessment.classification
    codes = assessment.gap_codes()
    blocking = set(c.open_gaps) - SETTLED_AT_BOARD if c.provisional else set()
    missing = [ReadinessItem(code, gap_missing(code)) for code in codes if code in blocking]
    if any(r.rule == STAGING_NOT_RECORDED_RULE for r in c.rationale):
        missing.append(ReadinessItem("distant_staging", "distant staging not recorded"))
    if IDENTIFIER_FLAG in assessment.flag_codes():
        missing.append(
            ReadinessItem(IDENTIFIER_FLAG, "possible patient identifier in the free text")
        )
    at_board = [ReadinessItem(c_, gap_missing(c_)) for c_ in codes if c_ in SETTLED_AT_BOARD]
    to_chase = [
        ReadinessItem(code, gap_missing(code))
        for code in codes
        if code not in blocking and code not in SETTLED_AT_BOARD
    ]
    return Readiness(
        case_id=assessment.case_id,
        state="defer" if missing else "ready",
        missing=tuple(missing),
        at_board=tuple(at_board),
        to_chase=tuple(to_chase),
    )
