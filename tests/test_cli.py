"""``lms-board assess`` as a real subprocess (``python -m lms_board assess``)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import DELETE, changed, malformed_payloads, to_bytes

from lms_board import DISCLAIMER
from lms_board.assess import assess
from lms_board.cli import main
from lms_board.demo import demo_case

DEMO_DIR = Path(__file__).resolve().parent.parent / "src" / "lms_board" / "demo_cases"


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lms_board", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _demo_dict(case_id: str = "DEMO-01") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEMO_DIR / f"{case_id}.json").read_text(encoding="utf-8"))
    return data


def _assert_refused(result: subprocess.CompletedProcess[str], *fields: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    for field in fields:
        assert field in result.stderr, result.stderr


def test_assess_prints_the_assessment_as_json() -> None:
    path = DEMO_DIR / "DEMO-01.json"
    result = run_cli("assess", path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out == assess(demo_case("DEMO-01")).to_json_dict()
    assert out["classification"]["category"] == "resectable"
    assert "Traceback" not in result.stderr


def test_assess_shared_case(shared_dir: Path) -> None:
    result = run_cli("assess", shared_dir / "cases" / "PUB-05.json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["case_id"] == "PUB-05"
    assert out["classification"]["subtype"] == "oligometastatic"


def test_assess_text_format_is_readable() -> None:
    result = run_cli("assess", DEMO_DIR / "DEMO-06.json", "--format", "text")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Case DEMO-06: Resectable · localized")
    assert "provisional" in text
    assert "No chest CT" in text and "chest CT" in text
    assert "no_chest_ct" not in text, "codes and rule ids stay in the JSON output"
    assert DISCLAIMER in text
    assert not text.lstrip().startswith("{")


def test_unicode_and_markup_survive_to_stdout_in_a_c_locale(tmp_path: Path) -> None:
    data = changed(_demo_dict(), {"notes": "Ümit <script>alert(1)</script> 平滑筋肉腫 🩻"})
    path = tmp_path / "u.json"
    path.write_bytes(to_bytes(data))
    result = run_cli("assess", path, env={"LC_ALL": "C", "LANG": "C"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["case_id"] == "DEMO-01"


def _main(*args: str) -> tuple[int, str, str]:
    """``main()`` in process: the same function the console script calls."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "content",
    [b'{"schema_version": 1,', b"\xff\xfe\xfa", b"[]"],
    ids=["truncated", "bad-utf8", "array"],
)
def test_malformed_json_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    _assert_refused(run_cli("assess", path))


@pytest.mark.parametrize(
    "content",
    [b"{", b"not json", b"NaN", b"null", b'"case"', b"\xef\xbb\xbf"],
    ids=["open-brace", "text", "nan", "null", "string", "bom-only"],
)
def test_malformed_json_is_refused_in_process(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, out, err = _main("assess", str(path))
    assert (code, out) == (2, "")
    assert err.strip()


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    _assert_refused(run_cli("assess", path), "empty")


def test_whitespace_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.json"
    path.write_bytes(b"  \n\t")
    code, out, err = _main("assess", str(path))
    assert (code, out) == (2, "")
    assert "empty" in err


def test_missing_file_is_refused(tmp_path: Path) -> None:
    _assert_refused(run_cli("assess", tmp_path / "nowhere.json"), "nowhere.json")


def test_folder_is_refused(tmp_path: Path) -> None:
    _assert_refused(run_cli("assess", tmp_path))


def test_bad_fields_are_all_named(tmp_path: Path) -> None:
    data = changed(
        _demo_dict(),
        {
            "tumor.size_cm": -3,
            "patient.sex": "F",
            "extent.metastases": [{"site": "lung"}, {"site": "lung"}],
            "pathology.mrn": "1234567",
            "patient.age": DELETE,
        },
    )
    path = tmp_path / "bad-fields.json"
    path.write_bytes(to_bytes(data))
    result = run_cli("assess", path)
    _assert_refused(result, "tumor.size_cm", "patient.sex", "pathology.mrn", "patient.age")


def test_cross_field_breach_is_refused_naming_both_fields(tmp_path: Path) -> None:
    data = changed(_demo_dict(), {"tumor.uterine_extension": "confined"})
    path = tmp_path / "cross.json"
    path.write_bytes(to_bytes(data))
    _assert_refused(run_cli("assess", path), "tumor.uterine_extension", "tumor.site")


def test_deeply_nested_json_is_refused_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    _assert_refused(run_cli("assess", path))


def test_assess_without_a_file_is_a_usage_error() -> None:
    result = run_cli("assess")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed_payloads())
def test_main_refuses_any_malformed_payload(raw: bytes) -> None:
    # In process (a subprocess per example would be slow).
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.json"
        path.write_bytes(raw)
        code, out, err = _main("assess", str(path))
    assert (code, out) == (2, "")
    assert err.strip()
