"""Case intake "From documents": paste or upload, Extract, review, Use these values.

The documents live only in this browser session's memory while they are read: the pasted
text in its widgets, an upload in Streamlit's uploader; both are dropped once the values are
used or the documents cleared. Nothing of them goes to the store, the drafts or the logs:
the result kept for the review holds the values and the sentences with every identifier
masked (``lms_board.extract``), and the identifiers as kinds and spans only. "Use these
values" fills the blank parts of the form through its own state (``lms_board.intake.prefill``),
so the draft is kept and the case saved as if typed; what the user had typed stays.
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from lms_board.extract import (
    DocumentError,
    ExtractionResult,
    document_from_bytes,
    document_from_text,
    extract_documents,
)
from lms_board.extract.documents import MAX_FILE_BYTES
from lms_board.extract.nlp import NlpUnavailable, pipeline
from lms_board.extract.review import (
    Quote,
    document_name,
    identifier_counts,
    left_out,
    missing_labels,
    review_conflicts,
    review_rows,
)
from lms_board.intake.prefill import apply_prefill, prefill_values
from streamlit_app.components import intake_form
from streamlit_app.components.text import escape_md

RESULT = "intake_docs_result"
RESULT_FOR = "intake_docs_result_for"
PROBLEMS = "intake_docs_problems"
USED = "intake_docs_used"
SLOTS = "intake_docs_slots"
ROUND = "intake_docs_round"
OPEN = "intake_docs_open"
K = "intake_docs:"
FIRST_SLOTS, MAX_SLOTS = 3, 6
_warm = threading.Thread(target=lambda: _quietly(pipeline), daemon=True)
_warm_lock = threading.Lock()


def _quietly(build: Any) -> None:
    try:
        build()
    except NlpUnavailable:
        pass  # said when Extract is clicked


def warm_up() -> None:
    """Load the language pipeline (about a second) in the background, once per process, as
    soon as a first document is given, so the first Extract does not wait for it (and no
    other page pays for it)."""
    with _warm_lock:
        if _warm.ident is None:
            _warm.start()


def _form() -> Any:
    """Which form edit this is: the form state is a new object each time a case (or a draft,
    or a blank form) is loaded; the review and the message keep a reference to theirs (so it
    cannot be freed and its id reused) and show only with it."""
    return st.session_state.get(intake_form.FORM)


def _key(what: str, i: int | str = "") -> str:
    return f"{K}{what}:{st.session_state.get(ROUND, 0)}:{i}"


# --------------------------------------------------------------------------- reading


def _read() -> tuple[list[Any], list[str]]:
    """The pasted and uploaded documents, and a message naming each one that cannot be read."""
    ss, docs, problems = st.session_state, [], []
    taken: set[str] = set()
    for i in range(ss.get(SLOTS, FIRST_SLOTS)):
        text = ss.get(_key("text", i)) or ""
        if not text.strip():
            continue
        typed = (ss.get(_key("name", i)) or "").strip()
        name = document_name(text, taken, typed)
        try:
            docs.append(document_from_text(name, text))
            taken.add(name)
        except DocumentError as exc:
            problems.append(str(exc))
    for upload in ss.get(_key("files")) or []:
        name = document_name("", taken, upload.name)
        try:
            docs.append(document_from_bytes(name, upload.getvalue()))
            taken.add(name)
        except DocumentError as exc:
            problems.append(str(exc))
    return docs, problems


def _extract() -> None:
    ss = st.session_state
    docs, problems = _read()
    ss[RESULT], ss[USED] = None, None
    if not docs and not problems:
        problems = ["Paste the text of a letter or report, or upload a file, then Extract."]
    if docs:
        if _warm.is_alive():
            _warm.join()
        try:
            ss[RESULT], ss[RESULT_FOR] = extract_documents(docs), _form()
        except (DocumentError, NlpUnavailable) as exc:
            problems.append(str(exc))
    ss[PROBLEMS] = problems


def _clear() -> None:
    ss = st.session_state
    ss[ROUND] = ss.get(ROUND, 0) + 1
    ss[SLOTS], ss[RESULT], ss[PROBLEMS] = FIRST_SLOTS, None, []


def _use() -> None:
    ss = st.session_state
    result: ExtractionResult = ss[RESULT]
    form = intake_form.sync()
    prefill = prefill_values(result.case_dict())
    applied = apply_prefill(form, prefill)
    for key in applied.changed:
        ss.pop(intake_form.W + key, None)  # the widgets show the form state again
    names = ", ".join(result.documents)
    _clear()
    ss[USED] = (_form(), len(applied.filled), names, applied.kept, prefill.left_out)
    ss[OPEN] = False


def _resolve(path: str, key: str) -> None:
    st.session_state[RESULT].resolve(path, st.session_state[key])


def _more() -> None:
    st.session_state[SLOTS] = min(MAX_SLOTS, st.session_state.get(SLOTS, FIRST_SLOTS) + 1)


# --------------------------------------------------------------------------- showing


def _marked(q: Quote) -> str:
    marked = f":orange-background[**{escape_md(q.marked)}**]" if q.marked.strip() else ""
    return f"{escape_md(q.before)}{marked}{escape_md(q.after)}"


def _inputs() -> None:
    paste, upload = st.tabs(["Paste text", "Upload files"])
    with paste:
        n = st.session_state.setdefault(SLOTS, FIRST_SLOTS)
        for start in range(0, n, 3):
            for i, col in zip(range(start, min(n, start + 3)), st.columns(3), strict=False):
                col.text_input(
                    f"Name of document {i + 1}",
                    key=_key("name", i),
                    placeholder="optional, e.g. referral letter",
                    max_chars=60,
                )
                col.text_area(
                    f"Document {i + 1}",
                    key=_key("text", i),
                    height=140,
                    placeholder="Paste the text of a letter or report",
                    on_change=warm_up,
                )
        if n < MAX_SLOTS:
            st.button(
                "Add a document", key="intake_docs_more", on_click=_more, icon=":material/add:"
            )
    with upload:
        st.file_uploader(
            "Text (.txt), PDF with a text layer (.pdf) or Word (.docx), at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB each",
            accept_multiple_files=True,
            key=_key("files"),
            max_upload_size=MAX_FILE_BYTES // 1_000_000,
            on_change=warm_up,
        )
    with st.container(horizontal=True):
        st.button("Extract", key="intake_docs_extract", type="primary", on_click=_extract)
        st.button("Clear the documents", key="intake_docs_clear", on_click=_clear)
    for problem in st.session_state.get(PROBLEMS) or []:
        st.error(escape_md(problem), icon=":material/error:")


def _conflicts(result: ExtractionResult) -> None:
    conflicts = review_conflicts(result)
    if not conflicts:
        return
    st.markdown(f"**The documents disagree on {len(conflicts)} field(s): pick the value to use**")
    for c in conflicts:
        key = f"intake_docs_pick:{c.path}"
        names = [f"**{escape_md(v)}** from {escape_md(q.file)}" for v, q in c.options]
        st.radio(
            c.label,
            list(range(len(c.options))),
            index=c.chosen,
            format_func=names.__getitem__,
            captions=[_marked(q) for _, q in c.options],
            key=key,
            on_change=_resolve,
            args=(c.path, key),
        )
        st.caption(escape_md(f"Why: {c.why}."))


def _table(result: ExtractionResult) -> None:
    lines = ["| Field | Value | Source: document and sentence |", "|---|---|---|"]
    for row in review_rows(result):
        value = escape_md(row.value)
        if row.note:
            value += f" ({escape_md(row.note)})"
        if row.conflict:
            value += " · the documents disagree: pick above"
        source = f"**{escape_md(row.quote.file)}** · {_marked(row.quote)}"
        if row.also_in:
            source += " · also in " + escape_md(", ".join(row.also_in))
        lines.append(f"| {escape_md(row.label)} | {value} | {source} |")
    st.markdown("\n".join(lines))


def _review(result: ExtractionResult) -> None:
    st.markdown(
        f"**{len(result.fields)} values found in {len(result.documents)} document(s):** "
        + escape_md(", ".join(result.documents))
    )
    found = identifier_counts(result)
    st.info(
        escape_md(
            f"Identifiers found and removed: {', '.join(found)}. None of them is in the values "
            "or the sentences below, and none is filled in or kept."
            if found
            else "No identifiers found (names, numbers, dates of birth, addresses, phone "
            "numbers, e-mail)."
        ),
        icon=":material/badge:",
    )
    _conflicts(result)
    _table(result)
    required, wanted = missing_labels(result)
    if required or wanted:
        parts = [f"required: {', '.join(required)}"] if required else []
        parts += [f"needed by the board: {', '.join(wanted)}"] if wanted else []
        st.warning(escape_md("Not in the documents; " + "; ".join(parts) + "."))
    for note in left_out(result):
        st.caption(escape_md(note))
    st.button("Use these values", key="intake_docs_use", type="primary", on_click=_use)


def _used() -> None:
    used = st.session_state.get(USED)
    if not used or used[0] is not _form():
        return  # none, or the form was loaded again since (saved, another case)
    _, filled, names, kept, dropped = used
    st.success(
        escape_md(
            f"Filled {filled} field(s) from {names} (the documents are not kept). "
            "Check them, complete the case below and save it."
        ),
        icon=":material/input:",
    )
    if kept:
        st.warning(escape_md("Kept what you had entered for: " + ", ".join(kept) + "."))
    for note in dropped:
        st.caption(escape_md(f"Not filled: {note}"))


def panel() -> None:
    """The "From documents" part of the Case intake page."""
    ss = st.session_state
    _used()
    ss.setdefault(OPEN, ss.get(intake_form.EDITING) is None)
    with st.expander(
        "From documents: paste or upload the referral letter and reports",
        key=OPEN,
        on_change="rerun",
        icon=":material/description:",
    ):
        _inputs()
        result = ss.get(RESULT) if ss.get(RESULT_FOR) is _form() else None
        if result is not None:
            with st.container(key="intake_docs_review"):
                _review(result)
