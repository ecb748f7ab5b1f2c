"""``lms-board meeting``: papers written with the date in their name, errors as messages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as read_docx
from meeting_fixtures import seed_board
from pypdf import PdfReader

from lms_board.cli import main
from lms_board.store import open_store
from lms_board.store.engine import dispose_engine


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    seed_board(open_store(url))
    monkeypatch.chdir(tmp_path)
    yield url
    dispose_engine(url)


def test_list_and_show(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meeting", "list", "--database", db]) == 0
    assert capsys.readouterr().out.startswith("MTG-2026-12-10\t2026-12-10 14:00–14:50\t4 cases")
    assert main(["meeting", "show", "MTG-2026-12-10", "--database", db]) == 0
    out = capsys.readouterr().out
    assert "14:25–14:35\tDEMO-06\tDefer: no tissue diagnosis, no chest CT" in out
    assert "DEMO-03\tReady\tno decision" in out


def test_letters_minutes_packet_and_deck_are_written(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--database", db]
    assert main(["meeting", "letter", "MTG-2026-12-10", "SYN-OLIGO", "-f", "docx", *base]) == 0
    docx = read_docx(str(tmp_path / "outcome-letter-SYN-OLIGO-2026-12-10.docx"))
    assert any("metastasectomy" in p.text for p in docx.paragraphs)
    assert main(["meeting", "letter", "MTG-2026-12-10", "SYN-OLIGO", *base]) == 0
    pdf = PdfReader(str(tmp_path / "outcome-letter-SYN-OLIGO-2026-12-10.pdf"))
    assert "Signed off by Dr Chair" in " ".join(p.extract_text() or "" for p in pdf.pages)
    assert main(["meeting", "minutes", "MTG-2026-12-10", "-o", "m.pdf", *base]) == 0
    assert (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF")
    assert main(["meeting", "packet", "MTG-2026-12-10", *base]) == 0
    assert len(PdfReader(str(tmp_path / "board-packet-2026-12-10.pdf")).pages) == 5
    assert main(["meeting", "deck", "MTG-2026-12-10", *base]) == 0
    assert (tmp_path / "board-deck-2026-12-10.pptx").stat().st_size > 10_000
    exports = [e for e in open_store(db).audit_log() if e.action == "export"]
    assert [e.detail.split(":")[0] for e in exports] == [
        "letter of meeting MTG-2026-12-10",
        "letter of meeting MTG-2026-12-10",
        "minutes of meeting MTG-2026-12-10",
        "packet of meeting MTG-2026-12-10",
        "deck of meeting MTG-2026-12-10",
    ]
    assert exports[0].case_id == "SYN-OLIGO"


def test_quality_csv(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meeting", "quality", "--database", db]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["meeting"] for r in rows] == ["MTG-2026-12-10", "All meetings"]
    assert rows[0]["decided"] == "2" and rows[0]["deferred"] == "1"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["letter", "MTG-2026-12-10", "DEMO-03"], "DEMO-03 has no board decision"),
        (["letter", "MTG-2026-12-10", "DEMO-02"], "DEMO-02 is not on the agenda"),
        (["minutes", "MTG-1999-01-01"], "Meeting MTG-1999-01-01 is not in the store"),
        (["show", "nope"], "Meeting nope is not in the store"),
    ],
)
def test_errors_are_one_message_and_exit_2(
    db: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["meeting", *argv, "--database", db]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_an_identifier_in_free_text_needs_confirmation(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(db)
    current = store.get("DEMO-01")
    assert current is not None
    data = current.case.to_json_dict()
    data["notes"] = "MRN 12345678"
    from lms_board.case import parse_case

    store.save(parse_case(data), current.version, "local:x")
    assert main(["meeting", "letter", "MTG-2026-12-10", "DEMO-01", "--database", db]) == 2
    assert "DEMO-01" in capsys.readouterr().err
    argv = ["meeting", "letter", "MTG-2026-12-10", "DEMO-01", "--confirm-identifiers"]
    assert main([*argv, "--database", db]) == 0
