"""The store's errors: each says what happened and what the user can do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lms_board.case import Case
    from lms_board.store.records import StoredCase


class StoreError(Exception):
    """Base class of every error the case store raises on purpose."""


class StaleVersionError(StoreError):
    """A save based on an old version: somebody else saved the case in between.

    Nothing was written. ``current`` is the case as stored now, ``attempted`` the case that
    was not saved, so the page can show both and let the user re-apply the edit.
    """

    def __init__(self, current: StoredCase, attempted: Case, base_version: int) -> None:
        self.current = current
        self.attempted = attempted
        self.base_version = base_version
        when = current.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(
            f"Case {current.case_id} was changed by {current.updated_by} at {when} "
            f"(now version {current.version}); your edit was based on version {base_version} "
            "and has NOT been saved. Reload the case and apply your changes again."
        )


class DuplicateCaseError(StoreError):
    """``create`` with a ``case_id`` that is already in the store."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(
            f"Case {case_id} already exists; open it to edit it, or choose another case id."
        )


class CaseNotFoundError(StoreError, LookupError):
    """An operation on a ``case_id`` that is not in the store (never created, or deleted)."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(f"Case {case_id} is not in the store (it may have been deleted).")
