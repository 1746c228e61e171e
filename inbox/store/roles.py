"""Login roles on a PostgreSQL store: who may log in, as whom, and who is an admin
(docs/decisions/0003-row-level-security.md).

Each person logs in as their own role, named by their handle and a member of the members group;
the row-level security of migration v0002 then keeps them to their own acknowledgments and
feedback and their own decisions. Runs with an admin's or superuser's connection.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from inbox.core import lifecycle
from inbox.core.errors import PermissionDeniedError, UsageError
from inbox.store import limits, pg_writes
from inbox.store.connection import StoreConnection

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


def _quote(session: Session, template: str, *values: str) -> str:
    # DDL takes no bind parameters: let the server quote identifiers (%I) and literals (%L).
    marks = ", ".join(f"CAST(:v{n} AS text)" for n in range(len(values)))
    params = {f"v{n}": value for n, value in enumerate(values)}
    return str(session.execute(text(f"SELECT format('{template}', {marks})"), params).scalar())


def grant(store: StoreConnection, handle: str, password: str) -> str:
    """Create (or re-enable) ``handle``'s login role with ``password`` in the members group."""
    _require_postgres(store)
    lifecycle.check_handle(handle)
    if not password:
        raise UsageError("The password is empty; give one at the prompt or on stdin.")
    with store.write() as session:
        exists = session.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :h"), {"h": handle}
        ).first()
        verb = "ALTER" if exists else "CREATE"
        session.execute(
            text(_quote(session, f"{verb} ROLE %I LOGIN PASSWORD %L", handle, password))
        )
        session.execute(text(_quote(session, f"GRANT {MEMBER} TO %I", handle)))
        limits.apply(session.connection(), handle)
    return f"{handle} may now log in to this store's server as {handle}."


def revoke(store: StoreConnection, handle: str) -> str:
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        session.execute(text(_quote(session, "ALTER ROLE %I NOLOGIN", handle)))
        session.execute(text(_quote(session, f"REVOKE {MEMBER} FROM %I", handle)))
        session.execute(text(_quote(session, f"REVOKE {ADMIN} FROM %I", handle)))
        pg_writes.call(session, "set_admin", p_handle=handle, p_admin=False)
    return f"{handle} can no longer log in; their decisions and acknowledgments stay."


def promote(store: StoreConnection, handle: str) -> str:
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        session.execute(text(_quote(session, f"GRANT {ADMIN} TO %I", handle)))
        pg_writes.call(session, "set_admin", p_handle=handle, p_admin=True)
    return f"{handle} is now an admin of this store."
