"""Reading the store into frozen core values. A handful of bulk queries, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.core.errors import NotFoundError
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
from inbox.store import feed
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
    TeamRow,
)

_T = TypeVar("_T")


def load_people(session: Session) -> dict[str, Person]:
    teams: dict[str, set[str]] = defaultdict(set)
    for membership in session.scalars(select(MembershipRow)):
        teams[membership.person].add(membership.team)
    return {
        row.handle: Person(row.handle, row.name, frozenset(teams[row.handle]))
        for row in session.scalars(select(PersonRow).order_by(PersonRow.handle))
    }


def load_teams(session: Session) -> list[str]:
    return list(session.scalars(select(TeamRow.name).order_by(TeamRow.name)))


def load_snapshot(session: Session) -> Snapshot:
    rows = list(session.scalars(select(DecisionRow).order_by(DecisionRow.number)))
    return Snapshot(tuple(_assemble(session, rows)), load_people(session))


def load_decision(session: Session, key: str) -> Decision:
    row = find_decision(session, key)
    return _assemble(session, [row])[0]


def load_decisions(session: Session, keys: Iterable[str]) -> list[Decision]:
    """The decisions with these keys, in number order; unknown keys are skipped."""
    rows: list[DecisionRow] = []
    for chunk in _chunks(sorted(set(keys)), 500):
        rows += session.scalars(select(DecisionRow).where(DecisionRow.key.in_(chunk)))
    rows.sort(key=lambda r: r.number)
    return _assemble(session, rows)


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


def _assemble(session: Session, rows: Iterable[DecisionRow]) -> list[Decision]:
    rows = list(rows)
    ids = [row.id for row in rows]
    if not ids:
        return []
    revisions: dict[int, list[RevisionRow]] = defaultdict(list)
    for rev in session.scalars(
        select(RevisionRow).where(RevisionRow.decision_id.in_(ids)).order_by(RevisionRow.number)
    ):
        revisions[rev.decision_id].append(rev)
    assertions: dict[int, dict[str, str]] = defaultdict(dict)
    revision_ids = [rev.id for revs in revisions.values() for rev in revs]
    for chunk in _chunks(revision_ids, 500):
        for a in session.scalars(select(AssertionRow).where(AssertionRow.revision_id.in_(chunk))):
            assertions[a.revision_id][a.key] = a.value
    audience: dict[int, list[AudienceEntry]] = defaultdict(list)
    for aud in session.scalars(
        select(AudienceRow).where(AudienceRow.decision_id.in_(ids)).order_by(AudienceRow.id)
    ):
        kind, name = ("team", aud.team) if aud.team is not None else ("person", aud.person)
        assert name is not None
        audience[aud.decision_id].append(AudienceEntry(kind, name, Role(aud.role)))
    acks: dict[int, list[Acknowledgment]] = defaultdict(list)
    for ack in session.scalars(
        select(AcknowledgmentRow)
        .where(AcknowledgmentRow.decision_id.in_(ids))
        .order_by(AcknowledgmentRow.at, AcknowledgmentRow.id)
    ):
        acks[ack.decision_id].append(Acknowledgment(ack.id, ack.person, ack.revision, ack.at))
    feedback: dict[int, list[Feedback]] = defaultdict(list)
    for fb in session.scalars(
        select(FeedbackRow)
        .where(FeedbackRow.decision_id.in_(ids))
        .order_by(FeedbackRow.at, FeedbackRow.id)
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
