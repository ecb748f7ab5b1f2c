"""What every ``lms-board`` command shares: exit codes, how problems are printed, atomic
file writes, and what is said when something outside the input goes wrong.

Exit codes (every command): :data:`EXIT_OK` 0; :data:`EXIT_PARTIAL` 1, the command ran but
left something undone that it names (a case id already in the store, a broken audit chain, an
output file that could not be written); :data:`EXIT_BAD_INPUT` 2, bad input or a failure
outside it (each problem on stderr, naming the file and field; never a traceback); 130 on
Ctrl-C.

- ``problems("invalid case x.json", messages)`` prints ``lms-board: invalid case x.json:`` and
  one ``  - message`` line each on stderr, and returns :data:`EXIT_BAD_INPUT`.
- ``atomic_write(path, data)`` writes beside ``path`` and renames into place, so a reader never
  sees half a file; ``staged(path, data)`` lets the caller decide when (``publish()``);
  ``write_output(path, data)`` is ``atomic_write`` with the failure printed (``EXIT_PARTIAL``).
- ``report(exc)``: any other error as one line (``LMS_BOARD_DEBUG=1`` adds the traceback).
  Database errors are described by the driver's own first line only: SQLAlchemy's text
  carries the SQL and its parameters (case JSON), which must not end up in a terminal or log.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
PROG = "lms-board"


def problems(head: str, messages: Sequence[str], *, prog: str = PROG) -> int:
    """``prog: head:`` and each message on its own line (stderr); the bad-input exit code."""
    print(f"{prog}: {head}:", file=sys.stderr)
    for m in messages:
        print(f"  - {m}", file=sys.stderr)
    return EXIT_BAD_INPUT


def say(message: str, *, prog: str = PROG) -> None:
    """One ``prog: message`` line on stderr (progress, notes, what was written)."""
    print(f"{prog}: {message}", file=sys.stderr)


@contextmanager
def staged(path: Path, data: bytes | str, *, private: bool = False) -> Iterator[Callable[[], None]]:
    """Write ``data`` to a temporary file beside ``path``; ``publish()`` moves it into place.
    Without ``publish()`` (an error in between) the temporary file is removed. ``private``:
    the folder is made readable by its owner only (``lms_board.paths.private_dir``)."""
    if private:
        from lms_board.paths import private_dir

        private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if isinstance(data, str):
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(data)
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        yield lambda: os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes | str, *, private: bool = False) -> None:
    """``data`` into ``path`` all at once (a temporary file renamed into place)."""
    with staged(path, data, private=private) as publish:
        publish()


def write_output(path: Path, data: bytes | str, *, prog: str = PROG) -> int:
    """:func:`atomic_write`, or the reason it failed on stderr and :data:`EXIT_PARTIAL`."""
    try:
        atomic_write(path, data)
    except OSError as exc:
        say(f"cannot write {path} ({exc.strerror or exc})", prog=prog)
        return EXIT_PARTIAL
    return EXIT_OK


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
    say(describe(exc))
    return EXIT_BAD_INPUT
