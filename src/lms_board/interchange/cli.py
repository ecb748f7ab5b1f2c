"""``lms-board import`` and ``lms-board export-store``: files into the store and back out.

``import FILE...`` reads case JSON (one case, a list, or a folder), CSV sheets and FHIR
Bundles; it imports every good case and lists every bad row with its field. Exit codes: 0 all
imported, 1 some case ids were already in the store (left unchanged), 2 some input was invalid
or the store failed (the summary says which cases were stored and which were not).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lms_board import DISCLAIMER
from lms_board.cli_support import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL, describe, say, staged
from lms_board.identifiers import case_identifiers
from lms_board.interchange import cases_to_csv, cases_to_fhir_json, read_paths
from lms_board.store import STATUSES, DuplicateCaseError, current_user, open_store

EXIT_DUPLICATES = EXIT_PARTIAL


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` and ``export-store`` subcommands to the ``lms-board`` parser."""
    p = sub.add_parser(
        "import",
        help="import case files (JSON, CSV, FHIR Bundle) into the case store",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="file or folder (.json, .csv)")
    p.add_argument("--dry-run", action="store_true", help="check the files; change nothing")
    p.add_argument("--status", choices=STATUSES, default="draft", help="status of new cases")
    p.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL)")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "export-store",
        help="write every stored case to a CSV sheet or a FHIR R4 Bundle",
    )
    p.add_argument("--format", choices=("csv", "fhir"), required=True)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--status", choices=STATUSES, help="only cases with this status")
    p.add_argument(
        "--allow-identifiers",
        action="store_true",
        help="export even when free text looks like it holds an identifier (after checking)",
    )
    p.add_argument("--database", metavar="URL", help="database URL (default: DATABASE_URL)")
    p.set_defaults(handler=cmd_export_store)


def cmd_import(args: argparse.Namespace) -> int:
    result = read_paths(args.files)
    for issue in result.errors:
        say(issue.with_source())
    for notice in result.notices:
        say(f"note: {notice.with_source()}")
    if args.dry_run:
        for case, origin in zip(result.cases, result.origins, strict=True):
            print(f"would import {case.case_id} ({origin})")
        print(f"dry run: {len(result.cases)} case(s) valid, {len(result.errors)} problem(s)")
        return EXIT_BAD_INPUT if result.errors else EXIT_OK
    store = open_store(args.database)
    user = current_user(None)
    imported: list[str] = []
    skipped = 0
    pending = list(zip(result.cases, result.origins, strict=True))
    failure = ""
    for index, (case, origin) in enumerate(pending):
        try:
            store.create(case, user, status=args.status, origin=origin)
        except DuplicateCaseError as exc:
            skipped += 1
            say(f"{origin}: {exc} Not imported.")
            continue
        except Exception as exc:  # the store failed (disk full, read-only, connection lost)
            failure = describe(exc)
            not_done = [c.case_id for c, _ in pending[index:]]
            say(f"{origin}: {failure}")
            say(f"stopped; not imported: {', '.join(not_done)}")
            break
        imported.append(case.case_id)
        print(f"imported {case.case_id} ({origin})")
    print(
        f"{len(imported)} case(s) imported"
        + (f" ({', '.join(imported)})" if failure and imported else "")
        + f", {skipped} already in the store, {len(result.errors)} problem(s) in the input"
        + (
            f", {len(pending) - len(imported) - skipped} not imported: the store failed"
            if failure
            else ""
        )
    )
    if result.errors or failure:
        return EXIT_BAD_INPUT
    return EXIT_DUPLICATES if skipped else EXIT_OK


def cmd_export_store(args: argparse.Namespace) -> int:
    store = open_store(args.database)
    stored = [s for s in store.list_cases() if args.status is None or s.status == args.status]
    cases = [s.case for s in stored]
    # The FHIR Bundle carries one free-text field (tumor.location); the CSV carries them all.
    hits = [
        (case.case_id, hit)
        for case in cases
        for hit in case_identifiers(case)
        if args.format == "csv" or hit.field == "tumor.location"
    ]
    if hits and not args.allow_identifiers:
        for case_id, hit in hits:
            say(f"{case_id}: {hit.message}")
        say("nothing written; remove the identifiers, or check them and pass --allow-identifiers")
        return EXIT_BAD_INPUT
    text = cases_to_csv(cases) if args.format == "csv" else cases_to_fhir_json(cases)
    output = Path(args.output)
    user = current_user(None)
    flagged = {case_id for case_id, _hit in hits}
    events: list[tuple[str | None, str]] = [
        (
            s.case_id,
            f"{args.format} (store export to {output.name})"
            + ("; identifier warning confirmed" if s.case_id in flagged else ""),
        )
        for s in stored
    ]
    # The file appears only once its audit rows are committed: no export without its record.
    with staged(output, text) as publish:
        store.log_events(user, "export", events)
        publish()
    print(f"wrote {len(cases)} case(s) to {output} ({args.format})")
    print(DISCLAIMER)
    return EXIT_OK
