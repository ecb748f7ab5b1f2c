"""Who is acting: the name written into the audit log and onto every saved version."""

from __future__ import annotations

import getpass
import os
import unicodedata
from collections.abc import Mapping
from typing import Any

from lms_board.store.schema import USER_LENGTH

LOCAL_PREFIX = "local:"


def current_user(st_user: Mapping[str, Any] | None, env: Mapping[str, str] | None = None) -> str:
    """The acting user's name for the audit log.

    With ``st.login`` configured and a user logged in (``st_user["is_logged_in"]`` true): the
    identity provider's subject (``sub``, stable and unique, unlike a name or an e-mail).
    Otherwise nobody is authenticated, and the name says so with a ``local:`` prefix:
    ``local:$LMS_BOARD_USER`` if set, else ``local:<OS login name>``.
    """
    if st_user is not None and st_user.get("is_logged_in") is True:
        subject = clean_name(st_user.get("sub"))
        if subject:
            return subject
    env = os.environ if env is None else env
    name = clean_name(env.get("LMS_BOARD_USER")) or clean_name(_os_login()) or "unknown"
    return clean_name(LOCAL_PREFIX + name) or LOCAL_PREFIX + "unknown"


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        return ""


def clean_name(value: object) -> str:
    """``value`` as one line of printable text, at most the audit column's length (``""`` if
    it is not text)."""
    if not isinstance(value, str):
        return ""
    text = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    return " ".join(text.split())[:USER_LENGTH]
