"""Code checks: what a team's repository says, recorded by ``check --report`` (docs/check.md).

Two append-only tables: ``code_checks`` (team, repo, commit, reporter, time) and
``code_check_values`` (per binding: key, the value found, its status and the decision checked
against). The feed gets the event kind ``code_checked``.

PostgreSQL: members and admins may only read them; they write through the SECURITY DEFINER
function ``decision_inbox_report`` (``../sql/v0004_reports.sql``), which checks that the
reporter is the login and a member of the team, and row-level security on the owner the
function runs as repeats that rule. SQLite: triggers keep both tables append-only; the
membership rule is checked by ``StoreService.report`` in its one BEGIN IMMEDIATE transaction.

Revision ID: v0004
Revises: v0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inbox.store.migrations.definer import definer, operation, run_script, signatures
from inbox.store.models import UtcDateTime

revision = "v0004"
down_revision = "v0003"
branch_labels = None
depends_on = None

VERSION = 4
OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
ADMIN = "decision_inbox_admin"
FUNCTIONS = ("decision_inbox_report", "decision_inbox_code_values_with_check")
CALLABLE = ("decision_inbox_report",)
TABLES = ("code_checks", "code_check_values")
RULE_MARK = "decision-inbox rule: "  # inbox/store/refusals.py reads SQLite's refusals by it


def upgrade() -> None:
    op.create_table(
        "code_checks",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("team", sa.String(63), sa.ForeignKey("teams.name"), nullable=False),
        sa.Column("repo", sa.String(100), nullable=False),
        sa.Column("commit", sa.String(64), nullable=True),
        sa.Column("reporter", sa.String(63), sa.ForeignKey("people.handle"), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_code_checks_where", "code_checks", ["team", "repo", "id"])
    op.create_table(
        "code_check_values",
        sa.Column(
            "check_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            sa.ForeignKey("code_checks.id"), primary_key=True,
        ),
        sa.Column("ordinal", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("found", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer, nullable=True),
        sa.CheckConstraint(
            "status IN ('holds', 'drift', 'conflict', 'proposed', 'no_decision', 'unresolved')",
            name="ck_code_check_values_status",
        ),
    )  # fmt: skip
    if op.get_bind().dialect.name == "postgresql":
        _postgres()
    else:
        _sqlite()
    op.execute(f"UPDATE schema_info SET version = {VERSION} WHERE id = 1")


def _sqlite() -> None:
    for table in TABLES:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{RULE_MARK}{table} is append-only'); END"
            )


def _postgres() -> None:
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} OWNER TO {OWNER}")
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"GRANT SELECT ON {table} TO {MEMBER}")
    run_script("v0004_reports.sql")
    found = signatures()
    for name in FUNCTIONS:
        definer(found[name], OWNER)
    for name in CALLABLE:
        operation(found[name], MEMBER)
