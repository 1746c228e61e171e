"""Logins through the database's functions, the owning team's rules, no acknowledgment of an open
decision (docs/decisions/0010-logins-through-database-functions.md).

PostgreSQL: a no-login role ``decision_inbox_gatekeeper`` with CREATEROLE owns the login
functions (``../sql/v0005_admin.sql``) and the ``login_roles`` table that records which roles the
store created, so a promoted admin (not only the superuser who ran ``init``) can grant, promote
and revoke, and no login holds CREATEROLE. ``decision_inbox_create`` and
``decision_inbox_acknowledge`` are replaced by versions that enforce the owning team and refuse
an acknowledgment of an open decision.

SQLite: those rules live in StoreService (one writer); nothing changes in the file but the
version.

Revision ID: v0005
Revises: v0004
"""

from __future__ import annotations

from alembic import op

from inbox.store.migrations.definer import definer, operation, run_script, signatures

revision = "v0005"
down_revision = "v0004"
branch_labels = None
depends_on = None

OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
GATEKEEPER = "decision_inbox_gatekeeper"
VERSION = 5

# Owned by the gatekeeper; the first three are what an admin calls (they check who is calling).
LOGIN_OPERATIONS = (
    "decision_inbox_grant_login",
    "decision_inbox_revoke_login",
    "decision_inbox_promote_login",
)
LOGIN_HELPERS = (
    "decision_inbox_login_target",
    "decision_inbox_login_member",
    "decision_inbox_login_limits",
)
# The owner's functions the gatekeeper's call (each checks the caller's login itself).
OWNER_HELPERS = (
    "decision_inbox_privileged", "decision_inbox_refuse", "decision_inbox_set_admin",
    "decision_inbox_person",
)  # fmt: skip
# Replaced or added here, owned by the owner as v3's are.
REPLACED = ("decision_inbox_create", "decision_inbox_acknowledge")
ADDED = ("decision_inbox_owning_team",)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    op.execute(f"UPDATE schema_info SET version = {VERSION} WHERE id = 1")


def _postgres() -> None:
    # Roles are the server's, shared by every store on it: a second store finds it there.
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{GATEKEEPER}') "
        f"THEN CREATE ROLE {GATEKEEPER} NOLOGIN NOINHERIT CREATEROLE; END IF; END $$"
    )
    op.execute(f"ALTER ROLE {GATEKEEPER} NOLOGIN NOINHERIT CREATEROLE")
    run_script("v0005_admin.sql")
    op.execute(f"ALTER TABLE login_roles OWNER TO {GATEKEEPER}")
    op.execute("REVOKE ALL ON login_roles FROM PUBLIC")
    op.execute(f"GRANT SELECT ON login_roles TO {MEMBER}")
    found = signatures()
    for name in LOGIN_OPERATIONS + LOGIN_HELPERS:
        definer(found[name], GATEKEEPER)
    for name in LOGIN_OPERATIONS:
        op.execute(f"GRANT EXECUTE ON FUNCTION {found[name]} TO {MEMBER}")
    for name in OWNER_HELPERS:
        op.execute(f"GRANT EXECUTE ON FUNCTION {found[name]} TO {GATEKEEPER}")
    for name in REPLACED + ADDED:
        # CREATE OR REPLACE keeps owner and grants but resets SECURITY DEFINER and SET clauses.
        definer(found[name], OWNER)
    for name in REPLACED:
        operation(found[name], MEMBER)
