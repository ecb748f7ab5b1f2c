"""Documents in: text, PDF with a text layer, .docx give the same values; malformed input
(empty, binary, 5 MB, no text layer, password, zip bomb) gives a clear message, stores
nothing and does not crash."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF

from extract.helpers import CORPUS
from lms_board.cli import main
from lms_board.extract import (
    DocumentError,
    document_from_text,
    extract_documents,
    read_document,
)

LETTER = CORPUS / "C01" / "mri_thigh.txt"


def _pdf(text: str | None, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    if text is None:
        pdf.rect(20, 20, 100, 60, style="F")
    else:
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, text.replace("−", "-"))
    data = bytes(pdf.output())
    if password is None:
        return data
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _values(path: Path) -> dict[str, object]:
    result = extract_documents([read_document(path)])
    return {f.path: f.value for f in result.fields}


def test_pdf_and_docx_give_the_values_of_the_text(tmp_path: Path) -> None:
    text = LETTER.read_text(encoding="utf-8")
    (tmp_path / "mri.pdf").write_bytes(_pdf(text))
    (tmp_path / "mri.docx").write_bytes(_docx(text))
    expected = _values(LETTER)
    assert expected["tumor.size_cm"] == 9.2
    for name in ("mri.pdf", "mri.docx"):
        got = _values(tmp_path / name)
        assert got == expected, name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("junk.txt", bytes(range(256)) * 40, "not text"),
        ("notes.rtf", b"{\\rtf1 hello}", "unsupported file type"),
        ("scan.pdf", None, "no text layer; paste the text instead"),
        ("locked.pdf", "password", "password-protected"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "cannot read the PDF"),
        ("fake.docx", b"PK\x03\x04 not really a zip", "not a Word document"),
    ],
)
def test_malformed_input_gives_a_clear_message(
    tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if content is None:
        path.write_bytes(_pdf(None))
    elif isinstance(content, str):
        path.write_bytes(_pdf(LETTER.read_text(encoding="utf-8"), password=content))
    else:
        path.write_bytes(content)
    with pytest.raises(DocumentError, match=message.replace("(", r"\(")):
        read_document(path)


def test_a_5_mb_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"No evidence of metastatic disease. " * 150_000)
    assert path.stat().st_size > 5_000_000
    with pytest.raises(DocumentError, match="over the 2 MB limit"):
        read_document(path)
    with pytest.raises(DocumentError, match="character limit"):
        document_from_text("pasted", "x" * 5_000_000)


def test_a_docx_zip_bomb_is_refused_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            chunk = b"\0" * 1_000_000
            for _ in range(200):
                member.write(chunk)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(DocumentError, match="zip bomb"):
        read_document(path)


def test_cli_exit_2_and_nothing_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("LMS_BOARD_DATA", str(data))
    bad = tmp_path / "junk.txt"
    bad.write_bytes(os.urandom(1) * 0 + bytes(range(256)) * 10)
    out = tmp_path / "case.json"
    assert main(["extract", str(LETTER), str(bad), "--case-out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "junk.txt: " in captured.err and "Traceback" not in captured.err
    assert captured.out == ""
    assert not out.exists()
    assert list(data.iterdir()) == []
