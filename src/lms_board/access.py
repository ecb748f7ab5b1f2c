"""Who may do what: the signed-in user, their role, and what each role may do.

With a login configured (``[auth]`` in ``.streamlit/secrets.toml``) a user is known only
through a completed OpenID Connect login; their audit name is the identity provider's subject
(``sub``: stable and unique, unlike a display name or an e-mail). Their role comes from a
claim of the ID token, else from a local list, both set in the ``[lms_board]`` section:

```toml
[lms_board]
roles_claim = "lms_board_role"   # a claim whose value (or list of values) names the role
coordinators = ["<subject>", "alice@hospital.example"]   # subjects, or verified e-mails
viewers = ["*"]                  # "*": every signed-in user
```

A signed-in user with no role sees nothing but a note saying so. Without a login the app is
a single-user tool on one machine (it listens on 127.0.0.1 only): the local user coordinates.

- ``coordinator``: enter and edit cases, import, delete and restore, record decisions.
- ``viewer``: read every page, present, download exports; change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from lms_board.store.users import clean_name, current_user

Role = Literal["coordinator", "viewer"]
ROLES: tuple[Role, ...] = ("coordinator", "viewer")


@dataclass(frozen=True, slots=True)
class Access:
    """The person using this session, as far as the app can tell."""

    #: The name written into the audit log: the IdP subject, or ``local:<name>``.
    user: str
    #: How to greet them: their name or e-mail from the ID token, else ``user``.
    display: str
    role: Role | None
    signed_in: bool

    @property
    def can_edit(self) -> bool:
        return self.role == "coordinator"


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [v for v in value if isinstance(v, str)]
    return []


def role_of(claims: Mapping[str, Any], settings: Mapping[str, Any]) -> Role | None:
    """The strongest role the claim or the local lists give these ID-token claims."""
    found: set[str] = set()
    claim = settings.get("roles_claim")
    if isinstance(claim, str) and claim:
        found.update(v.strip().lower() for v in _as_list(claims.get(claim)))
    names = {str(claims.get("sub") or "")}
    if claims.get("email_verified") is True and claims.get("email"):
        names.add(str(claims["email"]).lower())
    names.discard("")
    for role in ROLES:
        listed = {n if n == "*" else n.strip() for n in _as_list(settings.get(f"{role}s"))}
        listed |= {n.lower() for n in listed if "@" in n}
        if "*" in listed or names & listed:
            found.add(role)
    return next((r for r in ROLES if r in found), None)


def access_of(
    st_user: Mapping[str, Any] | None,
    *,
    login: bool,
    settings: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Access | None:
    """This session's access; ``None`` when a login is configured and nobody is signed in."""
    if not login:
        name = current_user(None, env)
        return Access(name, name, "coordinator", signed_in=False)
    claims = st_user or {}
    if claims.get("is_logged_in") is not True or not clean_name(claims.get("sub")):
        return None
    user = current_user(claims, env)
    display = clean_name(claims.get("name")) or clean_name(claims.get("email")) or user
    return Access(user, display, role_of(claims, settings or {}), signed_in=True)
