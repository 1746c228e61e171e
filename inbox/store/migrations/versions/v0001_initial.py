"""Initial schema: directory, decisions, immutable revisions, acknowledgments, feedback, feed.

Revision ID: v0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inbox.store.models import UtcDateTime

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("handle", sa.String(63), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "teams",
        sa.Column("name", sa.String(63), primary_key=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("person", sa.String(63), sa.ForeignKey("people.handle"), primary_key=True),
        sa.Column("team", sa.String(63), sa.ForeignKey("teams.name"), primary_key=True),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.Integer, nullable=False, unique=True),
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("owner", sa.String(63), sa.ForeignKey("people.handle"), nullable=False),
        sa.Column("team", sa.String(63), sa.ForeignKey("teams.name"), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("current_revision", sa.Integer, nullable=False),
        sa.Column("deadline", UtcDateTime, nullable=True),
        sa.Column("superseded_by", sa.String(32), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'open', 'finalized', 'superseded', 'withdrawn')",
            name="ck_decisions_state",
        ),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("minor", sa.Boolean, nullable=False),
        sa.Column("author", sa.String(63), sa.ForeignKey("people.handle"), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("decision_id", "number", name="uq_revisions_number"),
    )
    op.create_table(
        "assertions",
        sa.Column("revision_id", sa.Integer, sa.ForeignKey("revisions.id"), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_index("ix_assertions_key", "assertions", ["key"])
    op.create_table(
        "audience",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("team", sa.String(63), sa.ForeignKey("teams.name"), nullable=True),
        sa.Column("person", sa.String(63), sa.ForeignKey("people.handle"), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.CheckConstraint("(team IS NULL) <> (person IS NULL)", name="ck_audience_one_target"),
        sa.CheckConstraint("role IN ('ack', 'consult', 'inform')", name="ck_audience_role"),
    )
    op.create_index("ix_audience_decision", "audience", ["decision_id"])
    op.create_table(
        "acknowledgments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("person", sa.String(63), sa.ForeignKey("people.handle"), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("decision_id", "revision", "person", name="uq_acknowledgments_once"),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("person", sa.String(63), sa.ForeignKey("people.handle"), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("objection", sa.Boolean, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_feedback_decision", "feedback", ["decision_id"])
    op.create_table(
        "change_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("decision", sa.String(32), nullable=True),
        sa.Column("revision", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(63), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_change_log_at", "change_log", ["at"])
    if op.get_bind().dialect.name == "postgresql":
        # The transaction-id cursor (docs/architecture.md, "The change feed"): a reader takes
        # only rows whose writing transaction is below every snapshot's xmin, so no row can
        # appear behind its cursor.
        op.execute(
            "ALTER TABLE change_log ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()"
        )
        op.execute("CREATE INDEX ix_change_log_txid_seq ON change_log (txid, seq)")
    op.create_table(
        "schema_info",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("demo_seeded", sa.Boolean, nullable=False),
    )
    op.execute("INSERT INTO schema_info (id, version, demo_seeded) VALUES (1, 1, false)")


def downgrade() -> None:
    for table in (
        "schema_info",
        "change_log",
        "feedback",
        "acknowledgments",
        "audience",
        "assertions",
        "revisions",
        "decisions",
        "memberships",
        "teams",
        "people",
    ):
        op.drop_table(table)
