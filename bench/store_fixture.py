"""Throw-away case stores for the figures: a temp ``LMS_BOARD_DATA`` holding demo cases.

``data_dir_with_cases(root, 50)`` fills a fresh SQLite store with the demo cases, then copies of
them under fresh ids (``BENCH-010`` …) up to the count a busy meeting brings.
"""

from __future__ import annotations

from pathlib import Path

from lms_board.case import Case, parse_case
from lms_board.demo import demo_cases
from lms_board.store import CaseStore, database_url, open_store
from lms_board.store.engine import dispose_engine

USER = "bench"


def bench_cases(n: int) -> list[Case]:
    """``n`` cases: the demo cases first, then copies of them under ``BENCH-nnn`` ids."""
    base = demo_cases()
    out = list(base[:n])
    for i in range(len(out), n):
        data = base[i % len(base)].to_json_dict()
        data["case_id"] = f"BENCH-{i:03d}"
        out.append(parse_case(data))
    return out


def store_at(data_dir: Path) -> CaseStore:
    """The SQLite store the app opens when ``LMS_BOARD_DATA=data_dir``."""
    return open_store(database_url({"LMS_BOARD_DATA": str(data_dir)}))


def data_dir_with_cases(data_dir: Path, n: int) -> Path:
    """Fill the store under ``data_dir`` with ``n`` cases (demo cases first); return the dir.

    The engine is disposed afterwards so the bench process holds no connection to a file a
    server subprocess then writes.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    store = store_at(data_dir)
    store.load_demo_cases_if_empty(USER)
    present = {s.case_id for s in store.list_cases()}
    for case in bench_cases(n):
        if case.case_id not in present:
            store.create(case, USER, status="ready")
    dispose_engine(database_url({"LMS_BOARD_DATA": str(data_dir)}))
    return data_dir
