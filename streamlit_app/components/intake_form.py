"""The intake form: widgets for every case field, errors beside them, drafts and saving.

The form state (``intake_form``) outlives the widgets: Streamlit forgets a widget's value
when its page is not shown, so every widget is seeded from the form state and written
back to it on each run. The form state is saved as a draft to the store on every change.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from lms_board.case import Case
from lms_board.export.text import grade_text
from lms_board.intake import (
    DOSE_FIELD,
    EDITOR_BY_KEY,
    FIELDS,
    METASTASES,
    METASTASES_NONE,
    METASTASES_NONE_FIELD,
    METASTASIS_COUNT,
    METASTASIS_RESECTABLE,
    METASTASIS_SITES,
    METASTASIS_SITES_FIELD,
    TREATMENT_LINES,
    FormCheck,
    FormField,
    ListEditor,
    add_row,
    all_keys,
    applies,
    as_date,
    case_to_form,
    changed_fields,
    check_form,
    choice_label,
    dose_drugs,
    dose_key,
    draft_key,
    draft_owner,
    empty_form,
    field_for,
    format_number,
    iso_date,
    live_grade,
    metastasis_key,
    move_row_up,
    remove_row,
    restore_form,
    row_applies,
    row_key,
    rows,
    user_drafts,
)
from lms_board.store import (
    CaseNotFoundError,
    CaseReplacedError,
    DuplicateCaseError,
    StaleVersionError,
    StoredCase,
)
from lms_board.wording import (
    BOOL_LABELS,
    NOT_RECORDED,
    drug_label,
    field_label,
    label,
    plain_message,
)
from streamlit_app.components import session
from streamlit_app.components.text import escape_md

FORM = "intake_form"
EDITING = "intake_editing"
BASE = "intake_base_version"
INCARNATION = "intake_base_incarnation"
RESTORED_FROM = "intake_restored_from"
ORPHAN = "intake_orphan"
LOADED = "intake_loaded_for"
SAVED_DRAFT = "intake_saved_draft"
SUBMITTED = "intake_submitted"
CONFLICT = "intake_conflict"
FLASH = "intake_flash"
TAKEN = "intake_id_taken"
W = "intake_w:"
_UNSET = "\x00unset"
_DATE_MIN, _DATE_MAX = date(1900, 1, 1), date(2100, 12, 31)
_DRUGS = frozenset(TREATMENT_LINES.field("drugs").choices)
#: How the widgets of a row sit: rows of (field, relative width); the drugs first.
ROW_LAYOUT: dict[str, tuple[tuple[tuple[str, int], ...], ...]] = {
    "history.treatment_lines": (
        (("setting", 1), ("line", 1), ("drugs", 2)),
        (("start_date", 1), ("end_date", 1), ("cycles", 1), ("best_response", 1)),
        (("stop_reason", 1), ("regimen", 3)),
        (("other_drugs", 2), ("note", 2)),
        (("for_other_cancer", 2),),
    ),
    "history.radiotherapy_courses": (
        (("timing", 1), ("target", 1), ("technique", 1), ("region", 1)),
        (("dose_gy", 1), ("fractions", 1), ("start_date", 1), ("end_date", 1)),
    ),
    "patient.coded_comorbidities": (
        (("code", 1), ("severity", 1), ("egfr_ml_min", 1), ("note", 1)),
    ),
}


def _field(key: str) -> FormField:
    field = field_for(key)
    if field is None:
        raise KeyError(key)
    return field


def _to_widget(key: str, value: Any) -> Any:
    kind = _field(key).kind if key != METASTASES else "list"
    if kind == "date":
        return as_date(value)
    if kind in ("int", "float"):
        return value if isinstance(value, str) else format_number(value)
    if kind in ("text", "textarea", "lines"):
        return value or ""
    if kind == "multi":
        return list(value or [])
    if kind == "check":
        return bool(value)
    return value


def _reset_widgets() -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(W)]:
        del st.session_state[key]


def owner() -> str:
    """Whose drafts this session keeps: a signed-in user's, else this browser session's."""
    access = session.access()
    return draft_owner(access.user, None if access.signed_in else session.browser_session())


def load_form(case_id: str | None, draft_from: str | None = None) -> None:
    """Fill the form for ``case_id`` (``None``: a new case): the draft at ``draft_from``, else
    this session's draft of it, else the stored case."""
    ss = st.session_state
    store = session.store()
    ss[LOADED] = case_id
    stored = store.get(case_id) if case_id else None
    draft = store.load_draft(draft_from or draft_key(owner(), case_id))
    if stored is None and draft is None:
        case_id = None
        draft = store.load_draft(draft_key(owner(), None))
    form = empty_form()
    ss[FLASH] = None
    incarnation = stored.incarnation if stored else None
    if draft and isinstance(draft.get("form"), dict):
        form = restore_form(draft["form"])
        base = draft.get("base_version", stored.version if stored else None)
        incarnation = draft.get("incarnation", incarnation)
        ss[FLASH] = ("info", f"Restored your unsaved draft ({draft.get('saved_at', '')}).")
    elif stored is not None:
        form = case_to_form(stored.case)
        base = stored.version
    else:
        base = None
    ss[FORM], ss[EDITING], ss[BASE], ss[INCARNATION] = form, case_id, base, incarnation
    ss[SAVED_DRAFT], ss[SUBMITTED], ss[CONFLICT] = copy.deepcopy(form), False, None
    ss[RESTORED_FROM] = draft_from
    ss[ORPHAN] = None
    _reset_widgets()


def sync() -> dict[str, Any]:
    """The form state, loaded for the current case if needed and updated from the widgets."""
    ss = st.session_state
    current = session.current_case_id()
    if (FORM not in ss or ss.get(LOADED, _UNSET) != current) and not _kept_after_delete(current):
        load_form(current)
    form: dict[str, Any] = ss[FORM]
    for key in all_keys(form):
        if W + key in ss:
            value = ss[W + key]
            form[key] = iso_date(value) if _field(key).kind == "date" else value
    return form


def _kept_after_delete(current: str | None) -> bool:
    """The case being edited was deleted by someone else (so it is no longer the current
    case): keep the unsaved edit on screen and say what happened, instead of a blank form."""
    ss = st.session_state
    editing = ss.get(EDITING)
    if current is not None or not editing or FORM not in ss:
        return False
    store = session.store()
    if store.get(editing) is not None or store.load_draft(draft_key(owner(), editing)) is None:
        return False
    ss[LOADED], ss[ORPHAN] = None, editing
    ss[FLASH] = (
        "error",
        f"{editing} was deleted while you were editing it (see Deleted cases). Nothing was "
        "saved; your edit is kept as your draft.",
    )
    return True


def _widget(key: str, field: FormField, check: FormCheck, label: str | None = None) -> None:
    ss, wkey, form = st.session_state, W + key, st.session_state[FORM]
    if wkey not in ss:
        ss[wkey] = _to_widget(key, form.get(key))
    text = label if label is not None else field.label
    common: dict[str, Any] = {"key": wkey, "help": field.help or None}
    if field.kind == "text":
        disabled = key == "case_id" and ss.get(EDITING) is not None
        st.text_input(text, max_chars=field.max_chars, disabled=disabled, **common)
    elif field.kind in ("textarea", "lines"):
        st.text_area(text, max_chars=field.max_chars, height=100, **common)
    elif field.kind in ("int", "float"):
        # Typed as text and checked by the form: a bad number is named beside the field and
        # kept as typed (a number widget would silently drop a letter or revert the value).
        st.text_input(text, max_chars=field.max_chars, placeholder=field.placeholder, **common)
    elif field.kind == "enum":
        st.selectbox(
            text,
            [None, *field.choices],
            format_func=choice_label,
            placeholder=NOT_RECORDED,
            **common,
        )
    elif field.kind == "bool":
        st.radio(text, [None, True, False], format_func=BOOL_LABELS.get, horizontal=True, **common)
    elif field.kind == "multi":
        fmt = drug_label if field.choices and field.choices[0] in _DRUGS else choice_label
        st.multiselect(text, list(field.choices), format_func=fmt, placeholder="none", **common)
    elif field.kind == "check":
        st.checkbox(text, **common)
    elif field.kind == "date":
        st.date_input(
            text,
            value=None,
            min_value=_DATE_MIN,
            max_value=_DATE_MAX,
            format="YYYY-MM-DD",
            **common,
        )
    value = ss[wkey]
    form[key] = iso_date(value) if field.kind == "date" else value
    for message in check.errors_for(key, include_missing=bool(ss.get(SUBMITTED))):
        st.error(escape_md(plain_message(message, with_field=False)), icon=":material/error:")


def _grid(
    fields: list[FormField], columns: int, check: FormCheck, warnings: dict[str, list[str]]
) -> None:
    for start in range(0, len(fields), columns):
        for col, field in zip(st.columns(columns), fields[start : start + columns], strict=False):
            with col:
                _widget(field.key, field, check)
                for message in warnings.get(field.key, []):
                    st.warning(escape_md(message), icon=":material/badge:")


def render_section(section: str, check: FormCheck, warnings: dict[str, list[str]]) -> None:
    """One bordered section: short fields three to a row, free text two to a row; only the
    fields that apply to the case as typed so far are shown."""
    form = st.session_state[FORM]
    with st.container(border=True, key=f"intake_section_{section.replace(' ', '_')}"):
        st.subheader(section)
        visible = [f for f in FIELDS if f.section == section and applies(f.key, form)]
        wide = [f for f in visible if f.kind in ("textarea", "lines")]
        _grid([f for f in visible if f not in wide], 3, check, warnings)
        if section == "Pathology":
            show_grade(form)
        if section == "Extent":
            metastases_editor(check)
        for editor in EDITOR_BY_KEY.values():
            if editor.section == section:
                list_editor(editor, check, warnings)
        _grid(wide, 2, check, warnings)


def show_grade(form: dict[str, Any]) -> None:
    """The FNCLCC grade from the components as typed (computed by lms_board.grading)."""
    grade = live_grade(form)
    if grade is None or grade.grade is None:
        st.caption("FNCLCC grade: enter differentiation, mitoses and necrosis to compute it.")
        return
    st.info(escape_md(f"FNCLCC {grade_text(grade)}"), icon=":material/calculate:")


def metastases_editor(check: FormCheck) -> None:
    """Distant metastases: pick the sites, then lesions and resectability per site."""
    ss, form = st.session_state, st.session_state[FORM]
    wkey = W + METASTASES
    if wkey not in ss:
        ss[wkey] = list(form.get(METASTASES) or [])
    st.multiselect(
        METASTASIS_SITES_FIELD.label,
        list(METASTASIS_SITES),
        format_func=choice_label,
        placeholder="none recorded",
        key=wkey,
        help="Pick each site found; tick 'none found' once staging found none. Neither: "
        "not recorded (the classification stays provisional).",
    )
    form[METASTASES] = list(ss[wkey])
    if not form[METASTASES]:
        _widget(METASTASES_NONE, METASTASES_NONE_FIELD, check)
    for message in check.errors_for(METASTASES):
        st.error(escape_md(plain_message(message, with_field=False)), icon=":material/error:")
    for site in form[METASTASES]:
        name, count, resectable = st.columns([1, 1, 2], vertical_alignment="center")
        name.markdown(f"**{escape_md(choice_label(site))}**")
        with count:
            key = metastasis_key(site, "count")
            _widget(key, METASTASIS_COUNT, check, label=f"Lesions ({choice_label(site)})")
        with resectable:
            key = metastasis_key(site, "resectable")
            _widget(key, METASTASIS_RESECTABLE, check, label=f"Resectable ({choice_label(site)})")


def _row_widgets(
    editor: ListEditor,
    row: str,
    check: FormCheck,
    warnings: dict[str, list[str]],
) -> None:
    form = st.session_state[FORM]
    for layout in ROW_LAYOUT[editor.key]:
        cols = st.columns([width for _, width in layout])
        for col, (name, _) in zip(cols, layout, strict=True):
            if not row_applies(editor, name, form, row):
                continue
            with col:
                key = row_key(editor, row, name)
                _widget(key, editor.field(name), check)
                for message in warnings.get(key, []):
                    st.warning(escape_md(message), icon=":material/badge:")
    if editor is TREATMENT_LINES:
        drugs = dose_drugs(form, row)
        if drugs:
            dose_cols = st.columns(3)
            for i, drug in enumerate(drugs):
                with dose_cols[i % 3]:
                    label = f"{drug_label(drug)}: total dose (mg/m²)"
                    _widget(dose_key(row, drug), DOSE_FIELD, check, label=label)


def list_editor(editor: ListEditor, check: FormCheck, warnings: dict[str, list[str]]) -> None:
    """A repeatable group of rows (treatment lines, radiotherapy courses, comorbidities):
    one bordered block of widgets per row, with move-up, remove and add buttons."""
    form = st.session_state[FORM]
    st.markdown(f"**{escape_md(editor.title)}**")
    if editor.help:
        st.caption(escape_md(editor.help))
    order = rows(form, editor)
    for i, row in enumerate(order):
        with st.container(border=True, key=f"intake_row_{editor.key}_{row}".replace(".", "_")):
            title, buttons = st.columns([3, 2], vertical_alignment="center")
            title.markdown(f"**{escape_md(editor.item.capitalize())} {i + 1}**")
            with buttons, st.container(horizontal=True, horizontal_alignment="right"):
                st.button(
                    "Move up",
                    key=f"intake_up:{editor.key}:{row}",
                    on_click=_move_up,
                    args=(editor.key, row),
                    disabled=i == 0,
                    icon=":material/arrow_upward:",
                )
                st.button(
                    "Remove",
                    key=f"intake_remove:{editor.key}:{row}",
                    on_click=_remove,
                    args=(editor.key, row),
                    icon=":material/delete:",
                )
            _row_widgets(editor, row, check, warnings)
    if not order:
        _widget(editor.none_key, _field(editor.none_key), check)
    for message in check.errors_for(editor.key):
        st.error(escape_md(plain_message(message, with_field=False)), icon=":material/error:")
    st.button(
        f"Add {editor.item}",
        key=f"intake_add:{editor.key}",
        on_click=_add,
        args=(editor.key,),
        icon=":material/add:",
    )


def _add(list_key: str) -> None:
    form = sync()
    add_row(form, EDITOR_BY_KEY[list_key])
    form[EDITOR_BY_KEY[list_key].none_key] = False
    st.session_state.pop(W + EDITOR_BY_KEY[list_key].none_key, None)


def _remove(list_key: str, row: str) -> None:
    form = sync()
    remove_row(form, EDITOR_BY_KEY[list_key], row)
    prefix = f"{W}{list_key}.{row}."
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
        del st.session_state[key]


def _move_up(list_key: str, row: str) -> None:
    move_row_up(sync(), EDITOR_BY_KEY[list_key], row)


def autosave(form: dict[str, Any]) -> None:
    """Save the form as this user's draft whenever it changed since the last save."""
    ss = st.session_state
    if form == ss.get(SAVED_DRAFT):
        return
    payload = {
        "form": copy.deepcopy(form),
        "editing": ss.get(EDITING),
        "base_version": ss.get(BASE),
        "incarnation": ss.get(INCARNATION),
        "saved_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    session.store().save_draft(draft_key(owner(), ss.get(EDITING)), payload, session.user())
    ss[SAVED_DRAFT] = copy.deepcopy(form)


def _saved(stored: StoredCase, verb: str) -> None:
    ss = st.session_state
    store = session.store()
    store.clear_draft(draft_key(owner(), ss.get(EDITING)))
    store.clear_draft(draft_key(owner(), stored.case_id))
    if ss.get(RESTORED_FROM):
        store.clear_draft(ss[RESTORED_FROM])
    session.set_current(stored.case_id)
    load_form(stored.case_id)
    ss[FLASH] = ("success", f"{verb} {stored.case_id} (version {stored.version}).")


def save() -> None:
    """Save button callback: validate, then create or save with the base version."""
    ss = st.session_state
    form = sync()
    ss[SUBMITTED] = True
    check = check_form(form, _original())
    if check.case is None:
        ss[FLASH] = ("error", "Not saved: fix the fields marked below. Your input is kept.")
        return
    store, user, editing = session.store(), session.user(), ss.get(EDITING)
    try:
        if editing is None:
            _saved(store.create(check.case, user), "Created")
        else:
            saved = store.save(check.case, ss[BASE], user, incarnation=ss.get(INCARNATION))
            _saved(saved, "Saved")
    except DuplicateCaseError as exc:
        ss[FLASH] = ("error", "Not saved: that case id is taken.")
        ss[TAKEN] = (check.case.case_id, f"case_id: {exc}")
    except StaleVersionError as exc:
        ss[CONFLICT] = (exc.current, exc.attempted)
        ss[FLASH] = ("error", str(exc))
    except (CaseNotFoundError, CaseReplacedError) as exc:  # deleted, or its id reused
        ss[ORPHAN] = editing
        ss[FLASH] = ("error", f"Not saved. {exc} Your edit is kept as your draft.")


def _as_new_case() -> None:
    """Keep the form, but as a new case: its id can be changed, and saving creates a case."""
    ss = st.session_state
    store = session.store()
    old_key = draft_key(owner(), ss.get(EDITING))
    draft = store.load_draft(old_key)
    ss[EDITING], ss[BASE], ss[INCARNATION], ss[ORPHAN] = None, None, None, None
    ss[LOADED] = None
    session.set_current(None)
    if draft is not None:
        draft.update(editing=None, base_version=None, incarnation=None)
        store.save_draft(draft_key(owner(), None), draft, session.user())
        store.clear_draft(old_key)
    ss[FLASH] = ("info", "Your edit is now a new case: give it a case id and save it.")


def orphan_panel() -> None:
    """After a save of a case that was deleted (or replaced): what the user can do now."""
    case_id = st.session_state.get(ORPHAN)
    if not case_id:
        return
    with st.container(border=True):
        st.markdown(
            f"**{escape_md(case_id)} is no longer the case you opened.** Your edit is kept as "
            "your draft. A coordinator can restore a deleted case from Deleted cases (then "
            "save again), or you can save your edit as a new case."
        )
        st.button("Save my edit as a new case", key="intake_as_new", on_click=_as_new_case)


def _original() -> Case | None:
    """The stored case the form was opened from (its base version), if it is still there."""
    ss = st.session_state
    editing = ss.get(EDITING)
    stored = session.store().get(editing) if editing else None
    if stored is None or stored.version != ss.get(BASE):
        return None
    if ss.get(INCARNATION) and stored.incarnation != ss.get(INCARNATION):
        return None
    return stored.case


def flash() -> None:
    message = st.session_state.get(FLASH)
    if message:
        kind, text = message
        getattr(st, kind)(escape_md(text))


def _keep_mine() -> None:
    ss = st.session_state
    current, attempted = ss[CONFLICT]
    try:
        saved = session.store().save(
            attempted, current.version, session.user(), incarnation=current.incarnation
        )
    except (StaleVersionError, CaseNotFoundError, CaseReplacedError) as exc:
        ss[CONFLICT] = (exc.current, exc.attempted) if isinstance(exc, StaleVersionError) else None
        ss[FLASH] = ("error", f"Not saved. {exc}")
        return
    _saved(saved, "Saved your edit as")


def _take_theirs() -> None:
    current, _ = st.session_state[CONFLICT]
    session.store().clear_draft(draft_key(owner(), current.case_id))
    load_form(current.case_id)
    st.session_state[FLASH] = ("info", f"Loaded the stored version {current.version}.")


def conflict_panel() -> None:
    """A stale save: the user's edit beside the newer stored version; nothing overwritten."""
    conflict = st.session_state.get(CONFLICT)
    if not conflict:
        return
    current, attempted = conflict
    theirs = f"stored version {current.version} ({current.updated_by})"
    rows = [
        (field_label(path), _cell(mine), _cell(other))
        for path, mine, other in changed_fields(attempted, current.case)
    ]
    with st.container(border=True):
        st.subheader("Your edit and the newer stored version")
        st.dataframe(
            pd.DataFrame(rows, columns=["Field", "Your edit (not saved)", theirs]),
            hide_index=True,
            width="stretch",
        )
        mine_col, theirs_col = st.columns(2)
        mine_col.button(
            f"Save my edit over version {current.version}",
            key="intake_keep_mine",
            on_click=_keep_mine,
        )
        theirs_col.button(
            f"Discard my edit, load version {current.version}",
            key="intake_take_theirs",
            on_click=_take_theirs,
        )


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) or "none"
    return label(value) if value is None or isinstance(value, str | bool) else str(value)


def _restore(case_id: str | None, key: str) -> None:
    ss = st.session_state
    if case_id is not None and session.store().get(case_id) is None:  # deleted since
        session.set_current(None)
        load_form(case_id, draft_from=key)
        ss[LOADED], ss[ORPHAN] = None, case_id
        return
    session.set_current(case_id)
    load_form(case_id, draft_from=key)


def draft_offers() -> None:
    """A button for each of this user's other unsaved drafts, e.g. after a reload: the form
    shows the current case's draft by itself, the others are one click away (those of other
    browser sessions of a local user too, and those of cases deleted since)."""
    ss = st.session_state
    store, loaded = session.store(), ss.get(RESTORED_FROM) or draft_key(owner(), ss.get(EDITING))
    user = session.user()
    drafts = [d for d in user_drafts(user, store.list_drafts(user), owner()) if d.key != loaded]
    if not drafts:
        return
    with st.container(border=True):
        st.markdown("**Unsaved drafts from earlier**")
        for n, d in enumerate(drafts):
            gone = d.case_id is not None and store.get(d.case_id) is None
            st.button(
                escape_md(d.label + (" · the case is no longer on the board" if gone else "")),
                key=f"intake_restore_{d.case_id or 'new'}" + (f"_{n}" if d.elsewhere else ""),
                on_click=_restore,
                args=(d.case_id, d.key),
                icon=":material/restore:",
            )


def discard_draft() -> None:
    """Forget the restored draft and show the stored case (or a blank form)."""
    ss = st.session_state
    session.store().clear_draft(ss.get(RESTORED_FROM) or draft_key(owner(), ss.get(EDITING)))
    load_form(ss.get(EDITING))


def check(form: dict[str, Any]) -> FormCheck:
    """The form's errors by field, with "case id taken" while the taken id is still typed."""
    result = check_form(form)
    taken = st.session_state.get(TAKEN)
    if taken and taken[0] == form.get("case_id"):
        result.errors.setdefault("case_id", []).append(taken[1])
    return result


def editing_label() -> str:
    editing = st.session_state.get(EDITING)
    return f"Editing {editing} (version {st.session_state.get(BASE)})" if editing else "New case"
