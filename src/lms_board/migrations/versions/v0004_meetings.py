"""Board meetings: meetings with their agenda and attendance (every version kept), the
decision on each case per meeting (versioned, with sign-off), follow-up actions and the
implementation record of each case.

New tables only: nothing existing is changed, so the downgrade drops them (and the meeting
data with them). The app role needs rights on the new tables: run ``lms-board grants ROLE``
again after this upgrade (docs/deployment.md).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)
_JSON = sa.JSON()
_USER = 200
_CASE = 40
_MEETING = 40


def _meeting_fk() -> sa.Column[str]:
    return sa.Column(
        "meeting_id",
        sa.String(_MEETING),
        sa.ForeignKey("meetings.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(_MEETING), primary_key=True),
        sa.Column("meeting_json", _JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("meeting_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(_USER), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(_USER), nullable=False),
        sa.CheckConstraint("version >= 1", name="ck_meetings_version_positive"),
    )
    op.create_index("ix_meetings_meeting_date", "meetings", ["meeting_date"])
    op.create_table(
        "meeting_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _meeting_fk(),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("meeting_json", _JSON, nullable=False),
        sa.Column("saved_at", _TS, nullable=False),
        sa.Column("saved_by", sa.String(_USER), nullable=False),
        sa.UniqueConstraint("meeting_id", "version", name="uq_meeting_versions_meeting_version"),
    )
    op.create_table(
        "meeting_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _meeting_fk(),
        sa.Column("case_id", sa.String(_CASE), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("decision_json", _JSON, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("case_version", sa.Integer, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("recorded_by", sa.String(_USER), nullable=False),
        sa.Column("signed_at", _TS, nullable=True),
        sa.Column("signed_by", sa.String(_USER), nullable=True),
        sa.Column("signer_name", sa.String(_USER), nullable=True),
        sa.UniqueConstraint(
            "meeting_id", "case_id", "version", name="uq_meeting_decisions_version"
        ),
        sa.CheckConstraint(
            "outcome IN ('decided', 'deferred')", name="ck_meeting_decisions_outcome"
        ),
    )
    op.create_index("ix_meeting_decisions_case_id", "meeting_decisions", ["case_id"])
    op.create_table(
        "meeting_actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _meeting_fk(),
        sa.Column("case_id", sa.String(_CASE), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("owner", sa.String(_USER), nullable=False),
        sa.Column("due_date", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(_USER), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(_USER), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'done', 'cancelled')", name="ck_meeting_actions_status_known"
        ),
    )
    op.create_index("ix_meeting_actions_owner", "meeting_actions", ["owner"])
    op.create_index("ix_meeting_actions_meeting_id", "meeting_actions", ["meeting_id"])
    op.create_table(
        "case_implementations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _meeting_fk(),
        sa.Column("case_id", sa.String(_CASE), nullable=False),
        sa.Column("decision_version", sa.Integer, nullable=False),
        sa.Column("implementation_json", _JSON, nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.Column("recorded_by", sa.String(_USER), nullable=False),
    )
    op.create_index("ix_case_implementations_case_id", "case_implementations", ["case_id"])


def downgrade() -> None:
    for table in (
        "case_implementations",
        "meeting_actions",
        "meeting_decisions",
        "meeting_versions",
        "meetings",
    ):
        op.drop_table(table)
