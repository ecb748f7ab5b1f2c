"""Board meetings in the case store's database: meetings (every version kept), decisions per
case and meeting (versioned, signed off), follow-up actions, implementation records.

No lost update: saving a meeting is a compare-and-set on the version the user started from
(``UPDATE meetings ... WHERE id = ? AND version = ?``), as for cases; recording, editing or
signing off a decision names the decision version it was based on; an action's status change
names the action's version. A write based on an old version writes nothing and raises the
matching ``Stale…Error`` with what is stored now. Every change and its hash-chained audit row
commit in one transaction (``meeting.*`` actions; the meeting id is in the detail, the case id
in its column).

Get one with ``MeetingStore(open_store())``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Row, Select, Table, func, insert, select, update
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.exc import IntegrityError

from lms_board.meeting.model import (
    ActionInput,
    ActionStatus,
    AgendaItem,
    Implementation,
    Meeting,
    MeetingDecision,
    check_action_status,
)
from lms_board.store import schema as t
from lms_board.store.case_store import (
    CaseStore,
    _actor,
    _audit,
    _live_row,
    _now,
    change_status,
    history_query,
)
from lms_board.store.errors import (
    ActionNotFoundError,
    MeetingNotFoundError,
    NoDecisionError,
    NotOnAgendaError,
    StaleActionError,
    StaleDecisionError,
    StaleMeetingError,
    StoreError,
)
from lms_board.store.meeting_records import (
    StoredAction,
    StoredDecision,
    StoredImplementation,
    StoredMeeting,
)
from lms_board.store.records import from_row

MEETING_CREATE, MEETING_UPDATE, MEETING_MOVE = "meeting.create", "meeting.update", "meeting.move"
DECISION, SIGN_OFF = "meeting.decision", "meeting.sign_off"
ACTION_ADD, ACTION_CHANGE, IMPLEMENTATION = (
    "meeting.action",
    "meeting.action_change",
    "meeting.implementation",
)


def meeting_id_for(day: date, taken: Iterable[str]) -> str:
    """``MTG-2026-12-10``; ``MTG-2026-12-10-2`` when the first is taken, and so on."""
    used = set(taken)
    base = f"MTG-{day.isoformat()}"
    if base not in used:
        return base
    n = 2
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"


def agenda_change(before: Meeting, after: Meeting) -> str:
    """What an edit changed, for the audit log: ``agenda +DEMO-01 -DEMO-03; attendance 3 -> 4``."""
    was = [(i.case_id, i.minutes) for i in before.scheduled()]
    now = [(i.case_id, i.minutes) for i in after.scheduled()]
    was_ids, now_ids = [c for c, _ in was], [c for c, _ in now]
    bits = []
    moves = [f"+{c}" for c in now_ids if c not in was_ids]
    moves += [f"-{c}" for c in was_ids if c not in now_ids]
    if moves:
        bits.append("agenda " + " ".join(moves))
    elif was_ids != now_ids:
        bits.append("agenda reordered")
    elif was != now:
        bits.append("slots changed")
    if before.attendees != after.attendees:
        bits.append(f"attendance {len(before.attendees)} -> {len(after.attendees)}")
    if before.model_dump(exclude={"agenda", "attendees"}) != after.model_dump(
        exclude={"agenda", "attendees"}
    ):
        bits.append("details")
    return "; ".join(bits) or "no change"


class MeetingStore:
    """Meetings, decisions, actions and implementation records, in the database of ``store``."""

    def __init__(self, store: CaseStore) -> None:
        self.cases = store

    # -- meetings -----------------------------------------------------------------------

    def create_meeting(self, meeting: Meeting, user: str) -> StoredMeeting:
        """Store a new meeting as version 1 under a fresh id (``MTG-<date>``)."""
        actor = _actor(user)
        now = _now()
        with self.cases.writing() as conn:
            taken = conn.execute(
                select(t.meetings.c.id).where(t.meetings.c.meeting_date == meeting.date)
            ).scalars()
            meeting_id = meeting_id_for(meeting.date, taken)
            try:
                conn.execute(
                    insert(t.meetings).values(
                        id=meeting_id,
                        meeting_json=meeting.model_dump(mode="json"),
                        version=1,
                        meeting_date=meeting.date,
                        status=meeting.status,
                        created_at=now,
                        created_by=actor,
                        updated_at=now,
                        updated_by=actor,
                    )
                )
            except IntegrityError:  # pragma: no cover - writers are serialised
                raise StoreError(f"Meeting {meeting_id} was created at the same moment") from None
            stored = _meeting_or_fail(conn, meeting_id)
            _insert_meeting_version(conn, stored)
            cases = ", ".join(i.case_id for i in meeting.scheduled()) or "no cases"
            _audit(conn, now, actor, MEETING_CREATE, None, f"{meeting_id} version 1: {cases}")
        return stored

    def get_meeting(self, meeting_id: str) -> StoredMeeting | None:
        with self.cases.reading() as conn:
            row = _meeting_row(conn, meeting_id)
        return None if row is None else _stored_meeting(row)

    def meeting(self, meeting_id: str) -> StoredMeeting:
        """The meeting, or :class:`MeetingNotFoundError`."""
        found = self.get_meeting(meeting_id)
        if found is None:
            raise MeetingNotFoundError(meeting_id)
        return found

    def list_meetings(self) -> list[StoredMeeting]:
        """Every meeting, latest date first (then id)."""
        m = t.meetings
        query = select(m).order_by(m.c.meeting_date.desc(), m.c.id.desc())
        with self.cases.reading() as conn:
            return [_stored_meeting(row) for row in conn.execute(query)]

    def meeting_versions(self, meeting_id: str) -> list[StoredMeeting]:
        """Every saved version of a meeting, oldest first."""
        query = history_query(t.meeting_versions.c.meeting_id, t.meetings, meeting_id)
        with self.cases.reading() as conn:
            return [
                from_row(
                    StoredMeeting,
                    row,
                    meeting=Meeting.model_validate(row.meeting_json),
                    updated_at=row.saved_at,
                    updated_by=row.saved_by,
                )
                for row in conn.execute(query)
            ]

    def save_meeting(
        self, meeting_id: str, meeting: Meeting, base_version: int, user: str
    ) -> StoredMeeting:
        """Save ``meeting`` as the next version if the stored one is still ``base_version``;
        else nothing is written and :class:`StaleMeetingError` says who changed it."""
        actor = _actor(user)
        now = _now()
        with self.cases.writing() as conn:
            before = _locked_meeting(conn, meeting_id)
            if before.version != base_version:
                raise StaleMeetingError(_stored_meeting(before), meeting, base_version)
            stored = _update_meeting(conn, before, meeting, actor, now)
            change = agenda_change(Meeting.model_validate(before.meeting_json), meeting)
            _audit(
                conn,
                now,
                actor,
                MEETING_UPDATE,
                None,
                f"{meeting_id} version {base_version} -> {stored.version}: {change}",
            )
        return stored

    def move_case(
        self, meeting_id: str, case_id: str, to_meeting_id: str, base_version: int, user: str
    ) -> tuple[StoredMeeting, StoredMeeting]:
        """Move a scheduled case to another meeting, keeping its history: here the item stays,
        marked moved (with decisions recorded so far), and the other meeting gets it at the
        end of its agenda with the same slot and referrer. Compare-and-set on this meeting."""
        actor = _actor(user)
        now = _now()
        if to_meeting_id == meeting_id:
            raise StoreError(f"Case {case_id} is already on meeting {meeting_id}.")
        with self.cases.writing() as conn:
            source_row = _locked_meeting(conn, meeting_id)
            source = Meeting.model_validate(source_row.meeting_json)
            if source_row.version != base_version:
                raise StaleMeetingError(_stored_meeting(source_row), source, base_version)
            item = source.item(case_id)
            if item is None:
                raise NotOnAgendaError(meeting_id, case_id)
            target_row = _locked_meeting(conn, to_meeting_id)
            target = Meeting.model_validate(target_row.meeting_json)
            if target.status == "cancelled":
                raise StoreError(f"Meeting {to_meeting_id} is cancelled: choose another.")
            if target.item(case_id) is not None:
                raise StoreError(f"Case {case_id} is already on the agenda of {to_meeting_id}.")
            moved = [
                i.model_copy(update={"state": "moved", "moved_to": to_meeting_id})
                if i is item
                else i
                for i in source.agenda
            ]
            arriving = AgendaItem(
                case_id=case_id,
                minutes=item.minutes,
                referred_by=item.referred_by,
                moved_from=meeting_id,
            )
            new_source = Meeting.model_validate(
                {**source.model_dump(mode="json"), "agenda": [m.model_dump() for m in moved]}
            )
            new_target = Meeting.model_validate(
                {
                    **target.model_dump(mode="json"),
                    "agenda": [*(i.model_dump() for i in target.agenda), arriving.model_dump()],
                }
            )
            stored_source = _update_meeting(conn, source_row, new_source, actor, now)
            stored_target = _update_meeting(conn, target_row, new_target, actor, now)
            _audit(
                conn,
                now,
                actor,
                MEETING_MOVE,
                case_id,
                f"from {meeting_id} (version {stored_source.version}) to {to_meeting_id} "
                f"(version {stored_target.version})",
            )
        return stored_source, stored_target

    def next_meeting(self, meeting_id: str) -> StoredMeeting | None:
        """The meeting after this one (by date, start time, id) that is not cancelled: where
        "move to the next meeting" sends a case."""

        def when(m: StoredMeeting) -> tuple[date, time, str]:
            return m.meeting.date, m.meeting.start_time, m.meeting_id

        current = when(self.meeting(meeting_id))
        later = [
            m for m in self.list_meetings() if when(m) > current and m.meeting.status != "cancelled"
        ]
        return min(later, key=when, default=None)

    def case_meetings(self, case_id: str) -> list[tuple[StoredMeeting, AgendaItem]]:
        """Every meeting whose agenda holds ``case_id`` (moved or not), oldest first."""
        out = []
        for stored in self.list_meetings():
            for item in stored.meeting.agenda:
                if item.case_id == case_id:
                    out.append((stored, item))
        return sorted(out, key=lambda pair: (pair[0].meeting.date, pair[0].meeting_id))

    # -- decisions ----------------------------------------------------------------------

    def record_decision(
        self,
        meeting_id: str,
        case_id: str,
        decision: MeetingDecision,
        user: str,
        *,
        base_version: int = 0,
        actions: Sequence[ActionInput] = (),
    ) -> StoredDecision:
        """Record the decision on a scheduled case as version ``base_version + 1`` (0: the
        first), with its follow-up actions; a ``decided`` outcome moves the case to
        ``discussed`` in the same transaction. :class:`StaleDecisionError` when another version
        was recorded in between (nothing written)."""
        actor = _actor(user)
        now = _now()
        with self.cases.writing() as conn:
            meeting = Meeting.model_validate(_locked_meeting(conn, meeting_id).meeting_json)
            if meeting.item(case_id) is None:
                raise NotOnAgendaError(meeting_id, case_id)
            case_row = _live_row(conn, case_id)
            latest = _latest_decision(conn, meeting_id, case_id)
            if (latest.version if latest else 0) != base_version:
                raise StaleDecisionError(meeting_id, case_id, latest, base_version)
            case_version = case_row.version
            if decision.outcome == "decided":
                case_version = change_status(conn, case_row, "discussed", actor, now).version
            version = base_version + 1
            conn.execute(
                insert(t.meeting_decisions).values(
                    meeting_id=meeting_id,
                    case_id=case_id,
                    version=version,
                    decision_json=decision.model_dump(mode="json"),
                    outcome=decision.outcome,
                    case_version=case_version,
                    recorded_at=now,
                    recorded_by=actor,
                )
            )
            quorum = "quorum met" if decision.quorum.met else "quorum NOT met"
            _audit(
                conn,
                now,
                actor,
                DECISION,
                case_id,
                f"{meeting_id} version {version}: {decision.outcome}, {quorum}, "
                f"{len(decision.attendees_present)} present",
            )
            _insert_actions(conn, meeting_id, case_id, actions, actor, now)
            stored = _latest_decision(conn, meeting_id, case_id)
            assert stored is not None
        return stored

    def decision(self, meeting_id: str, case_id: str) -> StoredDecision | None:
        """The latest version of the decision on a case at a meeting, or ``None``."""
        with self.cases.reading() as conn:
            return _latest_decision(conn, meeting_id, case_id)

    def decision_versions(self, meeting_id: str, case_id: str) -> list[StoredDecision]:
        """Every version, oldest first."""
        d = t.meeting_decisions
        query = (
            select(d)
            .where(d.c.meeting_id == meeting_id, d.c.case_id == case_id)
            .order_by(d.c.version)
        )
        with self.cases.reading() as conn:
            return [_stored_decision(row) for row in conn.execute(query)]

    def decisions(self, meeting_id: str | None = None) -> list[StoredDecision]:
        """The latest decision of every case of a meeting (of every meeting when ``None``)."""
        d = t.meeting_decisions
        latest = (
            select(d.c.meeting_id, d.c.case_id, func.max(d.c.version).label("v"))
            .group_by(d.c.meeting_id, d.c.case_id)
            .subquery()
        )
        query = select(d).join(
            latest,
            (d.c.meeting_id == latest.c.meeting_id)
            & (d.c.case_id == latest.c.case_id)
            & (d.c.version == latest.c.v),
        )
        if meeting_id is not None:
            query = query.where(d.c.meeting_id == meeting_id)
        with self.cases.reading() as conn:
            return [_stored_decision(row) for row in conn.execute(query.order_by(d.c.id))]

    def sign_off(
        self, meeting_id: str, case_id: str, version: int, user: str, signer_name: str
    ) -> StoredDecision:
        """Sign off decision ``version`` as ``signer_name`` (the chair, or a named user).
        Refused with :class:`StaleDecisionError` unless ``version`` is the latest; a version
        already signed stays signed as it was. A later edit is a new, unsigned version."""
        actor = _actor(user)
        signer = _actor(signer_name)
        now = _now()
        with self.cases.writing() as conn:
            _locked_meeting(conn, meeting_id)
            latest = _latest_decision(conn, meeting_id, case_id)
            if latest is None:
                raise NoDecisionError(meeting_id, case_id, "a sign-off")
            if latest.version != version:
                raise StaleDecisionError(meeting_id, case_id, latest, version)
            if latest.signed:
                return latest
            d = t.meeting_decisions
            conn.execute(
                update(d)
                .where(d.c.meeting_id == meeting_id, d.c.case_id == case_id, d.c.version == version)
                .values(signed_at=now, signed_by=actor, signer_name=signer)
            )
            _audit(
                conn,
                now,
                actor,
                SIGN_OFF,
                case_id,
                f"{meeting_id} version {version} signed off as {signer}",
            )
            stored = _latest_decision(conn, meeting_id, case_id)
            assert stored is not None
        return stored

    # -- follow-up actions --------------------------------------------------------------

    def add_actions(
        self, meeting_id: str, case_id: str, actions: Sequence[ActionInput], user: str
    ) -> list[StoredAction]:
        """Add follow-up actions for a case of the meeting (open, version 1)."""
        actor = _actor(user)
        now = _now()
        with self.cases.writing() as conn:
            meeting = Meeting.model_validate(_locked_meeting(conn, meeting_id).meeting_json)
            if not any(i.case_id == case_id for i in meeting.agenda):
                raise NotOnAgendaError(meeting_id, case_id)
            ids = _insert_actions(conn, meeting_id, case_id, actions, actor, now)
            rows = conn.execute(select(t.meeting_actions).where(t.meeting_actions.c.id.in_(ids)))
            return sorted((_stored_action(r) for r in rows), key=lambda a: a.id)

    def change_action(
        self,
        action_id: int,
        base_version: int,
        user: str,
        *,
        status: ActionStatus | None = None,
        owner: str | None = None,
        due: date | None = None,
    ) -> StoredAction:
        """Change an action's status, owner or due date, if it is still at ``base_version``."""
        actor = _actor(user)
        now = _now()
        a = t.meeting_actions
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = check_action_status(status)
        if owner is not None:
            values["owner"] = _actor(owner)
        if due is not None:
            values["due_date"] = due
        with self.cases.writing() as conn:
            row = conn.execute(select(a).where(a.c.id == action_id).with_for_update()).first()
            if row is None:
                raise ActionNotFoundError(action_id)
            if row.version != base_version:
                raise StaleActionError(_stored_action(row), base_version)
            if not values:
                return _stored_action(row)
            conn.execute(
                update(a)
                .where(a.c.id == action_id, a.c.version == base_version)
                .values(**values, version=base_version + 1, updated_at=now, updated_by=actor)
            )
            changes = ", ".join(f"{k.replace('_date', '')} {v}" for k, v in values.items())
            _audit(
                conn,
                now,
                actor,
                ACTION_CHANGE,
                row.case_id,
                f"{row.meeting_id} action {action_id} version {base_version + 1}: {changes}",
            )
            new = conn.execute(select(a).where(a.c.id == action_id)).one()
        return _stored_action(new)

    def actions(
        self,
        *,
        meeting_id: str | None = None,
        case_id: str | None = None,
        owner: str | None = None,
    ) -> list[StoredAction]:
        """Follow-up actions, filtered by meeting, case and owner, in the order added."""
        query = _in_order_added(
            t.meeting_actions, meeting_id=meeting_id, case_id=case_id, owner=owner
        )
        with self.cases.reading() as conn:
            return [_stored_action(row) for row in conn.execute(query)]

    # -- implementation -----------------------------------------------------------------

    def record_implementation(
        self, meeting_id: str, case_id: str, implementation: Implementation, user: str
    ) -> StoredImplementation:
        """Record what was done for a case after the meeting's (latest) decision."""
        actor = _actor(user)
        now = _now()
        ci = t.case_implementations
        with self.cases.writing() as conn:
            _locked_meeting(conn, meeting_id)
            latest = _latest_decision(conn, meeting_id, case_id)
            if latest is None or latest.decision.outcome != "decided":
                raise NoDecisionError(meeting_id, case_id, "an implementation record")
            result = conn.execute(
                insert(ci).values(
                    meeting_id=meeting_id,
                    case_id=case_id,
                    decision_version=latest.version,
                    implementation_json=implementation.model_dump(mode="json"),
                    recorded_at=now,
                    recorded_by=actor,
                )
            )
            new_id = _inserted_id(result)
            how = (
                "as decided"
                if implementation.as_decided
                else f"differs from the decision ({implementation.reason})"
            )
            _audit(
                conn,
                now,
                actor,
                IMPLEMENTATION,
                case_id,
                f"{meeting_id} decision version {latest.version}: {how}",
            )
            row = conn.execute(select(ci).where(ci.c.id == new_id)).one()
        return _stored_implementation(row)

    def implementations(
        self, *, meeting_id: str | None = None, case_id: str | None = None
    ) -> list[StoredImplementation]:
        """Implementation records (every one, oldest first; the last per case counts)."""
        query = _in_order_added(t.case_implementations, meeting_id=meeting_id, case_id=case_id)
        with self.cases.reading() as conn:
            return [_stored_implementation(row) for row in conn.execute(query)]


# -- row helpers --------------------------------------------------------------------------


def _in_order_added(table: Table, **equal: object) -> Select[Any]:
    """The rows of ``table`` in the order added, filtered on each column given a value (a
    column given ``None`` is not filtered)."""
    query = select(table).order_by(table.c.id)
    for column, value in equal.items():
        if value is not None:
            query = query.where(table.c[column] == value)
    return query


def _meeting_row(conn: Connection, meeting_id: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(t.meetings).where(t.meetings.c.id == meeting_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def _locked_meeting(conn: Connection, meeting_id: str) -> Row[Any]:
    row = _meeting_row(conn, meeting_id, lock=True)
    if row is None:
        raise MeetingNotFoundError(meeting_id)
    return row


def _meeting_or_fail(conn: Connection, meeting_id: str) -> StoredMeeting:
    row = _meeting_row(conn, meeting_id)
    if row is None:
        raise MeetingNotFoundError(meeting_id)
    return _stored_meeting(row)


def _stored_meeting(row: Row[Any]) -> StoredMeeting:
    return from_row(
        StoredMeeting, row, meeting_id=row.id, meeting=Meeting.model_validate(row.meeting_json)
    )


def _update_meeting(
    conn: Connection, row: Row[Any], meeting: Meeting, actor: str, now: datetime
) -> StoredMeeting:
    """Write ``meeting`` as the next version of the locked ``row`` (and its version row)."""
    m = t.meetings
    result = conn.execute(
        update(m)
        .where(m.c.id == row.id, m.c.version == row.version)
        .values(
            meeting_json=meeting.model_dump(mode="json"),
            version=row.version + 1,
            meeting_date=meeting.date,
            status=meeting.status,
            updated_at=now,
            updated_by=actor,
        )
    )
    if result.rowcount != 1:  # pragma: no cover - the row is locked
        raise StaleMeetingError(_meeting_or_fail(conn, row.id), meeting, row.version)
    stored = _meeting_or_fail(conn, row.id)
    _insert_meeting_version(conn, stored)
    return stored


def _insert_meeting_version(conn: Connection, stored: StoredMeeting) -> None:
    conn.execute(
        insert(t.meeting_versions).values(
            meeting_id=stored.meeting_id,
            version=stored.version,
            meeting_json=stored.meeting.model_dump(mode="json"),
            saved_at=stored.updated_at,
            saved_by=stored.updated_by,
        )
    )


def _stored_decision(row: Row[Any]) -> StoredDecision:
    return from_row(StoredDecision, row, decision=MeetingDecision.model_validate(row.decision_json))


def _latest_decision(conn: Connection, meeting_id: str, case_id: str) -> StoredDecision | None:
    d = t.meeting_decisions
    row = conn.execute(
        select(d)
        .where(d.c.meeting_id == meeting_id, d.c.case_id == case_id)
        .order_by(d.c.version.desc())
        .limit(1)
    ).first()
    return None if row is None else _stored_decision(row)


def _insert_actions(
    conn: Connection,
    meeting_id: str,
    case_id: str,
    actions: Sequence[ActionInput],
    actor: str,
    now: datetime,
) -> list[int]:
    ids = []
    for action in actions:
        result = conn.execute(
            insert(t.meeting_actions).values(
                meeting_id=meeting_id,
                case_id=case_id,
                text=action.text,
                owner=action.owner,
                due_date=action.due,
                status="open",
                version=1,
                created_at=now,
                created_by=actor,
                updated_at=now,
                updated_by=actor,
            )
        )
        new_id = _inserted_id(result)
        ids.append(new_id)
        due = f", due {action.due.isoformat()}" if action.due else ""
        _audit(
            conn,
            now,
            actor,
            ACTION_ADD,
            case_id,
            f"{meeting_id} action {new_id} for {action.owner}{due}",
        )
    return ids


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "an INSERT of one row has its primary key"
    return int(key[0])


def _stored_action(row: Row[Any]) -> StoredAction:
    return from_row(StoredAction, row, due=row.due_date, status=check_action_status(row.status))


def _stored_implementation(row: Row[Any]) -> StoredImplementation:
    implementation = Implementation.model_validate(row.implementation_json)
    return from_row(StoredImplementation, row, implementation=implementation)
