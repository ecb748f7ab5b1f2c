"""What the store hands out: a stored case with its version and status, and audit entries."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeVar, get_args

from lms_board.case import Case

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlalchemy import Row

R = TypeVar("R", bound="DataclassInstance")


def from_row(record: type[R], row: Row[Any], **values: Any) -> R:
    """A ``record`` (one of the store's dataclasses) from a database row: each field given in
    ``values``, else read from the row's column of the same name (a field the row lacks keeps
    its default)."""
    columns = row._mapping
    read = {
        f.name: columns[f.name]
        for f in fields(record)
        if f.name not in values and f.name in columns
    }
    return record(**read, **values)


#: Where a case is in the board workflow: being prepared, ready for the meeting, discussed.
CaseStatus = Literal["draft", "ready", "discussed"]
STATUSES: tuple[CaseStatus, ...] = get_args(CaseStatus)


def check_status(status: str) -> CaseStatus:
    """``status`` if it is one of :data:`STATUSES`, else ``ValueError`` naming the choices."""
    for s in STATUSES:
        if status == s:
            return s
    raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")


@dataclass(frozen=True, slots=True)
class StoredCase:
    """One saved version of a case: the case itself plus what the store knows about it."""

    case_id: str
    case: Case
    version: int
    status: CaseStatus
    board_date: date | None
    created_at: datetime
    updated_at: datetime
    updated_by: str
    #: Which life of ``case_id`` this is (a case deleted, purged and created again is another).
    incarnation: str = ""


#: How long a deleted case can be restored before it is purged.
RETENTION_DAYS = 30


@dataclass(frozen=True, slots=True)
class DeletedCase:
    """A case in Deleted cases: its last version, who deleted it and when it will be purged."""

    stored: StoredCase
    deleted_at: datetime
    deleted_by: str

    @property
    def purge_after(self) -> datetime:
        return self.deleted_at + timedelta(days=RETENTION_DAYS)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the append-only audit log: who did what to which case, and when."""

    id: int
    at: datetime
    user: str
    action: str
    case_id: str | None
    detail: str
