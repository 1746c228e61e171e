"""Login roles on a PostgreSQL store: who may log in, as whom, and who is an admin
(docs/decisions/0003-row-level-security.md).

Each person logs in as their own role, named by their handle and a member of the members group;
the row-level security of migration v0002 then keeps them to their own acknowledgments and
feedback and their own decisions. Runs with an admin's or superuser's connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from inbox.core import lifecycle
from inbox.core.errors import PermissionDeniedError, UsageError
from inbox.store import limits, pg_writes
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


def _quote(session: Session, template: str, *values: str) -> str:
    # DDL takes no bind parameters: let the server quote identifiers (%I) and literals (%L).
    marks = ", ".join(f"CAST(:v{n} AS text)" for n in range(len(values)))
    params = {f"v{n}": value for n, value in enumerate(values)}
    return str(session.execute(text(f"SELECT format('{template}', {marks})"), params).scalar())


def _ddl(session: Session, statement: str) -> None:
    # A quoted literal may hold ':' (a SCRAM verifier always does): escaped, so that text()
    # does not read it as a bind parameter.
    session.execute(text(statement.replace(":", "\\:")))


def grant(store: StoreConnection, handle: str, password: str) -> str:
    """Create (or re-enable) ``handle``'s login role with ``password`` in the members group."""
    _require_postgres(store)
    lifecycle.check_handle(handle)
    if not password:
        raise UsageError("The password is empty; give one at the prompt or on stdin.")
    with store.write() as session:
        exists = _refuse_protected(session, handle, "grant")
        verb = "ALTER" if exists else "CREATE"
        # Only the SCRAM verifier reaches the server: the password itself never appears in a
        # statement, so not in the server's log, an error or a debug line either.
        verifier = _scram_verifier(session, handle, password)
        _ddl(session, _quote(session, f"{verb} ROLE %I LOGIN PASSWORD %L", handle, verifier))
        _ddl(session, _quote(session, f"GRANT {MEMBER} TO %I", handle))
        limits.apply(session.connection(), handle)
    return f"{handle} may now log in to this store's server as {handle}."


def revoke(store: StoreConnection, handle: str) -> str:
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        _refuse_protected(session, handle, "revoke")
        _ddl(session, _quote(session, "ALTER ROLE %I NOLOGIN", handle))
        _ddl(session, _quote(session, f"REVOKE {MEMBER} FROM %I", handle))
        _ddl(session, _quote(session, f"REVOKE {ADMIN} FROM %I", handle))
        pg_writes.call(session, "set_admin", p_handle=handle, p_admin=False)
    return f"{handle} can no longer log in; their decisions and acknowledgments stay."


def promote(store: StoreConnection, handle: str) -> str:
    _require_postgres(store)
    lifecycle.check_handle(handle)
    with store.write() as session:
        _ddl(session, _quote(session, f"GRANT {ADMIN} TO %I", handle))
        pg_writes.call(session, "set_admin", p_handle=handle, p_admin=True)
    return f"{handle} is now an admin of this store."


PROJECT_ROLES = (OWNER, MEMBER, ADMIN)


def _refuse_protected(session: Session, handle: str, action: str) -> bool:
    """Refuse the server's superusers and the store's own group roles; True if the role exists."""
    row = session.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = :h"), {"h": handle}
    ).first()
    if handle in PROJECT_ROLES or (row is not None and row[0]):
        raise PermissionDeniedError(
            f"{handle} is a superuser or one of the store's own roles; admin {action} leaves "
            "it alone."
        )
    return row is not None


def _scram_verifier(session: Session, handle: str, password: str) -> str:
    """libpq's client-side SCRAM-SHA-256 hashing of ``password`` for ``handle``."""
    raw: Any = session.connection().connection.dbapi_connection
    verifier: bytes = raw.pgconn.encrypt_password(
        password.encode(), handle.encode(), b"scram-sha-256"
    )
    return verifier.decode()
