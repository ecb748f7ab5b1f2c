"""Meetings in the store, on a real SQLite file and a real PostgreSQL server (as the app role
that does not own the audit log): versions with compare-and-set, moving a case, decisions
with versions and sign-off, actions, implementation records, audit rows, purge, migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from meeting_fixtures import CORE_TEAM, MEETING_DAY, a_meeting, oligo_case
from sqlalchemy import Engine, inspect

from lms_board.assess import assess
from lms_board.demo import demo_cases
from lms_board.meeting.capture import capture_decision, plan_steps
from lms_board.meeting.model import ActionInput, Implementation, Meeting, MeetingDecision
from lms_board.store import CaseDeletedError, CaseStore, open_store
from lms_board.store.engine import alembic_config, dispose_engine, write_connection
from lms_board.store.errors import (
    MeetingNotFoundError,
    NoDecisionError,
    NotOnAgendaError,
    StaleActionError,
    StaleDecisionError,
    StaleMeetingError,
)
from lms_board.store.meeting_store import MeetingStore, meeting_id_for

if TYPE_CHECKING:
    from store_pg import PostgresCluster

pytest_plugins = ["store_pg"]

USER, OTHER = "local:alice", "local:bob"


@pytest.fixture
def stores(store_url: str) -> tuple[CaseStore, MeetingStore]:
    store = open_store(store_url)
    for case in [*demo_cases()[:3], oligo_case()]:
        store.create(case, "setup")
    return store, MeetingStore(store)


def _decision(store: CaseStore, case_id: str, **kw: object) -> MeetingDecision:
    stored = store.get(case_id)
    assert stored is not None
    a = assess(stored.case)
    fields: dict[str, object] = {"plan": plan_steps(a, [[a.options[0].id]]), "intent": "curative"}
    fields.update(kw)
    return capture_decision(a, stored.version, CORE_TEAM, **fields)  # type: ignore[arg-type]


def test_meeting_ids_follow_the_date() -> None:
    assert meeting_id_for(date(2026, 12, 10), []) == "MTG-2026-12-10"
    assert meeting_id_for(date(2026, 12, 10), ["MTG-2026-12-10"]) == "MTG-2026-12-10-2"


def test_create_list_and_round_trip(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    m = a_meeting(["DEMO-01", "DEMO-02", "SYN-OLIGO"])
    first = meetings.create_meeting(m, USER)
    second = meetings.create_meeting(a_meeting([]), USER)
    later = meetings.create_meeting(a_meeting([], day=MEETING_DAY + timedelta(days=7)), USER)
    assert (first.meeting_id, second.meeting_id) == ("MTG-2026-12-10", "MTG-2026-12-10-2")
    assert first.version == 1 and first.meeting == m
    assert meetings.meeting(first.meeting_id).meeting == m
    assert [s.meeting_id for s in meetings.list_meetings()] == [
        later.meeting_id,
        second.meeting_id,
        first.meeting_id,
    ]
    assert meetings.next_meeting(first.meeting_id) == meetings.meeting(second.meeting_id)
    assert meetings.next_meeting(second.meeting_id) == meetings.meeting(later.meeting_id)
    assert meetings.next_meeting(later.meeting_id) is None
    with pytest.raises(MeetingNotFoundError):
        meetings.meeting("MTG-1999-01-01")
    log = [e for e in store.audit_log() if e.action == "meeting.create"]
    assert log[0].detail == "MTG-2026-12-10 version 1: DEMO-01, DEMO-02, SYN-OLIGO"


def test_a_save_on_an_old_version_is_refused_and_writes_nothing(
    stores: tuple[CaseStore, MeetingStore],
) -> None:
    store, meetings = stores
    created = meetings.create_meeting(a_meeting(["DEMO-01"]), USER)
    mid = created.meeting_id
    alice = Meeting.model_validate({**created.meeting.model_dump(), "notes": "alice"})
    bob = Meeting.model_validate(
        {**created.meeting.model_dump(), "attendees": [a.model_dump() for a in CORE_TEAM[:3]]}
    )
    saved = meetings.save_meeting(mid, alice, 1, USER)
    assert saved.version == 2
    with pytest.raises(StaleMeetingError, match="has NOT been saved") as refused:
        meetings.save_meeting(mid, bob, 1, OTHER)
    assert refused.value.current.meeting.notes == "alice"
    assert refused.value.attempted == bob
    assert meetings.meeting(mid).version == 2
    assert [v.version for v in meetings.meeting_versions(mid)] == [1, 2]
    updates = [e.detail for e in store.audit_log() if e.action == "meeting.update"]
    assert updates == [f"{mid} version 1 -> 2: details"]


def test_moving_a_case_keeps_its_history(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    this = meetings.create_meeting(a_meeting(["DEMO-01", "DEMO-02"]), USER)
    nxt = meetings.create_meeting(a_meeting([], day=MEETING_DAY + timedelta(days=7)), USER)
    deferred = _decision(store, "DEMO-02", outcome="deferred", deferral_reasons=["no chest CT"])
    meetings.record_decision(this.meeting_id, "DEMO-02", deferred, USER)
    with pytest.raises(StaleMeetingError):
        meetings.move_case(this.meeting_id, "DEMO-02", nxt.meeting_id, 0, USER)
    source, target = meetings.move_case(this.meeting_id, "DEMO-02", nxt.meeting_id, 1, USER)
    item = source.meeting.agenda[1]
    assert (item.case_id, item.state, item.moved_to) == ("DEMO-02", "moved", nxt.meeting_id)
    assert [i.case_id for i in source.meeting.scheduled()] == ["DEMO-01"]
    arrived = target.meeting.item("DEMO-02")
    assert arrived is not None and arrived.moved_from == this.meeting_id
    assert arrived.minutes == item.minutes and arrived.referred_by == item.referred_by
    history = meetings.case_meetings("DEMO-02")
    assert [(s.meeting_id, i.state) for s, i in history] == [
        (this.meeting_id, "moved"),
        (nxt.meeting_id, "scheduled"),
    ]
    # The deferral stays with the first meeting.
    decision = meetings.decision(this.meeting_id, "DEMO-02")
    assert decision is not None and decision.decision.outcome == "deferred"
    with pytest.raises(NotOnAgendaError):
        meetings.move_case(this.meeting_id, "DEMO-02", nxt.meeting_id, 2, USER)
    moves = [e for e in store.audit_log() if e.action == "meeting.move"]
    assert moves[0].case_id == "DEMO-02" and this.meeting_id in moves[0].detail


def test_decisions_are_versioned_and_signed_off(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01", "SYN-OLIGO"]), USER).meeting_id
    a = assess(oligo_case())
    plan = plan_steps(a, [["systemic-first-oligometastatic"], ["wide-resection", "metastasectomy"]])
    first = _decision(store, "SYN-OLIGO", plan=plan, rationale="Test biology first.")
    with pytest.raises(NotOnAgendaError):
        meetings.record_decision(mid, "DEMO-02", first, USER)
    v1 = meetings.record_decision(
        mid,
        "SYN-OLIGO",
        first,
        USER,
        actions=[ActionInput(text="Book chest CT", owner="Nurse Key", due=date(2026, 12, 17))],
    )
    assert v1.version == 1 and v1.decision == first and not v1.signed
    case = store.get("SYN-OLIGO")
    assert case is not None and case.status == "discussed" and v1.case_version == case.version
    with pytest.raises(StaleDecisionError, match="version 1 was recorded"):
        meetings.record_decision(mid, "SYN-OLIGO", first, OTHER)  # both started from none
    signed = meetings.sign_off(mid, "SYN-OLIGO", 1, USER, "Dr Chair")
    assert signed.signed and signed.signer_name == "Dr Chair" and signed.signed_by == USER
    again = meetings.sign_off(mid, "SYN-OLIGO", 1, OTHER, "Someone else")
    assert again.signer_name == "Dr Chair"  # a sign-off is not overwritten
    edit = _decision(store, "SYN-OLIGO", plan=plan, rationale="Edited after the meeting.")
    v2 = meetings.record_decision(mid, "SYN-OLIGO", edit, USER, base_version=1)
    assert v2.version == 2 and not v2.signed  # a later edit is a new, unsigned version
    with pytest.raises(StaleDecisionError):
        meetings.sign_off(mid, "SYN-OLIGO", 1, USER, "Dr Chair")
    versions = meetings.decision_versions(mid, "SYN-OLIGO")
    assert [(v.version, v.signed) for v in versions] == [(1, True), (2, False)]
    assert [d.case_id for d in meetings.decisions(mid)] == ["SYN-OLIGO"]
    assert meetings.decisions()[0].version == 2
    actions = meetings.actions(meeting_id=mid)
    assert [(x.text, x.owner, x.due, x.status) for x in actions] == [
        ("Book chest CT", "Nurse Key", date(2026, 12, 17), "open")
    ]
    audit = [(e.action, e.case_id) for e in store.audit_log() if e.action.startswith("meeting.")]
    assert ("meeting.decision", "SYN-OLIGO") in audit and ("meeting.sign_off", "SYN-OLIGO") in audit
    assert store.verify_audit().ok


def test_a_deferral_leaves_the_case_status(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01"]), USER).meeting_id
    before = store.get("DEMO-01")
    assert before is not None
    d = _decision(store, "DEMO-01", outcome="deferred", deferral_reasons=["no chest CT"])
    meetings.record_decision(mid, "DEMO-01", d, USER)
    after = store.get("DEMO-01")
    assert after is not None and (after.status, after.version) == (before.status, before.version)
    with pytest.raises(NoDecisionError):
        meetings.record_implementation(
            mid, "DEMO-01", Implementation(what_done="x", as_decided=True), USER
        )


def test_actions_change_with_compare_and_set(stores: tuple[CaseStore, MeetingStore]) -> None:
    _store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01", "DEMO-02"]), USER).meeting_id
    added = meetings.add_actions(
        mid,
        "DEMO-01",
        [
            ActionInput(text="Request expert review", owner="Dr Pathologist"),
            ActionInput(text="Letter to GP", owner="Coordinator C", due=date(2026, 12, 11)),
        ],
        USER,
    )
    first = added[0]
    done = meetings.change_action(first.id, 1, USER, status="done")
    assert (done.status, done.version, done.updated_by) == ("done", 2, USER)
    with pytest.raises(StaleActionError, match="has NOT been saved"):
        meetings.change_action(first.id, 1, OTHER, status="cancelled")
    assert [x.text for x in meetings.actions(owner="Coordinator C")] == ["Letter to GP"]
    assert meetings.actions(case_id="DEMO-02") == []
    with pytest.raises(NotOnAgendaError):
        meetings.add_actions(mid, "DEMO-03", [ActionInput(text="x", owner="y")], USER)
    assert added[1].overdue(date(2026, 12, 12)) and not done.overdue(date(2027, 1, 1))


def test_implementation_records_what_was_done(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01"]), USER).meeting_id
    meetings.record_decision(mid, "DEMO-01", _decision(store, "DEMO-01"), USER)
    done = Implementation(
        what_done="Preoperative RT then resection",
        as_decided=False,
        reason="waiting time",
        done_on=date(2027, 1, 20),
    )
    rec = meetings.record_implementation(mid, "DEMO-01", done, USER)
    assert rec.decision_version == 1 and rec.implementation == done
    assert [i.implementation.reason for i in meetings.implementations(case_id="DEMO-01")] == [
        "waiting time"
    ]


def test_a_decision_on_a_deleted_case_is_refused(stores: tuple[CaseStore, MeetingStore]) -> None:
    store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01"]), USER).meeting_id
    d = _decision(store, "DEMO-01")
    current = store.get("DEMO-01")
    assert current is not None
    store.delete("DEMO-01", USER, current.version)
    with pytest.raises(CaseDeletedError):
        meetings.record_decision(mid, "DEMO-01", d, USER)


def test_purge_removes_the_meeting_records_of_a_purged_case(
    stores: tuple[CaseStore, MeetingStore],
) -> None:
    store, meetings = stores
    mid = meetings.create_meeting(a_meeting(["DEMO-01"]), USER).meeting_id
    meetings.record_decision(
        mid,
        "DEMO-01",
        _decision(store, "DEMO-01"),
        USER,
        actions=[ActionInput(text="a", owner="b")],
    )
    meetings.record_implementation(
        mid, "DEMO-01", Implementation(what_done="done", as_decided=True), USER
    )
    current = store.get("DEMO-01")
    assert current is not None
    store.delete("DEMO-01", USER, current.version)
    store.purge_expired(USER, now=datetime.now(UTC) + timedelta(days=31))
    assert meetings.decisions(mid) == [] and meetings.actions(meeting_id=mid) == []
    assert meetings.implementations(meeting_id=mid) == []
    assert store.verify_audit().ok


def _migrate(engine: Engine, target: str) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        write_connection(conn)
        with conn.begin():
            config.attributes["connection"] = conn
            if target == "head":
                command.upgrade(config, "head")
            else:
                command.downgrade(config, target)


MEETING_TABLES = {
    "meetings",
    "meeting_versions",
    "meeting_decisions",
    "meeting_actions",
    "case_implementations",
}


def _check_migration(url: str) -> None:
    store = open_store(url)
    mid = MeetingStore(store).create_meeting(a_meeting([]), USER).meeting_id
    for target in ("0003", "head"):
        _migrate(store.engine, target)
        with store.engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
        assert (MEETING_TABLES <= present) == (target == "head")
        assert not (MEETING_TABLES & present) or target == "head"
    assert MeetingStore(store).get_meeting(mid) is None  # the downgrade dropped the meetings
    assert store.verify_audit().ok


def test_migration_0004_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    _check_migration(url)
    dispose_engine(url)


@pytest.mark.postgres
def test_migration_0004_on_postgresql_as_the_schema_owner(
    postgres_cluster: PostgresCluster,
) -> None:
    _app, owner_url, schema = postgres_cluster.owned_schema()
    try:
        _check_migration(owner_url)
    finally:
        dispose_engine(owner_url)
        postgres_cluster.drop_schema(schema)
