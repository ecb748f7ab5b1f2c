"""The store's errors: each says what happened and what the user can do about it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lms_board.case import Case
    from lms_board.meeting.model import Meeting
    from lms_board.store.meeting_records import StoredAction, StoredDecision, StoredMeeting
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


class MeetingNotFoundError(StoreError, LookupError):
    """An operation on a meeting id that is not in the store."""

    def __init__(self, meeting_id: str) -> None:
        self.meeting_id = meeting_id
        super().__init__(f"Meeting {meeting_id} is not in the store.")


class StaleMeetingError(StoreError):
    """A meeting saved on top of an old version: somebody else saved it in between.

    Nothing was written; ``current`` is the meeting as stored now, ``attempted`` the edit.
    """

    def __init__(self, current: StoredMeeting, attempted: Meeting, base_version: int) -> None:
        self.current = current
        self.attempted = attempted
        self.base_version = base_version
        super().__init__(
            f"Meeting {current.meeting_id} was changed by {current.updated_by} at "
            f"{_when(current.updated_at)} (now version {current.version}); your edit was based "
            f"on version {base_version} and has NOT been saved. Reload the meeting and apply "
            "your changes again."
        )


class NotOnAgendaError(StoreError):
    """A decision, action or move for a case that is not scheduled at that meeting."""

    def __init__(self, meeting_id: str, case_id: str) -> None:
        self.meeting_id = meeting_id
        self.case_id = case_id
        super().__init__(f"Case {case_id} is not on the agenda of meeting {meeting_id}.")


class StaleDecisionError(StoreError):
    """A decision recorded, edited or signed off on top of another version than the latest."""

    def __init__(
        self, meeting_id: str, case_id: str, current: StoredDecision | None, base_version: int
    ) -> None:
        self.current = current
        self.base_version = base_version
        if current is None:
            now = "no decision is recorded"
        else:
            now = (
                f"version {current.version} was recorded by {current.recorded_by} at "
                f"{_when(current.recorded_at)}"
            )
        super().__init__(
            f"The decision on case {case_id} at meeting {meeting_id} has changed: {now}; you "
            f"worked on version {base_version}. Nothing was saved; reload the decision."
        )


class NoDecisionError(StoreError):
    """An implementation record or sign-off for a case with no decision at that meeting."""

    def __init__(self, meeting_id: str, case_id: str, what: str) -> None:
        super().__init__(
            f"Case {case_id} has no board decision at meeting {meeting_id}: {what} needs one."
        )


class StaleActionError(StoreError):
    """A follow-up action changed on top of an old version."""

    def __init__(self, current: StoredAction, base_version: int) -> None:
        self.current = current
        super().__init__(
            f"Action {current.id} ({current.text!r}) was changed by {current.updated_by} at "
            f"{_when(current.updated_at)} (now {current.status}, version {current.version}); "
            f"your change was based on version {base_version} and has NOT been saved."
        )


class ActionNotFoundError(StoreError, LookupError):
    def __init__(self, action_id: int) -> None:
        super().__init__(f"Follow-up action {action_id} is not in the store.")
