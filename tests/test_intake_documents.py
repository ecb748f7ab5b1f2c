"""Case intake "From documents" through Streamlit's AppTest, on a fresh SQLite store per test:
nothing pasted, a case with a conflict and identifiers, unreadable files, values used and
the case saved, what the user typed kept; and no identifier of a corpus case anywhere in the
store (case rows, drafts, audit log), the exports or the logs after the whole flow.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest
from test_clinician_text import page_text, problems
from test_pages import W, assert_ok, data_dir, goto, new_session, texts, unescape

from lms_board.assess import assess
from lms_board.export import FORMATS, export_bytes, render_packet
from lms_board.extract import DocumentError, document_from_bytes
from lms_board.store import open_store

__all__ = ["data_dir"]  # the fixture, used by name

CORPUS = Path(__file__).resolve().parent / "extract" / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
TEXT = "intake_docs:text:{round}:{i}"


def documents(case: str) -> list[Path]:
    return sorted(p for p in (CORPUS / case).iterdir() if p.suffix == ".txt")


def identifiers(case: str) -> list[str]:
    """Every identifier string of the case's gold file, and each word of every name."""
    gold = json.loads((CORPUS / case / "gold.json").read_text())
    found = {i["text"] for i in gold["identifiers"]}
    for i in gold["identifiers"]:
        if i["kind"] == "name":
            found |= {w.strip(",.") for w in i["text"].split() if len(w.strip(",.")) > 3}
    return sorted(found)


def paste(at: AppTest, texts_: list[str], round_: int = 0) -> None:
    for i, text in enumerate(texts_):
        at.text_area(key=TEXT.format(round=round_, i=i)).set_value(text)


def extract(at: AppTest) -> AppTest:
    at.button(key="intake_docs_extract").click().run()
    assert_ok(at)
    return at


def intake() -> AppTest:
    return goto(new_session(), "intake")


def errors(at: AppTest) -> list[str]:
    return [unescape(e.value) for e in at.error]


def test_nothing_pasted_says_what_to_do(data_dir: Path) -> None:
    at = extract(intake())
    assert errors(at) == ["Paste the text of a letter or report, or upload a file, then Extract."]
    assert not [b for b in at.button if b.key == "intake_docs_use"]


def test_extracted_case_shows_sources_conflict_identifiers_and_missing(data_dir: Path) -> None:
    at = intake()
    paste(at, [p.read_text() for p in documents("C01")])
    extract(at)
    shown = texts(at)
    assert "**29 values found in 3 document(s):** Pathology report, Imaging report, Letter" in shown
    # The review table: labels (never paths), values in words, the sentence with the match.
    [table] = [m.value for m in at.markdown if m.value.startswith("| Field |")]
    table = unescape(table)
    assert "| Mitoses per 10 HPF | 18 | **Pathology report** · Mitotic count: " in table
    assert ":orange-background[**18/10 HPF**]" in table
    assert "pathology.mitoses" not in table and "mitotic-count" not in table
    # The conflict: both candidates with their source; the imaging report's preselected.
    [pick] = [r for r in at.radio if r.key == "intake_docs_pick:tumor.size_cm"]
    assert pick.label == "Size (cm, greatest dimension)"
    assert pick.value == 0 and [unescape(o) for o in pick.options] == [
        "**9.2** from Imaging report",
        "**8** from Letter",
    ]
    assert "Why: a measured size in a pathology or imaging report (the newest first)" in shown
    assert "(conflict-size)" not in shown
    # Identifiers: kinds and counts, stated removed; never their text.
    assert (
        "Identifiers found and removed: 7 names, 3 hospital or record numbers, 2 NHS numbers, "
        "1 address, 1 phone number, 1 date of birth." in shown
    )
    for text in identifiers("C01"):
        assert text not in shown, text
    assert "needed by the board: Necrosis (%), Distant metastases, Primary resectability" in shown


def test_resolving_the_conflict_takes_one_click(data_dir: Path) -> None:
    at = intake()
    paste(at, [p.read_text() for p in documents("C01")])
    extract(at)
    at.radio(key="intake_docs_pick:tumor.size_cm").set_value(1).run()
    assert_ok(at)
    assert "Why: chosen by the reviewer." in texts(at)
    [table] = [unescape(m.value) for m in at.markdown if m.value.startswith("| Field |")]
    assert "| Size (cm, greatest dimension) | 8 · the documents disagree" in table


def test_unreadable_files_are_named_and_the_others_read(data_dir: Path) -> None:
    at = intake()
    letter = (CORPUS / "C01" / "referral_letter.txt").read_bytes()
    bad = [
        ("junk.txt", bytes(range(256)) * 40),
        ("empty.txt", b""),
        ("broken.pdf", b"%PDF-1.4\n%%EOF\n"),
        ("sheet.xlsx", b"PK\x03\x04 not really"),
        ("big.txt", b"tumour " * 800_000),
    ]
    at.file_uploader(key="intake_docs:files:0:").set_value(
        [("letter.txt", letter, "text/plain")] + [(n, d, "text/plain") for n, d in bad]
    ).run()
    extract(at)
    assert errors(at) == [_refusal(name, data) for name, data in bad]
    assert "values found in 1 document(s):** letter.txt" in texts(at)
    assert open_store().list_cases() == []


def test_a_word_file_and_a_pdf_are_read(data_dir: Path) -> None:
    import docx
    from fpdf import FPDF

    word = docx.Document()
    for line in (CORPUS / "C01" / "core_biopsy.txt").read_text().splitlines():
        word.add_paragraph(line)
    word_bytes = io.BytesIO()
    word.save(word_bytes)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, (CORPUS / "C01" / "mri_thigh.txt").read_text())
    at = intake()
    at.file_uploader(key="intake_docs:files:0:").set_value(
        [
            ("biopsy.docx", word_bytes.getvalue(), "application/zip"),
            ("mri.pdf", bytes(pdf.output()), "application/pdf"),
        ]
    ).run()
    extract(at)
    assert errors(at) == []
    assert "values found in 2 document(s):** biopsy.docx, mri.pdf" in texts(at)
    [table] = [unescape(m.value) for m in at.markdown if m.value.startswith("| Field |")]
    assert "| Mitoses per 10 HPF | 18 | **biopsy.docx** ·" in table
    assert "| Size (cm, greatest dimension) | 9.2 | **mri.pdf** ·" in table


def test_the_review_stays_with_its_form(data_dir: Path) -> None:
    at = new_session()
    at.button(key="board_demo").click().run()
    goto(at, "intake")
    paste(at, [(CORPUS / "C01" / "mri_thigh.txt").read_text()])
    extract(at)
    assert [b for b in at.button if b.key == "intake_docs_use"]
    at.selectbox(key="app_case_pick").set_value("DEMO-03").run()  # another case opened
    goto(at, "intake")
    assert "Editing DEMO-03" in texts(at)
    assert not [b for b in at.button if b.key == "intake_docs_use"]


def _refusal(name: str, data: bytes) -> str:
    """The extractor's own message for a file it refuses (the page shows it as it is)."""
    with pytest.raises(DocumentError) as refused:
        document_from_bytes(name, data)
    message = str(refused.value)
    assert message.startswith(f"{name}: ")
    return message


def test_a_pdf_without_text_layer_and_a_zip_bomb_are_refused(data_dir: Path) -> None:
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    pdf = bytes(blank.output())
    bomb = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>" + b" " * 30_000_000)
    at = intake()
    at.file_uploader(key="intake_docs:files:0:").set_value(
        [("ct.pdf", pdf, "application/pdf"), ("bomb.docx", bomb.getvalue(), "application/zip")]
    ).run()
    extract(at)
    found = errors(at)
    assert found[0] == "ct.pdf: no text layer; paste the text instead"
    assert found[1].startswith("bomb.docx: the .docx unpacks to 30 MB (too large")
    assert not [b for b in at.button if b.key == "intake_docs_use"]


def test_use_these_values_fills_the_form_keeps_what_was_typed_and_saves(data_dir: Path) -> None:
    at = intake()
    at.text_input(key=W + "patient.ecog").set_value("2").run()  # typed before the documents
    at.text_input(key=W + "case_id").set_value("DOC-01").run()
    paste(at, [p.read_text() for p in documents("C01")])
    extract(at)
    at.button(key="intake_docs_use").click().run()
    assert_ok(at)
    shown = texts(at)
    assert "Filled 26 field(s) from Pathology report, Imaging report, Letter" in shown
    assert "Kept what you had entered for: ECOG." in shown
    assert at.text_input(key=W + "patient.ecog").value == "2"
    assert at.text_input(key=W + "tumor.size_cm").value == "9.2"
    assert at.selectbox(key=W + "tumor.site").value == "extremity"
    assert at.text_area(key=W + "pathology.ihc_other").value.splitlines() == [
        "cd34: negative",
        "mdm2: negative",
        "s100: negative",
    ]
    # The pasted documents are gone from the page (and the session) once used.
    assert [a.value for a in at.text_area if str(a.key).startswith("intake_docs:text")] == [
        "",
        "",
        "",
    ]
    [draft] = _drafts()
    assert draft["form"]["tumor.size_cm"] == "9.2" and draft["form"]["patient.ecog"] == "2"
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert "Created DOC-01" in texts(at)
    stored = open_store().get("DOC-01")
    assert stored is not None
    assert stored.case.patient.ecog == 2 and stored.case.patient.age == 63
    assert stored.case.tumor.size_cm == 9.2 and stored.case.pathology.mitoses_per_10hpf == 18


def _drafts() -> list[dict[str, Any]]:
    store = open_store()
    found = [store.load_draft(key) for key, _ in store.list_drafts("local:tester")]
    return [d for d in found if d is not None]


def _flow(at: AppTest, case: str) -> tuple[str, list[str]]:
    """Paste, Extract, resolve any conflict the other way, Use, complete, Save; the case id
    and the drafts kept before the save."""
    paste(at, [p.read_text() for p in documents(case)])
    extract(at)
    assert problems(page_text(at)) == [], case  # the review says no code, path or rule id
    for radio in [r for r in at.radio if str(r.key).startswith("intake_docs_pick:")]:
        radio.set_value(len(radio.options) - 1).run()
    at.button(key="intake_docs_use").click().run()
    case_id = f"DOC-{case}"
    at.text_input(key=W + "case_id").set_value(case_id).run()
    if not at.text_input(key=W + "patient.age").value:
        at.text_input(key=W + "patient.age").set_value("60").run()
    if at.selectbox(key=W + "patient.sex").value is None:
        at.selectbox(key=W + "patient.sex").set_value("unknown").run()
    if at.selectbox(key=W + "tumor.site").value is None:
        at.selectbox(key=W + "tumor.site").set_value("other").run()
    drafts = [json.dumps(d) for d in _drafts()]
    at.button(key="intake_save").click().run()
    assert_ok(at)
    assert f"Created {case_id}" in texts(at), errors(at)
    return case_id, drafts


def _export_text(case_id: str) -> str:
    stored = open_store().get(case_id)
    assert stored is not None
    assessment = assess(stored.case)
    out = []
    for fmt in FORMATS:
        data = export_bytes(stored.case, assessment, fmt)
        if fmt in ("pdf", "report"):
            out += [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        elif fmt == "pptx":
            slides = Presentation(io.BytesIO(data)).slides
            out += [s.text_frame.text for sl in slides for s in sl.shapes if s.has_text_frame]
        else:
            out.append(data.decode())
    packet = render_packet([(stored.case, assessment)])
    out += [page.extract_text() for page in PdfReader(io.BytesIO(packet)).pages]
    return "\n".join(out)


@pytest.mark.parametrize("case", CASES)
def test_every_corpus_case_reviewed_in_words_and_no_identifier_kept(
    data_dir: Path, case: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    at = intake()
    # A draft saved while the documents are pasted, and another after the values are used.
    at.text_input(key=W + "presenter").set_value("Sarcoma fellow").run()
    case_id, drafts = _flow(at, case)
    stored_bytes = b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())
    store = open_store()
    rows = [v.case.to_json() for v in store.versions(case_id)]
    assert drafts and _drafts() == []  # kept while entering, cleared by the save
    exports = _export_text(case_id)
    out, err = capfd.readouterr()
    logs = "\n".join([caplog.text, out, err])
    assert rows, case_id
    for text in identifiers(case):
        assert text.encode() not in stored_bytes, (case, text)
        for where, content in (("case row", rows), ("drafts", drafts)):
            assert not any(text in c for c in content), (case, where, text)
        assert text not in exports, (case, "exports", text)
        assert text not in logs, (case, "logs", text)
