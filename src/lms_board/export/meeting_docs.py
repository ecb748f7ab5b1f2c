"""The papers of a board meeting: the outcome letter per case (PDF and Word), the minutes of
the whole meeting (PDF), the board packet (cover = the meeting's agenda) and the slide deck,
each with the meeting's date in its file name.

All are drawn from :func:`lms_board.meeting.papers.gather`; nothing here decides anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from lms_board import DISCLAIMER
from lms_board.export.document import (
    Block,
    Bullets,
    Document,
    KeyValues,
    Para,
    Section,
    Table,
)
from lms_board.export.document_docx import render_document_docx
from lms_board.export.document_pdf import render_document_pdf
from lms_board.export.fonts import Paper
from lms_board.export.packet import AgendaLine, render_packet
from lms_board.export.slides import render_slides
from lms_board.export.text import (
    case_facts,
    case_line,
    generated_on,
    iso,
    next_visits,
    one_line,
)
from lms_board.meeting.follow_through import ordered, status_word
from lms_board.meeting.model import Meeting, MeetingDecision
from lms_board.meeting.papers import AgendaEntry, MeetingPapers, gather
from lms_board.meeting.timetable import meeting_end
from lms_board.store.errors import NoDecisionError
from lms_board.store.meeting_records import StoredAction, StoredDecision
from lms_board.store.meeting_store import MeetingStore
from lms_board.wording import registry_link

LetterFormat = Literal["pdf", "docx"]
LETTER_FORMATS: tuple[LetterFormat, ...] = ("pdf", "docx")
MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
KICKER = "Sarcoma multidisciplinary tumour board"
SURVEILLANCE_DATES = 4


# -- file names ---------------------------------------------------------------------------


def letter_file_name(meeting: Meeting, case_id: str, fmt: LetterFormat) -> str:
    """``outcome-letter-DEMO-01-2026-12-10.docx`` (case ids are file-name safe)."""
    return f"outcome-letter-{case_id}-{meeting.date.isoformat()}.{fmt}"


def minutes_file_name(meeting: Meeting) -> str:
    return f"board-minutes-{meeting.date.isoformat()}.pdf"


def packet_file_name(meeting: Meeting) -> str:
    return f"board-packet-{meeting.date.isoformat()}.pdf"


def deck_file_name(meeting: Meeting) -> str:
    return f"board-deck-{meeting.date.isoformat()}.pptx"


# -- shared wording -----------------------------------------------------------------------


def meeting_line(meeting: Meeting) -> str:
    """``Board meeting 2026-12-10, 14:00–15:10 · Room 4 · https://… · chair Dr Chair``."""
    when = f"{iso(meeting.date)}, {meeting.start_time:%H:%M}–{meeting_end(meeting):%H:%M}"
    return f"Board meeting {when} · {meeting.where} · chair {meeting.chair}"


def sign_off_text(decision: StoredDecision) -> str:
    if decision.signed_at is not None:
        return (
            f"Signed off by {decision.signer_name} on "
            f"{decision.signed_at:%Y-%m-%d %H:%M} UTC (decision version {decision.version})."
        )
    return f"Not signed off (decision version {decision.version})."


def decision_rows(decision: MeetingDecision) -> list[tuple[str, str]]:
    """The decision as label/value rows (letter and minutes alike)."""
    if decision.outcome == "deferred":
        rows = [("Outcome", "Deferred to a later meeting")]
        rows.append(("Waiting for", "; ".join(decision.deferral_reasons)))
    else:
        rows = [("Recommendation", decision.recommendation)]
        rows.append(("Intent", decision.intent or ""))
    if decision.rationale:
        rows.append(("Rationale", decision.rationale))
    if decision.departure_reason:
        rows.append(("Why not the listed options", decision.departure_reason))
    if decision.trial_nct or decision.trial_note:
        trial = " · ".join(x for x in (decision.trial_nct, decision.trial_note) if x)
        rows.append(("Trial referral", trial))
    return rows


def _actions_table(actions: Sequence[StoredAction], today: date) -> Block:
    if not actions:
        return Para("No follow-up actions recorded.", "italic")
    return Table(
        header=("Action", "Owner", "Due", "Status"),
        rows=tuple(
            (a.text, a.owner, iso(a.due) or "no date", status_word(a, today))
            for a in ordered(actions, today)
        ),
        widths=(6, 2.6, 1.6, 1.4),
    )


def _present(decision: MeetingDecision) -> list[Block]:
    people = [a.label for a in decision.attendees_present]
    quorum = (
        "Core-member quorum met."
        if decision.quorum.met
        else "Core-member quorum NOT met: no " + ", no ".join(decision.quorum.missing) + "."
    )
    return [Bullets(tuple(people)) if people else Para("Not recorded.", "italic"), Para(quorum)]


def _disclaimer() -> tuple[str, ...]:
    return (
        DISCLAIMER,
        "The options compared are those LMS Board listed for the case; the decision is the "
        "board's. Check trial eligibility and registry status on ClinicalTrials.gov.",
    )


# -- the outcome letter -------------------------------------------------------------------


def build_letter(
    papers: MeetingPapers, case_id: str, *, generated: date | datetime | None = None
) -> Document:
    """The outcome letter for one case to its referring clinician (the latest decision)."""
    entry = papers.entry(case_id)
    if entry.decision is None or entry.stored is None or entry.assessment is None:
        raise NoDecisionError(papers.meeting_id, case_id, "an outcome letter")
    meeting = papers.stored.meeting
    stored, a, d = entry.stored, entry.assessment, entry.decision
    decision = d.decision
    day = generated_on(generated)
    to = entry.item.referred_by or "the referring clinician"
    facts = [(f.label, f.value) for f in case_facts(stored.case, a)]
    sections = [
        Section(
            "Question for the board",
            (Para(one_line(stored.case.question) or "No question recorded.", "body"),),
        ),
        Section("Case summary", (Para(case_line(stored.case, a), "bold"), KeyValues(tuple(facts)))),
        Section("Board decision", (KeyValues(tuple(decision_rows(decision))),)),
        Section("Options discussed", (_options_discussed(decision),)),
        Section("Clinical trials", tuple(_trials(entry))),
        Section("Imaging plan", tuple(_imaging(entry, day))),
        Section("Follow-up actions", (_actions_table(entry.actions, day),)),
        Section("Attendees", tuple(_present(decision))),
        Section("Sign-off", (Para(sign_off_text(d), "body" if d.signed else "warn"),)),
    ]
    banner = None
    if not d.signed:
        banner = (
            f"NOT SIGNED OFF: draft of decision version {d.version}. Send only after the chair "
            "(or a named member) has signed it off."
        )
    return Document(
        kicker=f"{KICKER} · outcome letter",
        title=f"Case {case_id}: outcome of the board discussion",
        subtitle=(
            f"To: {to}",
            meeting_line(meeting),
            f"Case reference {case_id} (de-identified: match it to the patient in your "
            f"records) · letter generated {iso(day)}",
        ),
        sections=tuple(sections),
        footer=f"{case_id} · outcome letter · meeting {papers.meeting_id}",
        generated=day,
        banner=banner,
        meta_title=f"Outcome letter {case_id} {iso(meeting.date)}",
        closing=_disclaimer(),
    )


def _options_discussed(decision: MeetingDecision) -> Block:
    named = [i.text for i in decision.options_discussed]
    if not named:
        return Para("Not recorded.", "italic")
    return Bullets(tuple(named))


def _trials(entry: AgendaEntry) -> list[Block]:
    assert entry.decision is not None and entry.assessment is not None
    d = entry.decision.decision
    blocks: list[Block] = []
    if d.trial_nct:
        link = registry_link(d.trial_nct)
        blocks.append(Para(f"Referral: {d.trial_nct} ({link})", "bold"))
    elif d.trial_note:
        blocks.append(Para(f"Referral: {d.trial_note}", "bold"))
    trials = entry.assessment.trials
    if trials:
        blocks.append(
            Bullets(
                tuple(
                    f"{t.nct}: {one_line(t.title)} ({t.status}, as of {iso(t.status_as_of)})"
                    for t in trials
                )
            )
        )
    if not blocks:
        blocks.append(Para("No trial referral; no trial example for this case.", "italic"))
    return blocks


def _imaging(entry: AgendaEntry, today: date) -> list[Block]:
    assert entry.assessment is not None
    plan = entry.assessment.imaging
    blocks: list[Block] = []
    if plan.staging:
        blocks.append(Bullets(tuple(one_line(i.text) for i in plan.staging[:3])))
    upcoming = next_visits(plan.surveillance, today, SURVEILLANCE_DATES)
    if upcoming:
        blocks.append(Para("Next surveillance:", "bold"))
        blocks.append(Bullets(tuple(f"{g.when}: {g.what}" for g in upcoming)))
    if plan.surveillance_basis:
        blocks.append(Para(one_line(plan.surveillance_basis), "small"))
    return blocks or [Para("No imaging plan for this case.", "italic")]


def render_letter(
    papers: MeetingPapers,
    case_id: str,
    fmt: LetterFormat,
    *,
    paper: Paper = "a4",
    generated: date | datetime | None = None,
) -> bytes:
    """The outcome letter as PDF or Word bytes."""
    doc = build_letter(papers, case_id, generated=generated)
    if fmt == "pdf":
        return render_document_pdf(doc, paper=paper)
    if fmt == "docx":
        return render_document_docx(doc)
    raise ValueError(f"format: must be one of {', '.join(LETTER_FORMATS)} (got {fmt!r})")


# -- the minutes --------------------------------------------------------------------------


def build_minutes(papers: MeetingPapers, *, generated: date | datetime | None = None) -> Document:
    """The minutes of the whole meeting: attendance and quorum, the agenda with outcomes, and
    per case the decision, options discussed, actions, who was present and the sign-off."""
    meeting = papers.stored.meeting
    day = generated_on(generated)
    attendance: list[Block] = [
        Table(
            header=("Name", "Specialty"),
            rows=tuple((a.name, a.discipline) for a in meeting.attendees),
            widths=(3, 3),
        )
        if meeting.attendees
        else Para("No attendance recorded.", "italic"),
        Para(papers.quorum.summary().capitalize() + f" ({papers.quorum.rule}).", "bold"),
    ]
    agenda_rows = []
    for e in papers.entries:
        when = e.slot.label if e.slot else f"moved to {e.item.moved_to}"
        agenda_rows.append((when, e.case_id, _outcome(e)))
    sections = [
        Section("Attendance", tuple(attendance)),
        Section(
            "Agenda and outcomes",
            (Table(("Time", "Case", "Outcome"), tuple(agenda_rows), (1.6, 1.6, 6)),),
        ),
    ]
    for n, e in enumerate(papers.scheduled(), start=1):
        sections.append(Section(f"{n}. {e.case_id}", tuple(_minutes_case(e, day))))
    moved = [e for e in papers.entries if e.slot is None]
    if moved:
        sections.append(
            Section(
                "Moved to another meeting",
                (Bullets(tuple(f"{e.case_id}: moved to {e.item.moved_to}" for e in moved)),),
            )
        )
    if papers.audit_head:
        sections.append(
            Section(
                "Audit log",
                (
                    Para(
                        "Hash of the audit log's last row when these minutes were made (it pins "
                        "the log's end; check with lms-board audit verify):",
                        "small",
                    ),
                    Para(papers.audit_head, "small"),
                ),
            )
        )
    return Document(
        kicker=f"{KICKER} · minutes",
        title=f"Tumour board minutes {iso(meeting.date)}",
        subtitle=(
            meeting_line(meeting),
            f"Coordinator {meeting.coordinator} · meeting {papers.meeting_id} (version "
            f"{papers.stored.version}) · {len(papers.scheduled())} cases · generated {iso(day)}",
        ),
        sections=tuple(sections),
        footer=f"minutes of meeting {papers.meeting_id}",
        generated=day,
        meta_title=f"Tumour board minutes {iso(meeting.date)}",
        closing=_disclaimer(),
    )


def _outcome(e: AgendaEntry) -> str:
    if e.stored is None:
        return "case deleted since"
    if e.decision is None:
        return "no decision recorded"
    state = "signed off" if e.decision.signed else "not signed off"
    return f"{e.decision.decision.recommendation} ({state})"


def _minutes_case(e: AgendaEntry, today: date) -> list[Block]:
    if e.stored is None or e.assessment is None:
        return [Para("The case was deleted from the store since the meeting.", "italic")]
    rows = [("Question", one_line(e.stored.case.question) or "not recorded")]
    rows.append(("Case", case_line(e.stored.case, e.assessment)))
    if e.readiness is not None:
        rows.append(("Readiness", e.readiness.label))
    if e.item.referred_by:
        rows.append(("Referred by", e.item.referred_by))
    if e.decision is None:
        return [KeyValues(tuple(rows)), Para("No decision recorded.", "warn")]
    d = e.decision.decision
    rows += decision_rows(d)
    if d.options_discussed:
        rows.append(("Options discussed", "; ".join(i.text for i in d.options_discussed)))
    if d.discussion_minutes is not None:
        rows.append(("Time", f"{d.discussion_minutes:g} min (slot {e.item.minutes} min)"))
    present = ", ".join(a.label for a in d.attendees_present) or "not recorded"
    quorum = (
        "quorum met"
        if d.quorum.met
        else "quorum NOT met (no " + ", no ".join(d.quorum.missing) + ")"
    )
    rows.append(("Present", f"{present}; {quorum}"))
    rows.append(("Sign-off", sign_off_text(e.decision)))
    blocks: list[Block] = [KeyValues(tuple(rows))]
    if e.actions:
        blocks.append(_actions_table(e.actions, today))
    return blocks


def render_minutes(
    papers: MeetingPapers, *, paper: Paper = "a4", generated: date | datetime | None = None
) -> bytes:
    return render_document_pdf(build_minutes(papers, generated=generated), paper=paper)


# -- packet and deck ----------------------------------------------------------------------


def render_meeting_packet(
    papers: MeetingPapers, *, paper: Paper = "a4", generated: date | datetime | None = None
) -> bytes:
    """The board packet: cover = this meeting's agenda (times, slots, readiness) and date,
    then each scheduled case's one-pager (a case deleted since is left out)."""
    meeting = papers.stored.meeting
    entries = [e for e in papers.scheduled() if e.stored is not None and e.assessment is not None]
    items = [(e.stored.case, e.assessment) for e in entries if e.stored and e.assessment]
    lines = [
        AgendaLine(
            time=e.slot.label if e.slot else "",
            minutes=e.item.minutes,
            readiness=e.readiness.label if e.readiness else "",
        )
        for e in entries
    ]
    return render_packet(
        items,
        paper=paper,
        generated=generated,
        title=f"Tumour board {iso(meeting.date)}",
        subtitle=f"{meeting.start_time:%H:%M}–{meeting_end(meeting):%H:%M} · {meeting.where} · "
        f"chair {meeting.chair}",
        agenda=lines,
    )


def render_meeting_deck(
    papers: MeetingPapers, *, generated: date | datetime | None = None
) -> bytes:
    """The slide deck of the meeting: one 16:9 slide per scheduled case, in agenda order."""
    meeting = papers.stored.meeting
    items = [
        (e.stored.case, e.assessment)
        for e in papers.scheduled()
        if e.stored is not None and e.assessment is not None
    ]
    return render_slides(items, generated=generated, title=f"Tumour board {iso(meeting.date)}")


# -- one call for the CLI and the pages ---------------------------------------------------

PaperKind = Literal["letter", "minutes", "packet", "deck"]
PAPER_KINDS: tuple[PaperKind, ...] = ("letter", "minutes", "packet", "deck")
IDENTIFIER_FLAG = "identifier_in_free_text"


@dataclass(frozen=True)
class MeetingPaper:
    """A rendered paper: its file name (with the meeting's date), bytes and MIME type."""

    file_name: str
    data: bytes
    mime: str


def identifier_cases(papers: MeetingPapers, case_id: str | None = None) -> list[str]:
    """The cases of the paper whose free text looks like an identifier (to check first)."""
    entries = [papers.entry(case_id)] if case_id else papers.scheduled()
    return [
        e.case_id
        for e in entries
        if e.assessment is not None and IDENTIFIER_FLAG in e.assessment.flag_codes()
    ]


def meeting_paper(
    meetings: MeetingStore,
    user: str,
    meeting_id: str,
    kind: PaperKind,
    *,
    case_id: str | None = None,
    fmt: LetterFormat = "pdf",
    paper: Paper = "a4",
    generated: date | datetime | None = None,
) -> MeetingPaper:
    """Render one paper of a meeting and log it in the audit log (action ``export``)."""
    papers = gather(
        meetings,
        meeting_id,
        audit_head=kind == "minutes",
        only=case_id if kind == "letter" else None,
    )
    meeting = papers.stored.meeting
    if kind == "letter":
        if case_id is None:
            raise ValueError("an outcome letter is for one case: give its case id")
        data = render_letter(papers, case_id, fmt, paper=paper, generated=generated)
        out = MeetingPaper(letter_file_name(meeting, case_id, fmt), data, MIME[fmt])
    elif kind == "minutes":
        data = render_minutes(papers, paper=paper, generated=generated)
        out = MeetingPaper(minutes_file_name(meeting), data, MIME["pdf"])
    elif kind == "packet":
        data = render_meeting_packet(papers, paper=paper, generated=generated)
        out = MeetingPaper(packet_file_name(meeting), data, MIME["pdf"])
    elif kind == "deck":
        out = MeetingPaper(
            deck_file_name(meeting), render_meeting_deck(papers, generated=generated), MIME["pptx"]
        )
    else:
        raise ValueError(f"paper: must be one of {', '.join(PAPER_KINDS)} (got {kind!r})")
    meetings.cases.log_event(
        user, "export", case_id=case_id, detail=f"{kind} of meeting {meeting_id}: {out.file_name}"
    )
    return out
