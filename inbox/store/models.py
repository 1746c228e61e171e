"""SQLAlchemy models of the shared store (docs/architecture.md, "The store").

Revisions, assertions, acknowledgments, feedback and the change feed are append-only: nothing in
the application updates or deletes them. On PostgreSQL the change feed also has a ``txid xid8``
column added by the migration only (SQLite has no such type), so it is not mapped here; the feed
reader queries it directly.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, also on SQLite, which keeps naive strings."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class PersonRow(Base):
    __tablename__ = "people"
    handle: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TeamRow(Base):
    __tablename__ = "teams"
    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MembershipRow(Base):
    __tablename__ = "memberships"
    person: Mapped[str] = mapped_column(ForeignKey("people.handle"), primary_key=True)
    team: Mapped[str] = mapped_column(ForeignKey("teams.name"), primary_key=True)


class DecisionRow(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    owner: Mapped[str] = mapped_column(ForeignKey("people.handle"))
    team: Mapped[str | None] = mapped_column(ForeignKey("teams.name"), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    current_revision: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    superseded_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        CheckConstraint(
            "state IN ('draft', 'open', 'finalized', 'superseded', 'withdrawn')",
            name="ck_decisions_state",
        ),
    )


class RevisionRow(Base):
    __tablename__ = "revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str] = mapped_column(ForeignKey("people.handle"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (UniqueConstraint("decision_id", "number", name="uq_revisions_number"),)


class AssertionRow(Base):
    __tablename__ = "assertions"
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_assertions_key", "key"),)


class AudienceRow(Base):
    __tablename__ = "audience"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    team: Mapped[str | None] = mapped_column(ForeignKey("teams.name"), nullable=True)
    person: Mapped[str | None] = mapped_column(ForeignKey("people.handle"), nullable=True)
    role: Mapped[str] = mapped_column(String(16))
    __table_args__ = (
        CheckConstraint("(team IS NULL) <> (person IS NULL)", name="ck_audience_one_target"),
        CheckConstraint("role IN ('ack', 'consult', 'inform')", name="ck_audience_role"),
        Index("ix_audience_decision", "decision_id"),
    )


class AcknowledgmentRow(Base):
    __tablename__ = "acknowledgments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # client-made UUID
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    revision: Mapped[int] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(ForeignKey("people.handle"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (
        UniqueConstraint("decision_id", "revision", "person", name="uq_acknowledgments_once"),
    )


class FeedbackRow(Base):
    __tablename__ = "feedback"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # client-made UUID
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    revision: Mapped[int] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(ForeignKey("people.handle"))
    body: Mapped[str] = mapped_column(Text)
    objection: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index("ix_feedback_decision", "decision_id"),)


class ChangeRow(Base):
    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(63))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    __table_args__ = (Index("ix_change_log_at", "at"), {"sqlite_autoincrement": True})


class SchemaInfoRow(Base):
    __tablename__ = "schema_info"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    demo_seeded: Mapped[bool] = mapped_column(Boolean, default=False)


class CodeCheckRow(Base):
    """One ``check --report``: a team's repository at a commit (schema v4)."""

    __tablename__ = "code_checks"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    team: Mapped[str] = mapped_column(ForeignKey("teams.name"))
    repo: Mapped[str] = mapped_column(String(100))
    commit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reporter: Mapped[str] = mapped_column(ForeignKey("people.handle"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index("ix_code_checks_where", "team", "repo", "id"),)


class CodeValueRow(Base):
    """What one binding held in a code check, and its status then."""

    __tablename__ = "code_check_values"
    check_id: Mapped[int] = mapped_column(ForeignKey("code_checks.id"), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    found: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    __table_args__ = (
        CheckConstraint(
            "status IN ('holds', 'drift', 'conflict', 'proposed', 'no_decision', 'unresolved')",
            name="ck_code_check_values_status",
        ),
    )
