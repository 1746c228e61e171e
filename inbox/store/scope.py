"""The scope rule of inbox.core.scope, run in the database: which decisions a person's client
fetches whole, so that a client never reads what it will not keep.

Two forms of the one rule. :func:`relevant_ids` is the set form (no correlation), for a full
load: the database computes the set once per statement and hashes it, where a per-row test would
probe three indexes for every decision of the store. :func:`in_scope` is the per-decision form,
for the few decisions one catch-up page touched: index probes for each, never a pass over the
store. The PostgreSQL one-statement catch-up (inbox.store.catch_up) spells the per-decision form
in SQL. A property test holds all three equal to the rule over core values.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, exists, func, or_, select, union
from sqlalchemy.orm import Session

from inbox.store.models import (
    AssertionRow,
    AudienceRow,
    CodeCheckRow,
    CodeValueRow,
    DecisionRow,
    MembershipRow,
    RevisionRow,
)


def _table(model: type[Any]) -> Table:
    return cast(Table, cast(Any, model).__table__)


_D = _table(DecisionRow)
_R = _table(RevisionRow)
_A = _table(AssertionRow)
_AUD = _table(AudienceRow)
_M = _table(MembershipRow)
_C = _table(CodeCheckRow)
_V = _table(CodeValueRow)


def _teams(user: str) -> Select[Any]:
    return select(_M.c.team).where(_M.c.person == user)


def relied_keys(user: str) -> Select[Any]:
    """The keys the latest check of each repository of the person's teams reported: one
    index range per team, whatever the number of reports."""
    latest = (
        select(func.max(_C.c.id)).where(_C.c.team.in_(_teams(user))).group_by(_C.c.team, _C.c.repo)
    )
    return select(_V.c.key).where(_V.c.check_id.in_(latest))


def relevant_ids(user: str) -> Select[Any]:
    """The ids of every decision in the person's scope, as one uncorrelated set."""
    owned = select(_D.c.id).where(_D.c.owner == user)
    heard = select(_AUD.c.decision_id).where(
        or_(_AUD.c.person == user, _AUD.c.team.in_(_teams(user)))
    )
    relying = (
        select(_R.c.decision_id)
        .join(_D, and_(_D.c.id == _R.c.decision_id, _D.c.current_revision == _R.c.number))
        .join(_A, _A.c.revision_id == _R.c.id)
        .where(_A.c.key.in_(relied_keys(user)))
    )
    return select(union(owned, heard, relying).subquery().c[0])


def in_scope(user: str) -> ColumnElement[bool]:
    """Whether the decision of the enclosing query (on ``decisions``) is in the person's scope."""
    return or_(
        _D.c.owner == user,
        exists().where(
            _AUD.c.decision_id == _D.c.id,
            or_(_AUD.c.person == user, _AUD.c.team.in_(_teams(user))),
        ),
        exists().where(
            _R.c.decision_id == _D.c.id,
            _R.c.number == _D.c.current_revision,
            _A.c.revision_id == _R.c.id,
            _A.c.key.in_(relied_keys(user)),
        ),
    )


def scoped_keys(session: Session, user: str) -> set[str]:
    """The keys of every decision in the person's scope (a membership or a code check of theirs
    changed what it is)."""
    return set(session.scalars(select(_D.c.key).where(_D.c.id.in_(relevant_ids(user)))))


def in_scope_among(session: Session, user: str, keys: list[str]) -> set[str]:
    """Those of ``keys`` (a bounded chunk) that are in the person's scope."""
    if not keys:
        return set()
    return set(session.scalars(select(_D.c.key).where(_D.c.key.in_(keys), in_scope(user))))


# The states a decision does not come back from; one out of scope in these is not kept. A state
# this version does not know is not among them: such a decision is sent, and found unreadable.
OVER = ("draft", "superseded", "withdrawn")


def not_over() -> ColumnElement[bool]:
    """The decision of the enclosing query is in no state of :data:`OVER`."""
    return and_(*(_D.c.state != state for state in OVER))


def over_among(session: Session, keys: set[str]) -> set[str]:
    """Those of ``keys`` whose decision is in a state of :data:`OVER`."""
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found |= set(session.scalars(select(_D.c.key).where(_D.c.key.in_(chunk), ~not_over())))
    return found
