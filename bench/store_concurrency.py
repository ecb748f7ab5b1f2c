"""Figures for the case store: concurrent saves and SIGKILLed writers, on SQLite and PostgreSQL.

    .venv/bin/python bench/store_concurrency.py                    # 8 x 200 saves, 50 kills,
                                                                   # 8 x 50 edits of a meeting
    .venv/bin/python bench/store_concurrency.py --postgres         # also on a temp PostgreSQL
    .venv/bin/python bench/store_concurrency.py --json figures.json

Each figure comes from a fresh store in a temp dir (or a fresh schema on a throw-away
PostgreSQL cluster started with Debian's server binaries, as the tests do). Exit code 1 if
any drill found a lost update, a failed integrity check or a partial transaction.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.meeting_stress import run_meeting_drill
from bench.store_stress import run_concurrency, run_crash_drill
from lms_board.demo import demo_cases
from lms_board.store.engine import dispose_engine

ROOT = Path(__file__).resolve().parent.parent


def _drills(
    label: str, url_for: Any, args: argparse.Namespace, app_url_for: Any = None
) -> list[dict[str, Any]]:
    case = demo_cases()[0]
    out: list[dict[str, Any]] = []
    url = url_for("concurrency")
    report = run_concurrency(url, case, processes=args.processes, saves=args.saves)
    dispose_engine(url)
    print(f"[{label}] concurrency: {report.summary()}")
    for problem in report.problems:
        print(f"[{label}]   PROBLEM: {problem}")
    out.append({"database": label, "drill": "concurrency", "ok": report.ok, **asdict(report)})
    url = url_for("crash")
    crash = run_crash_drill(url, case, rounds=args.crash_rounds, seed=args.seed)
    dispose_engine(url)
    print(f"[{label}] crash: {crash.summary()}")
    for problem in crash.problems:
        print(f"[{label}]   PROBLEM: {problem}")
    out.append({"database": label, "drill": "crash", "ok": crash.ok, **asdict(crash)})
    url = (app_url_for or url_for)("meeting")
    meeting = run_meeting_drill(url, processes=args.processes, edits=args.meeting_edits)
    dispose_engine(url)
    print(f"[{label}] meeting edits: {meeting.summary()}")
    for problem in meeting.problems:
        print(f"[{label}]   PROBLEM: {problem}")
    ok = not meeting.problems
    out.append({"database": label, "drill": "meeting", "ok": ok, **asdict(meeting)})
    return out


def _app_role_url(cluster: Any) -> str:
    """A fresh schema migrated by its owner, used as the app role that owns no table (as the
    tests and docs/deployment.md do)."""
    from store_pg import APP_ROLE

    from lms_board.store import open_store
    from lms_board.store.roles import app_role_grants

    app_url, owner_url, schema = cluster.owned_schema()
    open_store(owner_url)
    dispose_engine(owner_url)
    cluster.sql(*app_role_grants(APP_ROLE, schema))
    return str(app_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--saves", type=int, default=200, help="saves per process")
    parser.add_argument("--crash-rounds", type=int, default=50)
    parser.add_argument("--meeting-edits", type=int, default=50, help="meeting edits per process")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lms-board-bench-") as tmp:
        results += _drills("sqlite", lambda name: f"sqlite:///{Path(tmp) / name}.sqlite3", args)
    if args.postgres:
        sys.path.insert(0, str(ROOT / "tests"))
        from store_pg import PostgresCluster, find_pg_bindir

        bindir = find_pg_bindir()
        if bindir is None:
            print("postgres: no server binaries (/usr/lib/postgresql/*/bin); skipped")
        else:
            cluster = PostgresCluster(bindir)
            try:
                cluster.start()
                results += _drills(
                    "postgres",
                    lambda _name: cluster.create_schema()[0],
                    args,
                    lambda _name: _app_role_url(cluster),
                )
            finally:
                cluster.stop()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
