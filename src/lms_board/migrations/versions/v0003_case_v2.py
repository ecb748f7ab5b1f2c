"""Stored cases in case format v2: every case whose current document is format v1 is upgraded.

Nothing is lost: the upgraded v2 document becomes a new current version (version n + 1,
saved by ``MIGRATION_USER``), and the v1 document stays in ``case_versions`` as version n
(added there first if a store somehow lacks it); every upgrade is in the audit log. The
upgrade is the one every reader applies (``lms_board.case_upgrade.upgrade_v1``), checked to
read back as format v2 before it is written. A v1 document that does not validate is left
as it is (and logged): it was unreadable before the migration too.

Only the tables of revision 0001 are touched (cases, case_versions, audit_log), so this
revision does not depend on any other one after 0001.

Downgrade gives each case the v1 document back when nobody saved it since the upgrade and no
decision names the upgraded version (the migration's version is removed again); any other
case keeps its v2 document.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

revision = "0003"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

MIGRATION_USER = "migration 0003 (case format v2)"
ACTION = "migrate"

_JSON = sa.JSON()
_TS = sa.DateTime(timezone=True)
cases = sa.table(
    "cases",
    sa.column("id", sa.String),
    sa.column("case_json", _JSON),
    sa.column("version", sa.Integer),
    sa.column("status", sa.String),
    sa.column("updated_at", _TS),
    sa.column("updated_by", sa.String),
)
case_versions = sa.table(
    "case_versions",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.String),
    sa.column("version", sa.Integer),
    sa.column("case_json", _JSON),
    sa.column("status", sa.String),
    sa.column("saved_at", _TS),
    sa.column("saved_by", sa.String),
)
board_decisions = sa.table(
    "board_decisions",
    sa.column("case_id", sa.String),
    sa.column("case_version", sa.Integer),
)
audit_log = sa.table(
    "audit_log",
    sa.column("at", _TS),
    sa.column("username", sa.String),
    sa.column("action", sa.String),
    sa.column("case_id", sa.String),
    sa.column("detail", sa.Text),
)


def _now(conn: Connection) -> datetime:
    """Now in UTC, as the store keeps timestamps (naive UTC on SQLite)."""
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if conn.dialect.name == "sqlite" else now


def _audit(conn: Connection, now: datetime, case_id: str, detail: str) -> None:
    conn.execute(
        sa.insert(audit_log).values(
            at=now, username=MIGRATION_USER, action=ACTION, case_id=case_id, detail=detail
        )
    )


def upgraded(document: Any) -> dict[str, Any]:
    """The v2 document of a v1 one; ``CaseError`` when the v1 document is not valid."""
    from lms_board.case import CaseError, parse_case
    from lms_board.case_upgrade import upgrade_v1
    from lms_board.case_v1 import CaseV1

    if not isinstance(document, dict):
        raise CaseError(["(root): not a case object"])
    parse_case(document)  # valid as v1 (raises CaseError naming the fields)
    data = upgrade_v1(CaseV1.model_validate(document))
    parse_case(data)  # and reads back as format v2
    return data


def upgrade() -> None:
    from lms_board.case import CaseError

    conn = op.get_bind()
    now = _now(conn)
    rows = conn.execute(sa.select(cases).order_by(cases.c.id)).all()
    for row in rows:
        document = row.case_json
        if not isinstance(document, dict) or document.get("schema_version") != 1:
            continue
        try:
            data = upgraded(document)
        except CaseError as exc:
            _audit(conn, now, row.id, f"left in case format v1: {exc.messages[0]}"[:2000])
            continue
        kept = conn.execute(
            sa.select(sa.func.count())
            .select_from(case_versions)
            .where(case_versions.c.case_id == row.id, case_versions.c.version == row.version)
        ).scalar_one()
        if not kept:
            conn.execute(
                sa.insert(case_versions).values(
                    case_id=row.id,
                    version=row.version,
                    case_json=document,
                    status=row.status,
                    saved_at=row.updated_at,
                    saved_by=row.updated_by,
                )
            )
        new_version = row.version + 1
        conn.execute(
            sa.update(cases)
            .where(cases.c.id == row.id, cases.c.version == row.version)
            .values(case_json=data, version=new_version, updated_at=now, updated_by=MIGRATION_USER)
        )
        conn.execute(
            sa.insert(case_versions).values(
                case_id=row.id,
                version=new_version,
                case_json=data,
                status=row.status,
                saved_at=now,
                saved_by=MIGRATION_USER,
            )
        )
        _audit(
            conn,
            now,
            row.id,
            f"case format v1 -> v2: version {row.version} -> {new_version} "
            f"(version {row.version} keeps the v1 document)",
        )


def downgrade() -> None:
    conn = op.get_bind()
    now = _now(conn)
    rows = conn.execute(
        sa.select(cases).where(cases.c.updated_by == MIGRATION_USER).order_by(cases.c.id)
    ).all()
    for row in rows:
        previous = conn.execute(
            sa.select(case_versions).where(
                case_versions.c.case_id == row.id, case_versions.c.version == row.version - 1
            )
        ).first()
        if previous is None or not isinstance(previous.case_json, dict):
            continue
        if previous.case_json.get("schema_version") != 1:
            continue
        decided = conn.execute(
            sa.select(sa.func.count())
            .select_from(board_decisions)
            .where(
                board_decisions.c.case_id == row.id,
                board_decisions.c.case_version == row.version,
            )
        ).scalar_one()
        if decided:  # a decision names the v2 version: keep it
            continue
        conn.execute(
            sa.delete(case_versions).where(
                case_versions.c.case_id == row.id, case_versions.c.version == row.version
            )
        )
        conn.execute(
            sa.update(cases)
            .where(cases.c.id == row.id, cases.c.version == row.version)
            .values(
                case_json=previous.case_json,
                version=previous.version,
                status=previous.status,
                updated_at=previous.saved_at,
                updated_by=previous.saved_by,
            )
        )
        _audit(
            conn,
            now,
            row.id,
            f"case format v2 -> v1 (downgrade): version {row.version} removed, "
            f"version {previous.version} current again",
        )
