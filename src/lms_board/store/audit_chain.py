"""The audit log as a hash chain: each row's hash covers its content and the previous row's hash.

A row changed after it was written no longer matches its hash; a row removed (or slipped in
between two others) breaks the link of the row after it. :func:`verify_chain` walks the log in
order and reports the first broken link (``lms-board audit verify``).

The chain is tamper-evident, not tamper-proof: somebody who can write to the database and
knows this format can append a row with a correct hash. The database itself refuses UPDATE,
DELETE and TRUNCATE on the log, and on PostgreSQL the app's role does not own the table, so it
cannot drop or disable those triggers (docs/deployment.md). Record the head hash printed by
``lms-board audit verify`` somewhere else (e.g. the meeting minutes) to pin the log's end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The ``prev_hash`` of the first row.
GENESIS = "0" * 64
#: Bumped if the hashed form ever changes (it is part of every hash).
CHAIN_FORMAT = "lms-board-audit-1"


def audit_time(at: datetime) -> str:
    """The timestamp as it is hashed: UTC, microseconds (what both databases keep)."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def row_digest(
    prev_hash: str, at: datetime, username: str, action: str, case_id: str | None, detail: str
) -> str:
    """SHA-256 of the previous hash and this row's content, in one canonical JSON form."""
    payload = json.dumps(
        [CHAIN_FORMAT, prev_hash, audit_time(at), username, action, case_id, detail],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def chained(prev_hash: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit rows (``at``, ``username``, ``action``, ``case_id``, ``detail``) with their
    ``prev_hash`` and ``row_hash`` filled in, each linked to the one before, the first to
    ``prev_hash`` (the hash of the log's last row, or :data:`GENESIS`)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        digest = row_digest(
            prev_hash, row["at"], row["username"], row["action"], row["case_id"], row["detail"]
        )
        out.append({**row, "prev_hash": prev_hash, "row_hash": digest})
        prev_hash = digest
    return out


@dataclass(frozen=True, slots=True)
class ChainRow:
    """One audit row as stored, with its two hashes."""

    id: int
    at: datetime
    username: str
    action: str
    case_id: str | None
    detail: str
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What :func:`verify_chain` found: rows checked, the first broken link (if any), the head."""

    rows: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def summary(self) -> str:
        if self.ok:
            return f"audit log intact: {self.rows} row(s), chain head {self.head}"
        return f"audit log BROKEN at row id {self.broken_at}: {self.problem}"


def verify_chain(rows: Iterable[ChainRow]) -> ChainReport:
    """Check every link in id order; stop at the first one that does not hold."""
    expected_prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row.prev_hash != expected_prev:
            return ChainReport(
                count,
                expected_prev,
                row.id,
                "its previous-row hash does not match the row before it: a row before it was "
                "removed, or this row was inserted out of band",
            )
        digest = row_digest(
            row.prev_hash, row.at, row.username, row.action, row.case_id, row.detail
        )
        if digest != row.row_hash:
            return ChainReport(
                count,
                expected_prev,
                row.id,
                f"its content does not match its hash: the row was changed after it was written "
                f"({row.action} by {row.username} at {audit_time(row.at)})",
            )
        expected_prev = row.row_hash
    return ChainReport(count, expected_prev)
