"""Login roles on a PostgreSQL store: who may log in, as whom, and who is an admin
(docs/decisions/0003-row-level-security.md).

Each person logs in as their own role, named by their handle and a member of the members group;
the row-level security of migration v0002 then keeps them to their own acknowledgments and
feedback and their own decisions. Since migration v4 grant, revoke and promote are the
database's own functions, run by its no-login gatekeeper role (the only one with CREATEROLE),
so an admin's login manages logins as well as a superuser's
(docs/decisions/0010-logins-through-database-functions.md); this module hashes the password on
the client and turns the outcome into a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from inbox.core import lifecycle
from inbox.core.errors import PermissionDeniedError, UsageError
from inbox.store import pg_writes
from inbox.store.connection import StoreConnection

OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
ADMIN = "decision_inbox_admin"


@dataclass(frozen=True)
class Login:
    role: str
    privileged: bool  # superuser or admin: may act for another person


def login_of(store: StoreConnection) -> Login:
    """The role this connection logs in as, and whether it may act for others."""
    with store.read() as session:
        row = session.execute(
            text(
                "SELECT current_user, "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                f"OR pg_has_role(current_user, '{ADMIN}', 'MEMBER')"
            )
        ).one()
    return Login(str(row[0]), bool(row[1]))


def check_acting_user(store: StoreConnection, user: str | None) -> str:
    """On PostgreSQL the identity is the login role: ``--user`` must match it, except for an
    admin or superuser acting for someone (imports, automation; the feed records the login)."""
    login = login_of(store)
    if user is None or user == login.role:
        return login.role
    if not login.privileged:
        raise PermissionDeniedError(
            f"You are logged in to the store as {login.role}; only an admin can act as {user}."
        )
    return user


def _require_postgres(store: StoreConnection) -> None:
    if store.dialect != "postgresql":
        raise UsageError(
            "Login roles exist only on a PostgreSQL store; a SQLite store trusts everyone who "
            "can open its file."
        )


def grant(store: StoreConnection, handle: str, password: str | None, *, adopt: bool = False) -> str:
    """Create (or re-enable) ``handle``'s login role with ``password`` in the members group, or
    (``adopt``, no password) make an existing server role a member. The database's
    ``decision_inbox_grant_login`` decides (migration v4): an admin may run it, not only a
    superuser, and it leaves superusers, the server's and the store's own roles alone."""
    _require_postgres(store)
    lifecycle.check_handle(handle)
    if not adopt and not password:
        raise UsageError("The password is empty; give one at the prompt or on stdin.")
    with store.write() as session:
        # Only the SCRAM verifier reaches the server: the password itself never appears in a
        # statement, so not in the server's log, an error or a debug line either.
        verifier = None if adopt else _scram_verifier(session, handle, password or "")
        done = pg_writes.call(
            session, "grant_login", p_role=handle, p_verifier=verifier, p_adopt=adopt
        )[0]
    if done == "adopted":
        return f"The server role {handle} is now a member of this store; its password is unchanged."
    if done == "member":
        return f"{handle} was already a member of this store; its password is unchanged."
    return f"{handle} may now log in to this store's server as {handle}."


def revoke(store: StoreConnection, handle: str) -> str:
    """Take ``handle`` out of the store's roles; disable the login only if the store made it."""
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        disabled = pg_writes.call(session, "revoke_login", p_role=handle)[0]
    if disabled:
        return f"{handle} can no longer log in; their decisions and acknowledgments stay."
    return (
        f"{handle} is no longer a member of this store; this store did not create that server "
        "role, so it keeps its login (their decisions and acknowledgments stay)."
    )


def promote(store: StoreConnection, handle: str) -> str:
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        pg_writes.call(session, "promote_login", p_role=handle)
    return f"{handle} is now an admin of this store."


def _scram_verifier(session: Session, handle: str, password: str) -> str:
    """libpq's client-side SCRAM-SHA-256 hashing of ``password`` for ``handle``."""
    raw: Any = session.connection().connection.dbapi_connection
    verifier: bytes = raw.pgconn.encrypt_password(
        password.encode(), handle.encode(), b"scram-sha-256"
    )
    return verifier.decode()
