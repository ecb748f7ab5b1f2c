"""``lms-board audit verify``, ``grants`` and ``purge``: the store's housekeeping commands.

``grants ROLE`` prints the SQL that lets a PostgreSQL role run the app without owning its
tables (docs/deployment.md). ``audit verify`` walks the audit log's hash chain and reports the first broken link (exit 1),
or the number of rows and the chain's head hash (exit 0). ``purge`` removes for good the
cases deleted more than 30 days ago (``make run`` and ``lms-board serve`` run it at start).
"""

from __future__ import annotations

import argparse

from lms_board.cli_support import EXIT_OK, EXIT_PARTIAL
from lms_board.store import RETENTION_DAYS, current_user, open_store
from lms_board.store.roles import app_role_grants

EXIT_BROKEN = EXIT_PARTIAL


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("audit", help="check the audit log")
    actions = p.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser(
        "verify", help="walk the audit log's hash chain; report the first broken link"
    )
    verify.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL)")
    verify.set_defaults(handler=cmd_audit_verify)

    p = sub.add_parser(
        "grants",
        help="print the SQL that lets a PostgreSQL role run the app without owning its tables",
    )
    p.add_argument("role", help="the role the app connects as, e.g. lms_app")
    p.add_argument("--schema", default="public")
    p.set_defaults(handler=cmd_grants)

    p = sub.add_parser(
        "purge", help=f"remove for good the cases deleted more than {RETENTION_DAYS} days ago"
    )
    p.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL)")
    p.set_defaults(handler=cmd_purge)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    report = open_store(args.database).verify_audit()
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_BROKEN


def cmd_grants(args: argparse.Namespace) -> int:
    for statement in app_role_grants(args.role, args.schema):
        print(statement + ";")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    purged = open_store(args.database).purge_expired(current_user(None))
    print(f"purged {len(purged)} case(s) deleted more than {RETENTION_DAYS} days ago", end="")
    print(f": {', '.join(purged)}" if purged else "")
    return EXIT_OK
