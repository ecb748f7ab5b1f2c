"""Board page pieces: the case table, case actions, demo loading and case-file import."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pandas as pd
import streamlit as st

from lms_board.case import Case, CaseError
from lms_board.demo import demo_cases
from lms_board.intake import duplicate_case
from lms_board.interchange import ImportIssue, ImportResult, read_upload
from lms_board.store import (
    RETENTION_DAYS,
    STATUSES,
    DuplicateCaseError,
    StoredCase,
    StoreError,
)
from lms_board.tables import board_table
from lms_board.wording import plain_message, status_label
from streamlit_app.components import nav, session
from streamlit_app.components.text import escape_md

FLASH = "board_flash"
_UPLOAD_ROUND = "board_upload_round"
_PARSED = "board_parsed_uploads"
_PARSED_KEPT = 20
_SHOWN_ERRORS = 100


def flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text = message
        getattr(st, kind)(escape_md(text))


TABLE = "board_table"
_SHOWN = "board_table_shown"


def case_table(cases: list[StoredCase]) -> None:
    """The meeting's cases; clicking a row opens that case (the session's current case, the
    one every page shows), and the open case's row is the one highlighted."""
    ids = [s.case_id for s in cases]
    rows = [(s, session.assessment_of(s)) for s in cases]
    _follow_the_click(ids)
    current = session.current_case_id()
    want = [ids.index(current)] if current in ids else []
    state = st.session_state.get(TABLE)
    if state is None or list(state["selection"]["rows"]) != want:
        st.session_state[TABLE] = {"selection": {"rows": want, "columns": []}}
    st.session_state[_SHOWN] = want
    st.dataframe(
        board_table(rows),
        hide_index=True,
        width="stretch",
        key=TABLE,
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "Case": st.column_config.TextColumn(pinned=True, width=82),
            "Site": st.column_config.TextColumn(width=118),
            "Classification": st.column_config.TextColumn(width=222),
            "Grade": st.column_config.TextColumn(width=52, help="FNCLCC grade"),
            "Stage": st.column_config.TextColumn(
                width=56,
                help="Stage group: AJCC 8 (trunk, extremity, retroperitoneum), FIGO 2009 (uterus)",
            ),
            "Status": st.column_config.TextColumn(width=76),
            "Question": st.column_config.TextColumn(
                help="The question for the board (in full in the case below)"
            ),
        },
    )


def _follow_the_click(ids: list[str]) -> None:
    """A row clicked since the last run opens that case (a click on the open row closes
    it); the page runs again so the sidebar says the same at once."""
    state = st.session_state.get(TABLE)
    if state is None or _SHOWN not in st.session_state:
        return
    rows = list(state["selection"]["rows"])
    if rows == st.session_state[_SHOWN]:
        return
    picked = ids[rows[0]] if rows and rows[0] < len(ids) else None
    st.session_state[_SHOWN] = rows
    if picked != session.current_case_id():
        session.set_current(picked)
        st.rerun()


def load_demo() -> None:
    """Add every shipped demo case that is not in the store yet, and say so honestly."""
    store, user = session.store(), session.user()
    deleted = {d.stored.case_id for d in store.deleted_cases()}
    added, present, held = 0, 0, []
    for case in demo_cases():
        try:
            store.create(case, user)
            added += 1
        except DuplicateCaseError:
            if case.case_id in deleted:
                held.append(case.case_id)
            else:
                present += 1
    kind = "success" if added else "info"
    st.session_state[FLASH] = (kind, demo_message(added, present, held))


def demo_message(added: int, present: int, deleted: list[str] | None = None) -> str:
    """``Loaded 10 demo cases.`` / ``All 10 demo cases are already on the board: nothing
    added.`` / ``…; DEMO-02 is in Deleted cases (restore it there).``"""
    deleted = deleted or []
    if not added and not deleted:
        text = f"All {present} demo cases are already on the board: nothing added"
    else:
        text = f"Loaded {added} demo case{'s' if added != 1 else ''}"
        if present:
            text += f"; {present} {'were' if present != 1 else 'was'} already on the board"
    if deleted:
        verb = "is" if len(deleted) == 1 else "are"
        text += f"; {', '.join(deleted)} {verb} in Deleted cases (restore from there)"
    return text + "."


def new_case() -> None:
    session.set_current(None)
    st.session_state.pop("intake_loaded_for", None)


def _set_status(case_id: str) -> None:
    status = st.session_state.get(f"board_status_{case_id}")
    if status:
        session.store().set_status(case_id, status, session.user())
        st.session_state[FLASH] = ("success", f"{case_id} is now {status_label(status)}.")


def _delete(case_id: str, version: int, incarnation: str) -> None:
    """Delete button callback, bound to the case and version its confirmation was shown for
    (a click that arrives without that confirmation ticked deletes nothing)."""
    if st.session_state.get(f"board_delete_sure_{case_id}_{version}") is not True:
        st.session_state[FLASH] = ("error", f"Nothing deleted: tick 'Yes, delete {case_id}' first.")
        return
    try:
        session.store().delete(case_id, session.user(), version, incarnation=incarnation)
    except StoreError as exc:  # gone, changed or replaced since the confirmation
        st.session_state[FLASH] = ("error", str(exc))
        return
    if session.current_case_id() == case_id:
        session.set_current(None)
    st.session_state[FLASH] = (
        "success",
        f"Deleted {case_id} (version {version}). A coordinator can restore it from "
        f"Deleted cases for {RETENTION_DAYS} days.",
    )


def actions(stored: StoredCase) -> None:
    """Edit, assessment, status, duplicate and delete for the open case."""
    picked = stored.case_id
    editor = session.can_edit()
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    if editor and row.button("Edit", key="board_open_intake", icon=":material/edit_note:"):
        st.switch_page(nav.INTAKE)
    if row.button("Assessment", key="board_open", icon=":material/fact_check:"):
        st.switch_page(nav.ASSESSMENT)
    row.segmented_control(
        "Status",
        list(STATUSES),
        default=stored.status,
        format_func=status_label,
        key=f"board_status_{picked}",
        on_change=_set_status,
        args=(picked,),
        disabled=not editor,
    )
    if not editor:
        return
    with row.popover("Copy or delete"):
        new_id = st.text_input("New case id", value=f"{picked}-copy", key="board_dup_id")
        if st.button("Duplicate", key="board_duplicate"):
            _duplicate(stored, new_id)
        st.divider()
        # Bound to this case and version: another case, or this one changed, needs a new tick.
        bound = f"{picked}_{stored.version}"
        sure = st.checkbox(
            f"Yes, delete {picked} (version {stored.version})", key=f"board_delete_sure_{bound}"
        )
        st.button(
            "Delete",
            key=f"board_delete_{bound}",
            disabled=not sure,
            type="primary",
            on_click=_delete,
            args=(picked, stored.version, stored.incarnation),
        )


def _duplicate(stored: StoredCase, new_id: str) -> None:
    try:
        copy = session.store().create(duplicate_case(stored.case, new_id), session.user())
    except CaseError as exc:
        st.error(escape_md("; ".join(plain_message(m) for m in exc.messages)))
        return
    except DuplicateCaseError as exc:
        st.error(escape_md(str(exc)))
        return
    session.set_current(copy.case_id)
    st.session_state[FLASH] = ("success", f"Duplicated {stored.case_id} as {copy.case_id}.")
    st.rerun()


def import_files() -> None:
    """Read uploaded JSON, CSV and FHIR Bundle files; show every bad row or item with its field;
    import the good cases on confirmation. A case id already on the board is never overwritten."""
    round_ = st.session_state.setdefault(_UPLOAD_ROUND, 0)
    files = st.file_uploader(
        "Case files: JSON (one case or a list), CSV or FHIR Bundle JSON",
        type=["json", "csv"],
        accept_multiple_files=True,
        key=f"board_upload_{round_}",
        help="CSV: one case per row, columns named by field path (docs/csv-format.md).",
    )
    if not files:
        return
    result = ImportResult()
    for f in files:
        result.extend(_parsed(f.name, f.getvalue()))
    existing = {s.case_id for s in session.store().list_cases()}
    found = list(zip(result.cases, result.origins, strict=True))
    new = [(case, origin) for case, origin in found if case.case_id not in existing]
    taken = [(case, origin) for case, origin in found if case.case_id in existing]
    _show_errors(result.errors)
    _show_notices(result.notices)
    if taken:
        lines = "\n".join(f"- {escape_md(c.case_id)} ({escape_md(o)})" for c, o in taken)
        st.warning(
            f"Already on the board, not imported (the board's copy is kept):\n\n{lines}",
            icon=":material/content_copy:",
        )
    if not new:
        return
    st.success(f"{len(new)} valid case(s) ready to import:", icon=":material/check_circle:")
    st.dataframe(
        pd.DataFrame([(c.case_id, o) for c, o in new], columns=["Case", "From"]),
        hide_index=True,
    )
    if st.button(f"Import {len(new)} valid case(s)", key="board_import", type="primary"):
        bad = {(issue.source, issue.where) for issue in result.errors}  # rows, items, files
        _import([case for case, _ in new], skipped=len(bad) + len(taken))
        st.session_state[_UPLOAD_ROUND] = round_ + 1
        st.rerun()


def _parsed(name: str, data: bytes) -> ImportResult:
    """``read_upload`` once per file content (by its SHA-256), not on every rerun; kept in this
    session only, and only while the file is uploaded (nothing about a case is cached beyond)."""
    memo: dict[tuple[str, str], ImportResult] = st.session_state.setdefault(_PARSED, {})
    key = (name, hashlib.sha256(data).hexdigest())
    if key not in memo:
        if len(memo) >= _PARSED_KEPT:
            memo.clear()
        memo[key] = read_upload(name, data)
    return memo[key]


def _show_errors(errors: list[ImportIssue]) -> None:
    """One box per file, one line per problem: ``row 3: patient.age: ...``."""
    by_source: dict[str, list[ImportIssue]] = defaultdict(list)
    for issue in errors:
        by_source[issue.source].append(issue)
    for source, issues in by_source.items():
        lines = "\n".join(f"- {escape_md(issue)}" for issue in issues[:_SHOWN_ERRORS])
        if len(issues) > _SHOWN_ERRORS:
            lines += f"\n- … and {len(issues) - _SHOWN_ERRORS} more problems"
        whole = any(not issue.where for issue in issues)
        head = f"**{escape_md(source)}**: " + (
            "not imported" if whole else "these rows or items are not imported"
        )
        st.error(f"{head}\n\n{lines}", icon=":material/block:")


def _show_notices(notices: list[ImportIssue]) -> None:
    """What the files hold that is not imported (FHIR resources and elements LMS Board does
    not keep), so nothing is dropped without the user knowing."""
    if not notices:
        return
    lines = "\n".join(f"- {escape_md(n.with_source())}" for n in notices)
    st.info(f"Read but not imported:\n\n{lines}", icon=":material/info:")


def _import(cases: list[Case], skipped: int) -> None:
    store, user = session.store(), session.user()
    imported, clashed = [], []
    for case in cases:
        try:
            store.create(case, user)
            imported.append(case.case_id)
        except DuplicateCaseError:  # added by someone else since the check above
            clashed.append(case.case_id)
    text = f"Imported {len(imported)} case(s)"
    if skipped or clashed:
        text += f"; not imported: {skipped + len(clashed)}"
        text += f" (already on the board: {', '.join(clashed)})" if clashed else ""
    st.session_state[FLASH] = ("success", text + ".")
