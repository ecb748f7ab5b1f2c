"""The Deleted cases page: the table of deleted cases and their Restore buttons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lms_board.store import RETENTION_DAYS, DeletedCase, StoreError
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

FLASH = "deleted_flash"


def explanation() -> str:
    return (
        f"A deleted case leaves the board but is kept, with its versions and decisions, for "
        f"{RETENTION_DAYS} days; a coordinator can restore it until then. After that it is "
        "purged for good. Every deletion, restore and purge is in the audit log."
    )


def flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        kind, text = message
        getattr(st, kind)(escape_md(text))


def table(removed: list[DeletedCase]) -> None:
    rows = [
        (
            d.stored.case_id,
            d.stored.version,
            d.deleted_by,
            d.deleted_at.strftime("%Y-%m-%d %H:%M UTC"),
            d.purge_after.strftime("%Y-%m-%d"),
            d.stored.case.question or "",
        )
        for d in removed
    ]
    st.dataframe(
        pd.DataFrame(
            rows,
            columns=["Case", "Version", "Deleted by", "Deleted at", "Purged after", "Question"],
        ),
        hide_index=True,
        width="stretch",
    )


def _restore(case_id: str) -> None:
    try:
        restored = session.store().restore(case_id, session.user())
    except StoreError as exc:
        st.session_state[FLASH] = ("error", str(exc))
        return
    st.session_state[FLASH] = (
        "success",
        f"Restored {case_id} as version {restored.version}; it is back on the board.",
    )


def restore_buttons(removed: list[DeletedCase]) -> None:
    with st.container(horizontal=True):
        for d in removed:
            st.button(
                f"Restore {d.stored.case_id}",
                key=f"deleted_restore_{d.stored.case_id}",
                on_click=_restore,
                args=(d.stored.case_id,),
                icon=":material/restore_from_trash:",
            )
