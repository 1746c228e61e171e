"""PostgreSQL security: group roles, table ownership, row-level security
(docs/decisions/0003-row-level-security.md).

Every rule a client must not break lives here, in the database, because desktop clients talk
to PostgreSQL directly and cannot be trusted. On SQLite this migration only bumps the schema
version: a SQLite store trusts everyone who can open its file.

Roles are cluster-wide, so the group roles are created only when missing and shared by every
store on the server. People log in as their own role, named by their handle.

Revision ID: v0002
Revises: v0001
"""

from __future__ import annotations

from alembic import op

revision = "v0002"
down_revision = "v0001"
branch_labels = None
depends_on = None

OWNER = "decision_inbox_owner"  # owns the tables; never logs in
MEMBER = "decision_inbox_member"  # every person's login role is a member
ADMIN = "decision_inbox_admin"  # may act for others, manage the directory

TABLES = (
    "people", "teams", "memberships", "decisions", "revisions", "assertions", "audience",
    "acknowledgments", "feedback", "change_log", "schema_info",
)  # fmt: skip

OWNS_DECISION = (
    "EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id AND d.owner = current_user)"
)

POLICIES: dict[str, list[tuple[str, str | None, str | None]]] = {
    # table: [(command, USING or None, WITH CHECK or None)]
    "people": [("SELECT", "true", None)],
    "teams": [("SELECT", "true", None)],
    "memberships": [("SELECT", "true", None)],
    "schema_info": [("SELECT", "true", None)],
    "decisions": [
        ("SELECT", "true", None),
        ("INSERT", None, "owner = current_user"),
        ("UPDATE", "owner = current_user", "owner = current_user"),
    ],
    "revisions": [
        ("SELECT", "true", None),
        ("INSERT", None, f"author = current_user AND {OWNS_DECISION}"),
    ],
    "assertions": [
        ("SELECT", "true", None),
        (
            "INSERT",
            None,
            "EXISTS (SELECT 1 FROM revisions r JOIN decisions d ON d.id = r.decision_id "
            "WHERE r.id = revision_id AND d.owner = current_user)",
        ),
    ],
    "audience": [("SELECT", "true", None), ("INSERT", None, OWNS_DECISION)],
    "acknowledgments": [("SELECT", "true", None), ("INSERT", None, "person = current_user")],
    "feedback": [("SELECT", "true", None), ("INSERT", None, "person = current_user")],
    "change_log": [
        ("SELECT", "true", None),
        ("INSERT", None, "login = current_user AND actor = current_user"),
    ],
}

MEMBER_WRITES = {
    "decisions": "INSERT",
    "revisions": "INSERT",
    "assertions": "INSERT",
    "audience": "INSERT",
    "acknowledgments": "INSERT",
    "feedback": "INSERT",
    "change_log": "INSERT",
}
# The decision row's lifecycle columns; not owner, key, number or team: no reassignment.
DECISION_UPDATABLE = "state, current_revision, deadline, superseded_by, version"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _postgres()
    op.execute("UPDATE schema_info SET version = 2 WHERE id = 1")


def _postgres() -> None:
    for role in (OWNER, MEMBER, ADMIN):
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    op.execute(f"GRANT {MEMBER} TO {ADMIN}")
    # Who wrote a feed row, whoever it was written for: an admin acting for a person (an
    # import, automation) stays visible as such.
    op.execute("ALTER TABLE change_log ADD COLUMN login text NOT NULL DEFAULT current_user")
    op.execute(
        "CREATE OR REPLACE FUNCTION decision_inbox_is_admin() RETURNS boolean "
        f"LANGUAGE sql STABLE AS $$ SELECT pg_has_role(current_user, '{ADMIN}', 'MEMBER') $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {MEMBER}")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"GRANT SELECT ON {table} TO {MEMBER}")
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {ADMIN}")
        op.execute(f"CREATE POLICY admin_all ON {table} TO {ADMIN} USING (true) WITH CHECK (true)")
        for n, (command, using, check) in enumerate(POLICIES[table]):
            clauses = (f" USING ({using})" if using else "") + (
                f" WITH CHECK ({check})" if check else ""
            )
            op.execute(
                f"CREATE POLICY member_{command.lower()}_{n} ON {table} FOR {command} "
                f"TO {MEMBER}{clauses}"
            )
    for table, privilege in MEMBER_WRITES.items():
        op.execute(f"GRANT {privilege} ON {table} TO {MEMBER}")
    op.execute(f"GRANT UPDATE ({DECISION_UPDATABLE}) ON decisions TO {MEMBER}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {MEMBER}")
    op.execute(f"ALTER SEQUENCE IF EXISTS change_log_seq_seq OWNER TO {OWNER}")
