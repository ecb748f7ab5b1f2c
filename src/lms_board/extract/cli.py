"""``lms-board extract FILE [FILE ...]``: the documents of one case → JSON on stdout.

Prints ``{"case", "fields", "conflicts", "identifiers", "missing", "notes"}`` (see
``docs/extraction.md``); identifiers appear as kind and span only. Exit 0 whatever was
found; 2 with a message on stderr when a file is unreadable or of an unsupported type.
``--case-out FILE`` writes the partial case (schema_version 2, ``--case-id``) for review,
completion and ``lms-board import``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``extract`` subcommand (the extractor loads only when it runs)."""
    p = sub.add_parser(
        "extract",
        help="read referral letters and reports (.txt, .pdf, .docx) into a partial case",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="documents of one case")
    p.add_argument("--case-out", metavar="FILE", help="write the partial case to FILE")
    p.add_argument(
        "--case-id", default="EXTRACTED-1", help="pseudonym for --case-out (never a record number)"
    )
    p.set_defaults(handler=cmd_extract)


def cmd_extract(args: argparse.Namespace) -> int:
    from lms_board.extract import DocumentError, extract_documents, read_document

    try:
        documents = [read_document(f) for f in args.files]
        result = extract_documents(documents)
    except DocumentError as exc:
        print(f"lms-board extract: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    if args.case_out:
        case = {"schema_version": 2, "case_id": args.case_id, **result.case_dict()}
        try:
            Path(args.case_out).write_text(
                json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            print(
                f"lms-board extract: cannot write {args.case_out} ({exc.strerror})", file=sys.stderr
            )
            return EXIT_BAD_INPUT
        missing = [m for m in result.missing if m in result.required]
        if missing:
            print(
                f"lms-board extract: {args.case_out} needs {', '.join(missing)} before import",
                file=sys.stderr,
            )
    return 0
