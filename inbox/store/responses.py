"""Acknowledgments and feedback: the writes every person makes, idempotent on a client UUID.

Part of StoreService; a repeat of the same UUID, or a second acknowledgment of the same revision
by the same person, changes nothing and returns a Change with no events.
"""

from __future__ import annotations

import uuid

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inbox.core import lifecycle
from inbox.core.errors import FieldError, NotFoundError, ValidationError
from inbox.core.model import Change, State
from inbox.store import feed, pg_writes
from inbox.store.directory import Directory
from inbox.store.models import AcknowledgmentRow, FeedbackRow
from inbox.store.reader import find_decision


class ResponseWrites(Directory):
    def acknowledge(
        self, actor: str, key: str, *, revision: int | None = None, ack_id: str | None = None
    ) -> Change:
        """Record that ``actor`` read ``revision`` (default: current). Idempotent on ``ack_id``
        and on (decision, revision, person): a repeat returns a Change with no events."""
        ack_id = str(uuid.UUID(ack_id)) if ack_id else str(uuid.uuid4())
        now = self.clock()
        if self.store.dialect == "postgresql":
            number, inserted = self._respond_on_postgres(
                "acknowledge", p_actor=actor, p_key=key, p_revision=revision, p_id=ack_id, p_at=now
            )
            return _acknowledged(actor, key.strip().upper(), number, inserted)
        with self.store.write() as session:
            person = self._person(session, actor)
            row = find_decision(session, key)
            if row.state == State.SUPERSEDED.value:
                raise ValidationError(
                    f"{row.key} was superseded by {row.superseded_by}; acknowledge "
                    f"{row.superseded_by} instead."
                )
            lifecycle.check_transition(
                row.key, State(row.state), "acknowledge", deadline=row.deadline
            )
            number = row.current_revision if revision is None else revision
            if not 1 <= number <= row.current_revision:
                raise NotFoundError(
                    f"{row.key} has no revision {number}; its revisions are r1 to "
                    f"r{row.current_revision}.",
                    kind="revision",
                    key=row.key,
                )
            inserted = _insert_ignoring_duplicates(
                session,
                AcknowledgmentRow,
                {
                    "id": ack_id,
                    "decision_id": row.id,
                    "revision": number,
                    "person": person.handle,
                    "at": now,
                },
            )
            if not inserted:
                return _acknowledged(person.handle, row.key, number, False)
            feed.append(
                session,
                "acknowledged",
                actor=actor,
                at=now,
                decision=row.key,
                revision=number,
                data={"id": ack_id},
            )
            feed.notify(session)
            return _acknowledged(person.handle, row.key, number, True)

    def give_feedback(
        self,
        actor: str,
        key: str,
        *,
        body: str,
        objection: bool = False,
        feedback_id: str | None = None,
    ) -> Change:
        body = body.strip()
        if not body:
            raise FieldError("feedback", "empty", "The feedback is empty; write some first.")
        lifecycle.check_body(body, field="feedback")
        feedback_id = str(uuid.UUID(feedback_id)) if feedback_id else str(uuid.uuid4())
        now = self.clock()
        if self.store.dialect == "postgresql":
            number, inserted = self._respond_on_postgres(
                "give_feedback",
                p_actor=actor,
                p_key=key,
                p_body=body,
                p_objection=objection,
                p_id=feedback_id,
                p_at=now,
            )
            return _feedback_given(key.strip().upper(), number, objection, inserted)
        with self.store.write() as session:
            person = self._person(session, actor)
            row = find_decision(session, key)
            lifecycle.check_transition(row.key, State(row.state), "feedback")
            inserted = _insert_ignoring_duplicates(
                session,
                FeedbackRow,
                {
                    "id": feedback_id,
                    "decision_id": row.id,
                    "revision": row.current_revision,
                    "person": person.handle,
                    "body": body,
                    "objection": objection,
                    "at": now,
                },
            )
            if not inserted:
                return _feedback_given(row.key, row.current_revision, objection, False)
            feed.append(
                session,
                "feedback",
                actor=actor,
                at=now,
                decision=row.key,
                revision=row.current_revision,
                data={"id": feedback_id, "objection": objection},
            )
            feed.notify(session)
            return _feedback_given(row.key, row.current_revision, objection, True)

    def _respond_on_postgres(self, function: str, **params: object) -> tuple[int, bool]:
        """Call the database's ``acknowledge`` or ``give_feedback``: (the revision answered,
        whether this call inserted it); a repeat inserts nothing and wakes nobody."""
        with self.store.write() as session:
            result = pg_writes.call(session, function, **params)
            number, inserted = int(result[0]), bool(result[1])
            if inserted:
                feed.notify(session)
        return number, inserted


def _acknowledged(person: str, key: str, number: int, inserted: bool) -> Change:
    if not inserted:
        return Change(key, number, (), f"{person} had already acknowledged {key} r{number}.")
    return Change(key, number, ("acknowledged",), f"Acknowledged {key} r{number}.")


def _feedback_given(key: str, number: int, objection: bool, inserted: bool) -> Change:
    if not inserted:
        return Change(key, number, (), "This feedback was already recorded.")
    what = "Objection" if objection else "Feedback"
    return Change(key, number, ("feedback",), f"{what} recorded on {key} r{number}.")


def _insert_ignoring_duplicates(
    session: Session,
    model: type[AcknowledgmentRow] | type[FeedbackRow],
    values: dict[str, object],
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row is new."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    # RETURNING, not rowcount: an ORM-enabled INSERT does not report a reliable rowcount.
    return session.execute(statement).first() is not None
