"""Cases in and out of the store: case JSON, a flat CSV sheet, and a FHIR R4 Bundle (mCODE-shaped).

Every reader returns an :class:`ImportResult` (good cases + errors naming row and field); the
caller decides what to import. Writers take cases and return text.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lms_board.interchange.csv_cases import COLUMN_NAMES, cases_to_csv, read_csv_cases
from lms_board.interchange.fhir_bundle import (
    FHIR_DROPPED,
    FHIR_FIELDS,
    cases_to_fhir_bundle,
    cases_to_fhir_json,
    read_fhir_bundle,
)
from lms_board.interchange.json_cases import read_json_cases
from lms_board.interchange.result import ImportIssue, ImportResult

__all__ = [
    "COLUMN_NAMES",
    "FHIR_DROPPED",
    "FHIR_FIELDS",
    "ImportIssue",
    "ImportResult",
    "cases_to_csv",
    "cases_to_fhir_bundle",
    "cases_to_fhir_json",
    "read_csv_cases",
    "read_fhir_bundle",
    "read_json_cases",
    "read_paths",
    "read_upload",
]

SUFFIXES = (".json", ".csv")


def read_upload(name: str, data: bytes) -> ImportResult:
    """An uploaded file by its name: ``.csv`` as a CSV sheet, anything else as JSON."""
    if name.lower().endswith(".csv"):
        return read_csv_cases(data, name)
    return read_json_cases(data, name)


def read_paths(paths: Iterable[str | Path]) -> ImportResult:
    """Files and folders (their ``*.json`` and ``*.csv``, sorted) as one import."""
    result = ImportResult()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
            if not files:
                result.add_error(str(path), "", "folder holds no .json or .csv files")
            for file in files:
                result.extend(_read_file(file))
        else:
            result.extend(_read_file(path))
    return result


def _read_file(path: Path) -> ImportResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        result = ImportResult()
        result.add_error(str(path), "", f"cannot read ({exc.strerror or exc})")
        return result
    return read_upload(str(path), data)
