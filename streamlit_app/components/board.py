"""Board page pieces: the case table, case actions, demo loading and case-file import."""

from __future__ import annotations

import streamlit as st

from lms_board.case import CaseError, parse_case_json
from lms_board.demo import demo_cases
from lms_board.intake import duplicate_case
from lms_board.store import STATUSES, DuplicateCaseError, StoredCase
from lms_board.tables import board_table
from streamlit_app.components import nav, session
from streamlit_app.components.text import escape_md

FLASH = "board_flash"
_UPLOAD_ROUND = "board_upload_round"


def flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text = message
        getattr(st, kind)(escape_md(text))


def case_table(cases: list[StoredCase]) -> None:
    rows = [(s, session.assessment_of(s)) for s in cases]
    st.dataframe(
        board_table(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "Question": st.column_config.TextColumn(width="large"),
            "Board date": st.column_config.DateColumn(format="YYYY-MM-DD"),
            "Version": st.column_config.NumberColumn(width="small"),
        },
    )


def load_demo() -> None:
    """Add every shipped demo case that is not in the store yet."""
    store, user = session.store(), session.user()
    added = 0
    for case in demo_cases():
        try:
            store.create(case, user)
            added += 1
        except DuplicateCaseError:
            continue
    st.session_state[FLASH] = ("success", f"Loaded {added} demo case(s).")


def new_case() -> None:
    session.set_current(None)
    st.session_state.pop("intake_loaded_for", None)


def _open(case_id: str) -> None:
    session.set_current(case_id)


def _set_status(case_id: str) -> None:
    status = st.session_state.get(f"board_status_{case_id}")
    if status:
        session.store().set_status(case_id, status, session.user())
        st.session_state[FLASH] = ("success", f"{case_id} is now {status}.")


def _picked() -> None:
    session.set_current(st.session_state["board_pick"])


def actions(cases: list[StoredCase]) -> None:
    """Open, duplicate, delete and set the status of one case."""
    ids = [s.case_id for s in cases]
    current = session.current_case_id()
    st.session_state["board_pick"] = current if current in ids else ids[0]
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
    picked = row.selectbox(
        "Selected case",
        ids,
        key="board_pick",
        width=170,
        on_change=_picked,
    )
    stored = next(s for s in cases if s.case_id == picked)
    if row.button("Edit", key="board_open_intake", on_click=_open, args=(picked,)):
        st.switch_page(nav.INTAKE)
    if row.button("Assessment", key="board_open", on_click=_open, args=(picked,)):
        st.switch_page(nav.ASSESSMENT)
    row.segmented_control(
        "Status",
        list(STATUSES),
        default=stored.status,
        key=f"board_status_{picked}",
        on_change=_set_status,
        args=(picked,),
    )
    with row.popover("Copy or delete"):
        new_id = st.text_input("New case id", value=f"{picked}-copy", key="board_dup_id")
        if st.button("Duplicate", key="board_duplicate"):
            _duplicate(stored, new_id)
        st.divider()
        sure = st.checkbox(f"Yes, delete {picked}", key="board_delete_sure")
        if st.button("Delete", key="board_delete", disabled=not sure, type="primary"):
            session.store().delete(picked, session.user())
            st.session_state[FLASH] = ("success", f"Deleted {picked}.")
            st.rerun()


def _duplicate(stored: StoredCase, new_id: str) -> None:
    try:
        copy = session.store().create(duplicate_case(stored.case, new_id), session.user())
    except CaseError as exc:
        st.error(escape_md("; ".join(exc.messages)))
        return
    except DuplicateCaseError as exc:
        st.error(escape_md(str(exc)))
        return
    session.set_current(copy.case_id)
    st.session_state[FLASH] = ("success", f"Duplicated {stored.case_id} as {copy.case_id}.")
    st.rerun()


def import_files() -> None:
    """Validate uploaded case files; list good and bad; import the good ones on confirmation."""
    round_ = st.session_state.setdefault(_UPLOAD_ROUND, 0)
    files = st.file_uploader(
        "Case files (JSON, case format v1)",
        type=["json"],
        accept_multiple_files=True,
        key=f"board_upload_{round_}",
    )
    if not files:
        return
    existing = {s.case_id for s in session.store().list_cases()}
    good, bad = [], []
    for f in files:
        try:
            case = parse_case_json(f.getvalue())
        except CaseError as exc:
            bad.append((f.name, exc.messages))
            continue
        if case.case_id in existing:
            bad.append((f.name, [f"case_id: {case.case_id} is already on the board"]))
        else:
            good.append((f.name, case))
    for name, messages in bad:
        lines = "\n".join(f"- {escape_md(m)}" for m in messages)
        st.error(f"**{escape_md(name)}**: not imported\n\n{lines}", icon=":material/block:")
    for name, case in good:
        st.success(f"**{escape_md(name)}**: valid ({escape_md(case.case_id)})")
    if good and st.button(f"Import {len(good)} valid case(s)", key="board_import", type="primary"):
        for _, case in good:
            session.store().create(case, session.user())
        st.session_state[_UPLOAD_ROUND] = round_ + 1
        st.session_state[FLASH] = (
            "success",
            f"Imported {len(good)} case(s); {len(bad)} file(s) not imported.",
        )
        st.rerun()
