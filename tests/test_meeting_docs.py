"""The meeting's papers, parsed back: the outcome letter as PDF (pypdf) and Word
(python-docx), the minutes, the packet (cover = the meeting's agenda) and the deck."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from docx import Document as read_docx
from meeting_fixtures import seed_board
from pptx import Presentation
from pypdf import PdfReader

from lms_board import DISCLAIMER
from lms_board.export.meeting_docs import (
    build_letter,
    deck_file_name,
    letter_file_name,
    minutes_file_name,
    packet_file_name,
    render_letter,
    render_meeting_deck,
    render_meeting_packet,
    render_minutes,
)
from lms_board.meeting.papers import MeetingPapers, gather
from lms_board.store import CaseStore, open_store
from lms_board.store.engine import dispose_engine
from lms_board.store.errors import NoDecisionError, StoreError
from lms_board.store.meeting_store import MeetingStore

TODAY = date(2026, 12, 8)
PLAN = (
    "Systemic therapy first, then local treatment if the disease stays limited (a test of "
    "tumour biology), then wide resection"
)


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[CaseStore, MeetingPapers]]:
    url = f"sqlite:///{tmp_path / 'docs.sqlite3'}"
    store = open_store(url)
    mid = seed_board(store)
    yield store, gather(MeetingStore(store), mid, audit_head=True)
    dispose_engine(url)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _docx_text(data: bytes) -> str:
    doc = read_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for p in doc.sections[0].footer.paragraphs]
    return " ".join(" ".join(parts).split())


def test_the_outcome_letter_pdf_holds_the_decision_and_everything_around_it(
    board: tuple[CaseStore, MeetingPapers],
) -> None:
    _store, papers = board
    text = _pdf_text(render_letter(papers, "SYN-OLIGO", "pdf", generated=TODAY))
    for expected in (
        "To: Dr Referrer 0",
        "Board meeting 2026-12-10, 14:00–14:50",
        "Synchronous lung nodules: chemotherapy first, then surgery of both?",
        "49 y female",
        PLAN,
        "+ metastasectomy",
        "Intent curative",
        "chemotherapy first to test the biology",
        "Options discussed",
        "Stereotactic body radiotherapy (SBRT)",
        "Next surveillance",
        "Book chemotherapy start Dr MedOnc 2026-12-17 open",
        "Restaging CT after 3 cycles Nurse Key 2027-02-20 open",
        "Dr Pathologist (pathologist)",
        "Core-member quorum met.",
        "Signed off by Dr Chair",
        DISCLAIMER,
    ):
        assert expected in text, expected
    assert "NOT SIGNED OFF" not in text


def test_the_outcome_letter_docx_opens_in_word_with_the_same_content(
    board: tuple[CaseStore, MeetingPapers],
) -> None:
    _store, papers = board
    data = render_letter(papers, "SYN-OLIGO", "docx", generated=TODAY)
    text = _docx_text(data)
    for expected in (
        "To: Dr Referrer 0",
        PLAN,
        "Recommendation:",
        "Intent: curative",
        "Book chemotherapy start",
        "Dr MedOnc",
        "2026-12-17",
        "Dr Surgeon (sarcoma surgeon)",
        "Signed off by Dr Chair",
        DISCLAIMER,
    ):
        assert expected in text, expected
    assert (
        read_docx(io.BytesIO(data)).core_properties.title == "Outcome letter SYN-OLIGO 2026-12-10"
    )


def test_an_unsigned_decision_is_marked_and_a_deferral_says_what_is_awaited(
    board: tuple[CaseStore, MeetingPapers],
) -> None:
    _store, papers = board
    unsigned = _pdf_text(render_letter(papers, "DEMO-01", "pdf", generated=TODAY))
    assert "NOT SIGNED OFF: draft of decision version 1" in unsigned
    assert "Core-member quorum NOT met: no specialist nursing." in unsigned
    deferred = build_letter(papers, "DEMO-06", generated=TODAY).text()
    assert "Outcome: Deferred to a later meeting" in deferred
    assert "Waiting for: no tissue diagnosis; no chest CT" in deferred
    assert "overdue" in deferred  # the biopsy was due on 2026-12-03


def test_no_letter_without_a_decision_or_off_the_agenda(
    board: tuple[CaseStore, MeetingPapers],
) -> None:
    _store, papers = board
    with pytest.raises(NoDecisionError, match="DEMO-03 has no board decision"):
        render_letter(papers, "DEMO-03", "pdf")
    with pytest.raises(StoreError, match="DEMO-02 is not on the agenda"):
        render_letter(papers, "DEMO-02", "docx")


def test_the_minutes_cover_the_whole_meeting(board: tuple[CaseStore, MeetingPapers]) -> None:
    store, papers = board
    data = render_minutes(papers, generated=TODAY)
    text = _pdf_text(data)
    assert text.index("1. SYN-OLIGO") < text.index("2. DEMO-01") < text.index("3. DEMO-06")
    for expected in (
        "Tumour board minutes 2026-12-10",
        "Coordinator Coordinator C",
        "Nurse Key specialist nurse",
        "Quorum met",
        "14:25–14:35 DEMO-06 Deferred: no tissue diagnosis; no chest CT (not signed off)",
        "DEMO-03 no decision recorded",
        "Readiness Defer: no tissue diagnosis, no chest CT",
        "Time 14.5 min (slot 10 min)",
        "quorum NOT met (no specialist nursing)",
        "Not signed off (decision version 1).",
        store.audit_head(),
        DISCLAIMER,
    ):
        assert expected in text, expected
    assert minutes_file_name(papers.stored.meeting) == "board-minutes-2026-12-10.pdf"


def test_the_packet_cover_is_the_meetings_agenda(board: tuple[CaseStore, MeetingPapers]) -> None:
    _store, papers = board
    reader = PdfReader(io.BytesIO(render_meeting_packet(papers, generated=TODAY)))
    assert len(reader.pages) == 1 + 4
    cover = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Tumour board 2026-12-10" in cover and "chair Dr Chair" in cover
    assert cover.index("SYN-OLIGO") < cover.index("DEMO-01") < cover.index("DEMO-03")
    assert "14:25–14:35" in cover and "Defer: no tissue" in cover
    assert "SYN-OLIGO" in (reader.pages[1].extract_text() or "")
    assert packet_file_name(papers.stored.meeting) == "board-packet-2026-12-10.pdf"


def test_the_deck_has_a_slide_per_case_in_agenda_order(
    board: tuple[CaseStore, MeetingPapers],
) -> None:
    _store, papers = board
    deck = Presentation(io.BytesIO(render_meeting_deck(papers, generated=TODAY)))
    firsts = []
    for slide in deck.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        firsts.append(next(t for t in texts if t.strip()).split("\n")[0])
    assert firsts == ["SYN-OLIGO", "DEMO-01", "DEMO-06", "DEMO-03"]
    assert deck.core_properties.title == "Tumour board 2026-12-10"
    assert deck_file_name(papers.stored.meeting) == "board-deck-2026-12-10.pptx"
    assert letter_file_name(papers.stored.meeting, "DEMO-01", "docx") == (
        "outcome-letter-DEMO-01-2026-12-10.docx"
    )


def test_hostile_free_text_is_written_as_text(board: tuple[CaseStore, MeetingPapers]) -> None:
    store, papers = board
    meetings = MeetingStore(store)
    current = meetings.decision(papers.meeting_id, "DEMO-01")
    assert current is not None
    hostile = "<script>alert(1)</script>\x00\x07 =cmd|' /C calc'!A0 \u202eevil"
    edited = current.decision.model_copy(update={"rationale": hostile})
    meetings.record_decision(papers.meeting_id, "DEMO-01", edited, "local:chair", base_version=1)
    fresh = gather(meetings, papers.meeting_id)
    text = _docx_text(render_letter(fresh, "DEMO-01", "docx"))
    assert "<script>alert(1)</script>" in text and "\x00" not in text and "\u202e" not in text
    assert "<script>" in _pdf_text(render_letter(fresh, "DEMO-01", "pdf"))
