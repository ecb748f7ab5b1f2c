"""The case store against real databases: a SQLite file and a throw-away PostgreSQL server.

Every test taking ``store_url`` runs twice (``[sqlite]`` and ``[postgres]``); see store_pg.py.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from strategies import valid_cases

from lms_board.case import Case, parse_case
from lms_board.decision import BoardDecision
from lms_board.demo import demo_cases
from lms_board.store import (
    AuditEntry,
    CaseDeletedError,
    CaseNotFoundError,
    CaseReplacedError,
    CaseStore,
    ChangedSinceConfirmedError,
    DuplicateCaseError,
    StaleVersionError,
    StoredCase,
    current_user,
    database_url,
    open_store,
)
from lms_board.store import schema as store_schema
from lms_board.store.engine import alembic_config, dispose_engine, migrate, normalise_url

pytest_plugins = ["store_pg"]

USER = "alice@example.org"


@pytest.fixture
def store(store_url: str) -> CaseStore:
    return open_store(store_url)


def _demo(case_id: str = "DEMO-01") -> Case:
    return next(c for c in demo_cases() if c.case_id == case_id)


def _edited(case: Case, **changes: Any) -> Case:
    data = case.to_json_dict()
    data.update(changes)
    return parse_case(data)


def _actions(entries: list[AuditEntry]) -> list[str]:
    return [e.action for e in entries]


# -- round trips -----------------------------------------------------------------------------


def test_every_demo_and_shared_case_round_trips(
    store: CaseStore, shared_cases: dict[str, dict[str, Any]]
) -> None:
    cases = demo_cases() + [parse_case(d) for d in shared_cases.values()]
    for case in cases:
        store.create(case, USER)
    for case in cases:
        stored = store.get(case.case_id)
        assert stored is not None
        assert stored.case.to_json_dict() == case.to_json_dict()
        assert stored.case == case
    listed = {s.case_id: s.case.to_json_dict() for s in store.list_cases()}
    assert listed == {c.case_id: c.to_json_dict() for c in cases}


_ids = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=valid_cases())
def test_generated_cases_round_trip_through_create_save_and_versions(
    store: CaseStore, data: dict[str, Any]
) -> None:
    data["case_id"] = f"H-{next(_ids)}"
    case = parse_case(data)
    created = store.create(case, USER)
    assert created.case.to_json_dict() == case.to_json_dict()
    saved = store.save(case, created.version, USER)
    got = store.get(case.case_id)
    assert got is not None and got.version == saved.version == 2
    assert got.case.to_json_dict() == case.to_json_dict()
    assert [v.case.to_json_dict() for v in store.versions(case.case_id)] == [
        case.to_json_dict()
    ] * 2


def test_control_characters_and_nul_in_free_text_survive(store: CaseStore) -> None:
    """PostgreSQL text/jsonb cannot hold U+0000; the store must still keep such a case."""
    case = _edited(
        _demo(),
        notes="a\x00b\x01c\u200b\ufeff<script>x</script>\r\nend",
        presenter="\x00",
    )
    store.create(case, USER)
    store.save_draft("k", {"intake_notes": "x\x00y"}, USER)
    store.log_event(USER, "export", "DEMO-01", "file\x00name.pdf")
    got = store.get("DEMO-01")
    assert got is not None and got.case.to_json_dict() == case.to_json_dict()
    assert store.load_draft("k") == {"intake_notes": "x\x00y"}
    assert store.audit_log()[-1].detail == "file\ufffdname.pdf"


# -- create / save / compare-and-set ----------------------------------------------------------


def test_create_returns_version_1_with_metadata(store: CaseStore) -> None:
    before = datetime.now(UTC)
    stored = store.create(_demo(), USER)
    assert isinstance(stored, StoredCase)
    assert (stored.case_id, stored.version, stored.status) == ("DEMO-01", 1, "draft")
    assert stored.board_date == _demo().board_date
    assert stored.updated_by == USER
    assert stored.created_at.tzinfo is not None and stored.updated_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= stored.created_at <= datetime.now(UTC)


def test_create_twice_raises_duplicate_and_keeps_the_first(store: CaseStore) -> None:
    store.create(_demo(), USER)
    with pytest.raises(DuplicateCaseError, match="DEMO-01 already exists"):
        store.create(_edited(_demo(), notes="second"), "bob")
    stored = store.get("DEMO-01")
    assert stored is not None and stored.case == _demo() and stored.version == 1


def test_create_with_unknown_status_is_refused(store: CaseStore) -> None:
    with pytest.raises(ValueError, match="status must be one of draft, ready, discussed"):
        store.create(_demo(), USER, status="archived")
    assert store.get("DEMO-01") is None


def test_save_on_the_current_version_makes_the_next(store: CaseStore) -> None:
    store.create(_demo(), USER)
    saved = store.save(_edited(_demo(), notes="v2"), 1, "bob")
    assert (saved.version, saved.updated_by, saved.case.notes) == (2, "bob", "v2")
    assert saved.created_at < saved.updated_at or saved.created_at == saved.updated_at
    again = store.save(_edited(_demo(), notes="v3"), 2, "carol", status="ready")
    assert (again.version, again.status, again.case.notes) == (3, "ready", "v3")


def test_stale_save_raises_with_both_versions_and_writes_nothing(store: CaseStore) -> None:
    store.create(_demo(), USER)
    store.save(_edited(_demo(), notes="bob's edit"), 1, "bob")
    mine = _edited(_demo(), notes="alice's edit")
    with pytest.raises(StaleVersionError) as info:
        store.save(mine, 1, USER)
    err = info.value
    assert err.current.version == 2 and err.current.case.notes == "bob's edit"
    assert err.current.updated_by == "bob"
    assert err.attempted is mine and err.base_version == 1
    message = str(err)
    assert "changed by bob" in message and "version 2" in message
    assert "based on version 1" in message and "NOT been saved" in message
    stored = store.get("DEMO-01")
    assert stored is not None and stored.version == 2 and stored.case.notes == "bob's edit"
    assert len(store.versions("DEMO-01")) == 2
    assert _actions(store.audit_log("DEMO-01")) == ["create", "update"]


def test_save_based_on_a_future_version_is_also_stale(store: CaseStore) -> None:
    store.create(_demo(), USER)
    with pytest.raises(StaleVersionError):
        store.save(_demo(), 7, USER)


def test_save_of_an_unknown_case_raises_not_found(store: CaseStore) -> None:
    with pytest.raises(CaseNotFoundError, match="DEMO-01 is not in the store"):
        store.save(_demo(), 1, USER)
    assert store.list_cases() == []


def test_every_saved_version_is_kept_in_order(store: CaseStore) -> None:
    store.create(_demo(), USER)
    for n in range(2, 6):
        store.save(_edited(_demo(), notes=f"note {n}"), n - 1, f"user{n}")
    versions = store.versions("DEMO-01")
    assert [v.version for v in versions] == [1, 2, 3, 4, 5]
    assert [v.case.notes for v in versions[1:]] == ["note 2", "note 3", "note 4", "note 5"]
    assert versions[0].case == _demo()
    assert [v.updated_by for v in versions] == [USER, "user2", "user3", "user4", "user5"]
    assert store.versions("NOPE") == []


def test_board_date_is_updated_and_orders_the_list(store: CaseStore) -> None:
    a = _edited(_demo("DEMO-01"), board_date="2026-12-15")
    b = _edited(_demo("DEMO-02"), board_date="2026-12-01")
    c = _edited(_demo("DEMO-03"), board_date=None)
    for case in (c, a, b):
        store.create(case, USER)
    assert [s.case_id for s in store.list_cases()] == ["DEMO-02", "DEMO-01", "DEMO-03"]
    moved = store.save(_edited(a, board_date="2026-11-30"), 1, USER)
    assert moved.board_date == date(2026, 11, 30)
    assert [s.case_id for s in store.list_cases()] == ["DEMO-01", "DEMO-02", "DEMO-03"]


# -- status and delete -------------------------------------------------------------------------


def test_set_status_is_a_new_version_with_an_audit_row(store: CaseStore) -> None:
    store.create(_demo(), USER)
    ready = store.set_status("DEMO-01", "ready", "coordinator")
    assert (ready.status, ready.version, ready.updated_by) == ("ready", 2, "coordinator")
    assert ready.case == _demo()
    same = store.set_status("DEMO-01", "ready", "coordinator")
    assert same.version == 2  # no change, no new version
    discussed = store.set_status("DEMO-01", "discussed", "chair")
    assert discussed.version == 3
    assert [v.status for v in store.versions("DEMO-01")] == ["draft", "ready", "discussed"]
    log = store.audit_log("DEMO-01")
    assert _actions(log) == ["create", "status_change", "status_change"]
    assert log[1].detail.startswith("draft -> ready") and log[1].user == "coordinator"
    with pytest.raises(ValueError, match="status must be one of"):
        store.set_status("DEMO-01", "done", USER)
    with pytest.raises(CaseNotFoundError):
        store.set_status("NOPE", "ready", USER)


def test_status_change_makes_an_open_edit_stale(store: CaseStore) -> None:
    store.create(_demo(), USER)
    store.set_status("DEMO-01", "ready", "coordinator")
    with pytest.raises(StaleVersionError) as info:
        store.save(_edited(_demo(), notes="late edit"), 1, USER)
    assert info.value.current.status == "ready"


def test_delete_is_soft_then_purged_after_30_days(store: CaseStore) -> None:
    store.create(_demo(), USER)
    store.save(_edited(_demo(), notes="x"), 1, USER)
    decision = BoardDecision(recommendation="Surgery")
    store.record_decision("DEMO-01", decision, USER)
    store.delete("DEMO-01", "bob", 2)
    assert store.get("DEMO-01") is None and store.list_cases() == [] and store.count() == 0
    [deleted] = store.deleted_cases()
    assert (deleted.stored.case_id, deleted.stored.version, deleted.deleted_by) == (
        "DEMO-01",
        2,
        "bob",
    )
    assert deleted.purge_after - deleted.deleted_at == timedelta(days=30)
    assert len(store.versions("DEMO-01")) == 2 and store.latest_decision("DEMO-01") == decision
    with pytest.raises(CaseDeletedError, match="deleted by bob"):
        store.delete("DEMO-01", "bob", 2)
    with pytest.raises(DuplicateCaseError, match="restore it from Deleted cases"):
        store.create(_demo(), USER)  # the id stays taken while the case can be restored

    assert store.purge_expired("sweeper", now=deleted.deleted_at + timedelta(days=29)) == []
    purged = store.purge_expired("sweeper", now=deleted.deleted_at + timedelta(days=30))
    assert purged == ["DEMO-01"] and store.deleted_cases() == []
    assert store.versions("DEMO-01") == [] and store.latest_decision("DEMO-01") is None
    log = store.audit_log("DEMO-01")
    assert _actions(log) == ["create", "update", "decision", "delete", "purge"]
    assert log[3].user == "bob" and "version 2" in log[3].detail
    again = store.create(_demo(), USER)  # the id is free again, history starts anew
    assert again.version == 1 and len(store.versions("DEMO-01")) == 1
    assert again.incarnation != deleted.stored.incarnation


def test_a_deleted_case_is_restored_as_its_next_version(store: CaseStore) -> None:
    store.create(_demo(), USER)
    store.delete("DEMO-01", "bob", 1)
    restored = store.restore("DEMO-01", "carol")
    assert restored.version == 2 and restored.updated_by == "carol"
    assert store.get("DEMO-01") == restored and store.deleted_cases() == []
    assert _actions(store.audit_log("DEMO-01")) == ["create", "delete", "restore"]
    with pytest.raises(DuplicateCaseError):
        store.restore("DEMO-01", "carol")  # it is on the board
    with pytest.raises(CaseNotFoundError):
        store.restore("NOPE", "carol")


def test_delete_is_refused_when_the_case_changed_since_it_was_confirmed(store: CaseStore) -> None:
    created = store.create(_demo(), USER)
    store.save(_edited(_demo(), notes="late"), 1, "bob")
    with pytest.raises(ChangedSinceConfirmedError, match="you confirmed version 1"):
        store.delete("DEMO-01", USER, 1)
    with pytest.raises(CaseNotFoundError):
        store.delete("DEMO-02", USER, 1)
    assert store.get("DEMO-01").version == 2  # type: ignore[union-attr]
    store.delete("DEMO-01", USER, 2, incarnation=created.incarnation)
    assert store.get("DEMO-01") is None


def test_an_edit_of_a_purged_case_is_never_saved_over_its_successor(store: CaseStore) -> None:
    """ABA: X v1 opened; X deleted and purged; a new X created; the old edit is refused."""
    first = store.create(_demo(), USER)
    store.delete("DEMO-01", "bob", 1)
    [gone] = store.deleted_cases()
    store.purge_expired("sweeper", now=gone.deleted_at + timedelta(days=31))
    second = store.create(_edited(_demo(), notes="the new DEMO-01"), "carol")
    assert second.version == first.version == 1
    with pytest.raises(CaseReplacedError, match="not the case you opened"):
        store.save(_edited(_demo(), notes="old edit"), 1, USER, incarnation=first.incarnation)
    with pytest.raises(CaseReplacedError):
        store.delete("DEMO-01", USER, 1, incarnation=first.incarnation)
    assert store.get("DEMO-01").case.notes == "the new DEMO-01"  # type: ignore[union-attr]


# -- drafts ------------------------------------------------------------------------------------


def test_draft_keeps_the_raw_form_state(store: CaseStore) -> None:
    payload: dict[str, Any] = {
        "intake_case_id": "LMS-NEW",
        "intake_age": 61,
        "intake_size": 7.5,
        "intake_board_date": date(2026, 12, 1),
        "intake_saved_at": datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        "intake_sex": None,
        "intake_ihc": {"desmin": "positive"},
        "intake_mets": [{"site": "lung", "count": None}],
        "intake_range": (1, 2),
        "intake_notes": "Ümit <script>alert(1)</script>\nline 2",
        "intake_confirmed": False,
    }
    key = f"{USER}:new"
    assert store.load_draft(key) is None
    store.save_draft(key, payload, USER)
    assert store.load_draft(key) == payload
    payload["intake_age"] = 62
    store.save_draft(key, payload, USER)  # overwrite
    assert store.load_draft(key) == payload
    assert store.load_draft(f"{USER}:LMS-NEW") is None  # keys are separate
    store.clear_draft(key)
    assert store.load_draft(key) is None
    store.clear_draft(key)  # clearing twice is fine


def test_draft_that_json_cannot_hold_is_refused_with_its_key(store: CaseStore) -> None:
    with pytest.raises(TypeError, match=r"draft value intake_blob of type bytes"):
        store.save_draft("k", {"intake_blob": b"\x00"}, USER)
    assert store.load_draft("k") is None


# -- decisions ---------------------------------------------------------------------------------


def test_decisions_are_recorded_against_the_version_and_the_latest_wins(
    store: CaseStore,
) -> None:
    store.create(_demo(), USER)
    first = BoardDecision(
        recommendation="Preoperative radiotherapy, then wide excision",
        options_chosen=["preop_rt", "wide_excision"],
        specialties_present=["surgery", "radiation oncology", "pathology", "radiology"],
        patient_preference="wants limb-sparing surgery",
        trial_referral=None,
        follow_up="MRI after RT",
        decided_at=datetime(2026, 12, 1, 16, 5, tzinfo=timezone(timedelta(hours=1))),
    )
    store.record_decision("DEMO-01", first, "chair")
    assert store.latest_decision("DEMO-01") == first
    second = BoardDecision(recommendation="Re-discuss after biopsy review")
    store.record_decision("DEMO-01", second, "chair")
    assert store.latest_decision("DEMO-01") == second
    assert store.decisions("DEMO-01") == [first, second]
    log = store.audit_log("DEMO-01")
    assert _actions(log) == ["create", "decision", "decision"]
    assert "case version 1" in log[1].detail
    with pytest.raises(CaseNotFoundError):
        store.record_decision("NOPE", first, "chair")
    assert store.latest_decision("NOPE") is None


def test_board_decision_model_is_strict_and_zone_aware() -> None:
    naive = BoardDecision(recommendation="x", decided_at=datetime(2026, 12, 1, 16, 0))
    assert naive.decided_at.tzinfo is not None
    with pytest.raises(ValueError, match="extra"):
        BoardDecision.model_validate({"recommendation": "x", "mrn": "123456"})
    with pytest.raises(ValueError):
        BoardDecision(recommendation="   ")


# -- audit -------------------------------------------------------------------------------------


def test_every_change_export_and_decision_has_an_audit_row(store: CaseStore) -> None:
    store.create(_demo(), "a")
    store.save(_edited(_demo(), notes="n"), 1, "b")
    store.set_status("DEMO-01", "ready", "c")
    store.save(_edited(_demo(), notes="m"), 3, "d", status="discussed")
    store.log_event("e", "export", "DEMO-01", "pdf one-pager")
    store.record_decision("DEMO-01", BoardDecision(recommendation="Observe"), "f")
    store.log_event("g", "login")
    store.delete("DEMO-01", "h", 4)
    everything = store.audit_log()
    assert [(e.action, e.user, e.case_id) for e in everything] == [
        ("create", "a", "DEMO-01"),
        ("update", "b", "DEMO-01"),
        ("status_change", "c", "DEMO-01"),
        ("update", "d", "DEMO-01"),
        ("status_change", "d", "DEMO-01"),
        ("export", "e", "DEMO-01"),
        ("decision", "f", "DEMO-01"),
        ("login", "g", None),
        ("delete", "h", "DEMO-01"),
    ]
    assert everything[5].detail == "pdf one-pager"
    assert all(e.at.tzinfo is not None for e in everything)
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    assert len(store.audit_log("DEMO-01")) == 8


def test_audit_log_is_append_only_in_the_database(store: CaseStore) -> None:
    store.log_event(USER, "export", "DEMO-01", "csv")
    # SQLite: the triggers refuse; PostgreSQL: the app's role has no such right at all.
    for statement in ("UPDATE audit_log SET detail = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match=r"append-only|permission denied for table audit_log"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    assert [e.detail for e in store.audit_log()] == ["csv"]


def test_bad_user_and_action_are_refused(store: CaseStore) -> None:
    with pytest.raises(ValueError, match="user must be"):
        store.create(_demo(), "  ")
    with pytest.raises(ValueError, match="action must be a short word"):
        store.log_event(USER, "drop table; --")
    assert store.audit_log() == []


# -- restart, defaults, migrations ---------------------------------------------------------------


def test_everything_is_still_there_after_closing_and_reopening(store_url: str) -> None:
    store = open_store(store_url)
    store.create(_demo(), USER)
    store.save(_edited(_demo(), notes="v2"), 1, USER)
    store.save_draft(f"{USER}:DEMO-01", {"intake_notes": "half typed", "d": date(2026, 1, 2)}, USER)
    decision = BoardDecision(recommendation="Wide excision", options_chosen=["surgery"])
    store.record_decision("DEMO-01", decision, USER)
    store.log_event(USER, "export", "DEMO-01", "pdf")
    audit_before = store.audit_log()
    store.close()
    reopened = open_store(store_url)
    assert reopened.engine is not store.engine  # a new engine, new connections
    got = reopened.get("DEMO-01")
    assert got is not None and got.version == 2 and got.case.notes == "v2"
    assert len(reopened.versions("DEMO-01")) == 2
    assert reopened.load_draft(f"{USER}:DEMO-01") == {
        "intake_notes": "half typed",
        "d": date(2026, 1, 2),
    }
    assert reopened.latest_decision("DEMO-01") == decision
    assert reopened.audit_log() == audit_before


def test_open_store_defaults_to_a_wal_sqlite_file_under_lms_board_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path / "board-data"))
    expected_file = tmp_path / "board-data" / "lms_board.sqlite3"
    assert database_url() == f"sqlite:///{expected_file}"
    store = open_store()
    try:
        assert expected_file.is_file()
        assert open_store().engine is store.engine  # one engine per URL per process
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        store.close()


def test_default_data_dir_is_dot_data(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"LMS_BOARD_DATA": ""}
    assert database_url(env) == f"sqlite:///{(Path('data') / 'lms_board.sqlite3').resolve()}"


def test_database_url_selects_postgresql_with_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"DATABASE_URL": "postgresql://u:secret@db.example/lms", "LMS_BOARD_DATA": "/x"}
    assert database_url(env) == "postgresql+psycopg://u:secret@db.example/lms"
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    with pytest.raises(ValueError, match=r"unsupported database mysql://u:\*\*\*@h/d"):
        normalise_url("mysql://u:secret@h/d")


def test_migrations_build_exactly_the_schema_the_store_uses(store: CaseStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": "lms_board_alembic_version"}
        )
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert context.get_current_revision() == head
        diff = compare_metadata(context, store_schema.metadata)
    assert diff == []
    migrate(store.engine)  # running again is a no-op
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT version_num FROM lms_board_alembic_version")).all()
    assert rows == [(head,)]


# -- demo data and store_init ------------------------------------------------------------------


def test_demo_cases_load_once_into_a_store_that_never_held_a_case(store: CaseStore) -> None:
    n = store.load_demo_cases_if_empty("local:setup")
    assert n == len(demo_cases()) > 0
    assert {s.case_id for s in store.list_cases()} == {c.case_id for c in demo_cases()}
    assert store.load_demo_cases_if_empty("local:setup") == 0
    for s in store.list_cases():
        store.delete(s.case_id, USER, s.version)
    assert store.load_demo_cases_if_empty("local:setup") == 0  # deleted demos stay deleted
    assert store.count() == 0


def test_demo_cases_are_not_loaded_into_a_store_in_use(store: CaseStore) -> None:
    store.create(_demo("DEMO-02"), USER)
    assert store.load_demo_cases_if_empty(USER) == 0
    assert store.count() == 1


def test_store_init_loads_demo_cases_then_leaves_the_store_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lms_board import store_init

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LMS_BOARD_DATA", str(tmp_path))
    monkeypatch.setenv("LMS_BOARD_USER", "tester")
    try:
        assert store_init.main([]) == 0
        assert f"loaded {len(demo_cases())} demo case(s)" in capsys.readouterr().out
        assert store_init.main([]) == 0
        assert "demo cases not loaded" in capsys.readouterr().out
        log = open_store().audit_log()
        assert {e.user for e in log} == {"local:tester"}
    finally:
        dispose_engine(database_url())


# -- who did it --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("st_user", "env", "expected"),
    [
        # The identity provider's subject, never a name or an e-mail the user can change.
        (
            {"is_logged_in": True, "sub": "1234", "email": "dr.a@hospital.example", "name": "A"},
            {},
            "1234",
        ),
        ({"is_logged_in": True, "sub": "1234"}, {}, "1234"),
        ({"is_logged_in": True, "name": "Dr A"}, {"LMS_BOARD_USER": "x"}, "local:x"),
        ({"is_logged_in": False}, {"LMS_BOARD_USER": "board-pc"}, "local:board-pc"),
        ({}, {"LMS_BOARD_USER": "board-pc"}, "local:board-pc"),
        (None, {"LMS_BOARD_USER": "  bob\n\x00 "}, "local:bob"),
        # An e-mail without a login (e.g. a proxy header) is not trusted.
        ({"email": "eve@example.org"}, {"LMS_BOARD_USER": "x"}, "local:x"),
    ],
)
def test_current_user(st_user: dict[str, Any] | None, env: dict[str, str], expected: str) -> None:
    assert current_user(st_user, env) == expected


def test_current_user_falls_back_to_the_os_login(monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    monkeypatch.setattr(getpass, "getuser", lambda: "osuser")
    assert current_user(None, {}) == "local:osuser"

    def no_login() -> str:
        raise OSError("no login")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert current_user(None, {}) == "local:unknown"


def test_stored_json_is_the_case_format(store: CaseStore) -> None:
    """The stored document is plain case-format JSON another tool could read."""
    store.create(_demo(), USER)
    with store.engine.connect() as conn:
        raw = conn.execute(text("SELECT case_json FROM cases WHERE id = 'DEMO-01'")).scalar_one()
    data = raw if isinstance(raw, dict) else json.loads(raw)
    assert parse_case(data) == _demo()
