"""Initial store: cases, every saved version, board decisions, drafts, append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# json, not jsonb, on PostgreSQL: jsonb cannot hold U+0000 (allowed in case free text).
_JSON = sa.JSON()
_TS = sa.DateTime(timezone=True)
_ID = 40
_USER = 200

_SQLITE_AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
_PG_AUDIT_TRIGGERS = (
    "CREATE FUNCTION lms_board_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION lms_board_audit_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION lms_board_audit_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(_ID), primary_key=True),
        sa.Column("case_json", _JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("board_date", sa.Date, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(_USER), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(_USER), nullable=False),
        sa.CheckConstraint("version >= 1", name="ck_cases_version_positive"),
        sa.CheckConstraint(
            "status IN ('draft', 'ready', 'discussed')", name="ck_cases_status_known"
        ),
    )
    op.create_index("ix_cases_board_date", "cases", ["board_date"])
    op.create_table(
        "case_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_id", sa.String(_ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("case_json", _JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("saved_at", _TS, nullable=False),
        sa.Column("saved_by", sa.String(_USER), nullable=False),
        sa.UniqueConstraint("case_id", "version", name="uq_case_versions_case_version"),
    )
    op.create_table(
        "board_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "case_id", sa.String(_ID), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("decision_json", _JSON, nullable=False),
        sa.Column("decided_at", _TS, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("recorded_by", sa.String(_USER), nullable=False),
    )
    op.create_index("ix_board_decisions_case_id", "board_decisions", ["case_id"])
    op.create_table(
        "drafts",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("username", sa.String(_USER), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("username", sa.String(_USER), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(_ID), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"])
    dialect = op.get_bind().dialect.name
    triggers = {"sqlite": _SQLITE_AUDIT_TRIGGERS, "postgresql": _PG_AUDIT_TRIGGERS}.get(dialect, ())
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS lms_board_audit_append_only()")
    op.drop_table("audit_log")
    op.drop_table("drafts")
    op.drop_table("board_decisions")
    op.drop_table("case_versions")
    op.drop_table("cases")
