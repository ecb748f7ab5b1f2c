"""Case-format JSON files: one case object, a list of cases, or a folder of case files.

A JSON file that is a FHIR Bundle (``"resourceType": "Bundle"``) is read as one.
"""

from __future__ import annotations

import json
from typing import Any

from lms_board.case import CaseError, parse_case
from lms_board.interchange.fhir_bundle import is_fhir_bundle, read_fhir_bundle
from lms_board.interchange.result import ImportResult, upload_text
from lms_board.strict_json import DuplicateKeyError, reject_constant, unique_keys

MAX_JSON_BYTES = 20 * 1024 * 1024


def read_json_cases(data: str | bytes, source: str = "upload.json") -> ImportResult:
    """The cases in one JSON document: a case, a list of cases, or a FHIR Bundle."""
    result = ImportResult()
    if len(data) > MAX_JSON_BYTES:
        result.add_error(source, "", f"file larger than {MAX_JSON_BYTES // 2**20} MB")
        return result
    text = upload_text(data, source, result, MAX_JSON_BYTES)
    if text is None:
        return result
    if not text.strip():
        result.add_error(source, "", "the file is empty")
        return result
    try:
        decoded = json.loads(text, parse_constant=reject_constant, object_pairs_hook=unique_keys)
    except DuplicateKeyError as exc:
        result.add_error(source, "", f"(file): {exc}")
        return result
    except (ValueError, RecursionError) as exc:
        result.add_error(source, "", f"not valid JSON ({exc})")
        return result
    if is_fhir_bundle(decoded):
        return read_fhir_bundle(decoded, source)
    if isinstance(decoded, dict):
        _add(result, decoded, source, "")
    elif isinstance(decoded, list):
        seen: dict[str, str] = {}
        for number, item in enumerate(decoded, start=1):
            result.add_parsed(item, [], source=source, where=f"item {number}", seen=seen)
    else:
        result.add_error(
            source, "", f"expected a case object or a list of cases, not {type(decoded).__name__}"
        )
    return result


def _add(result: ImportResult, item: Any, source: str, where: str) -> None:
    try:
        case = parse_case(item)
    except CaseError as exc:
        for message in exc.messages:
            result.add_error(source, where, message)
        return
    result.add_case(case, f"{source} {where}".strip())
