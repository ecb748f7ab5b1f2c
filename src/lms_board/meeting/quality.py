"""How the board did: concordance with the tool's options, deferrals, time per case against
the slot, implementation of its decisions and overdue follow-up actions, per meeting and
over all meetings, as one table (the Concordance page plots it; the CSV is the same table).

Concordance of a decision (deferred ones are not counted): **first** when the plan uses the
option the tool listed first, **any** when it uses at least one of the tool's options (first
included), **none** when it uses none (the reason the board gave is collected). The options
compared are those the tool proposed when the decision was recorded (its snapshot), not today's.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from lms_board.export.text import one_line
from lms_board.interchange.csv_cases import neutralise
from lms_board.meeting.model import MeetingDecision
from lms_board.store.meeting_records import (
    StoredAction,
    StoredDecision,
    StoredImplementation,
    StoredMeeting,
)
from lms_board.store.meeting_store import MeetingStore

Concordance = Literal["first", "any", "none"]


def concordance(decision: MeetingDecision) -> Concordance | None:
    """``first``, ``any`` or ``none`` for a decided case; ``None`` for a deferral."""
    if decision.outcome != "decided":
        return None
    chosen = set(decision.chosen_option_ids())
    first = decision.tool.first_option_id
    if first is not None and first in chosen:
        return "first"
    if chosen & set(decision.tool.option_ids):
        return "any"
    return "none"


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class QualityRow:
    """One line of the quality table: a meeting, or ``All meetings``."""

    meeting: str
    date: date | None
    cases: int
    decided: int
    deferred: int
    first_option: int
    any_option: int
    no_option: int
    no_option_reasons: tuple[str, ...]
    deferral_reasons: tuple[str, ...]
    timed_cases: int
    minutes_used: float
    minutes_slotted: int
    implementation_recorded: int
    implemented_as_decided: int
    actions_open: int
    actions_overdue: int
    quorum_not_met: int = 0
    deviation_reasons: tuple[str, ...] = field(default=())

    @property
    def deferral_rate(self) -> float | None:
        return _share(self.deferred, self.decided + self.deferred)

    @property
    def first_option_rate(self) -> float | None:
        return _share(self.first_option, self.decided)

    @property
    def any_option_rate(self) -> float | None:
        return _share(self.any_option, self.decided)

    @property
    def no_option_rate(self) -> float | None:
        return _share(self.no_option, self.decided)

    @property
    def implementation_rate(self) -> float | None:
        """Implemented as decided, of the decisions whose implementation is recorded."""
        return _share(self.implemented_as_decided, self.implementation_recorded)

    @property
    def minutes_over_slot(self) -> float | None:
        """Minutes used minus minutes slotted, over the cases whose discussion was timed."""
        return round(self.minutes_used - self.minutes_slotted, 1) if self.timed_cases else None


def _counted(texts: Iterable[str]) -> tuple[str, ...]:
    """``("no chest CT ×2", "no tissue diagnosis")``: most frequent first."""
    counts = Counter(one_line(t) for t in texts if one_line(t))
    return tuple(f"{t} ×{n}" if n > 1 else t for t, n in counts.most_common())


def _row(
    label: str,
    day: date | None,
    meetings: Sequence[StoredMeeting],
    decisions: Sequence[StoredDecision],
    actions: Sequence[StoredAction],
    implementations: Sequence[StoredImplementation],
    today: date,
) -> QualityRow:
    kinds = [concordance(d.decision) for d in decisions]
    decided = [d for d in decisions if d.decision.outcome == "decided"]
    deferred = [d for d in decisions if d.decision.outcome == "deferred"]
    # Every case that was on an agenda, moved on or not (a deferred case was discussed).
    slots = {(m.meeting_id, i.case_id): i.minutes for m in meetings for i in m.meeting.agenda}
    timed = [d for d in decisions if d.decision.discussion_minutes is not None]
    latest_impl: dict[tuple[str, str], StoredImplementation] = {}
    for impl in implementations:
        latest_impl[(impl.meeting_id, impl.case_id)] = impl
    decided_keys = {(d.meeting_id, d.case_id) for d in decided}
    impls = [i for k, i in latest_impl.items() if k in decided_keys]
    return QualityRow(
        meeting=label,
        date=day,
        cases=len(slots),
        decided=len(decided),
        deferred=len(deferred),
        first_option=kinds.count("first"),
        any_option=kinds.count("first") + kinds.count("any"),
        no_option=kinds.count("none"),
        no_option_reasons=_counted(
            d.decision.departure_reason or "no reason given"
            for d in decided
            if concordance(d.decision) == "none"
        ),
        deferral_reasons=_counted(r for d in deferred for r in d.decision.deferral_reasons),
        timed_cases=len(timed),
        minutes_used=round(sum(d.decision.discussion_minutes or 0.0 for d in timed), 1),
        minutes_slotted=sum(slots.get((d.meeting_id, d.case_id), 0) for d in timed),
        implementation_recorded=len(impls),
        implemented_as_decided=sum(1 for i in impls if i.implementation.as_decided),
        actions_open=sum(1 for a in actions if a.status == "open"),
        actions_overdue=sum(1 for a in actions if a.overdue(today)),
        quorum_not_met=sum(1 for d in decisions if not d.decision.quorum.met),
        deviation_reasons=_counted(
            i.implementation.reason or "" for i in impls if not i.implementation.as_decided
        ),
    )


def store_quality_table(meetings: MeetingStore, today: date) -> list[QualityRow]:
    """:func:`quality_table` over everything the store holds (the Concordance page and
    ``lms-board meeting quality`` alike)."""
    return quality_table(
        meetings.list_meetings(),
        meetings.decisions(),
        meetings.actions(),
        meetings.implementations(),
        today,
    )


def quality_table(
    meetings: Sequence[StoredMeeting],
    decisions: Sequence[StoredDecision],
    actions: Sequence[StoredAction],
    implementations: Sequence[StoredImplementation],
    today: date,
) -> list[QualityRow]:
    """One row per meeting (oldest first; cancelled meetings left out), then ``All meetings``."""
    held = sorted(
        (m for m in meetings if m.meeting.status != "cancelled"),
        key=lambda m: (m.meeting.date, m.meeting_id),
    )
    ids = {m.meeting_id for m in held}
    rows = []
    for m in held:
        rows.append(
            _row(
                m.meeting_id,
                m.meeting.date,
                [m],
                [d for d in decisions if d.meeting_id == m.meeting_id],
                [a for a in actions if a.meeting_id == m.meeting_id],
                [i for i in implementations if i.meeting_id == m.meeting_id],
                today,
            )
        )
    rows.append(
        _row(
            "All meetings",
            None,
            held,
            [d for d in decisions if d.meeting_id in ids],
            [a for a in actions if a.meeting_id in ids],
            [i for i in implementations if i.meeting_id in ids],
            today,
        )
    )
    return rows


#: The CSV's columns: (header, how a row gives the cell).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("meeting", "meeting"),
    ("date", "date"),
    ("cases on agenda (moved on included)", "cases"),
    ("decided", "decided"),
    ("deferred", "deferred"),
    ("deferral rate %", "deferral_rate"),
    ("deferral reasons", "deferral_reasons"),
    ("tool's first option", "first_option"),
    ("tool's first option %", "first_option_rate"),
    ("any tool option", "any_option"),
    ("any tool option %", "any_option_rate"),
    ("no tool option", "no_option"),
    ("no tool option %", "no_option_rate"),
    ("reasons for no tool option", "no_option_reasons"),
    ("quorum not met", "quorum_not_met"),
    ("timed cases", "timed_cases"),
    ("minutes used", "minutes_used"),
    ("minutes slotted", "minutes_slotted"),
    ("minutes over slot", "minutes_over_slot"),
    ("implementation recorded", "implementation_recorded"),
    ("implemented as decided", "implemented_as_decided"),
    ("implementation rate %", "implementation_rate"),
    ("reasons for a different treatment", "deviation_reasons"),
    ("actions open", "actions_open"),
    ("actions overdue", "actions_overdue"),
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def quality_rows(rows: Sequence[QualityRow]) -> list[dict[str, str]]:
    """The table as header → cell text (what the page shows and the CSV holds)."""
    return [{header: _cell(getattr(row, attr)) for header, attr in CSV_COLUMNS} for row in rows]


def quality_csv(rows: Sequence[QualityRow]) -> str:
    """The table as CSV; a cell a spreadsheet would run as a formula gets a leading ``'``
    (as every CSV export of LMS Board, docs/csv-format.md)."""
    buffer = io.StringIO(newline="")
    headers = [h for h, _ in CSV_COLUMNS]
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\r\n")
    writer.writeheader()
    for cells in quality_rows(rows):
        writer.writerow({h: neutralise(v) for h, v in cells.items()})
    return buffer.getvalue()
