"""Board exports: the meeting's packet (PDF), and all its cases as CSV or as a FHIR Bundle.

Free text that looks like an identifier leaves the app only after the user has confirmed it
(case format rule). Each download is built when it is clicked (a deferred ``data`` callable,
run off the script thread: no ``st`` calls in it) and writes one ``export`` audit line per
case it holds, in the style of ``lms_board.export.export_logged``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import streamlit as st

from lms_board.assessment import Assessment
from lms_board.case import Case
from lms_board.decision import BoardDecision
from lms_board.export import EventLog, Paper, render_packet
from lms_board.interchange import cases_to_csv, cases_to_fhir_json
from lms_board.store import CaseStore, StoredCase
from streamlit_app.components import session

K = "board_export_"
PAPER_LABELS: dict[Paper, str] = {"a4": "A4", "letter": "US Letter"}
TableFormat = Literal["csv", "fhir"]
Item = tuple[Case, Assessment]


def latest_decisions(store: CaseStore, cases: Sequence[Case]) -> dict[str, BoardDecision]:
    """The board's latest recorded decision of each case that has one."""
    found = {c.case_id: store.latest_decision(c.case_id) for c in cases}
    return {case_id: d for case_id, d in found.items() if d is not None}


def packet_logged(
    store: CaseStore, user: str, items: Sequence[Item], *, paper: Paper = "a4"
) -> bytes:
    """The board packet (cover + one page per case, decisions filled) and its audit lines."""
    decisions = latest_decisions(store, [case for case, _ in items])
    data = render_packet(items, paper=paper, decisions=decisions)
    for case, _ in items:
        detail = f"format=packet paper={paper} cases={len(items)}"
        log_export(
            store, user, case, detail + (" with decision" if case.case_id in decisions else "")
        )
    return data


def table_logged(log: EventLog, user: str, cases: Sequence[Case], fmt: TableFormat) -> bytes:
    """All ``cases`` as one CSV sheet or one FHIR Bundle (UTF-8), and their audit lines."""
    text = cases_to_csv(cases) if fmt == "csv" else cases_to_fhir_json(cases)
    for case in cases:
        log_export(log, user, case, f"format={fmt} cases={len(cases)}")
    return text.encode("utf-8")


def log_export(log: EventLog, user: str, case: Case, detail: str) -> None:
    log.log_event(user, "export", case_id=case.case_id, detail=detail)


ALL = "all"


def _scope_label(scope: str, cases: Sequence[StoredCase]) -> str:
    if scope == ALL:
        return f"All {len(cases)} case(s) on the board"
    n = sum(1 for s in cases if _iso(s.case.board_date) == scope)
    return f"Board of {scope} ({n} case(s))"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _confirmed(items: Sequence[Item]) -> bool:
    """True when no included case has identifier-like text, or the user has checked it."""
    flagged = [(case.case_id, flag.message) for case, a in items for flag in a.identifier_flags]
    if not flagged:
        return True
    ids = sorted({case_id for case_id, _ in flagged})
    st.warning(
        f"Free text in {len(ids)} case(s) looks like an identifier: {', '.join(ids)}. "
        "Check it before exporting.",
        icon=":material/badge:",
    )
    for case_id, message in flagged:
        st.text(f"{case_id}: {message}")
    # The key names the flagged cases: a newly flagged case needs a new confirmation.
    return st.checkbox(
        "I have checked these cases: their text may leave the app",
        key=f"{K}confirm:{','.join(ids)}",
    )


def exports(cases: Sequence[StoredCase]) -> None:
    """Scope (all cases or one board date), paper, the identifier check, three downloads."""
    dates = sorted({d for s in cases if (d := _iso(s.case.board_date))})
    scope: str = st.selectbox(
        "Cases to export",
        [ALL, *dates],
        format_func=lambda d: _scope_label(d, cases),
        key=f"{K}date",
    )
    paper: Paper = st.radio(
        "Packet paper",
        list(PAPER_LABELS),
        format_func=PAPER_LABELS.__getitem__,
        horizontal=True,
        key=f"{K}paper",
    )
    chosen = [s for s in cases if scope in (ALL, _iso(s.case.board_date))]
    items = [(s.case, session.assessment_of(s)) for s in chosen]
    if not _confirmed(items):
        st.info("The downloads appear once the identifier check above is confirmed.")
        return
    store, user = session.store(), session.user()
    only = [case for case, _ in items]
    stem = "board" if scope == ALL else f"board-{scope}"
    downloads = (
        ("Board packet (PDF)", "packet", ".pdf", "application/pdf"),
        ("All cases as CSV", "csv", ".csv", "text/csv"),
        ("FHIR Bundle", "fhir", "-fhir.json", "application/fhir+json"),
    )
    for label, what, suffix, mime in downloads:

        def build(what: str = what) -> bytes:
            if what == "packet":
                return packet_logged(store, user, items, paper=paper)
            return table_logged(store, user, only, "csv" if what == "csv" else "fhir")

        st.download_button(
            label,
            data=build,
            file_name=f"{stem}{'-packet' if what == 'packet' else ''}{suffix}",
            mime=mime,
            key=f"{K}dl_{what}",
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
        )
    st.caption("Each download is written to the audit log, one line per case.")
