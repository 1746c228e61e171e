"""Session limits for member logins on a PostgreSQL store (migration v3,
docs/decisions/0009-writes-through-database-functions.md).

A member's session that leaves a transaction open holds back what others wait for: row locks of
a write, the NOTIFY queue's tail, the feed's horizon. ``init`` and ``admin grant`` give every
member login these limits in this store's database, so a forgotten (or deliberate) open
transaction is closed by the server. They are the login's defaults: an honest client never lifts
them, and the write functions carry their own lock timeout besides.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MEMBER = "decision_inbox_member"

SESSION_LIMITS = {
    "idle_in_transaction_session_timeout": "60s",
    "statement_timeout": "60s",
    "lock_timeout": "10s",
}


def may_apply(connection: Connection) -> bool:
    """Whether this login may set other roles' settings (a superuser, or CREATEROLE)."""
    row = connection.execute(
        text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
    ).first()
    return bool(row and row[0])


def apply(connection: Connection, role: str) -> None:
    """Set the limits on ``role`` in this database (not server-wide: their other work is theirs)."""
    for name, value in SESSION_LIMITS.items():
        statement = connection.execute(
            text(
                "SELECT format('ALTER ROLE %I IN DATABASE %I SET %s = %L', "
                "CAST(:role AS text), current_database(), CAST(:name AS text), "
                "CAST(:value AS text))"
            ),
            {"role": role, "name": name, "value": value},
        ).scalar()
        connection.execute(text(str(statement)))


def apply_to_members(connection: Connection) -> None:
    """Set the limits on every login role in the members group, where this login may."""
    if not may_apply(connection):
        return
    roles = connection.execute(
        text(
            "SELECT r.rolname FROM pg_roles r WHERE r.rolcanlogin AND NOT r.rolsuper "
            f"AND pg_has_role(r.rolname, '{MEMBER}', 'MEMBER')"
        )
    ).scalars()
    for role in list(roles):
        apply(connection, role)
