"""``lms-board export`` (one case, any format) and ``lms-board packet`` (a meeting's PDF).

Bad input (a case, a decision file, a folder without cases) prints a message naming the
file and field on stderr and exits 2, never a traceback. Free text that looks like an
identifier is refused unless ``--confirm-identifiers`` says the user has checked it.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pydantic import ValidationError
from tqdm import tqdm

from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import Case, CaseError, error_messages, load_case
from lms_board.cli_support import problems as _problems
from lms_board.cli_support import say, write_output
from lms_board.decision import BoardDecision
from lms_board.export import FORMATS, PAPERS, Format, export_bytes, file_name, render_packet


def identifier_problems(case: Case, assessment: Assessment) -> list[str]:
    """Why this case may not be exported unconfirmed (empty: nothing looks like an identifier)."""
    return [
        f"{f.message} (re-run with --confirm-identifiers once checked)"
        for f in assessment.identifier_flags
    ]


def _load_decision(path: str) -> BoardDecision:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise CaseError([f"(file): cannot read {p} ({exc.strerror or exc})"]) from None
    try:
        return BoardDecision.model_validate_json(raw)
    except ValidationError as exc:
        raise CaseError(error_messages(exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    try:
        case = load_case(args.case)
    except CaseError as exc:
        return _problems(f"invalid case {args.case}", exc.messages)
    decision = None
    if args.decision:
        try:
            decision = _load_decision(args.decision)
        except CaseError as exc:
            return _problems(f"invalid decision {args.decision}", exc.messages)
    assessment = assess(case)
    if not args.confirm_identifiers:
        problems = identifier_problems(case, assessment)
        if problems:
            return _problems(f"{args.case} holds text that looks like an identifier", problems)
    fmt: Format = args.format
    data = export_bytes(case, assessment, fmt, paper=args.paper, decision=decision)
    out = Path(args.output) if args.output else Path(file_name(case.case_id, fmt))
    code = write_output(out, data)
    if code == 0:
        print(f"wrote {out} ({len(data):,} bytes)", file=sys.stderr)
    return code


def _case_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())


def looks_like_case(path: Path) -> bool:
    """A JSON object with ``schema_version`` or ``case_id`` (others, e.g. an
    ``expected.json`` beside the cases, are skipped); unreadable files count as cases so
    that their error is reported."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return True
    return not isinstance(data, dict) or "schema_version" in data or "case_id" in data


def cmd_packet(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        return _problems("invalid packet source", [f"(folder): {folder} is not a folder"])
    files = _case_files(folder)
    if not files:
        return _problems("invalid packet source", [f"(folder): no .json case files in {folder}"])
    cases: list[Case] = []
    problems: list[str] = []
    for path in files:
        if not looks_like_case(path):
            say(f"skipped {path.name}: not a case file")
            continue
        try:
            cases.append(load_case(path))
        except CaseError as exc:
            problems.extend(f"{path.name}: {m}" for m in exc.messages)
    if not cases and not problems:
        return _problems("invalid packet source", [f"(folder): no case files in {folder}"])
    ids = [c.case_id for c in cases]
    problems.extend(
        f"case_id: '{i}' appears in more than one file"
        for i in sorted(set(ids))
        if ids.count(i) > 1
    )
    if problems:
        return _problems(f"invalid case files in {folder}", problems)
    if args.board_date:
        cases = [c for c in cases if c.board_date == args.board_date]
        if not cases:
            return _problems(
                "invalid packet source",
                [f"board_date: no case in {folder} is for {args.board_date}"],
            )
    cases.sort(key=lambda c: (c.board_date or date.max, c.case_id))
    items = [(c, assess(c)) for c in cases]
    if not args.confirm_identifiers:
        flagged = [f"{c.case_id}: {m}" for c, a in items for m in identifier_problems(c, a)]
        if flagged:
            return _problems("cases hold text that looks like an identifier", flagged)
    with tqdm(total=len(items), file=sys.stderr, desc="board packet", unit="case") as bar:
        data = render_packet(
            items, paper=args.paper, title=args.title, on_case=lambda _c: bar.update()
        )
    out = Path(args.output)
    code = write_output(out, data)
    if code == 0:
        print(f"wrote {out}: cover + {len(items)} case pages", file=sys.stderr)
    return code


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` and ``packet`` to the ``lms-board`` command."""
    p = sub.add_parser(
        "export",
        help="export a case: one-page PDF, full report, HTML, Markdown, JSON or a slide",
    )
    p.add_argument("case", help="case file (JSON, case format v2 or v1)")
    p.add_argument("--format", "-f", choices=FORMATS, default="pdf", help="default: pdf")
    p.add_argument("-o", "--output", help="output file (default: CASE_ID plus the format's suffix)")
    p.add_argument("--paper", choices=PAPERS, default="a4", help="PDF paper size (default: a4)")
    p.add_argument("--decision", help="board decision JSON to fill the recommendation box")
    p.add_argument(
        "--confirm-identifiers",
        action="store_true",
        help="export even though free text looks like an identifier (after checking it)",
    )
    p.set_defaults(handler=cmd_export)

    q = sub.add_parser("packet", help="one PDF for a meeting: agenda cover + one page per case")
    q.add_argument("folder", help="folder of case files (*.json)")
    q.add_argument("-o", "--output", default="board.pdf", help="output PDF (default: board.pdf)")
    q.add_argument("--paper", choices=PAPERS, default="a4", help="paper size (default: a4)")
    q.add_argument("--board-date", type=_iso_date, help="only the cases for this board date")
    q.add_argument("--title", help="cover title (default: Tumour board <date>)")
    q.add_argument(
        "--confirm-identifiers",
        action="store_true",
        help="include cases whose free text looks like an identifier (after checking them)",
    )
    q.set_defaults(handler=cmd_packet)
