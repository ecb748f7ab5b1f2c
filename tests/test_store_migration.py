"""Migration 0003: a store created at revision 0001 holding format v1 cases is migrated to
format v2 on a real SQLite file and a real PostgreSQL database, and nothing is lost.

``tests/fixtures/store_v0001.sqlite3`` was written by the store of commit 0a5cbfc (revision
0001, before format v2) with ``tests/fixtures/make_store_v0001.py``: the nine demo cases as
they were, DEMO-08 saved again with a second regimen, DEMO-01 moved to ``ready``, a board
decision on DEMO-02, PUB-04 and an intake draft. For PostgreSQL the same rows are copied
into a database migrated to revision 0001.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, insert, select, text
from test_case_v1 import BASELINE

from lms_board.assess import assess
from lms_board.case import parse_case
from lms_board.case_upgrade import upgrade_v1
from lms_board.case_v1 import CaseV1
from lms_board.migrations.versions.v0003_case_v2 import MIGRATION_USER
from lms_board.store import CaseStore, open_store
from lms_board.store import schema as t
from lms_board.store.engine import alembic_config, dispose_engine, migrate, write_connection

pytest_plugins = ["store_pg"]

FIXTURE = Path(__file__).parent / "fixtures" / "store_v0001.sqlite3"
TABLES = (t.cases, t.case_versions, t.board_decisions, t.drafts, t.audit_log)


def _rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return {
            table.name: [dict(r._mapping) for r in conn.execute(select(table))] for table in TABLES
        }


def _to_revision(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        write_connection(conn)
        with conn.begin():
            config.attributes["connection"] = conn
            command.upgrade(config, revision)


def _downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.connect() as conn:
        write_connection(conn)
        with conn.begin():
            config.attributes["connection"] = conn
            command.downgrade(config, revision)


@pytest.fixture(scope="module")
def before() -> dict[str, list[dict[str, Any]]]:
    """The fixture store's rows, read as they are (revision 0001)."""
    engine = create_engine(f"sqlite:///{FIXTURE}")
    try:
        with engine.connect() as conn:
            assert conn.execute(
                text("SELECT version_num FROM lms_board_alembic_version")
            ).all() == [("0001",)]
        return _rows(engine)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a store at revision 0001 holding the fixture's v1 cases (not yet opened)."""
    if request.param == "sqlite":
        path = tmp_path / "store.sqlite3"
        shutil.copy(FIXTURE, path)
        yield f"sqlite:///{path}"
        dispose_engine(f"sqlite:///{path}")
        return
    url: str = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    try:
        _to_revision(engine, "0001")
        rows = _rows(create_engine(f"sqlite:///{FIXTURE}"))
        with engine.begin() as conn:
            for table in TABLES:
                if rows[table.name]:
                    conn.execute(insert(table), rows[table.name])
            for table in ("case_versions", "board_decisions", "audit_log"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    finally:
        engine.dispose()
    yield url


def test_every_v1_case_becomes_v2_and_keeps_its_v1_versions(
    old_store: str, before: dict[str, list[dict[str, Any]]]
) -> None:
    store = open_store(old_store)  # migrates to head
    old_cases = {r["id"]: r for r in before["cases"]}
    assert len(old_cases) == 10
    for stored in store.list_cases():
        old = old_cases.pop(stored.case_id)
        assert old["case_json"]["schema_version"] == 1
        # The current version is the upgraded document, one version later, same status.
        assert stored.version == old["version"] + 1
        assert stored.status == old["status"]
        assert stored.updated_by == MIGRATION_USER
        assert stored.case.source_version == 2
        assert stored.case.to_json_dict() == upgrade_v1(CaseV1.model_validate(old["case_json"]))
        # The history keeps every earlier version exactly as it was stored (v1).
        versions = store.versions(stored.case_id)
        assert [v.version for v in versions] == list(range(1, stored.version + 1))
        old_versions = sorted(
            (v for v in before["case_versions"] if v["case_id"] == stored.case_id),
            key=lambda v: v["version"],
        )
        assert [v.case.source_version for v in versions[:-1]] == [1] * len(old_versions)
        assert [v.updated_by for v in versions[:-1]] == [v["saved_by"] for v in old_versions]
        assert versions[-2].case == parse_case(old["case_json"])
        assert versions[-1].case == stored.case
    assert old_cases == {}
    _assert_stored_raw(store, before)


def _assert_stored_raw(store: CaseStore, before: dict[str, list[dict[str, Any]]]) -> None:
    """The v1 documents are in the database byte for byte; nothing else changed."""
    after = _rows(store.engine)
    old_docs = {(v["case_id"], v["version"]): v["case_json"] for v in before["case_versions"]}
    new_docs = {(v["case_id"], v["version"]): v["case_json"] for v in after["case_versions"]}
    for key, doc in old_docs.items():
        assert new_docs[key] == doc
    assert len(new_docs) == len(old_docs) + len(before["cases"])
    assert after["board_decisions"] == before["board_decisions"]
    assert after["drafts"] == before["drafts"]
    assert after["audit_log"][: len(before["audit_log"])] == before["audit_log"]
    added = after["audit_log"][len(before["audit_log"]) :]
    assert [(e["action"], e["username"]) for e in added] == [("migrate", MIGRATION_USER)] * len(
        before["cases"]
    )


def test_migrated_cases_are_judged_as_before(old_store: str) -> None:
    store = open_store(old_store)
    for stored in store.list_cases():
        case_id = stored.case_id
        if case_id == "DEMO-08":
            continue  # saved with a second regimen in the fixture (history only)
        a = assess(stored.case)
        group = "demo_cases" if case_id.startswith("DEMO") else "shared_cases"
        expected = BASELINE[group][case_id]
        assert (a.classification.category, a.classification.subtype) == (
            expected["category"],
            expected["subtype"],
        )
        assert a.classification.provisional == expected["provisional"]
        assert (a.grade.model_dump(mode="json") if a.grade else None) == expected["grade"]
        assert a.stage.model_dump(mode="json") == expected["stage"]


def test_upgraded_history_of_the_saved_case(old_store: str) -> None:
    """DEMO-08 version 2 said: two advanced lines, doxorubicin then gemcitabine + docetaxel,
    progression on the last."""
    stored = open_store(old_store).get("DEMO-08")
    assert stored is not None
    lines = stored.case.history.treatment_lines
    assert [(tl.line, tl.drugs, tl.stop_reason) for tl in lines] == [
        (1, ["doxorubicin"], None),
        (2, ["gemcitabine", "docetaxel"], "progression"),
    ]
    assert [c.timing for c in stored.case.history.radiotherapy_courses] == ["postoperative"]


def test_migration_runs_once_and_the_store_works_after_it(old_store: str) -> None:
    store = open_store(old_store)
    count = len(store.audit_log())
    migrate(store.engine)  # again: nothing to do
    assert len(store.audit_log()) == count
    stored = store.get("DEMO-03")
    assert stored is not None
    saved = store.save(stored.case, stored.version, "bob")
    assert saved.version == stored.version + 1
    assert store.latest_decision("DEMO-02") is not None
    assert store.load_draft("local:alice:DEMO-03") is not None


def test_downgrade_gives_back_the_v1_documents_of_untouched_cases(
    old_store: str, before: dict[str, list[dict[str, Any]]]
) -> None:
    store = open_store(old_store)
    edited = store.get("DEMO-05")
    assert edited is not None
    store.save(edited.case, edited.version, "bob")  # saved after the migration: stays v2
    _downgrade(store.engine, "0001")
    rows = {r["id"]: r for r in _rows(store.engine)["cases"]}
    old = {r["id"]: r for r in before["cases"]}
    for case_id, row in rows.items():
        if case_id == "DEMO-05":
            assert row["case_json"]["schema_version"] == 2
            continue
        assert row["case_json"] == old[case_id]["case_json"]
        assert row["version"] == old[case_id]["version"]
    _to_revision(store.engine, "0003")
    assert {r["id"]: r["case_json"]["schema_version"] for r in _rows(store.engine)["cases"]} == {
        case_id: 2 for case_id in rows
    }
