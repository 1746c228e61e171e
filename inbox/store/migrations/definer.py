"""What every PostgreSQL migration does to the functions it adds (v3 did it first, for its own):
run the SQL file, then make each function a SECURITY DEFINER of its no-login owner with a
pinned search_path, callable by nobody, and the write operations members call callable by them,
with the lock wait and the time zone every write function runs under."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import op

LOCK_TIMEOUT = "5s"  # wait for a row lock this long, then refuse (as v3's write functions)


def run_script(name: str) -> None:
    """``../sql/NAME``, through the driver's own execute: many statements, and ':name' inside
    function bodies is no bind parameter."""
    script = (resources.files("inbox.store") / "migrations" / "sql" / name).read_text()
    op.get_bind().connection.dbapi_connection.execute(script)  # type: ignore[union-attr]


def signatures() -> dict[str, str]:
    """Every ``decision_inbox_*`` function of the store's schema: name -> signature."""
    rows: Any = op.get_bind().exec_driver_sql(
        "SELECT p.proname, p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'decision\\_inbox\\_%%'"
    )
    return dict(rows.all())


def definer(signature: str, owner: str) -> None:
    """Run as ``owner``, whoever calls it, and callable by nobody yet."""
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(f"ALTER FUNCTION {signature} OWNER TO {owner}")
    # Pinned: a caller's search_path cannot put its own tables or operators in the way.
    op.execute(f"ALTER FUNCTION {signature} SET search_path = pg_catalog, {schema}, pg_temp")
    op.execute(f"ALTER FUNCTION {signature} SECURITY DEFINER")
    op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")


def operation(signature: str, member: str) -> None:
    """A write members call: a bounded wait for row locks, UTC, and ``member`` may run it."""
    op.execute(f"ALTER FUNCTION {signature} SET lock_timeout = '{LOCK_TIMEOUT}'")
    op.execute(f"ALTER FUNCTION {signature} SET TimeZone = 'UTC'")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {member}")
