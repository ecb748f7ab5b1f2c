"""Malformed case files through every import: ``parse_case_json``, the JSON and CSV importers
(``lms_board.interchange``) and the CLI in-process (``assess``, ``export``, ``import``).

Every payload must be refused with no exception escaping, and every message must name a field
(``tumor.size_cm: ...``), the file (``(file): ...``) or the root (``(root): ...``); for the
invalid case dicts the message must name the very field that was broken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from strategies import Invalid, invalid_case_dicts, malformed_payloads, to_bytes

from lms_board.case import CaseError, parse_case, parse_case_json
from lms_board.cli import main
from lms_board.interchange import ImportResult, read_csv_cases, read_json_cases, read_upload
from robust.collect import Failures
from robust.csv_payloads import BadSheet, malformed_csv
from robust.oracles import field_of, names_field
from robust.scale import robust_settings

EXIT_BAD_INPUT = 2


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("malformed")


def refused(payload: bytes) -> list[str]:
    """``parse_case_json`` must raise ``CaseError``; its messages."""
    with pytest.raises(CaseError) as info:
        parse_case_json(payload)
    messages: list[str] = info.value.messages
    assert messages, "CaseError without a message"
    unnamed = [m for m in messages if field_of(m) is None]
    assert not unnamed, f"messages that name no field: {unnamed}\npayload {payload[:120]!r}"
    return messages


def _decoded(payload: bytes) -> Any:
    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def valid_items(payload: bytes) -> int | None:
    """How many cases a JSON *list* file holds that ``parse_case`` accepts (``None``: not a list).

    A list of cases is a valid import file (one case is not), so for lists the importer must
    agree with ``parse_case`` item by item instead of refusing the whole file.
    """
    decoded = _decoded(payload)
    if not isinstance(decoded, list):
        return None
    good = 0
    for item in decoded:
        try:
            parse_case(item)
            good += 1
        except CaseError:
            pass
    return good


def check_json_import(result: ImportResult, payload: bytes, source: str) -> None:
    n_items = valid_items(payload)
    decoded = _decoded(payload)
    if n_items is None:
        assert not result.cases, f"import accepted a malformed file: {payload[:120]!r}"
        assert result.errors, "import refused the file without a message"
    else:
        assert len(result.cases) == n_items
        assert len(result.errors) >= len(decoded) - n_items
    for issue in result.errors:
        assert issue.source == source
        if issue.where:  # an item of a list file: its messages name fields
            assert issue.where.startswith("item "), issue
            assert field_of(issue.message), f"unnamed: {issue.with_source()}"
        else:  # the file itself (not UTF-8, not JSON, empty) or a case object's field
            assert issue.with_source().startswith(f"{source}: "), issue


def run_cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def cli_messages(err: str) -> list[str]:
    return [line[4:] for line in err.splitlines() if line.startswith("  - ")]


def check_cli(capsys: pytest.CaptureFixture[str], path: Path, payload: bytes) -> None:
    code, out, err = run_cli(capsys, ["assess", str(path)])
    assert code == EXIT_BAD_INPUT, (code, out[:200])
    assert out == ""
    messages = cli_messages(err)
    assert messages and all(field_of(m) for m in messages), err[:500]

    output = path.with_suffix(".pdf")
    code, out, err = run_cli(capsys, ["export", str(path), "-o", str(output)])
    assert code == EXIT_BAD_INPUT
    assert not output.exists()
    assert cli_messages(err) == messages

    code, out, err = run_cli(capsys, ["import", "--dry-run", str(path)])
    n_items = valid_items(payload)
    if n_items is None or n_items < len(_decoded(payload)):
        assert code == EXIT_BAD_INPUT, (code, out, err)
        assert err.startswith(f"lms-board: {path}: ")
    else:
        assert code == 0


def test_malformed_case_files_are_refused_naming_a_field(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = Failures("malformed case files (malformed_payloads): parse, JSON import, CLI x3")

    @robust_settings(small=150, full=10_000)
    @given(payload=malformed_payloads())
    def run(payload: bytes) -> None:
        with failures.collect(payload):
            refused(payload)
            check_json_import(read_upload("case.json", payload), payload, "case.json")
            path = workdir / "case.json"
            path.write_bytes(payload)
            check_cli(capsys, path, payload)

    run()
    failures.check()


def test_invalid_cases_name_the_broken_field(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = Failures("invalid case dicts (invalid_case_dicts): parse, JSON import, CLI x3")

    @robust_settings(small=150, full=10_000)
    @given(invalid=invalid_case_dicts())
    def run(invalid: Invalid) -> None:
        with failures.collect(invalid):
            payload = to_bytes(invalid.data)
            messages = refused(payload)
            assert names_field(messages, invalid.field), (invalid.field, messages)
            result = read_json_cases(payload, "case.json")
            check_json_import(result, payload, "case.json")
            if isinstance(invalid.data, dict):
                assert names_field([i.message for i in result.errors], invalid.field)
            path = workdir / "invalid.json"
            path.write_bytes(payload)
            check_cli(capsys, path, payload)

    run()
    failures.check()


def test_malformed_csv_sheets_are_refused_naming_the_column(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failures = Failures("malformed CSV sheets: CSV import, CLI import")

    @robust_settings(small=100, full=3_000)
    @given(bad=malformed_csv())
    def run(bad: BadSheet) -> None:
        with failures.collect(bad):
            check_csv(bad, workdir, capsys)

    run()
    failures.check()


def check_csv(bad: BadSheet, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = read_csv_cases(bad.data, "cases.csv")
    assert not result.cases, f"accepted: {bad}"
    assert result.errors
    for issue in result.errors:
        assert issue.source == "cases.csv"
        structural = issue.where in ("", "row 1") or "cells but the header names" in issue.message
        assert structural or field_of(issue.message), f"unnamed: {issue.with_source()}"
    at_level = [i.message for i in result.errors if i.where == bad.level]
    assert at_level, (bad.level, result.messages)
    if bad.level == "row 2" and bad.field:
        assert names_field(at_level, bad.field), (bad.field, at_level)
    elif bad.level == "row 1" and bad.field:
        assert any(bad.field in m for m in at_level), (bad.field, at_level)
    assert read_upload("cases.csv", bad.data).messages == result.messages

    path = workdir / "cases.csv"
    path.write_bytes(bad.data)
    code, out, err = run_cli(capsys, ["import", "--dry-run", str(path)])
    assert code == EXIT_BAD_INPUT
    assert "0 case(s) valid" in out
    assert err.startswith(f"lms-board: {path}: ")


def test_surrogate_bytes_in_a_key_are_refused_as_not_utf8() -> None:
    payload = b'{"\xed\xa0\x80schema_version": 1, "case_id": "A"}'
    messages = refused(payload)
    assert messages[0].startswith("(file): not UTF-8"), messages
