"""The store's errors: each says what happened and what the user can do about it."""

from __future__ import annotations

from datetime import datetime
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


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


class CaseDeletedError(CaseNotFoundError):
    """An operation on a case that was deleted (it sits in Deleted cases until it is purged)."""

    def __init__(self, case_id: str, deleted_by: str, deleted_at: datetime) -> None:
        self.deleted_by = deleted_by
        self.deleted_at = deleted_at
        StoreError.__init__(
            self,
            f"Case {case_id} was deleted by {deleted_by} at {_when(deleted_at)}. Nothing was "
            "changed. A coordinator can restore it from Deleted cases within 30 days.",
        )
        self.case_id = case_id


class DeletedCaseIdError(DuplicateCaseError):
    """``create`` with the id of a deleted case that has not been purged yet."""

    def __init__(self, case_id: str, deleted_by: str, deleted_at: datetime) -> None:
        self.case_id = case_id
        StoreError.__init__(
            self,
            f"Case id {case_id} belongs to a case deleted by {deleted_by} at "
            f"{_when(deleted_at)}; restore it from Deleted cases, or choose another case id "
            "(the id is free again once the deleted case is purged, 30 days after deletion).",
        )


class CaseReplacedError(StoreError):
    """A save or delete of a case whose id now belongs to another case (deleted, purged and
    created again): the edit was of the earlier case and is not written over the new one."""

    def __init__(self, current: StoredCase, attempted: Case | None) -> None:
        self.current = current
        self.attempted = attempted
        super().__init__(
            f"Case {current.case_id} is not the case you opened: it was deleted and a new case "
            f"{current.case_id} was created since (now version {current.version}, last saved "
            f"by {current.updated_by}). Nothing was changed."
        )


class ChangedSinceConfirmedError(StoreError):
    """A delete confirmed for one version of a case, when the case has moved on since."""

    def __init__(self, current: StoredCase, confirmed_version: int) -> None:
        self.current = current
        self.confirmed_version = confirmed_version
        super().__init__(
            f"Case {current.case_id} was changed by {current.updated_by} since you confirmed "
            f"its deletion (you confirmed version {confirmed_version}, it is now version "
            f"{current.version}). Nothing was deleted; check the case and confirm again."
        )
