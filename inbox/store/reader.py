"""Reading the store into frozen core values. A handful of bulk queries, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Row, Table, select
from sqlalchemy.orm import Session

from inbox.core.errors import NotFoundError
from inbox.core.keys import decision_sort_key
from inbox.core.model import (
    Acknowledgment,
    AudienceEntry,
    Decision,
    Event,
    Feedback,
    Person,
    Revision,
    Role,
    Snapshot,
    State,
)
from inbox.core.scope import index_entry
from inbox.store import feed
from inbox.store.code_checks import load_code_checks
from inbox.store.models import (
    AcknowledgmentRow,
    AssertionRow,
    AudienceRow,
    ChangeRow,
    DecisionRow,
    FeedbackRow,
    MembershipRow,
    PersonRow,
    RevisionRow,
)
from inbox.store.scope import in_scope_among
from inbox.store.stream import stream_decisions

_T = TypeVar("_T")
_CHUNK = 500  # ids per IN list: far below every driver's limit on bound parameters


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


# Plain Core rows, not ORM objects: a full load of a large store builds hundreds of thousands.
_DECISIONS = _table(DecisionRow)
_REVISIONS = _table(RevisionRow)
_ASSERTIONS = _table(AssertionRow)
_AUDIENCE = _table(AudienceRow)
_ACKS = _table(AcknowledgmentRow)
_FEEDBACK = _table(FeedbackRow)
_PEOPLE = _table(PersonRow)
_MEMBERSHIPS = _table(MembershipRow)


def load_people(session: Session) -> dict[str, Person]:
    teams: dict[str, set[str]] = defaultdict(set)
    for person, team in session.execute(select(_MEMBERSHIPS.c.person, _MEMBERSHIPS.c.team)):
        teams[person].add(team)
    people = select(_PEOPLE.c.handle, _PEOPLE.c.name).order_by(_PEOPLE.c.handle)
    return {
        handle: Person(handle, name, frozenset(teams[handle]))
        for handle, name in session.execute(people)
    }


def load_snapshot(session: Session) -> Snapshot:
    """Every decision, in number order: whole tables streamed and merged
    (:func:`inbox.store.stream.stream_decisions`), so a store of any size loads with the same
    few statements."""
    decisions = sorted(stream_decisions(session), key=lambda d: decision_sort_key(d.key))
    return Snapshot(tuple(decisions), load_people(session), load_code_checks(session))


def load_decision(session: Session, key: str) -> Decision:
    return load_decisions(session, [find_decision(session, key).key])[0]


def load_decisions(
    session: Session, keys: Iterable[str], scope: str | None = None
) -> list[Decision]:
    """The decisions with these keys, in number order; unknown keys are skipped. With ``scope``
    (a handle), those outside that person's scope come as their index (inbox.core.scope)."""
    rows: list[Row[Any]] = []
    whole: set[str] = set()
    for chunk in _chunks(sorted(set(keys)), _CHUNK):
        rows += session.execute(select(_DECISIONS).where(_DECISIONS.c.key.in_(chunk))).all()
        if scope is not None:
            whole |= in_scope_among(session, scope, chunk)
    rows.sort(key=lambda r: r.number)
    decisions: list[Decision] = []
    for part in _chunks(rows, _CHUNK):
        decisions += _assemble(session, part, [row.id for row in part])
    if scope is None:
        return decisions
    return [d if d.key in whole else index_entry(d) for d in decisions]


def find_decision(session: Session, key: str) -> DecisionRow:
    row = session.scalar(select(DecisionRow).where(DecisionRow.key == key.strip().upper()))
    if row is None:
        raise NotFoundError(
            f"There is no decision {key} in this store; `decision-inbox inbox` "
            "lists the ones that concern you."
        )
    return row


def load_events(session: Session, since: datetime) -> list[Event]:
    rows = session.scalars(select(ChangeRow).where(ChangeRow.at >= since).order_by(ChangeRow.seq))
    return [feed.to_event(row) for row in rows]


# Complexity C (radon): one table read per part of a decision (revisions, assertions, audience,
# acks, feedback), whole or by chunk.
def _assemble(session: Session, rows: Sequence[Row[Any]], ids: list[int] | None) -> list[Decision]:
    """``rows`` of the decisions table as core values; ``ids`` their ids (at most ``_CHUNK``),
    or None when ``rows`` is the whole table, so every table is read whole, unfiltered."""
    if not rows:
        return []

    def of_these(column: ColumnElement[int]) -> list[ColumnElement[bool]]:
        return [] if ids is None else [column.in_(ids)]

    revisions: dict[int, list[Row[Any]]] = defaultdict(list)
    for rev in session.execute(
        select(_REVISIONS)
        .where(*of_these(_REVISIONS.c.decision_id))
        .order_by(_REVISIONS.c.decision_id, _REVISIONS.c.number)
    ):
        revisions[rev.decision_id].append(rev)
    assertions: dict[int, dict[str, str]] = defaultdict(dict)
    for a in session.execute(
        select(_ASSERTIONS.c.revision_id, _ASSERTIONS.c.key, _ASSERTIONS.c.value)
        .join(_REVISIONS, _REVISIONS.c.id == _ASSERTIONS.c.revision_id)
        .where(*of_these(_REVISIONS.c.decision_id))
    ):
        assertions[a.revision_id][a.key] = a.value
    audience: dict[int, list[AudienceEntry]] = defaultdict(list)
    for aud in session.execute(
        select(_AUDIENCE).where(*of_these(_AUDIENCE.c.decision_id)).order_by(_AUDIENCE.c.id)
    ):
        kind, name = ("team", aud.team) if aud.team is not None else ("person", aud.person)
        assert name is not None
        audience[aud.decision_id].append(AudienceEntry(kind, name, Role(aud.role)))
    acks: dict[int, list[Acknowledgment]] = defaultdict(list)
    for ack in session.execute(
        select(_ACKS).where(*of_these(_ACKS.c.decision_id)).order_by(_ACKS.c.at, _ACKS.c.id)
    ):
        acks[ack.decision_id].append(Acknowledgment(ack.id, ack.person, ack.revision, ack.at))
    feedback: dict[int, list[Feedback]] = defaultdict(list)
    for fb in session.execute(
        select(_FEEDBACK)
        .where(*of_these(_FEEDBACK.c.decision_id))
        .order_by(_FEEDBACK.c.at, _FEEDBACK.c.id)
    ):
        feedback[fb.decision_id].append(
            Feedback(fb.id, fb.person, fb.revision, fb.body, fb.objection, fb.at)
        )
    return [
        Decision(
            key=row.key,
            owner=row.owner,
            team=row.team,
            state=State(row.state),
            version=row.version,
            deadline=row.deadline,
            superseded_by=row.superseded_by,
            created_at=row.created_at,
            revisions=tuple(
                Revision(
                    number=rev.number,
                    title=rev.title,
                    body=rev.body,
                    summary=rev.summary,
                    minor=rev.minor,
                    author=rev.author,
                    created_at=rev.created_at,
                    assertions=assertions[rev.id],
                )
                for rev in revisions[row.id]
            ),
            audience=tuple(audience[row.id]),
            acknowledgments=tuple(acks[row.id]),
            feedback=tuple(feedback[row.id]),
        )
        for row in rows
    ]


def _chunks(items: list[_T], size: int) -> Iterable[list[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
