"""Security: case incarnations, soft delete, and the audit log as a hash chain.

- ``cases.incarnation``: which life of a case id a row is (ABA: an edit of a deleted case can
  never be saved over a new case that took its id).
- ``cases.deleted_at`` / ``deleted_by``: soft delete (recoverable for 30 days, then purged).
- ``audit_log.prev_hash`` / ``row_hash``: every row's hash covers its content and the previous
  row's hash; existing rows are chained here, in id order.
- drafts of a new case move from ``<user>:new`` to ``<user>:*new`` (a case may be called new).

The append-only triggers are dropped while existing audit rows get their hashes, then put back.
SQLite cannot add a NOT NULL column without a default: the new columns get ``''`` as default
there (every row is filled in here, and the store always writes them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from lms_board.store.audit_chain import GENESIS, row_digest

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)

_SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
)
_PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION lms_board_audit_append_only()",
)
_PG_DROP = ("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",)


def _not_null_text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False, server_default="")


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for statement in {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(dialect, ()):
        op.execute(statement)

    op.add_column("cases", _not_null_text("incarnation", 32))
    op.add_column("cases", sa.Column("deleted_at", _TS, nullable=True))
    op.add_column("cases", sa.Column("deleted_by", sa.String(200), nullable=True))
    op.add_column("audit_log", _not_null_text("prev_hash", 64))
    op.add_column("audit_log", _not_null_text("row_hash", 64))

    cases = sa.table("cases", sa.column("id", sa.String), sa.column("incarnation", sa.String))
    for (case_id,) in bind.execute(sa.select(cases.c.id)).all():
        bind.execute(
            sa.update(cases).where(cases.c.id == case_id).values(incarnation=uuid.uuid4().hex)
        )

    # Drafts of a new case were kept under "<user>:new", which a case whose id is "new"
    # shared; new-case drafts now end in "*new" (never a case id).
    drafts = sa.table("drafts", sa.column("key", sa.String))
    if bind.execute(sa.select(cases.c.id).where(cases.c.id == "new")).first() is None:
        bind.execute(
            sa.update(drafts)
            .where(drafts.c.key.endswith(":new"))
            .values(key=sa.func.substr(drafts.c.key, 1, sa.func.length(drafts.c.key) - 3) + "*new")
        )

    from lms_board.store.schema import audit_log  # the UTC-aware timestamp type

    previous = GENESIS
    rows = bind.execute(sa.select(audit_log).order_by(audit_log.c.id)).all()
    for row in rows:
        digest = row_digest(previous, row.at, row.username, row.action, row.case_id, row.detail)
        bind.execute(
            sa.update(audit_log)
            .where(audit_log.c.id == row.id)
            .values(prev_hash=previous, row_hash=digest)
        )
        previous = digest

    if dialect == "postgresql":
        for table, column in (
            ("cases", "incarnation"),
            ("audit_log", "prev_hash"),
            ("audit_log", "row_hash"),
        ):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT")
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _PG_TRIGGERS}.get(dialect, ()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": _SQLITE_DROP, "postgresql": _PG_DROP}.get(dialect, ()):
        op.execute(statement)
    # Soft-deleted cases go first: the earlier schema has no way to hide them.
    for table in ("board_decisions", "case_versions"):
        op.execute(
            f"DELETE FROM {table} WHERE case_id IN "  # noqa: S608  # our table names
            "(SELECT id FROM cases WHERE deleted_at IS NOT NULL)"
        )
    op.execute("DELETE FROM cases WHERE deleted_at IS NOT NULL")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of ``cases`` would
    # drop the table, and its foreign keys would cascade to every saved version.
    for table, column in (
        ("audit_log", "row_hash"),
        ("audit_log", "prev_hash"),
        ("cases", "deleted_by"),
        ("cases", "deleted_at"),
        ("cases", "incarnation"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    for statement in {"sqlite": _SQLITE_TRIGGERS, "postgresql": _PG_TRIGGERS}.get(dialect, ()):
        op.execute(statement)
