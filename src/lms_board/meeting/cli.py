"""``lms-board meeting``: a board meeting's papers and figures from the command line.

    lms-board meeting list
    lms-board meeting show MTG-2026-12-10
    lms-board meeting letter MTG-2026-12-10 DEMO-01 --format docx [-o FILE]
    lms-board meeting minutes|packet|deck MTG-2026-12-10 [-o FILE]
    lms-board meeting quality [-o quality.csv]

A file name with the meeting's date is used when ``-o`` is not given. An unknown meeting or
case, a case without a decision, or a case whose free text looks like an identifier (unless
``--confirm-identifiers``) prints a message on stderr and exits 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from lms_board.store import current_user, open_store
from lms_board.store.meeting_store import MeetingStore

EXIT_BAD_INPUT = 2
EXIT_IO = 1


def _meetings(args: argparse.Namespace) -> MeetingStore:
    return MeetingStore(open_store(args.database))


def _refuse(message: str, items: list[str]) -> int:
    print(f"lms-board: {message}:", file=sys.stderr)
    for item in items:
        print(f"  - {item}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _write(path: Path, data: bytes) -> int:
    try:
        path.write_bytes(data)
    except OSError as exc:
        print(f"lms-board: cannot write {path} ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_IO
    print(f"wrote {path} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from lms_board.meeting.timetable import meeting_end

    for stored in _meetings(args).list_meetings():
        m = stored.meeting
        print(
            f"{stored.meeting_id}\t{m.date} {m.start_time:%H:%M}–{meeting_end(m):%H:%M}\t"
            f"{len(m.scheduled())} cases\t{m.status}\t{m.where}"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from lms_board.export.meeting_docs import meeting_line
    from lms_board.meeting.papers import gather

    papers = gather(_meetings(args), args.meeting)
    print(f"{papers.meeting_id}: {meeting_line(papers.stored.meeting)}")
    print(f"  {papers.quorum.summary()} ({len(papers.stored.meeting.attendees)} attending)")
    for e in papers.entries:
        when = e.slot.label if e.slot else f"moved to {e.item.moved_to}"
        ready = e.readiness.label if e.readiness else "case deleted"
        decided = e.decision.decision.recommendation if e.decision else "no decision"
        print(f"  {when}\t{e.case_id}\t{ready}\t{decided}")
    return 0


def cmd_paper(args: argparse.Namespace) -> int:
    from lms_board.export.meeting_docs import identifier_cases, meeting_paper
    from lms_board.meeting.papers import gather

    meetings = _meetings(args)
    case_id = getattr(args, "case", None)
    if not args.confirm_identifiers:
        flagged = identifier_cases(gather(meetings, args.meeting), case_id)
        if flagged:
            return _refuse(
                "free text looks like an identifier (check it, then re-run with "
                "--confirm-identifiers)",
                flagged,
            )
    paper = meeting_paper(
        meetings,
        current_user(None),
        args.meeting,
        args.kind,
        case_id=case_id,
        fmt=getattr(args, "format", "pdf"),
        paper=getattr(args, "paper", "a4"),
    )
    return _write(Path(args.output or paper.file_name), paper.data)


def cmd_quality(args: argparse.Namespace) -> int:
    from lms_board.meeting.quality import quality_csv, store_quality_table

    rows = store_quality_table(_meetings(args), date.today())
    text = quality_csv(rows)
    if args.output:
        return _write(Path(args.output), text.encode("utf-8"))
    sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``meeting`` and its subcommands to the ``lms-board`` command."""
    p = sub.add_parser("meeting", help="a board meeting's papers (letter, minutes, packet, deck)")
    actions = p.add_subparsers(dest="meeting_command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        q = actions.add_parser(name, help=help_text)
        q.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL)")
        return q

    command("list", "every meeting, latest first").set_defaults(handler=cmd_list)
    q = command("show", "a meeting's agenda: times, readiness, decisions")
    q.add_argument("meeting", help="meeting id, e.g. MTG-2026-12-10")
    q.set_defaults(handler=cmd_show)
    for kind, help_text in (
        ("letter", "the outcome letter of one case (PDF or Word)"),
        ("minutes", "the minutes of the whole meeting (PDF)"),
        ("packet", "the board packet: the meeting's agenda, then one page per case (PDF)"),
        ("deck", "the slide deck of the meeting (PowerPoint)"),
    ):
        q = command(kind, help_text)
        q.add_argument("meeting", help="meeting id, e.g. MTG-2026-12-10")
        if kind == "letter":
            q.add_argument("case", help="case id on the meeting's agenda")
            q.add_argument("--format", "-f", choices=("pdf", "docx"), default="pdf")
        if kind != "deck":
            q.add_argument("--paper", choices=("a4", "letter"), default="a4")
        q.add_argument("-o", "--output", help="output file (default: a name with the date)")
        q.add_argument(
            "--confirm-identifiers",
            action="store_true",
            help="write it even though free text looks like an identifier (after checking)",
        )
        q.set_defaults(handler=cmd_paper, kind=kind)
    q = command("quality", "concordance and quality per meeting, as CSV")
    q.add_argument("-o", "--output", help="CSV file (default: standard output)")
    q.set_defaults(handler=cmd_quality)
