"""``lms-board``: assess a case file (and, from the other modules, export, packet, import).

Bad input never prints a traceback: a message naming every bad field goes to stderr
and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from lms_board import DISCLAIMER, __version__
from lms_board.assess import assess
from lms_board.assessment import Assessment
from lms_board.case import CaseError, load_case
from lms_board.cli_support import EXIT_INTERRUPTED, EXIT_OK, problems
from lms_board.wording import PROMPTS_TITLE, classification_status, flag_label, prompt_label

Handler = Callable[[argparse.Namespace], int]


def text_summary(a: Assessment) -> str:
    """A readable summary of an assessment for the terminal (rule ids and codes are in the
    JSON output, not here)."""
    c = a.classification
    lines = [f"Case {a.case_id}: {c.label} ({classification_status(a)})"]
    for r in c.rationale:
        lines.append(f"  - {r.text}")
    if a.grade is not None:
        g = a.grade
        parts = f"differentiation {g.differentiation}, mitoses {g.mitoses}, necrosis {g.necrosis}"
        grade = f"G{g.grade}" if g.grade else "unknown"
        lines.append(f"FNCLCC grade: {grade} ({g.source}; {parts}; score {g.score})")
    else:
        lines.append("FNCLCC grade: unknown")
    s = a.stage
    lines.append(
        f"Stage: {s.system or 'no system'} {s.group or '(no group)'}"
        + (f" [{' '.join(x for x in (s.t, s.n, s.m) if x)}]" if s.t or s.n or s.m else "")
        + (f" - {s.note}" if s.note else "")
    )
    for title, items in (
        ("Workup gaps", [g.message for g in a.workup_gaps]),
        ("Flags", [f"{flag_label(f.code)}: {f.message}" for f in a.flags]),
        ("Options", [f"{o.name} ({o.strength})" for o in a.options]),
        (PROMPTS_TITLE, [f"{prompt_label(p.code)}: {p.message}" for p in a.prompts]),
        ("Not suitable", [f"{n.name}: {n.reason}" for n in a.not_suitable]),
        (
            "Trial examples",
            [f"{t.nct} {t.title} ({t.status}, as of {t.status_as_of})" for t in a.trials],
        ),
    ):
        if items:
            lines.append(f"{title}:")
            lines.extend(f"  - {i}" for i in items)
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def cmd_assess(args: argparse.Namespace) -> int:
    try:
        case = load_case(args.case)
    except CaseError as exc:
        return problems(f"invalid case {args.case}", exc.messages)
    result = assess(case)
    if args.format == "text":
        print(text_summary(result))
    else:
        print(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False))
    return EXIT_OK


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``lms-board`` parser; other modules' subcommands load only when asked for,
    so ``lms-board assess`` stays quick (no PDF, database or FHIR imports)."""
    parser = argparse.ArgumentParser(
        prog="lms-board", description="LMS tumour board preparation. " + DISCLAIMER
    )
    parser.add_argument("--version", action="version", version=f"lms-board {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("assess", help="assess a case file and print the assessment")
    p.add_argument("case", help="case file (JSON, case format v2 or v1)")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.set_defaults(handler=cmd_assess)

    command = next((a for a in (argv or []) if not a.startswith("-")), None)
    if command != "assess":
        for register in _extra_commands():
            register(sub)
    return parser


def _extra_commands() -> list[
    Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]
]:
    """Subcommands owned by other modules, each a ``register(subparsers)`` function:
    import and export-store, trials refresh, export and packet, audit and purge, serve,
    extract, meeting."""
    from lms_board.export.cli import register as register_export
    from lms_board.extract.cli import register as register_extract
    from lms_board.interchange.cli import register as register_store_io
    from lms_board.meeting.cli import register as register_meeting
    from lms_board.serve import register as register_serve
    from lms_board.store.cli import register as register_store
    from lms_board.trials_refresh import register as register_trials

    return [
        register_store_io,
        register_trials,
        register_export,
        register_store,
        register_serve,
        register_extract,
        register_meeting,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # every other error: one message and exit 2, no traceback
        from lms_board.cli_support import report

        return report(exc)


if __name__ == "__main__":
    raise SystemExit(main())
