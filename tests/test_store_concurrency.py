"""No lost update under concurrent writers, and no damage when a writer is killed mid-write.

Real processes on a real SQLite file and a real PostgreSQL server. The default sizes are
moderate; ``bench/store_concurrency.py`` runs the full 8 x 200 and more crash rounds.
"""

from __future__ import annotations

import threading
from pathlib import Path

from bench.store_stress import (
    edited,
    integrity_check,
    open_concurrently,
    run_concurrency,
    run_crash_drill,
)
from lms_board.case import Case
from lms_board.demo import demo_cases
from lms_board.store import StaleVersionError, open_store

pytest_plugins = ["store_pg"]

PROCESSES = 8
SAVES = 50


def _case() -> Case:
    return demo_cases()[0]


def test_concurrent_processes_never_lose_an_update(store_url: str) -> None:
    report = run_concurrency(store_url, _case(), processes=PROCESSES, saves=SAVES)
    assert report.committed + report.refused == report.attempts == PROCESSES * SAVES
    assert report.committed >= SAVES  # at least one process's worth got through
    assert report.final_version == 1 + report.committed
    assert report.stored_versions == report.committed + 1
    assert report.lost_updates == 0
    assert report.integrity == "ok"
    assert report.problems == [], report.summary()


def test_concurrent_threads_sharing_one_store_never_lose_an_update(store_url: str) -> None:
    """The Streamlit server runs sessions as threads of one process, sharing one engine."""
    store = open_store(store_url)
    store.create(_case(), "setup")
    claims: list[tuple[int, str]] = []
    refused: list[int] = []
    lock = threading.Lock()

    def work(worker: int) -> None:
        for i in range(25):
            current = store.get(_case().case_id)
            assert current is not None
            note = f"thread {worker} save {i}"
            try:
                saved = store.save(edited(current.case, note), current.version, f"t{worker}")
            except StaleVersionError:
                with lock:
                    refused.append(worker)
                continue
            with lock:
                claims.append((saved.version, note))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claims) + len(refused) == 6 * 25
    final = store.get(_case().case_id)
    assert final is not None and final.version == 1 + len(claims)
    stored = {v.version: v.case.notes for v in store.versions(_case().case_id)}
    assert len(stored) == len(claims) + 1
    assert all(stored[version] == note for version, note in claims)
    assert integrity_check(store) == "ok"


def test_processes_opening_a_new_store_at_once_migrate_it_once(store_url: str) -> None:
    assert open_concurrently(store_url, processes=4) == [0, 0, 0, 0]
    store = open_store(store_url)
    with store.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT version_num FROM lms_board_alembic_version")).all()
    assert len(rows) == 1
    assert integrity_check(store) == "ok"


def test_killing_a_writer_mid_transaction_loses_nothing_committed(store_url: str) -> None:
    report = run_crash_drill(store_url, _case(), rounds=10, seed=7)
    assert report.kills == 10
    assert report.integrity_failures == 0
    assert report.partial_transactions == 0
    assert report.final_version >= report.last_committed > 1
    assert report.stored_versions == report.final_version
    assert report.problems == [], report.summary()


def test_sqlite_file_is_sound_after_the_drills(tmp_path: Path) -> None:
    """A last look with a brand-new process-level engine at a file the drill hammered."""
    url = f"sqlite:///{tmp_path / 'drill.sqlite3'}"
    run_crash_drill(url, _case(), rounds=3, seed=1)
    from lms_board.store.engine import dispose_engine

    dispose_engine(url)
    store = open_store(url)
    assert integrity_check(store) == "ok"
    current = store.get(_case().case_id)
    assert current is not None
    assert [v.version for v in store.versions(_case().case_id)] == list(
        range(1, current.version + 1)
    )
    store.close()
