"""The case store: cases and every saved version, board decisions, drafts, the audit log.

SQLite by default (``$LMS_BOARD_DATA/lms_board.sqlite3``), PostgreSQL when ``DATABASE_URL``
says so. The Streamlit app calls :func:`open_store` on every rerun; the engine (and its
schema migration) is made once per process and URL.
"""

from __future__ import annotations

from lms_board.store.case_store import CaseStore
from lms_board.store.engine import database_url, get_engine, normalise_url
from lms_board.store.errors import (
    CaseDeletedError,
    CaseNotFoundError,
    CaseReplacedError,
    ChangedSinceConfirmedError,
    DeletedCaseIdError,
    DuplicateCaseError,
    StaleVersionError,
    StoreError,
)
from lms_board.store.records import (
    RETENTION_DAYS,
    STATUSES,
    AuditEntry,
    CaseStatus,
    DeletedCase,
    StoredCase,
)
from lms_board.store.users import current_user

__all__ = [
    "RETENTION_DAYS",
    "STATUSES",
    "AuditEntry",
    "CaseDeletedError",
    "CaseNotFoundError",
    "CaseReplacedError",
    "CaseStatus",
    "CaseStore",
    "ChangedSinceConfirmedError",
    "DeletedCase",
    "DeletedCaseIdError",
    "DuplicateCaseError",
    "StaleVersionError",
    "StoreError",
    "StoredCase",
    "current_user",
    "database_url",
    "open_store",
]


def open_store(url: str | None = None) -> CaseStore:
    """The store at ``url``, else at ``DATABASE_URL``, else the SQLite file under ``$LMS_BOARD_DATA``."""
    resolved = normalise_url(url) if url else database_url()
    return CaseStore(get_engine(resolved), resolved)
