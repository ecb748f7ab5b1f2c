"""Follow-up actions in the order someone chasing them needs: overdue first (oldest due date
first), then open ones by due date (undated last), then done and cancelled; grouped per
meeting or per owner.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

from lms_board.store.meeting_records import StoredAction

GroupBy = Literal["meeting", "owner"]


def action_order(action: StoredAction, today: date) -> tuple[int, date, int]:
    """Sort key: overdue, open, then closed; by due date; then in the order added."""
    if action.overdue(today):
        rank = 0
    elif action.status == "open":
        rank = 1
    else:
        rank = 2
    return rank, action.due or date.max, action.id


def ordered(actions: Iterable[StoredAction], today: date) -> list[StoredAction]:
    return sorted(actions, key=lambda a: action_order(a, today))


def grouped(
    actions: Iterable[StoredAction], today: date, by: GroupBy
) -> list[tuple[str, list[StoredAction]]]:
    """``[(meeting id or owner, its actions in order)]``; groups with an overdue action
    first, then by name."""
    groups: dict[str, list[StoredAction]] = {}
    for action in actions:
        key = action.meeting_id if by == "meeting" else action.owner
        groups.setdefault(key, []).append(action)
    out = [(key, ordered(items, today)) for key, items in groups.items()]
    return sorted(out, key=lambda g: (not any(a.overdue(today) for a in g[1]), g[0]))


def action_state(action: StoredAction, today: date) -> str:
    """``overdue (due 2026-12-01)``, ``open (due 2026-12-20)``, ``done``…"""
    if action.overdue(today):
        return f"overdue (due {action.due})"
    if action.status == "open":
        return f"open (due {action.due})" if action.due else "open (no due date)"
    return action.status


def status_word(action: StoredAction, today: date) -> str:
    """``overdue``, ``open``, ``done`` or ``cancelled`` (a table's status column)."""
    return "overdue" if action.overdue(today) else action.status
