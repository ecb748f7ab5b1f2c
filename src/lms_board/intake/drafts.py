"""Drafts of the intake form: whose they are, their keys in the store, the user's list of
them, and restoring a saved form state (including one saved by an older version of the form:
format v1 history fields are upgraded, numbers kept as text, the old "no metastasis site
picked means none found" read as such), so nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from lms_board import case_v1
from lms_board.case_upgrade import upgrade_v1
from lms_board.intake.fields import (
    LIST_EDITORS,
    METASTASES,
    METASTASES_NONE,
    RADIOTHERAPY_COURSES,
    TREATMENT_LINES,
    field_for,
    row_key,
)
from lms_board.intake.form import (
    FormState,
    add_row,
    empty_form,
    format_number,
    lines_of,
    parse_number,
    rows,
    widget_value,
)

#: The last part of the draft key of a new case: ``*`` is never in a case id, so a case whose
#: id is ``new`` has a draft of its own.
NEW_CASE = "*new"
_SESSION = "\x1fsession="
_TOKEN = re.compile(r"[0-9a-f]{1,32}")


def draft_owner(user: str, browser_session: str | None = None) -> str:
    """Whose drafts these are: a signed-in user's (``user``: they follow the user), or one
    browser session's of a local user (``local:...`` names are shared by everybody at the
    machine, so each browser session keeps its own drafts)."""
    return user if browser_session is None else f"{user}{_SESSION}{browser_session}"


def draft_key(owner: str, case_id: str | None) -> str:
    """Store key of an unsaved intake form: ``owner:CASE-ID`` or ``owner:*new``."""
    return f"{owner}:{case_id or NEW_CASE}"


def draft_prefix(owner: str) -> str:
    """What every draft key of ``owner`` starts with (for ``store.list_drafts``)."""
    return f"{owner}:"


_DRAFT_CASE_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")


@dataclass(frozen=True)
class SavedDraft:
    """An unsaved intake form kept in the store: of a case, or of a new case (``None``)."""

    key: str
    case_id: str | None
    saved_at: datetime
    #: Kept by another browser session of the same (local) user.
    elsewhere: bool = False

    @property
    def label(self) -> str:
        """``Restore your unsaved draft of DEMO-03 (saved 2026-11-21 10:42 UTC)``."""
        what = self.case_id or "a new case"
        when = self.saved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        where = " in another browser session" if self.elsewhere else ""
        return f"Restore your unsaved draft of {what} (saved {when} UTC{where})"


def _case_part(rest: str) -> tuple[bool, str | None]:
    if rest == NEW_CASE:
        return True, None
    if _DRAFT_CASE_ID.fullmatch(rest):
        return True, rest
    return False, None


def user_drafts(
    user: str, listed: Iterable[tuple[str, datetime]], owner: str | None = None
) -> list[SavedDraft]:
    """``user``'s drafts from ``store.list_drafts(user)``, in the given order: those of
    ``owner`` (default ``user``), then, marked ``elsewhere``, those of their other browser
    sessions and any kept under the bare user name.

    A key whose rest is not a case id or ``*new`` is not this user's: ``alice:x:DEMO-01`` is a
    draft of user ``alice:x``, whose name merely starts like ``alice``'s prefix.
    """
    owner = owner or user
    mine: list[SavedDraft] = []
    others: list[SavedDraft] = []
    for key, saved_at in listed:
        if key.startswith(f"{user}{_SESSION}"):
            token, sep, rest = key[len(user) + len(_SESSION) :].partition(":")
            if not sep or not _TOKEN.fullmatch(token):
                continue
        elif key.startswith(f"{user}:"):
            rest = key[len(user) + 1 :]
        else:
            continue
        ok, case_id = _case_part(rest)
        if not ok:
            continue
        own = key.startswith(draft_prefix(owner))
        (mine if own else others).append(SavedDraft(key, case_id, saved_at, elsewhere=not own))
    return mine + others


#: The history fields of the format v1 form, found in drafts saved before format v2.
V1_HISTORY_KEYS: tuple[str, ...] = (
    "history.radiotherapy",
    "history.systemic_lines_advanced",
    "history.prior_regimens",
    "history.progressed_on_last_line",
)


def restore_form(saved: Mapping[str, Any]) -> FormState:
    """A saved form state (a draft) as the current form: keys the form no longer has are
    dropped, the rows of the list editors kept, and the history of a draft of the format v1
    form upgraded as a v1 case is (so nothing typed is lost)."""
    form = empty_form()
    for key, value in saved.items():
        if key in form or _is_row_key(key, saved):
            form[key] = _as_typed(key, value)
    if METASTASES_NONE not in saved and METASTASES in saved and not saved.get(METASTASES):
        form[METASTASES_NONE] = True  # the older form: no site picked meant "none found"
    if any(saved.get(k) not in (None, "") for k in V1_HISTORY_KEYS):
        _upgrade_v1_history(form, saved)
    return form


def _as_typed(key: str, value: Any) -> Any:
    """A number saved by the older form (a number widget) as the text the form keeps now."""
    f = field_for(key)
    if f is not None and f.kind in ("int", "float") and not isinstance(value, str):
        return format_number(value)
    return value


def _is_row_key(key: str, saved: Mapping[str, Any]) -> bool:
    for editor in LIST_EDITORS:
        if key.startswith(editor.key + "."):
            row = key[len(editor.key) + 1 :].split(".", 1)[0]
            return row in rows(saved, editor)
    return False


def _upgrade_v1_history(form: FormState, saved: Mapping[str, Any]) -> None:
    regimens = lines_of(saved.get("history.prior_regimens"))
    history: dict[str, Any] = {
        "radiotherapy": saved.get("history.radiotherapy"),
        "systemic_lines_advanced": parse_number(
            saved.get("history.systemic_lines_advanced"), "int"
        )[0],
        "prior_regimens": regimens or None,
        "progressed_on_last_line": saved.get("history.progressed_on_last_line"),
    }
    shell = {
        "schema_version": 1,
        "case_id": "DRAFT",
        "patient": {"age": 0, "sex": "unknown"},
        "tumor": {"site": "other"},
        "pathology": {},
        "extent": {},
        "history": {k: v for k, v in history.items() if v is not None},
    }
    try:
        upgraded = upgrade_v1(case_v1.CaseV1.model_validate(shell)).get("history", {})
    except ValidationError:
        # Values the v1 form would have refused: keep every regimen typed, as text.
        upgraded = {"treatment_lines": [{"setting": "unknown", "regimen": r} for r in regimens]}
    for editor in (TREATMENT_LINES, RADIOTHERAPY_COURSES):
        items = upgraded.get(editor.key.split(".")[1])
        if items is None or rows(form, editor):
            continue
        form[editor.none_key] = not items
        for item in items:
            row = add_row(form, editor)
            for f in editor.fields:
                form[row_key(editor, row, f.key)] = widget_value(f, item.get(f.key))
