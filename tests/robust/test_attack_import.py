"""Hostile import files (issue 11): quadratic shapes, FHIR entries of unknown kinds or no kind
at all, duplicate JSON keys, FHIR elements dropped without a word. Each failed before."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.hostile_files import MB, SHAPES, make
from lms_board.case import CaseError, parse_case_json
from lms_board.demo import demo_case
from lms_board.interchange import cases_to_fhir_bundle, read_json_cases, read_upload
from robust.scale import FULL

#: Sizes compared: a linear parser takes about 10 times as long for the larger; a quadratic one
#: about 100 times. ``make robust`` uses the issue's 0.5 and 5 MB.
SMALL, LARGE = (MB // 2, 5 * MB) if FULL else (MB // 10, MB)
MAX_RATIO = 15


def _seconds(name: str, data: bytes) -> float:
    """CPU seconds of the best of 3 reads. The test process's own objects (pytest, streamlit)
    are frozen out of the garbage collector first: a full collection would scan them, a cost
    of the test runner, not of the parser."""
    best = float("inf")
    gc.collect()
    gc.freeze()
    try:
        for _ in range(3):
            start = time.process_time()
            read_upload(name, data)
            best = min(best, time.process_time() - start)
    finally:
        gc.unfreeze()
    return max(best, 1e-3)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_import_time_grows_linearly_with_the_file(shape: str) -> None:
    small, large = make(shape, SMALL), make(shape, LARGE)
    # Time per byte, compared: the files are only about SMALL and LARGE bytes long.
    ratio = (_seconds(*large) / len(large[1])) / (_seconds(*small) / len(small[1])) * 10
    print(f"\n{shape}: {len(large[1]) / MB:.2f} MB vs {len(small[1]) / MB:.2f} MB: {ratio:.1f}x")
    assert ratio <= MAX_RATIO, f"{shape}: {ratio:.1f} times slower for 10 times the size"


def _bundle_with(*extra: object) -> dict[str, object]:
    data = cases_to_fhir_bundle([demo_case("DEMO-01")])
    data["entry"] = [*data["entry"], *extra]  # type: ignore[list-item]
    return data


@pytest.mark.parametrize(
    "entry",
    [
        {"resource": {"resourceType": "BogusType", "id": "b"}},
        {"resource": {"resourceType": "Procedure", "id": "p", "status": "completed"}},
        "a string",
        42,
        None,
        {"resource": "not an object"},
        {"resource": {"id": "no type"}},
    ],
    ids=["bogus", "procedure", "string", "number", "null", "resource-string", "no-type"],
)
def test_fhir_entries_of_unknown_kinds_are_reported_and_skipped(entry: object) -> None:
    data = _bundle_with(entry)
    number = len(data["entry"])  # type: ignore[arg-type]
    result = read_json_cases(json.dumps(data).encode(), "bundle.json")
    assert [c.case_id for c in result.cases] == ["DEMO-01"]  # the good case still imports
    said = [str(i) for i in result.errors + result.notices]
    assert any(s.startswith(f"entry {number}: ") for s in said), said


def test_an_unknown_resource_type_is_named(tmp_path: Path) -> None:
    result = read_json_cases(json.dumps(_bundle_with({"resource": {"resourceType": "BogusType"}})))
    assert any("'BogusType' is not read by LMS Board" in str(n) for n in result.notices)


def test_the_cli_reports_bad_entries_without_a_traceback(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(_bundle_with("oops", {"resource": {"resourceType": "R4x"}})))
    proc = subprocess.run(
        [sys.executable, "-m", "lms_board", "import", "--dry-run", str(bundle)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-1500:]
    assert proc.returncode == 2
    assert "entry 7: not a Bundle entry with a resource (str)" in proc.stderr
    assert "'R4x' is not read by LMS Board" in proc.stderr


def test_fhir_elements_not_imported_are_listed() -> None:
    data = _bundle_with()
    patient = next(e for e in data["entry"] if e["resource"]["resourceType"] == "Patient")  # type: ignore[index]
    patient["resource"].update(birthDate="1970-01-01", name=[{"family": "Doe"}])  # type: ignore[index]
    result = read_json_cases(json.dumps(data))
    notes = [str(n) for n in result.notices]
    assert any("Patient.birthDate is not imported" in n for n in notes), notes
    assert any("Patient.name is not imported" in n for n in notes), notes
    assert any("stage group Observation not imported" in n for n in notes), notes


def test_duplicate_json_keys_are_refused_naming_the_key() -> None:
    text = demo_case("DEMO-01").to_json()
    doubled = text.replace('"age": ', '"age": 45, "age": ', 1)
    assert doubled != text
    with pytest.raises(CaseError, match="'age' is given twice"):
        parse_case_json(doubled)
    result = read_json_cases(doubled.encode(), "case.json")
    assert result.cases == [] and "'age' is given twice" in result.messages[0]
