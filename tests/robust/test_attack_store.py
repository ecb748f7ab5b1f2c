"""Attacks on the store and its command line (issue 11): audit log tampering, files readable
by anyone, and errors that ended in a traceback (a wrong database password, a read-only store,
a full disk). Real SQLite files, a real PostgreSQL server, the real ``lms-board`` process."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from lms_board.demo import demo_case, demo_cases
from lms_board.intake import duplicate_case
from lms_board.store import open_store
from lms_board.store.engine import dispose_engine

pytest_plugins = ["store_pg"]
APP_ROLE = "lms_app"  # store_pg.APP_ROLE: the role the app connects as

PASSWORD = "correct-horse"  # a throw-away role in a throw-away cluster


def lms_board(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """``python -m lms_board ARGS`` in a real process; never a traceback."""
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "LMS_BOARD_DATA": str(cwd / "data"),
        "LMS_BOARD_USER": "robust",
    }
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "lms_board", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
        preexec_fn=preexec,  # only sets a limit or drops root
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def _case_files(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    base = demo_case("DEMO-01")
    paths = []
    for i in range(n):
        path = folder / f"case-{i:02d}.json"
        path.write_text(duplicate_case(base, f"FILE-{i:02d}").to_json(), encoding="utf-8")
        paths.append(path)
    return paths


# -- 11. the audit log -----------------------------------------------------------------------------


def _verify(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    dispose_engine(url)
    return lms_board("audit", "verify", "--database", url, cwd=cwd)


def test_sqlite_audit_tampering_is_found_at_the_first_broken_link(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = open_store(url)
    for case in demo_cases()[:3]:
        store.create(case, "alice")
    intact = _verify(url, tmp_path)
    assert intact.returncode == 0 and "audit log intact: 3 row(s)" in intact.stdout
    raw = create_engine(url)
    with raw.begin() as conn:  # what anyone who can write the file can do
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET username = 'mallory' WHERE id = 2"))
    raw.dispose()
    broken = _verify(url, tmp_path)
    assert broken.returncode == 1
    assert "audit log BROKEN at row id 2: its content does not match its hash" in broken.stdout


def test_sqlite_audit_row_removed_or_forged_is_found(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = open_store(url)
    for case in demo_cases()[:3]:
        store.create(case, "alice")
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    assert "BROKEN at row id 3: its previous-row hash" in _verify(url, tmp_path).stdout
    url2 = f"sqlite:///{tmp_path / 'forged.sqlite3'}"
    open_store(url2).create(demo_case("DEMO-01"), "alice")
    raw2 = create_engine(url2)
    with raw2.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, username, action, case_id, detail, prev_hash, "
                "row_hash) VALUES ('2026-01-01 00:00:00.000000', 'mallory', 'export', "
                "'DEMO-01', 'forged', '', '')"
            )
        )
    raw.dispose()
    raw2.dispose()
    assert "BROKEN at row id 2" in _verify(url2, tmp_path).stdout


@pytest.mark.postgres
def test_postgres_app_role_cannot_touch_the_audit_log(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(postgres_url)
    store.create(demo_case("DEMO-01"), "alice")
    assert postgres_url.startswith(f"postgresql+psycopg://{APP_ROLE}@")
    for statement in (
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "UPDATE audit_log SET username = 'mallory'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ):
        with pytest.raises(DBAPIError, match=r"must be owner|permission denied"):
            with store.engine.begin() as conn:
                conn.execute(text(statement))
    report = store.verify_audit()
    assert report.ok and report.rows == 1


# -- 9. files at rest --------------------------------------------------------------------------------


def test_a_new_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask: 0755 folders, 0644 files unless told otherwise
    try:
        done = lms_board("audit", "verify", cwd=tmp_path)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = sorted(data.glob("lms_board.sqlite3*"))
    assert files, list(data.iterdir())
    assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {
        f.name: "0o600" for f in files
    }


# -- 12. errors: a message and exit 2, never a traceback -------------------------------------------


@pytest.mark.postgres
def test_a_wrong_database_password_is_a_message(postgres_cluster: Any, tmp_path: Path) -> None:
    where = postgres_cluster.password_role("lms_pw", PASSWORD)
    [case] = _case_files(tmp_path / "in", 1)
    url = f"postgresql://lms_pw:wrong-password@{where}"
    for args in (("import", str(case)), ("export-store", "--format", "csv", "-o", "x.csv")):
        proc = lms_board(*args, "--database", url, cwd=tmp_path)
        assert proc.returncode == 2
        assert 'password authentication failed for user "lms_pw"' in proc.stderr, proc.stderr
        assert "wrong-password" not in proc.stderr + proc.stdout
    assert not (tmp_path / "x.csv").exists()


#: Root may write any file: without these capabilities it obeys file modes like anyone.
AS_ANY_USER = (
    ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")
    if os.geteuid() == 0
    else ()
)


def test_a_read_only_store_is_a_message_and_writes_no_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'lms_board.sqlite3'}"
    open_store(url).create(demo_case("DEMO-01"), "alice")
    dispose_engine(url)
    for path in [*data.iterdir(), data]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    [case] = _case_files(tmp_path / "in", 1)
    try:
        imported = lms_board("import", str(case), cwd=tmp_path, prefix=AS_ANY_USER)
        assert imported.returncode == 2
        assert "the case store refused" in imported.stderr, imported.stderr
        assert "case_json" not in imported.stderr and "[SQL" not in imported.stderr
        out = tmp_path / "cases.csv"
        exported = lms_board(
            "export-store", "--format", "csv", "-o", str(out), cwd=tmp_path, prefix=AS_ANY_USER
        )
        assert exported.returncode == 2, exported.stdout
        assert "the case store refused" in exported.stderr
        assert not out.exists()
    finally:
        data.chmod(0o700)


@pytest.mark.postgres
def test_a_read_only_database_role_writes_no_export_file(
    postgres_url: str, postgres_cluster: Any, tmp_path: Path
) -> None:
    open_store(postgres_url).create(demo_case("DEMO-01"), "alice")
    dispose_engine(postgres_url)
    postgres_cluster.sql(f'ALTER ROLE "{APP_ROLE}" SET default_transaction_read_only = on')
    try:
        out = tmp_path / "cases.csv"
        proc = lms_board(
            "export-store", "--format", "csv", "-o", str(out), "--database", postgres_url,
            cwd=tmp_path,
        )  # fmt: skip
        assert proc.returncode == 2
        assert "read-only transaction" in proc.stderr, proc.stderr
        assert not out.exists()
    finally:
        postgres_cluster.sql(f'ALTER ROLE "{APP_ROLE}" RESET default_transaction_read_only')


def test_a_full_disk_stops_an_import_with_a_summary(tmp_path: Path) -> None:
    files = _case_files(tmp_path / "in", 12)
    assert lms_board("audit", "verify", cwd=tmp_path).returncode == 0  # an empty store
    db = tmp_path / "data" / "lms_board.sqlite3"
    limit = max(p.stat().st_size for p in db.parent.glob("lms_board.sqlite3*")) + 24 * 1024

    def full_disk() -> None:  # files may not grow past `limit` bytes: the disk is "full"
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = lms_board("import", *map(str, files), cwd=tmp_path, preexec=full_disk)
    assert proc.returncode == 2
    assert "disk" in proc.stderr.lower() and "not imported:" in proc.stderr, proc.stderr
    stored = {s.case_id for s in open_store(f"sqlite:///{db}").list_cases()}
    said = {line.split()[1] for line in proc.stdout.splitlines() if line.startswith("imported ")}
    assert said == stored and len(stored) < 12
    not_done = proc.stderr.split("not imported:", 1)[1].split("\n", 1)[0]
    assert {c.strip() for c in not_done.split(",")} == {f"FILE-{i:02d}" for i in range(12)} - stored
    assert f"{len(stored)} case(s) imported" in proc.stdout
