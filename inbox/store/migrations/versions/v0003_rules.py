"""The store's rules in the database (docs/decisions/0009-writes-through-database-functions.md).

PostgreSQL: members and admins keep SELECT and lose every other privilege on the tables; they
write through SECURITY DEFINER functions owned by the no-login owner (``../sql/v0003_rules.sql``),
which enforce the lifecycle on the rows they lock, allocate keys and numbers, take times from the
server's clock and write the change feed themselves. Constraints and triggers there hold for
every role, superusers included.

SQLite: the same shape rules as triggers (SQLite cannot add a CHECK to an existing table without
rebuilding it): keys, handles, JSON feed data, revisions in sequence, append-only history. A
SQLite store still trusts everyone who can open its file; these keep a slip from corrupting it.

Revision ID: v0003
Revises: v0002
"""

from __future__ import annotations

from importlib import resources

from alembic import op

revision = "v0003"
down_revision = "v0002"
branch_labels = None
depends_on = None

OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
ADMIN = "decision_inbox_admin"

# What a member may call; everything else named decision_inbox_* is a helper only the owner runs.
OPERATIONS = (
    "decision_inbox_create", "decision_inbox_revise", "decision_inbox_open",
    "decision_inbox_finalize", "decision_inbox_withdraw", "decision_inbox_supersede",
    "decision_inbox_acknowledge", "decision_inbox_give_feedback", "decision_inbox_add_team",
    "decision_inbox_add_person", "decision_inbox_set_admin", "decision_inbox_mark_demo_seeded",
)  # fmt: skip

# A write waits this long for a row another session holds, then fails with a sentence instead
# of hanging behind a colleague's open transaction.
LOCK_TIMEOUT = "5s"

# How inbox/store/refusals.py tells a rule's refusal from another constraint error on SQLite.
RULE_MARK = "decision-inbox rule: "

APPEND_ONLY = ("revisions", "assertions", "audience", "acknowledgments", "feedback", "change_log")

# GLOB, not a regular expression: SQLite has none built in. '[^…]' is GLOB's negated class.
SQLITE_TRIGGERS = {
    "decisions_key": (
        "BEFORE INSERT ON decisions WHEN NEW.key IS NOT 'D-' || NEW.number "
        "OR NEW.number < 1 OR typeof(NEW.number) <> 'integer'",
        "a decision key is D- and its number",
    ),
    "decisions_kept": ("BEFORE DELETE ON decisions", "decisions are never deleted"),
    "decisions_identity": (
        "BEFORE UPDATE OF id, number, key, owner, team, created_at ON decisions "
        "WHEN NEW.id IS NOT OLD.id OR NEW.number IS NOT OLD.number OR NEW.key IS NOT OLD.key "
        "OR NEW.owner IS NOT OLD.owner OR NEW.team IS NOT OLD.team "
        "OR NEW.created_at IS NOT OLD.created_at",
        "a decision keeps its key, number, owner, team and creation time",
    ),
    "decisions_current_revision": (
        "BEFORE UPDATE OF current_revision ON decisions WHEN NEW.current_revision IS NOT "
        "(SELECT max(number) FROM revisions WHERE decision_id = NEW.id)",
        "a decision points at its newest revision",
    ),
    "people_handle": (
        "BEFORE INSERT ON people WHEN NEW.handle NOT GLOB '[a-z]*' "
        "OR NEW.handle GLOB '*[^a-z0-9_.-]*' OR length(NEW.handle) > 63",
        "a handle is lower-case letters, digits, '.', '_' or '-', starting with a letter",
    ),
    "revisions_in_sequence": (
        "BEFORE INSERT ON revisions WHEN NEW.number IS NOT "
        "coalesce((SELECT max(number) FROM revisions WHERE decision_id = NEW.decision_id), 0) + 1",
        "revisions are numbered in sequence",
    ),
    "change_log_json": (
        "BEFORE INSERT ON change_log WHEN NOT json_valid(NEW.data) "
        "OR json_type(NEW.data) IS NOT 'object'",
        "feed data is a JSON object",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    else:
        _sqlite()
    op.execute("UPDATE schema_info SET version = 3 WHERE id = 1")


def _sqlite() -> None:
    for name, (when, rule) in SQLITE_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} {when} "
            f"BEGIN SELECT RAISE(ABORT, '{RULE_MARK}{_sql(rule)}'); END"
        )
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{RULE_MARK}{table} is append-only'); END"
            )


def _sql(text: str) -> str:
    return text.replace("'", "''")


def _postgres() -> None:
    bind = op.get_bind()
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    script = (resources.files("inbox.store") / "migrations" / "sql" / "v0003_rules.sql").read_text()
    # The driver's own execute: the script holds many statements, and SQLAlchemy's text() would
    # read ':name' inside the function bodies as bind parameters.
    bind.connection.dbapi_connection.execute(script)  # type: ignore[union-attr]
    for table in (
        "people", "teams", "memberships", "decisions", "revisions", "assertions", "audience",
        "acknowledgments", "feedback", "change_log", "schema_info",
    ):  # fmt: skip
        # Row-level security is forced, so the owner the functions run as needs a policy too.
        op.execute(f"CREATE POLICY owner_all ON {table} TO {OWNER} USING (true) WITH CHECK (true)")
        op.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {MEMBER}, {ADMIN}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {MEMBER}, {ADMIN}")
    op.execute(f"ALTER SEQUENCE decision_inbox_number_seq OWNER TO {OWNER}")
    functions = bind.exec_driver_sql(
        "SELECT p.oid::regprocedure::text, p.proname FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND p.proname LIKE 'decision\\_inbox\\_%%'"
    ).all()
    for signature, name in functions:
        if name == "decision_inbox_is_admin":
            continue  # v2's, left as it was
        op.execute(f"ALTER FUNCTION {signature} OWNER TO {OWNER}")
        # Pinned: a caller's search_path cannot put its own tables or operators in the way.
        op.execute(f"ALTER FUNCTION {signature} SET search_path = pg_catalog, {schema}, pg_temp")
        # Definer everywhere: a deferred trigger fires at commit, outside the calling function.
        op.execute(f"ALTER FUNCTION {signature} SECURITY DEFINER")
        op.execute(f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
        if name in OPERATIONS:
            op.execute(f"ALTER FUNCTION {signature} SET lock_timeout = '{LOCK_TIMEOUT}'")
            op.execute(f"ALTER FUNCTION {signature} SET TimeZone = 'UTC'")
            op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {MEMBER}")
