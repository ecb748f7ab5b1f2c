"""The case store: cases with every saved version, board decisions, drafts and the audit log.

No lost update: :meth:`CaseStore.save` is a compare-and-set on the version the user started
from (``UPDATE ... WHERE id = ? AND version = ?``); when somebody else saved in between it
writes nothing and raises :class:`StaleVersionError` with both versions. Every change and its
audit row commit in one transaction, so the log never misses a change that happened.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Row,
    Select,
    Table,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lms_board.case import Case, parse_case
from lms_board.decision import BoardDecision
from lms_board.store import schema as t
from lms_board.store.audit_chain import GENESIS, ChainReport, ChainRow, chained, verify_chain
from lms_board.store.drafts import decode_payload, encode_payload
from lms_board.store.engine import (
    dispose_engine,
    lock_for_schema_work,
    safe_url,
    write_connection,
)
from lms_board.store.errors import (
    CaseDeletedError,
    CaseNotFoundError,
    CaseReplacedError,
    ChangedSinceConfirmedError,
    DeletedCaseIdError,
    DuplicateCaseError,
    StaleVersionError,
)
from lms_board.store.records import (
    RETENTION_DAYS,
    AuditEntry,
    CaseStatus,
    DeletedCase,
    StoredCase,
    check_status,
    from_row,
)

_ACTION = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")

#: Audit actions the store itself writes; callers add their own (e.g. ``export``).
CREATE, UPDATE, STATUS_CHANGE, DELETE, DECISION, DEMO_LOAD, RESTORE, PURGE, IMPORT = (
    "create",
    "update",
    "status_change",
    "delete",
    "decision",
    "demo_load",
    "restore",
    "purge",
    "import",
)
#: Key of the PostgreSQL advisory lock every write transaction takes first: writes (and so
#: the audit hash chain) go one at a time, as they do on SQLite.
PG_WRITE_LOCK_KEY = 0x4C4D53_0002


def _now() -> datetime:
    return datetime.now(UTC)


def _actor(user: str) -> str:
    name = " ".join(user.replace("\x00", "").split()) if isinstance(user, str) else ""
    if not name:
        raise ValueError("user must be a non-empty name (see lms_board.store.current_user)")
    if len(name) > t.USER_LENGTH:
        raise ValueError(f"user name longer than {t.USER_LENGTH} characters")
    return name


class CaseStore:
    """Cases, versions, decisions, drafts and audit in one database (SQLite or PostgreSQL).

    Get one with :func:`lms_board.store.open_store`; it is cheap to create and safe to share
    between threads (each call checks a connection out of the engine's pool).
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self._engine = engine
        self._url = url

    def __repr__(self) -> str:
        return f"CaseStore({safe_url(self._url)!r})"

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return safe_url(self._url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    @property
    def engine(self) -> Engine:
        return self._engine

    def close(self) -> None:
        """Close this process's connections to the database; a later ``open_store`` reopens."""
        dispose_engine(self._url)

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            write_connection(conn)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK_KEY}
                    )
                yield conn

    def reading(self) -> AbstractContextManager[Connection]:
        """A read transaction (for the other stores that share this database)."""
        return self._read()

    def writing(self) -> AbstractContextManager[Connection]:
        """A write transaction, one writer at a time, as every change of this store takes."""
        return self._write()

    # -- cases --------------------------------------------------------------------------

    def list_cases(self) -> list[StoredCase]:
        """Every case at its latest version, by board date (undated last), then case id.
        Deleted cases are not listed (see :meth:`deleted_cases`)."""
        query = (
            select(t.cases)
            .where(t.cases.c.deleted_at.is_(None))
            .order_by(t.cases.c.board_date.asc().nulls_last(), t.cases.c.id)
        )
        with self._read() as conn:
            return [_stored(row) for row in conn.execute(query)]

    def count(self) -> int:
        """How many cases the store holds (deleted ones not counted)."""
        query = select(func.count()).select_from(t.cases).where(t.cases.c.deleted_at.is_(None))
        with self._read() as conn:
            return int(conn.execute(query).scalar_one())

    def get(self, case_id: str) -> StoredCase | None:
        """The latest version of a case, or ``None`` (never created, or deleted)."""
        with self._read() as conn:
            return _get(conn, case_id)

    def create(
        self, case: Case, user: str, status: str = "draft", *, origin: str | None = None
    ) -> StoredCase:
        """Store a new case as version 1; :class:`DuplicateCaseError` if its id is taken (by a
        case on the board, or by a deleted case not purged yet: :class:`DeletedCaseIdError`).
        ``origin`` (e.g. ``cases.csv row 3``) adds an ``import`` audit row in the same
        transaction."""
        actor = _actor(user)
        checked = check_status(status)
        try:
            with self._write() as conn:
                row = _row(conn, case.case_id)
                if row is not None and row.deleted_at is not None:
                    raise DeletedCaseIdError(case.case_id, row.deleted_by, row.deleted_at)
                if row is not None:
                    raise DuplicateCaseError(case.case_id)
                now = _now()
                stored = _insert_case(conn, case, actor, checked, now, detail="version 1")
                if origin is not None:
                    _audit(conn, now, actor, IMPORT, case.case_id, f"from {origin}")
        except IntegrityError:
            # Another writer created the same id between our check and our insert.
            raise DuplicateCaseError(case.case_id) from None
        return stored

    def save(
        self,
        case: Case,
        base_version: int,
        user: str,
        status: str | None = None,
        *,
        incarnation: str | None = None,
    ) -> StoredCase:
        """Save ``case`` as the next version, if the stored one is still ``base_version`` (of
        the same ``incarnation``, when given: the one the edit started from).

        Raises :class:`StaleVersionError` (with ``.current`` and ``.attempted``) when somebody
        saved in between, :class:`CaseDeletedError` when the case was deleted,
        :class:`CaseReplacedError` when its id now belongs to another case, and
        :class:`CaseNotFoundError` when there is no such case. Nothing is written in any case.
        """
        actor = _actor(user)
        new_status = check_status(status) if status is not None else None
        now = _now()
        payload = case.to_json_dict()
        with self._write() as conn:
            before = _live_row(conn, case.case_id, incarnation, case)
            values: dict[str, Any] = {
                "case_json": payload,
                "version": base_version + 1,
                "board_date": case.board_date,
                "updated_at": now,
                "updated_by": actor,
            }
            if new_status is not None:
                values["status"] = new_status
            result = conn.execute(
                update(t.cases)
                .where(
                    t.cases.c.id == case.case_id,
                    t.cases.c.version == base_version,
                    t.cases.c.incarnation == before.incarnation,
                    t.cases.c.deleted_at.is_(None),
                )
                .values(**values)
            )
            if result.rowcount != 1:
                _live_row(conn, case.case_id, before.incarnation, case)
                current = _get(conn, case.case_id)
                assert current is not None
                raise StaleVersionError(current=current, attempted=case, base_version=base_version)
            stored = _new_version(conn, case.case_id)
            changed = f"version {base_version} -> {stored.version}"
            _audit(conn, now, actor, UPDATE, case.case_id, changed)
            if stored.status != before.status:
                _audit(
                    conn, now, actor, STATUS_CHANGE, case.case_id, _status_change(before, stored)
                )
        return stored

    def set_status(self, case_id: str, status: str, user: str) -> StoredCase:
        """Move a case to ``draft``, ``ready`` or ``discussed``; a change is a new version."""
        actor = _actor(user)
        new_status = check_status(status)
        now = _now()
        with self._write() as conn:
            return change_status(conn, _live_row(conn, case_id), new_status, actor, now)

    def delete(
        self, case_id: str, user: str, version: int, *, incarnation: str | None = None
    ) -> None:
        """Delete the case the user confirmed: ``case_id`` at ``version`` (of ``incarnation``,
        when given). The delete is soft: the case leaves the board and sits in Deleted cases,
        with its versions and decisions, for :data:`RETENTION_DAYS` days before
        :meth:`purge_expired` removes it. The audit log keeps the deletion.

        Refused, with nothing changed, when the case is gone (:class:`CaseNotFoundError`,
        :class:`CaseDeletedError`), is another case now (:class:`CaseReplacedError`) or was
        changed since ``version`` (:class:`ChangedSinceConfirmedError`).
        """
        actor = _actor(user)
        now = _now()
        with self._write() as conn:
            row = _live_row(conn, case_id, incarnation)
            if row.version != version:
                current = _stored(row)
                raise ChangedSinceConfirmedError(current, version)
            conn.execute(
                update(t.cases)
                .where(t.cases.c.id == case_id, t.cases.c.version == version)
                .values(deleted_at=now, deleted_by=actor)
            )
            until = (now + timedelta(days=RETENTION_DAYS)).date().isoformat()
            _audit(
                conn,
                now,
                actor,
                DELETE,
                case_id,
                f"at version {row.version} ({row.status}); restorable until {until}",
            )

    def deleted_cases(self) -> list[DeletedCase]:
        """Cases deleted and not purged yet, most recently deleted first."""
        query = (
            select(t.cases)
            .where(t.cases.c.deleted_at.is_not(None))
            .order_by(t.cases.c.deleted_at.desc(), t.cases.c.id)
        )
        with self._read() as conn:
            return [
                DeletedCase(_stored(row), row.deleted_at, row.deleted_by)
                for row in conn.execute(query)
            ]

    def restore(self, case_id: str, user: str) -> StoredCase:
        """Bring a deleted case back onto the board, as its next version (audited)."""
        actor = _actor(user)
        now = _now()
        with self._write() as conn:
            row = _row(conn, case_id, for_update=True)
            if row is None:
                raise CaseNotFoundError(case_id)
            if row.deleted_at is None:
                raise DuplicateCaseError(case_id)
            conn.execute(
                update(t.cases)
                .where(t.cases.c.id == case_id, t.cases.c.version == row.version)
                .values(
                    deleted_at=None,
                    deleted_by=None,
                    version=row.version + 1,
                    updated_at=now,
                    updated_by=actor,
                )
            )
            stored = _new_version(conn, case_id)
            restored = (
                f"{_deleted(row.deleted_by, row.deleted_at)}; restored as version {stored.version}"
            )
            _audit(conn, now, actor, RESTORE, case_id, restored)
        return stored

    def purge_expired(
        self, user: str, *, now: datetime | None = None, days: int = RETENTION_DAYS
    ) -> list[str]:
        """Remove for good the cases deleted more than ``days`` days ago, with their versions
        and decisions (the audit log keeps every step); return their ids."""
        actor = _actor(user)
        at = now or _now()
        cutoff = at - timedelta(days=days)
        c = t.cases
        with self._write() as conn:
            rows = conn.execute(
                select(c.c.id, c.c.version, c.c.deleted_at, c.c.deleted_by)
                .where(c.c.deleted_at.is_not(None), c.c.deleted_at <= cutoff)
                .order_by(c.c.id)
            ).all()
            for row in rows:
                for table in (
                    t.board_decisions,
                    t.meeting_decisions,
                    t.meeting_actions,
                    t.case_implementations,
                ):
                    conn.execute(delete(table).where(table.c.case_id == row.id))
                conn.execute(delete(t.case_versions).where(t.case_versions.c.case_id == row.id))
                conn.execute(delete(c).where(c.c.id == row.id))
                deleted = _deleted(row.deleted_by, row.deleted_at)
                purged = f"version {row.version}, {deleted}, more than {days} days ago"
                _audit(conn, at, actor, PURGE, row.id, purged)
        return [row.id for row in rows]

    def versions(self, case_id: str) -> list[StoredCase]:
        """Every saved version of a case, oldest first (empty if the case is unknown)."""
        query = history_query(t.case_versions.c.case_id, t.cases, case_id)
        with self._read() as conn:
            return [
                from_row(
                    StoredCase,
                    row,
                    case=parse_case(row.case_json),
                    status=check_status(row.status),
                    board_date=_board_date(row.case_json),
                    updated_at=row.saved_at,
                    updated_by=row.saved_by,
                )
                for row in conn.execute(query)
            ]

    # -- drafts -------------------------------------------------------------------------

    def save_draft(self, key: str, payload: Mapping[str, Any], user: str) -> None:
        """Keep the raw form state under ``key`` (e.g. ``"alice:LMS-001"``), replacing any."""
        actor = _actor(user)
        _check_key(key)
        data = encode_payload(payload)
        now = _now()
        with self._write() as conn:
            changed = conn.execute(
                update(t.drafts)
                .where(t.drafts.c.key == key)
                .values(payload=data, username=actor, updated_at=now)
            ).rowcount
            if changed == 0:
                conn.execute(
                    insert(t.drafts).values(key=key, payload=data, username=actor, updated_at=now)
                )

    def load_draft(self, key: str) -> dict[str, Any] | None:
        """The form state saved under ``key``, or ``None``."""
        with self._read() as conn:
            data = conn.execute(select(t.drafts.c.payload).where(t.drafts.c.key == key)).scalar()
        return None if data is None else decode_payload(data)

    def list_drafts(self, prefix: str) -> list[tuple[str, datetime]]:
        """``(key, saved at)`` of every draft whose key starts with ``prefix``, newest first
        (e.g. ``list_drafts("alice:")`` for all of alice's unsaved forms). The match is exact
        and case-sensitive on every database (SQLite's LIKE ignores ASCII case)."""
        d = t.drafts
        query = (
            select(d.c.key, d.c.updated_at)
            .where(d.c.key.startswith(prefix, autoescape=True))
            .order_by(d.c.updated_at.desc(), d.c.key)
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        return [(row.key, row.updated_at) for row in rows if row.key.startswith(prefix)]

    def clear_draft(self, key: str) -> None:
        """Forget the draft under ``key`` (nothing happens if there is none)."""
        with self._write() as conn:
            conn.execute(delete(t.drafts).where(t.drafts.c.key == key))

    # -- decisions ----------------------------------------------------------------------

    def record_decision(self, case_id: str, decision: BoardDecision, user: str) -> None:
        """Record what the board decided, against the case's current version."""
        actor = _actor(user)
        now = _now()
        with self._write() as conn:
            version = _live_row(conn, case_id).version
            conn.execute(
                insert(t.board_decisions).values(
                    case_id=case_id,
                    case_version=version,
                    decision_json=decision.model_dump(mode="json"),
                    decided_at=decision.decided_at,
                    recorded_at=now,
                    recorded_by=actor,
                )
            )
            _audit(
                conn,
                now,
                actor,
                DECISION,
                case_id,
                f"decided at {decision.decided_at.isoformat(timespec='minutes')} "
                f"(case version {version})",
            )

    def latest_decision(self, case_id: str) -> BoardDecision | None:
        """The decision recorded last for a case, or ``None``."""
        decisions = self.decisions(case_id)
        return decisions[-1] if decisions else None

    def decisions(self, case_id: str) -> list[BoardDecision]:
        """Every decision recorded for a case, in the order they were recorded."""
        d = t.board_decisions
        query = select(d.c.decision_json).where(d.c.case_id == case_id).order_by(d.c.id)
        with self._read() as conn:
            return [BoardDecision.model_validate(data) for data in conn.execute(query).scalars()]

    # -- audit --------------------------------------------------------------------------

    def log_event(
        self, user: str, action: str, case_id: str | None = None, detail: str = ""
    ) -> None:
        """Append an event to the audit log, e.g. ``log_event(user, "export", "LMS-001", "pdf")``."""
        actor = _actor(user)
        _check_action(action)
        with self._write() as conn:
            _audit(conn, _now(), actor, action, case_id, detail)

    def verify_audit(self) -> ChainReport:
        """Walk the audit log's hash chain in order; report the first broken link, if any."""
        a = t.audit_log
        query = select(a).order_by(a.c.id).execution_options(yield_per=2000)
        with self._read() as conn:
            return verify_chain(
                ChainRow(
                    row.id,
                    row.at,
                    row.username,
                    row.action,
                    row.case_id,
                    row.detail,
                    row.prev_hash,
                    row.row_hash,
                )
                for row in conn.execute(query)
            )

    def audit_head(self) -> str:
        """The hash of the audit log's last row (:data:`GENESIS` for an empty log): written
        somewhere else, e.g. in the meeting minutes, it pins the log's end."""
        a = t.audit_log
        with self._read() as conn:
            head = conn.execute(select(a.c.row_hash).order_by(a.c.id.desc()).limit(1)).scalar()
        return head or GENESIS

    def log_events(self, user: str, action: str, events: list[tuple[str | None, str]]) -> None:
        """Several ``(case_id, detail)`` events of one action, in one transaction: all are
        logged or none (e.g. one ``export`` row per case of a sheet)."""
        actor = _actor(user)
        _check_action(action)
        now = _now()
        with self._write() as conn:
            append_audit_rows(
                conn,
                [
                    {
                        "at": now,
                        "username": actor,
                        "action": action,
                        "case_id": case_id,
                        "detail": str(detail).replace("\x00", "\ufffd"),
                    }
                    for case_id, detail in events
                ],
            )

    def audit_log(self, case_id: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first; only one case's entries when ``case_id`` is given."""
        a = t.audit_log
        query = select(a).order_by(a.c.id)
        if case_id is not None:
            query = query.where(a.c.case_id == case_id)
        with self._read() as conn:
            return [from_row(AuditEntry, row, user=row.username) for row in conn.execute(query)]

    # -- demo data ----------------------------------------------------------------------

    def load_demo_cases_if_empty(self, user: str) -> int:
        """Load the shipped demo cases into a store that has never held a case; return how many.

        A store that held cases before (even if all were deleted since) is left alone, so demo
        cases a user removed do not come back on the next start.
        """
        from lms_board.demo import demo_cases

        actor = _actor(user)
        now = _now()
        with self._write() as conn:
            lock_for_schema_work(conn)
            if conn.execute(select(func.count()).select_from(t.cases)).scalar_one():
                return 0
            used = conn.execute(
                select(func.count())
                .select_from(t.audit_log)
                .where(t.audit_log.c.action.in_((CREATE, DEMO_LOAD)))
            ).scalar_one()
            if used:
                return 0
            cases = demo_cases()
            for case in cases:
                _insert_case(conn, case, actor, "draft", now, detail="version 1 (demo case)")
            _audit(conn, now, actor, DEMO_LOAD, None, f"{len(cases)} demo cases")
        return len(cases)


# -- row helpers ------------------------------------------------------------------------


def _board_date(case_json: Mapping[str, Any]) -> date | None:
    value = case_json.get("board_date")
    return None if value is None else date.fromisoformat(value)


def _stored(row: Row[Any]) -> StoredCase:
    return from_row(
        StoredCase,
        row,
        case_id=row.id,
        case=parse_case(row.case_json),
        status=check_status(row.status),
    )


def history_query(owner: Column[str], head: Table, key: str) -> Select[Any]:
    """Every saved version of one document, oldest first: the rows of ``owner``'s versions
    table whose ``owner`` is ``key``, with the ``created_at`` of its ``head`` row."""
    versions = owner.table
    return (
        select(versions, head.c.created_at)
        .join(head, head.c.id == owner)
        .where(owner == key)
        .order_by(versions.c.version)
    )


def _row(conn: Connection, case_id: str, *, for_update: bool = False) -> Row[Any] | None:
    """The case's row, deleted or not."""
    query = select(t.cases).where(t.cases.c.id == case_id)
    return conn.execute(query.with_for_update() if for_update else query).first()


def _live_row(
    conn: Connection, case_id: str, incarnation: str | None = None, attempted: Case | None = None
) -> Row[Any]:
    """The row of a case on the board (locked for the transaction), of ``incarnation`` when
    given; else the error saying what became of it."""
    row = _row(conn, case_id, for_update=True)
    if row is None:
        raise CaseNotFoundError(case_id)
    if row.deleted_at is not None:
        raise CaseDeletedError(case_id, row.deleted_by, row.deleted_at)
    if incarnation is not None and row.incarnation != incarnation:
        raise CaseReplacedError(_stored(row), attempted)
    return row


def _get(conn: Connection, case_id: str) -> StoredCase | None:
    row = _row(conn, case_id)
    return None if row is None or row.deleted_at is not None else _stored(row)


def change_status(
    conn: Connection, row: Row[Any], status: CaseStatus, actor: str, now: datetime
) -> StoredCase:
    """Inside a write transaction, with ``row`` the case's locked live row: move the case to
    ``status`` as its next version (audited); nothing happens when it is there already."""
    if row.status == status:
        return _stored(row)
    conn.execute(
        update(t.cases)
        .where(t.cases.c.id == row.id, t.cases.c.version == row.version)
        .values(status=status, version=row.version + 1, updated_at=now, updated_by=actor)
    )
    stored = _new_version(conn, row.id)
    _audit(conn, now, actor, STATUS_CHANGE, row.id, _status_change(row, stored))
    return stored


def _insert_case(
    conn: Connection, case: Case, actor: str, status: CaseStatus, now: datetime, detail: str
) -> StoredCase:
    conn.execute(
        insert(t.cases).values(
            id=case.case_id,
            case_json=case.to_json_dict(),
            version=1,
            status=status,
            board_date=case.board_date,
            created_at=now,
            created_by=actor,
            updated_at=now,
            updated_by=actor,
            incarnation=uuid.uuid4().hex,
        )
    )
    stored = _new_version(conn, case.case_id)
    _audit(conn, now, actor, CREATE, case.case_id, f"{detail}, status {status}")
    return stored


def _new_version(conn: Connection, case_id: str) -> StoredCase:
    """The case as just written to its row, kept as a version in ``case_versions`` too."""
    stored = _get(conn, case_id)
    assert stored is not None
    _insert_version(conn, stored)
    return stored


def _status_change(before: Row[Any] | StoredCase, after: StoredCase) -> str:
    """``ready -> discussed (version 4)``, for the audit log."""
    return f"{before.status} -> {after.status} (version {after.version})"


def _deleted(by: str, at: datetime) -> str:
    """``deleted by alice at 2026-12-01 09:30 UTC``, for the audit log."""
    return f"deleted by {by} at {at:%Y-%m-%d %H:%M} UTC"


def _insert_version(conn: Connection, stored: StoredCase) -> None:
    conn.execute(
        insert(t.case_versions).values(
            case_id=stored.case_id,
            version=stored.version,
            case_json=stored.case.to_json_dict(),
            status=stored.status,
            saved_at=stored.updated_at,
            saved_by=stored.updated_by,
        )
    )


def _audit(
    conn: Connection, at: datetime, actor: str, action: str, case_id: str | None, detail: str
) -> None:
    # PostgreSQL text cannot hold U+0000; the audit log shows it as U+FFFD on every database.
    row = {
        "at": at,
        "username": actor,
        "action": action,
        "case_id": case_id,
        "detail": str(detail).replace("\x00", "\ufffd"),
    }
    append_audit_rows(conn, [row])


def append_audit_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Append rows to the audit log, chained to the log's last row (``audit_chain``). Call it
    inside a write transaction, so that no other writer appends in between."""
    a = t.audit_log
    prev = conn.execute(select(a.c.row_hash).order_by(a.c.id.desc()).limit(1)).scalar()
    conn.execute(insert(a), chained(prev or GENESIS, rows))


def _check_action(action: str) -> None:
    if not isinstance(action, str) or not _ACTION.fullmatch(action):
        raise ValueError("action must be a short word, e.g. 'export' (letters, digits, _ . -)")


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key or len(key) > t.DRAFT_KEY_LENGTH or "\x00" in key:
        raise ValueError(f"a draft key must be a string of 1-{t.DRAFT_KEY_LENGTH} characters")
