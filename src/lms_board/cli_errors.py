"""What the ``lms-board`` command says when something outside the input goes wrong.

Every error becomes one message on stderr and exit code 2, never a traceback: a database
that refuses the connection (wrong password, server down), a store that is read-only or on a
full disk, a file that cannot be written. Database errors are described by the driver's own
first line only: SQLAlchemy's text carries the SQL and its parameters (case JSON), which must
not end up in a terminal or a log. ``LMS_BOARD_DEBUG=1`` prints the traceback as well.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback

EXIT_ERROR = 2

_HINTS = (
    ("password authentication failed", "check the user name and password in the database URL"),
    ("readonly database", "the store is read-only: check the permissions of its file and folder"),
    ("read-only transaction", "the database user may only read: use the app's writing role"),
    ("permission denied", "the database user lacks a right it needs (see docs/deployment.md)"),
    ("disk is full", "the disk holding the store is full: free some space and try again"),
    ("disk i/o error", "the store could not write to its disk (full, or failing)"),
    ("unable to open database file", "the store's file or folder cannot be opened"),
    ("connection refused", "no database server answers at that address"),
)


def _first_line(text: object) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _database_error(exc: BaseException) -> str | None:
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is None or not isinstance(exc, sqlalchemy_exc.SQLAlchemyError):
        return None
    original = getattr(exc, "orig", None)
    detail = _first_line(original if original is not None else type(exc).__name__)
    # psycopg puts the server's message after "FATAL:"; keep only what the server said.
    detail = detail.split("FATAL:", 1)[-1].strip() or detail
    hint = next((h for needle, h in _HINTS if needle in detail.lower()), "")
    return f"the case store refused: {detail}" + (f" ({hint})" if hint else "")


def describe(exc: BaseException) -> str:
    """One line saying what went wrong and, when known, what to do about it."""
    from lms_board.store.errors import StoreError

    found = _database_error(exc)
    if found:
        return found
    if isinstance(exc, StoreError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return f"the disk is full{where}: free some space and try again"
        return f"{exc.strerror or exc}{where}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def report(exc: BaseException) -> int:
    """Print ``lms-board: <message>`` (and the traceback if LMS_BOARD_DEBUG=1); return 2."""
    if os.environ.get("LMS_BOARD_DEBUG") == "1":
        traceback.print_exception(exc, file=sys.stderr)
    print(f"lms-board: {describe(exc)}", file=sys.stderr)
    return EXIT_ERROR
