"""Documents in: plain text, PDF with a text layer (pypdf), ``.docx`` (python-docx).

Every refusal is a :class:`DocumentError` with a message for the user, never a traceback:
an empty file, binary data, a file over the size limit, a PDF without a text layer
("no text layer; paste the text instead"), a password-protected PDF, a ``.docx`` whose
unpacked size is too large (a zip bomb). Reading is bounded in size, pages and time.
Example: ``read_document(Path("mri.txt"))`` → ``Document(name="mri.txt", text=...)``.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: Largest file accepted (bytes); a referral letter or report is a few kB.
MAX_FILE_BYTES = 2_000_000
#: Largest text kept from one document (characters).
MAX_TEXT_CHARS = 200_000
#: Largest unpacked size of a .docx (bytes) and its largest compression ratio.
MAX_DOCX_UNPACKED = 20_000_000
MAX_DOCX_RATIO = 100
#: Pages read from a PDF, and the time allowed to read them (seconds).
MAX_PDF_PAGES = 50
MAX_PDF_SECONDS = 10.0

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".pdf", ".docx")


class DocumentError(ValueError):
    """A document that cannot be read; ``str(exc)`` is the message for the user."""


@dataclass(frozen=True)
class Document:
    """One document of a case: its name (shown as the source) and its text."""

    name: str
    text: str


def read_document(path: Path | str) -> Document:
    """Read a file from disk as a :class:`Document`, or raise :class:`DocumentError`."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise DocumentError(f"{p.name}: no such file") from None
    except OSError as exc:
        raise DocumentError(f"{p.name}: cannot read ({exc.strerror})") from None
    if p.is_dir():
        raise DocumentError(f"{p.name}: is a folder, not a document")
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            f"{p.name}: {size / 1_000_000:.1f} MB is over the {MAX_FILE_BYTES // 1_000_000} MB "
            "limit for one document; paste the relevant text instead"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{p.name}: cannot read ({exc.strerror})") from None
    return document_from_bytes(p.name, data)


def document_from_bytes(name: str, data: bytes) -> Document:
    """A document from uploaded bytes; the type comes from the name's suffix."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{name}: unsupported file type '{suffix or '(none)'}'; "
            "use .txt, .pdf (with a text layer) or .docx"
        )
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(
            f"{name}: {len(data) / 1_000_000:.1f} MB is over the "
            f"{MAX_FILE_BYTES // 1_000_000} MB limit for one document"
        )
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    if suffix == ".pdf":
        text = _pdf_text(name, data)
    elif suffix == ".docx":
        text = _docx_text(name, data)
    else:
        text = _plain_text(name, data)
    return document_from_text(name, text)


def document_from_text(name: str, text: str) -> Document:
    """A pasted or read text as a document (checked: not empty, not too long)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise DocumentError(f"{name}: no text in the document")
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(
            f"{name}: {len(text):,} characters is over the {MAX_TEXT_CHARS:,} character limit "
            "for one document; paste the relevant part instead"
        )
    return Document(name=name, text=text)


def _plain_text(name: str, data: bytes) -> str:
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        raise DocumentError(f"{name}: this is a PDF or Word file, not plain text; rename it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DocumentError(f"{name}: not text (unknown encoding or binary data)") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise DocumentError(f"{name}: binary data, not text")
    return text


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF"):
        raise DocumentError(f"{name}: not a PDF file")
    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except (PyPdfError, NotImplementedError, ValueError):
                opened = False
            if not opened:
                raise DocumentError(
                    f"{name}: the PDF is password-protected; save an unprotected copy or paste the text"
                )
        pages = []
        for i, page in enumerate(reader.pages):
            if i >= MAX_PDF_PAGES:
                break
            if time.monotonic() - started > MAX_PDF_SECONDS:
                raise DocumentError(f"{name}: the PDF takes too long to read; paste the text")
            pages.append(page.extract_text() or "")
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise DocumentError(f"{name}: cannot read the PDF ({type(exc).__name__})") from None
    text = "\n\n".join(pages)
    if len("".join(text.split())) < 20:
        raise DocumentError(f"{name}: no text layer; paste the text instead")
    return text


def _docx_text(name: str, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(i.file_size for i in infos)
            packed = max(1, sum(i.compress_size for i in infos))
            if unpacked > MAX_DOCX_UNPACKED or unpacked / packed > MAX_DOCX_RATIO:
                raise DocumentError(
                    f"{name}: the .docx unpacks to {unpacked / 1_000_000:.0f} MB "
                    "(too large: possibly a zip bomb); paste the text instead"
                )
            if "word/document.xml" not in archive.namelist():
                raise DocumentError(f"{name}: not a Word document (.docx)")
    except zipfile.BadZipFile:
        raise DocumentError(f"{name}: not a Word document (.docx)") from None
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged file
        raise DocumentError(
            f"{name}: cannot read the Word document ({type(exc).__name__})"
        ) from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)
