"""Concurrency and crash drills for the case store (run by the tests and ``bench/``; not part
of the installed package: only the drills use it).

- :func:`run_concurrency`: N processes save the same case M times each, every save based on
  the version just read. Each save either commits or is refused as stale; none is lost.
- :func:`run_crash_drill`: a writer process is killed with SIGKILL in the middle of its work,
  again and again; the database must open, pass its integrity check and keep every commit.

``python -m bench.store_stress crash-writer URL CASE_ID`` is the writer the drill kills.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from sqlalchemy import func, select

from lms_board.case import Case, parse_case
from lms_board.store import schema as t
from lms_board.store.case_store import CaseStore, append_audit_rows
from lms_board.store.engine import dispose_engine, get_engine, normalise_url, write_connection
from lms_board.store.errors import StaleVersionError

DRILL_USER = "stress-drill"
FILLER_ACTION = "crash_filler"
FILLER_ROWS = 400


def _context() -> multiprocessing.context.ForkServerContext:
    """Worker processes forked from a clean server that has the store modules imported:
    no start-up cost per worker, and no database handle inherited from the caller."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bench.store_stress"])
    return context


def _open(url: str) -> CaseStore:
    url = normalise_url(url)
    return CaseStore(get_engine(url), url)


def edited(case: Case, note: str) -> Case:
    """``case`` with its notes replaced (a real, validated edit)."""
    data = case.to_json_dict()
    data["notes"] = note
    return parse_case(data)


def integrity_check(store: CaseStore) -> str:
    """``ok`` when the database is sound: SQLite's ``PRAGMA integrity_check``; on PostgreSQL
    a scan of every table (the server guarantees crash safety itself)."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            return "ok" if rows == ["ok"] else "; ".join(str(r) for r in rows)
        for table in t.metadata.sorted_tables:
            conn.execute(select(func.count()).select_from(table)).scalar_one()
        return "ok"


# -- concurrency --------------------------------------------------------------------------


def open_and_count(url: str) -> int:
    """Open (and so migrate) the store at ``url`` in a fresh process; its number of cases."""
    store = _open(url)
    n = store.count()
    store.close()
    return n


def open_concurrently(url: str, processes: int = 4) -> list[int]:
    """``processes`` processes open a store at the same moment (a migration race)."""
    with _context().Pool(processes) as pool:
        return pool.map(open_and_count, [url] * processes)


def _hammer(args: tuple[str, str, int, int]) -> tuple[int, int, list[tuple[int, str]]]:
    """One worker process: ``saves`` read-then-save attempts on one case."""
    url, case_id, saves, worker = args
    store = _open(url)
    committed: list[tuple[int, str]] = []
    refused = 0
    for i in range(saves):
        current = store.get(case_id)
        assert current is not None
        note = f"worker {worker} save {i}"
        try:
            saved = store.save(edited(current.case, note), current.version, f"worker-{worker}")
        except StaleVersionError:
            refused += 1
            continue
        committed.append((saved.version, note))
    store.close()
    return len(committed), refused, committed


@dataclass
class ConcurrencyReport:
    processes: int
    saves_per_process: int
    attempts: int
    committed: int
    refused: int
    final_version: int
    stored_versions: int
    lost_updates: int
    integrity: str
    seconds: float
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.processes} processes x {self.saves_per_process} saves: "
            f"{self.attempts} attempts = {self.committed} committed + {self.refused} refused "
            f"(stale); final version {self.final_version}, {self.stored_versions} versions "
            f"stored, {self.lost_updates} lost updates, integrity {self.integrity}, "
            f"{self.seconds:.1f} s ({self.committed / max(self.seconds, 1e-9):.0f} commits/s)"
        )


def run_concurrency(url: str, case: Case, processes: int = 8, saves: int = 50) -> ConcurrencyReport:
    """Create ``case`` in a fresh store at ``url``, then hammer it from ``processes`` processes."""
    store = _open(url)
    store.create(case, DRILL_USER)
    start = time.perf_counter()
    jobs = [(url, case.case_id, saves, w) for w in range(processes)]
    with _context().Pool(processes) as pool:
        results = pool.map(_hammer, jobs)
    seconds = time.perf_counter() - start
    committed = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    claims = [claim for r in results for claim in r[2]]
    current = store.get(case.case_id)
    assert current is not None
    versions = store.versions(case.case_id)
    by_version = {v.version: v.case.notes for v in versions}
    lost = sum(1 for version, note in claims if by_version.get(version) != note)
    report = ConcurrencyReport(
        processes=processes,
        saves_per_process=saves,
        attempts=processes * saves,
        committed=committed,
        refused=refused,
        final_version=current.version,
        stored_versions=len(versions),
        lost_updates=lost,
        integrity=integrity_check(store),
        seconds=seconds,
    )
    p = report.problems
    if committed + refused != report.attempts:
        p.append(f"committed + refused = {committed + refused}, attempts = {report.attempts}")
    if current.version != 1 + committed:
        p.append(f"final version {current.version} != 1 + committed ({1 + committed})")
    if len(versions) != committed + 1:
        p.append(f"{len(versions)} stored versions != committed + 1 ({committed + 1})")
    if sorted(v for v, _ in claims) != list(range(2, committed + 2)):
        p.append("committed version numbers are not exactly 2..final (a version was claimed twice)")
    if lost:
        p.append(f"{lost} committed saves are not in the stored versions")
    if report.integrity != "ok":
        p.append(f"integrity check: {report.integrity}")
    return report


# -- crash --------------------------------------------------------------------------------


def crash_writer(url: str, case_id: str, report: Connection | None = None) -> None:
    """Save forever, reporting ``committed N`` after each commit; between saves, hold a big
    transaction (``FILLER_ROWS`` audit rows) open so a kill often lands inside it."""

    def tell(message: str) -> None:
        if report is None:
            print(message, flush=True)
        else:
            report.send_bytes(message.encode())

    store = _open(url)
    i = 0
    while True:
        current = store.get(case_id)
        assert current is not None
        saved = store.save(
            edited(current.case, f"crash drill save {i}"), current.version, DRILL_USER
        )
        tell(f"committed {saved.version}")
        with store.engine.connect() as conn:
            write_connection(conn)
            with conn.begin():
                append_audit_rows(
                    conn,
                    [
                        {
                            "at": saved.updated_at,
                            "username": DRILL_USER,
                            "action": FILLER_ACTION,
                            "case_id": case_id,
                            "detail": f"filler {n} of save {i}",
                        }
                        for n in range(FILLER_ROWS)
                    ],
                )
        tell("filler")
        i += 1


@dataclass
class CrashReport:
    rounds: int
    kills: int
    last_committed: int
    final_version: int
    stored_versions: int
    integrity_failures: int
    partial_transactions: int
    seconds: float
    #: Kills that landed after a commit was reported and before the filler transaction that
    #: follows it committed: inside that open transaction, or just before it began.
    mid_transaction_kills: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.rounds} rounds, {self.kills} SIGKILLs of a writer mid-work "
            f"({self.mid_transaction_kills} inside a write transaction): "
            f"{self.integrity_failures} integrity failures, {self.partial_transactions} "
            f"partial transactions visible, last reported commit {self.last_committed}, "
            f"stored version {self.final_version} ({self.stored_versions} versions), "
            f"{self.seconds:.1f} s"
        )


def run_crash_drill(url: str, case: Case, rounds: int = 10, seed: int = 0) -> CrashReport:
    """Kill a writer process with SIGKILL ``rounds`` times; check the database after each kill."""
    rng = random.Random(seed)  # drill timing, not security
    store = _open(url)
    store.create(case, DRILL_USER)
    report = CrashReport(rounds, 0, 1, 1, 1, 0, 0, 0.0)
    start = time.perf_counter()
    context = _context()
    for round_no in range(1, rounds + 1):
        receiver, sender = context.Pipe(duplex=False)
        proc = context.Process(target=crash_writer, args=(url, case.case_id, sender))
        proc.start()
        sender.close()
        wanted = rng.randint(1, 6)
        seen = 0
        message = ""
        try:
            while seen < wanted:
                message = receiver.recv_bytes().decode()
                if message.startswith("committed "):
                    report.last_committed = int(message.split()[1])
                    seen += 1
        except EOFError:
            proc.join(30)
            report.problems.append(
                f"round {round_no}: writer ended with {proc.exitcode} before the kill"
            )
            break
        time.sleep(rng.uniform(0, 0.02))
        assert proc.pid is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
        # Commits reported after we stopped reading still count as committed.
        while True:
            try:
                if not receiver.poll():
                    break
                message = receiver.recv_bytes().decode()
            except (EOFError, OSError):
                break
            if message.startswith("committed "):
                report.last_committed = int(message.split()[1])
        receiver.close()
        if message.startswith("committed "):
            report.mid_transaction_kills += 1
        if proc.exitcode != -signal.SIGKILL:
            report.problems.append(f"round {round_no}: writer exit code {proc.exitcode}")
            break
        report.kills += 1
        _check_after_crash(url, case.case_id, report, round_no)
    report.seconds = time.perf_counter() - start
    return report


def _check_after_crash(url: str, case_id: str, report: CrashReport, round_no: int) -> None:
    # A fresh engine, as a restarted app would have.
    fresh_url = normalise_url(url)
    dispose_engine(fresh_url)
    store = _open(fresh_url)
    integrity = integrity_check(store)
    if integrity != "ok":
        report.integrity_failures += 1
        report.problems.append(f"round {round_no}: integrity check: {integrity}")
    current = store.get(case_id)
    if current is None:
        report.problems.append(f"round {round_no}: the case is gone")
        return
    versions = [v.version for v in store.versions(case_id)]
    report.final_version = current.version
    report.stored_versions = len(versions)
    if current.version < report.last_committed:
        report.problems.append(
            f"round {round_no}: stored version {current.version} < last commit "
            f"{report.last_committed}: a committed save was lost"
        )
    if versions != list(range(1, current.version + 1)):
        report.problems.append(f"round {round_no}: versions are not 1..{current.version}")
    with store.engine.connect() as conn:
        filler = conn.execute(
            select(func.count())
            .select_from(t.audit_log)
            .where(t.audit_log.c.action == FILLER_ACTION)
        ).scalar_one()
    if filler % FILLER_ROWS:
        report.partial_transactions += 1
        report.problems.append(
            f"round {round_no}: {filler} filler rows, not a multiple of {FILLER_ROWS}: "
            "part of a killed transaction is visible"
        )


def _main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "crash-writer":
        crash_writer(argv[1], argv[2])
        return 0
    print("usage: python -m bench.store_stress crash-writer URL CASE_ID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
