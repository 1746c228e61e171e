"""A person leaves teams: ``person remove HANDLE --team NAME`` (the directory could only grow).

PostgreSQL: the SECURITY DEFINER function ``decision_inbox_remove_member``
(``../sql/v0006_members.sql``), owned by the no-login owner like v3's ``add_person``, for admins
only, deleting the membership and appending ``member_removed``. SQLite: the rule lives in
StoreService (one writer); nothing changes in the file but the version.

Revision ID: v0006
Revises: v0005
"""

from __future__ import annotations

from importlib import resources

from alembic import op

revision = "v0006"
down_revision = "v0005"
branch_labels = None
depends_on = None

VERSION = 6
OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
FUNCTION = "decision_inbox_remove_member"
LOCK_TIMEOUT = "5s"  # as the write functions of v3: wait for a row lock this long, then refuse


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    op.execute(f"UPDATE schema_info SET version = {VERSION} WHERE id = 1")


def _postgres() -> None:
    bind = op.get_bind()
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    script = resources.files("inbox.store") / "migrations" / "sql" / "v0006_members.sql"
    # The driver's own execute, as in v3: ':name' inside function bodies is no bind parameter.
    bind.connection.dbapi_connection.execute(script.read_text())  # type: ignore[union-attr]
    signature = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname = %(name)s",
        {"name": FUNCTION},
    ).scalar_one()
    op.execute(f"ALTER FUNCTION {signature} OWNER TO {OWNER}")
    op.execute(f"ALTER FUNCTION {signature} SET search_path = pg_catalog, {schema}, pg_temp")
    op.execute(f"ALTER FUNCTION {signature} SECURITY DEFINER")
    op.execute(f"ALTER FUNCTION {signature} SET lock_timeout = '{LOCK_TIMEOUT}'")
    op.execute(f"ALTER FUNCTION {signature} SET TimeZone = 'UTC'")
    op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {MEMBER}")
