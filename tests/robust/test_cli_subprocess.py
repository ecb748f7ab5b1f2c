"""A few malformed files through the real ``lms-board`` process (``python -m lms_board``):
exit code 2, every problem named on stderr, nothing on stdout, no traceback, no output file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from strategies import changed, to_bytes

from robust.oracles import field_of


def _base() -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (REPO_ROOT / "src/lms_board/demo_cases/DEMO-01.json").read_text(encoding="utf-8")
    )
    return data


#: file name -> (bytes, the field or file marker a message must name)
PAYLOADS: dict[str, tuple[bytes, str]] = {
    "truncated.json": (to_bytes(_base())[:57], "(file)"),
    "not-utf8.json": (b'{"case_id": "\xff"}', "(file)"),
    "nan.json": (to_bytes(changed(_base(), {"tumor.size_cm": float("nan")})), "(file)"),
    "deep.json": (b'{"notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "(file)"),
    "list-root.json": (b"[1, 2]", "(root)"),
    "size.json": (to_bytes(changed(_base(), {"tumor.size_cm": -1})), "tumor.size_cm"),
    "huge-notes.json": (to_bytes(changed(_base(), {"notes": "<" * 200_000})), "notes"),
}


def lms_board(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "lms_board", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LMS_BOARD_DATA": str(cwd / "data"), "HOME": str(cwd)},
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def messages(stderr: str) -> list[str]:
    return [line.strip()[2:] for line in stderr.splitlines() if line.startswith("  - ")]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-files")
    for name, (data, _field) in PAYLOADS.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", ["deep.json", "size.json"])
def test_assess_refuses_in_a_real_process(files: Path, name: str) -> None:
    proc = lms_board("assess", name, cwd=files)
    assert proc.returncode == 2
    assert proc.stdout == ""
    found = messages(proc.stderr)
    assert found and all(field_of(m) for m in found), proc.stderr
    assert any(m.startswith(PAYLOADS[name][1]) for m in found), proc.stderr


def test_export_refuses_and_writes_nothing(files: Path) -> None:
    proc = lms_board("export", "huge-notes.json", "-o", "out.pdf", cwd=files)
    assert proc.returncode == 2
    assert not (files / "out.pdf").exists()
    assert any(m.startswith("notes: ") for m in messages(proc.stderr)), proc.stderr


def test_packet_names_every_bad_file_and_field(files: Path) -> None:
    proc = lms_board("packet", ".", "-o", "board.pdf", cwd=files)
    assert proc.returncode == 2
    assert not (files / "board.pdf").exists()
    found = messages(proc.stderr)
    for name, (_data, field) in PAYLOADS.items():
        assert any(m.startswith(f"{name}: {field}") for m in found), (name, proc.stderr)


def test_import_refuses_every_file_and_imports_nothing(files: Path) -> None:
    names = sorted(PAYLOADS)
    proc = lms_board("import", *names, cwd=files)
    assert proc.returncode == 2
    assert "0 case(s) imported" in proc.stdout
    for name in names:
        assert f"lms-board: {name}: " in proc.stderr, (name, proc.stderr)
