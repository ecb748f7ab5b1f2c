"""The store's tables (SQLAlchemy Core), as the migrations in ``lms_board/migrations`` build them.

Every timestamp is stored in UTC and handed out timezone-aware, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

CASE_ID_LENGTH = 40
USER_LENGTH = 200
DRAFT_KEY_LENGTH = 300
INCARNATION_LENGTH = 32
HASH_LENGTH = 64


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware (UTC) datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


#: JSON documents. On PostgreSQL ``json``, not ``jsonb``: jsonb cannot hold U+0000, which
#: case-format free text may contain, and the store never queries inside a document.
JsonDocument = JSON()

metadata = MetaData()


def _serial_id() -> Column[int]:
    """The surrogate key of an append-only table."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _owner_id(name: str, length: int, parent: str) -> Column[str]:
    """The key of the row this one belongs to; deleting the parent deletes its rows."""
    return Column(
        name, String(length), ForeignKey(f"{parent}.id", ondelete="CASCADE"), nullable=False
    )


def _stamp(verb: str, *, nullable: bool = False) -> tuple[Column[datetime], Column[str]]:
    """When and by whom: ``<verb>_at`` (UTC) and ``<verb>_by`` (a user name)."""
    return (
        Column(f"{verb}_at", UTCDateTime, nullable=nullable),
        Column(f"{verb}_by", String(USER_LENGTH), nullable=nullable),
    )


def _document_columns(kind: str, id_length: int) -> tuple[Column[str], Column[Any], Column[int]]:
    """The head row of a versioned ``<kind>`` document: its id, the document, its version."""
    return (
        Column("id", String(id_length), primary_key=True),
        Column(f"{kind}_json", JsonDocument, nullable=False),
        Column("version", Integer, nullable=False),
    )


cases = Table(
    "cases",
    metadata,
    *_document_columns("case", CASE_ID_LENGTH),
    Column("status", String(16), nullable=False),
    Column("board_date", Date, nullable=True),
    *_stamp("created"),
    *_stamp("updated"),
    # Which life of the id this row is: a case deleted, purged and created again under the same
    # id is another incarnation, so an edit of the old one can never be saved over the new.
    Column("incarnation", String(INCARNATION_LENGTH), nullable=False),
    # Soft delete: a deleted case stays (hidden) until it is purged, 30 days later.
    *_stamp("deleted", nullable=True),
    CheckConstraint("version >= 1", name="ck_cases_version_positive"),
    CheckConstraint("status IN ('draft', 'ready', 'discussed')", name="ck_cases_status_known"),
    Index("ix_cases_board_date", "board_date"),
)


def _versions_table(kind: str, id_length: int, *columns: Column[Any]) -> Table:
    """``<kind>_versions``: every saved version of a ``<kind>s`` document, one row each."""
    return Table(
        f"{kind}_versions",
        metadata,
        _serial_id(),
        _owner_id(f"{kind}_id", id_length, f"{kind}s"),
        Column("version", Integer, nullable=False),
        Column(f"{kind}_json", JsonDocument, nullable=False),
        *columns,
        *_stamp("saved"),
        UniqueConstraint(f"{kind}_id", "version", name=f"uq_{kind}_versions_{kind}_version"),
    )


case_versions = _versions_table(
    "case", CASE_ID_LENGTH, Column("status", String(16), nullable=False)
)

board_decisions = Table(
    "board_decisions",
    metadata,
    _serial_id(),
    _owner_id("case_id", CASE_ID_LENGTH, "cases"),
    Column("case_version", Integer, nullable=False),
    Column("decision_json", JsonDocument, nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    *_stamp("recorded"),
    Index("ix_board_decisions_case_id", "case_id"),
)

drafts = Table(
    "drafts",
    metadata,
    Column("key", String(DRAFT_KEY_LENGTH), primary_key=True),
    Column("payload", JsonDocument, nullable=False),
    Column("username", String(USER_LENGTH), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    _serial_id(),
    Column("at", UTCDateTime, nullable=False),
    Column("username", String(USER_LENGTH), nullable=False),
    Column("action", String(40), nullable=False),
    Column("case_id", String(CASE_ID_LENGTH), nullable=True),
    Column("detail", Text, nullable=False),
    # Tamper evidence: each row's hash covers its content and the previous row's hash.
    Column("prev_hash", String(HASH_LENGTH), nullable=False),
    Column("row_hash", String(HASH_LENGTH), nullable=False),
    Index("ix_audit_log_case_id", "case_id"),
)

# -- board meetings (migration 0004) ------------------------------------------------------

MEETING_ID_LENGTH = 40

meetings = Table(
    "meetings",
    metadata,
    # The meeting document (lms_board.meeting.model.Meeting): time, place, agenda, attendance.
    *_document_columns("meeting", MEETING_ID_LENGTH),
    Column("meeting_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    *_stamp("created"),
    *_stamp("updated"),
    CheckConstraint("version >= 1", name="ck_meetings_version_positive"),
    Index("ix_meetings_meeting_date", "meeting_date"),
)

meeting_versions = _versions_table("meeting", MEETING_ID_LENGTH)


def _meeting_case_table(name: str, *columns: Any) -> Table:
    """A table of rows about one case at one meeting, deleted with the meeting."""
    return Table(
        name,
        metadata,
        _serial_id(),
        _owner_id("meeting_id", MEETING_ID_LENGTH, "meetings"),
        Column("case_id", String(CASE_ID_LENGTH), nullable=False),
        *columns,
    )


#: Every version of the decision on a case at a meeting; a sign-off belongs to one version.
meeting_decisions = _meeting_case_table(
    "meeting_decisions",
    Column("version", Integer, nullable=False),
    Column("decision_json", JsonDocument, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("case_version", Integer, nullable=False),
    *_stamp("recorded"),
    *_stamp("signed", nullable=True),
    Column("signer_name", String(USER_LENGTH), nullable=True),
    UniqueConstraint("meeting_id", "case_id", "version", name="uq_meeting_decisions_version"),
    CheckConstraint("outcome IN ('decided', 'deferred')", name="ck_meeting_decisions_outcome"),
    Index("ix_meeting_decisions_case_id", "case_id"),
)

meeting_actions = _meeting_case_table(
    "meeting_actions",
    Column("text", Text, nullable=False),
    Column("owner", String(USER_LENGTH), nullable=False),
    Column("due_date", Date, nullable=True),
    Column("status", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    *_stamp("created"),
    *_stamp("updated"),
    CheckConstraint(
        "status IN ('open', 'done', 'cancelled')", name="ck_meeting_actions_status_known"
    ),
    Index("ix_meeting_actions_owner", "owner"),
    Index("ix_meeting_actions_meeting_id", "meeting_id"),
)

#: What was done after the board for a case (append-only; the latest row counts).
case_implementations = _meeting_case_table(
    "case_implementations",
    Column("decision_version", Integer, nullable=False),
    Column("implementation_json", JsonDocument, nullable=False),
    *_stamp("recorded"),
    Index("ix_case_implementations_case_id", "case_id"),
)
