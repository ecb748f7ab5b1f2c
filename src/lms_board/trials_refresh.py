"""``lms-board trials refresh --from FILE``: update the curated trials' status offline.

FILE is a saved ClinicalTrials.gov API v2 response: the ``/api/v2/studies`` envelope
(``{"studies": [Study, …]}``) or a single ``/api/v2/studies/{nctId}`` Study. For each
curated trial found in it, the status (``protocolSection.statusModule.overallStatus``) and
its as-of date (``statusVerifiedDate``, month precision, else
``lastUpdatePostDateStruct.date``) replace the curated ones when they are not older.

By default the result goes to an overlay file, ``$LMS_BOARD_DATA/trial_status.json``, which
:func:`lms_board.knowledge.knowledge` applies on load, so the packaged data stay as shipped.
With ``--knowledge-dir DIR`` the status lines of ``DIR/trials.yaml`` are rewritten in place
instead (for maintainers updating the curated source); the directory is re-validated and
restored if the result would not load.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lms_board.cli_support import EXIT_BAD_INPUT, EXIT_OK, atomic_write, say
from lms_board.knowledge import OVERLAY_NAME, data_dir
from lms_board.knowledge.loader import (
    PACKAGE_DIR,
    KnowledgeError,
    TrialOverlay,
    load_knowledge,
    read_trial_overlay,
)
from lms_board.knowledge.schema import TrialStatusUpdate

MAX_FILE_BYTES = 50_000_000

#: Human wording of the API's overallStatus values.
STATUS_TEXT: dict[str, str] = {
    "RECRUITING": "Recruiting",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "COMPLETED": "Completed",
    "SUSPENDED": "Suspended",
    "TERMINATED": "Terminated",
    "WITHDRAWN": "Withdrawn",
    "AVAILABLE": "Available (expanded access)",
    "NO_LONGER_AVAILABLE": "No longer available",
    "TEMPORARILY_NOT_AVAILABLE": "Temporarily not available",
    "APPROVED_FOR_MARKETING": "Approved for marketing",
    "WITHHELD": "Withheld",
    "UNKNOWN": "Status unknown",
}
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_NCT = re.compile(r"^NCT\d{8}$")


class RefreshError(ValueError):
    """The saved response cannot be used; the message says why."""


@dataclass(frozen=True)
class StudyStatus:
    """The status of one study as a saved API response gives it."""

    nct: str
    status: str
    as_of: date
    detail: str


@dataclass
class RefreshReport:
    updated: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)
    not_curated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: Path | None = None

    def lines(self) -> list[str]:
        out = [f"updated {len(self.updated)}: {', '.join(self.updated) or '-'}"]
        if self.older:
            out.append(f"kept (response older than curated status): {', '.join(self.older)}")
        if self.missing:
            out.append(f"curated but not in the response: {', '.join(self.missing)}")
        if self.not_curated:
            out.append(f"in the response but not curated (ignored): {len(self.not_curated)}")
        out.extend(f"skipped: {s}" for s in self.skipped)
        if self.written is not None:
            out.append(f"written: {self.written}")
        return out


def parse_ctgov_date(text: object) -> date | None:
    """``"2024-02"`` → 2024-02-01, ``"2024-02-23"`` → 2024-02-23; anything else → None."""
    if not isinstance(text, str):
        return None
    m = _DATE.match(text.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def study_status(study: Any) -> StudyStatus | str:
    """The status of one Study object, or a sentence saying why it cannot be read."""
    nct = _get(study, "protocolSection", "identificationModule", "nctId")
    if not isinstance(nct, str) or not _NCT.match(nct):
        return "a study without a valid protocolSection.identificationModule.nctId"
    status_module = _get(study, "protocolSection", "statusModule")
    status = _get(status_module, "overallStatus")
    if status not in STATUS_TEXT or status == "UNKNOWN":
        return f"{nct}: overallStatus {status!r} is not a known status"
    verified = _get(status_module, "statusVerifiedDate")
    updated = _get(status_module, "lastUpdatePostDateStruct", "date")
    as_of = parse_ctgov_date(verified) or parse_ctgov_date(updated)
    if as_of is None:
        return f"{nct}: neither statusVerifiedDate nor lastUpdatePostDateStruct.date is a date"
    detail = ", ".join(
        p
        for p in (
            f"status verified {verified}" if isinstance(verified, str) else "",
            f"last update posted {updated}" if isinstance(updated, str) else "",
        )
        if p
    )
    return StudyStatus(nct=nct, status=status, as_of=as_of, detail=detail)


def parse_studies(data: Any) -> tuple[dict[str, StudyStatus], list[str]]:
    """Statuses by NCT id from a decoded response, and the studies that were skipped."""
    if isinstance(data, dict) and "studies" in data:
        studies = data["studies"]
        if not isinstance(studies, list):
            raise RefreshError("'studies' must be a list of Study objects")
    elif isinstance(data, dict) and "protocolSection" in data:
        studies = [data]
    else:
        raise RefreshError(
            'not a ClinicalTrials.gov API v2 response: expected {"studies": [...]} '
            "or a single Study with protocolSection"
        )
    found: dict[str, StudyStatus] = {}
    skipped: list[str] = []
    for study in studies:
        result = study_status(study)
        if isinstance(result, str):
            skipped.append(result)
        else:
            found[result.nct] = result
    return found, skipped


def read_response(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RefreshError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise RefreshError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise RefreshError(f"{path}: is a folder, not a file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RefreshError(f"{path}: not valid JSON ({exc})") from None
    except OSError as exc:
        raise RefreshError(f"{path}: cannot read ({exc.strerror})") from None


def plan_updates(
    curated: Mapping[str, date],
    statuses: Mapping[str, StudyStatus],
    source: str,
    report: RefreshReport,
) -> dict[str, TrialStatusUpdate]:
    """The updates for curated trials whose response status is not older than the curated one."""
    updates: dict[str, TrialStatusUpdate] = {}
    for nct, current_as_of in curated.items():
        s = statuses.get(nct)
        if s is None:
            report.missing.append(nct)
            continue
        if s.as_of < current_as_of:
            report.older.append(nct)
            continue
        updates[nct] = TrialStatusUpdate.model_validate(
            {
                "status": s.status,
                "status_text": STATUS_TEXT[s.status],
                "status_as_of": s.as_of,
                "status_source": f"ClinicalTrials.gov API v2 response saved as {source} "
                f"({s.detail}).",
            }
        )
        report.updated.append(nct)
    report.not_curated.extend(sorted(set(statuses) - set(curated)))
    return updates


def write_overlay(path: Path, updates: Mapping[str, TrialStatusUpdate], source: str) -> None:
    """Merge the updates into the overlay file (entries for other trials are kept)."""
    merged: dict[str, TrialStatusUpdate] = {}
    if path.exists():
        try:
            merged.update(read_trial_overlay(path).trials)
        except KnowledgeError:
            merged = {}  # an unreadable overlay is replaced, not merged
    merged.update(updates)
    overlay = TrialOverlay(source=source, written=date.today(), trials=merged)
    text = json.dumps(overlay.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, text, private=True)


_STATUS_KEYS = ("status", "status_text", "status_as_of", "status_source")


def _replace_key(block: str, key: str, value: str) -> str:
    """Replace ``  key: …`` (and any folded continuation lines) inside one trial block."""
    pattern = re.compile(rf"^  {key}:[^\n]*\n(?:    [^\n]*\n)*", re.MULTILINE)
    if not pattern.search(block):
        raise RefreshError(f"trials.yaml: a trial block has no '{key}:' line")
    return pattern.sub(lambda _m: f"  {key}: {value}\n", block, count=1)


def update_trials_yaml(text: str, updates: Mapping[str, TrialStatusUpdate]) -> str:
    """``trials.yaml`` text with the status lines of the updated trials rewritten."""
    starts = [m.start() for m in re.finditer(r"^- nct: ", text, re.MULTILINE)]
    bounds = list(zip(starts, [*starts[1:], len(text)], strict=True))
    pieces: list[str] = [text[: starts[0]] if starts else text]
    for begin, end in bounds:
        block = text[begin:end]
        m = re.match(r"- nct: (NCT\d{8})", block)
        update = updates.get(m.group(1)) if m else None
        if update is not None:
            for key in _STATUS_KEYS:
                raw = getattr(update, key)
                value = (
                    raw.isoformat()
                    if isinstance(raw, date)
                    else json.dumps(raw, ensure_ascii=False)
                )
                block = _replace_key(block, key, value)
        pieces.append(block)
    return "".join(pieces)


def refresh(
    from_file: Path, knowledge_dir: Path | None = None, overlay_path: Path | None = None
) -> RefreshReport:
    """Apply a saved API response to the curated trials (overlay, or ``knowledge_dir``)."""
    statuses, skipped = parse_studies(read_response(from_file))
    report = RefreshReport(skipped=skipped)
    base = knowledge_dir or PACKAGE_DIR
    kb = load_knowledge(base)
    curated = {t.nct: t.status_as_of for t in kb.trials}
    if knowledge_dir is None:
        target = overlay_path or data_dir() / OVERLAY_NAME
        if target.exists():
            # Compare with what the app shows now: packaged data plus the current overlay.
            current = load_knowledge(base, overlay=target)
            curated = {t.nct: t.status_as_of for t in current.trials}
        updates = plan_updates(curated, statuses, from_file.name, report)
        if updates:
            write_overlay(target, updates, from_file.name)
            report.written = target
        return report
    updates = plan_updates(curated, statuses, from_file.name, report)
    if updates:
        path = knowledge_dir / "trials.yaml"
        original = path.read_text(encoding="utf-8")
        atomic_write(path, update_trials_yaml(original, updates), private=True)
        try:
            load_knowledge(knowledge_dir)
        except KnowledgeError:
            atomic_write(path, original, private=True)
            raise
        report.written = path
    return report


# --------------------------------------------------------------------------- CLI


def cmd_trials_refresh(args: argparse.Namespace) -> int:
    try:
        report = refresh(
            Path(args.from_file),
            knowledge_dir=Path(args.knowledge_dir) if args.knowledge_dir else None,
        )
    except (RefreshError, KnowledgeError) as exc:
        say(str(exc), prog="lms-board trials refresh")
        return EXIT_BAD_INPUT
    for line in report.lines():
        print(line)
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``trials refresh`` to the ``lms-board`` command line."""
    trials = sub.add_parser("trials", help="curated trial examples")
    trials_sub = trials.add_subparsers(dest="trials_command", required=True)
    p = trials_sub.add_parser(
        "refresh",
        help="update trial statuses from a saved ClinicalTrials.gov API v2 response (offline)",
    )
    p.add_argument(
        "--from", dest="from_file", required=True, metavar="FILE", help="saved API response (JSON)"
    )
    p.add_argument(
        "--knowledge-dir",
        metavar="DIR",
        help="rewrite DIR/trials.yaml instead of writing the overlay under $LMS_BOARD_DATA",
    )
    p.set_defaults(handler=cmd_trials_refresh)
