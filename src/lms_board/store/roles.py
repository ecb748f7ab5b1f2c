"""PostgreSQL roles: the schema's owner runs the migrations; the app connects as another role
that may read and write cases but only read and append to the audit log.

The owner of a table can drop or disable its triggers; a role that does not own ``audit_log``
cannot, and with no UPDATE, DELETE or TRUNCATE right on it cannot change a row either way. See
``docs/deployment.md`` (the same statements, for a DBA to run).
"""

from __future__ import annotations

import re

#: Tables the app changes freely.
WRITABLE = (
    "cases",
    "case_versions",
    "board_decisions",
    "drafts",
    "meetings",
    "meeting_versions",
    "meeting_decisions",
    "meeting_actions",
    "case_implementations",
)
#: Tables the app may only read and append to.
APPEND_ONLY = ("audit_log",)
READ_ONLY = ("lms_board_alembic_version",)

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _ident(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a plain lower-case SQL name")
    return f'"{name}"'


def app_role_grants(role: str, schema: str = "public") -> list[str]:
    """The statements (run by the schema's owner, after the migrations) that let ``role`` run
    the app: every right it needs and none over the audit log beyond SELECT and INSERT."""
    r, s = _ident(role), _ident(schema)
    return [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON "
        + ", ".join(f"{s}.{_ident(t)}" for t in WRITABLE)
        + f" TO {r}",
        *(f"GRANT SELECT, INSERT ON {s}.{_ident(t)} TO {r}" for t in APPEND_ONLY),
        *(f"GRANT SELECT ON {s}.{_ident(t)} TO {r}" for t in READ_ONLY),
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
    ]
