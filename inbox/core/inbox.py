"""The personal inbox: what one person owes or should see, and why (docs/architecture.md).

Pure functions over a :class:`Snapshot`, so the desktop client, ``watch`` and ``inbox --json``
all agree, and every rule can be tested without a store.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox.core.conflicts import Conflict, find_conflicts
from inbox.core.diff import RevisionDiff, diff_since
from inbox.core.keys import decision_sort_key
from inbox.core.lifecycle import acked_revision, latest_material, missing_acks
from inbox.core.model import Decision, Reason, Role, Snapshot, State
from inbox.core.reliance import (
    CodeDrift,
    ack_audience,
    drifts_for,
    relied_by_user,
    roles_with_reliance,
)
from inbox.core.times import as_utc, iso_utc

# What the user owes comes before what they should merely see.
REASON_ORDER: tuple[Reason, ...] = (
    Reason.NEEDS_ACK,
    Reason.CHANGED_SINCE_ACK,
    Reason.FEEDBACK_REQUESTED,
    Reason.CONFLICT,
    Reason.CODE_DRIFT,
    Reason.DEADLINE_PASSED,
    Reason.AWAITING_ACKS,
    Reason.INFORMED,
)
_RANK = {reason: index for index, reason in enumerate(REASON_ORDER)}

_LABELS = {
    Reason.NEEDS_ACK: "needs your acknowledgment",
    Reason.CHANGED_SINCE_ACK: "changed since you acknowledged",
    Reason.FEEDBACK_REQUESTED: "feedback requested",
    Reason.AWAITING_ACKS: "awaiting acknowledgments",
    Reason.DEADLINE_PASSED: "deadline passed",
    Reason.CONFLICT: "conflicting assertion",
    Reason.CODE_DRIFT: "the code disagrees",
    Reason.INFORMED: "for your information",
}


def reason_label(reason: Reason) -> str:
    return _LABELS[reason]


@dataclass(frozen=True)
class ConflictPeer:
    """Another decision asserting a different value for the item's conflict key."""

    key: str
    title: str
    value: str
    owner: str
    state: str

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "value": self.value,
            "owner": self.owner,
            "state": str(self.state),
        }


@dataclass(frozen=True)
class InboxItem:
    """One thing the user owes or should see. Fields beyond ``team`` depend on the reason."""

    key: str
    title: str
    reason: Reason
    revision: int
    state: str
    owner: str
    team: str | None
    deadline: datetime | None = None
    overdue: bool = False
    acked_revision: int | None = None
    diff: RevisionDiff | None = None
    missing: tuple[str, ...] = ()
    acked_count: int | None = None
    audience_count: int | None = None
    conflict_key: str | None = None
    value: str | None = None
    conflicts_with: tuple[ConflictPeer, ...] = ()
    # Why a person outside the audience is asked to acknowledge: "auth.token.ttl in web", the
    # keys their team's code relies on.
    relies_on: tuple[str, ...] = ()
    drifts: tuple[CodeDrift, ...] = ()
    # When the decision's current revision was made: the list's "2 h ago". Not in to_json,
    # whose shape the command line documents.
    changed_at: datetime | None = None

    # Complexity C (radon): one branch per reason's fields, the shape docs/cli.md documents.
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "reason": str(self.reason),
            "revision": self.revision,
            "state": str(self.state),
            "owner": self.owner,
            "team": self.team,
        }
        if self.reason is Reason.FEEDBACK_REQUESTED:
            out["deadline"] = _iso_or_none(self.deadline)
            out["overdue"] = self.overdue
        elif self.reason is Reason.DEADLINE_PASSED:
            out["deadline"] = _iso_or_none(self.deadline)
        elif self.reason is Reason.CHANGED_SINCE_ACK:
            out["acked_revision"] = self.acked_revision
            out["diff"] = None if self.diff is None else self.diff.to_json()
        elif self.reason is Reason.CODE_DRIFT:
            out["drifts"] = [drift.to_json() for drift in self.drifts]
        elif self.reason is Reason.AWAITING_ACKS:
            out["missing"] = list(self.missing)
            out["coverage"] = {"acked": self.acked_count, "total": self.audience_count}
        elif self.reason is Reason.CONFLICT:
            out["conflict_key"] = self.conflict_key
            out["value"] = self.value
            out["conflicts_with"] = [peer.to_json() for peer in self.conflicts_with]
        if self.relies_on:
            out["relies_on"] = list(self.relies_on)
        return out


def _iso_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def compute_inbox(
    user: str,
    snapshot: Snapshot,
    now: datetime,
    dismissed: frozenset[tuple[str, int]] = frozenset(),
) -> list[InboxItem]:
    """Every inbox item of ``user``, in display order.

    ``dismissed`` holds (decision key, latest material revision) pairs the user marked done; a
    new material revision changes the pair, which is how a done ``informed`` item comes back.
    """
    now = as_utc(now)
    teams = snapshot.teams_of(user)
    items: list[InboxItem] = []
    for decision in snapshot.decisions:
        items.extend(decision_items(decision, user, teams, snapshot, now, dismissed))
    items.extend(_conflict_items(user, teams, snapshot))
    return sorted(items, key=display_order)


def is_relevant(decision: Decision, user: str, teams: frozenset[str], snapshot: Snapshot) -> bool:
    return decision.owner == user or bool(roles_with_reliance(decision, user, teams, snapshot))


# Complexity C (radon): one branch per inbox reason: the reasons table of docs/architecture.md,
# 'The inbox rules'.
def decision_items(
    decision: Decision,
    user: str,
    teams: frozenset[str],
    snapshot: Snapshot,
    now: datetime,
    dismissed: frozenset[tuple[str, int]],
) -> Iterator[InboxItem]:
    """The items ``decision`` itself gives ``user`` (conflicts aside); ``snapshot`` is read
    for the directory (who is in which team) and the code checks (who relies on which key,
    whose code drifts) only, ``now`` must be UTC."""
    roles = roles_with_reliance(decision, user, teams, snapshot)
    owner = decision.owner == user
    if decision.state is State.FINALIZED:
        material = latest_material(decision)
        if Role.ACK in roles and not owner:
            yield from _ack_items(decision, user, material, _relies(decision, snapshot, teams))
        elif Role.INFORM in roles and not owner and (decision.key, material) not in dismissed:
            yield _item(decision, Reason.INFORMED)
        if owner:
            yield from _awaiting_items(decision, snapshot, material)
        yield from _drift_items(decision, user, teams, snapshot)
    elif decision.state is State.OPEN:
        deadline = None if decision.deadline is None else as_utc(decision.deadline)
        if Role.CONSULT in roles and not owner and not _gave_feedback(decision, user):
            overdue = deadline is not None and deadline < now
            yield _item(decision, Reason.FEEDBACK_REQUESTED, deadline=deadline, overdue=overdue)
        if owner and deadline is not None and deadline < now:
            yield _item(decision, Reason.DEADLINE_PASSED, deadline=deadline)
    # drafts are not promises yet; superseded and withdrawn decisions ask nothing any more


def _relies(decision: Decision, snapshot: Snapshot, teams: frozenset[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.yours for r in relied_by_user(decision, snapshot, teams)))


def _ack_items(
    decision: Decision, user: str, material: int, relies: tuple[str, ...]
) -> Iterator[InboxItem]:
    acked = acked_revision(decision, user)
    if acked is None:
        yield _item(decision, Reason.NEEDS_ACK, relies_on=relies)
    elif acked < material:
        yield _item(
            decision,
            Reason.CHANGED_SINCE_ACK,
            acked_revision=acked,
            diff=diff_since(decision, acked),
            relies_on=relies,
        )


def _drift_items(
    decision: Decision, user: str, teams: frozenset[str], snapshot: Snapshot
) -> Iterator[InboxItem]:
    drifts = drifts_for(decision, user, teams, snapshot)
    if drifts:
        yield _item(decision, Reason.CODE_DRIFT, drifts=drifts)


def _awaiting_items(decision: Decision, snapshot: Snapshot, material: int) -> Iterator[InboxItem]:
    audience = ack_audience(decision, snapshot)
    missing = missing_acks(decision, audience, material)
    if missing:
        yield _item(
            decision,
            Reason.AWAITING_ACKS,
            missing=missing,
            acked_count=len(audience) - len(missing),
            audience_count=len(audience),
        )


def _gave_feedback(decision: Decision, user: str) -> bool:
    return any(f.person == user and f.revision == decision.revision for f in decision.feedback)


def _conflict_items(user: str, teams: frozenset[str], snapshot: Snapshot) -> Iterator[InboxItem]:
    by_key = {decision.key: decision for decision in snapshot.decisions}
    for conflict in find_conflicts(snapshot.decisions):
        item = conflict_item(conflict, user, teams, by_key, snapshot)
        if item is not None:
            yield item


def conflict_item(
    conflict: Conflict,
    user: str,
    teams: frozenset[str],
    by_key: Mapping[str, Decision],
    snapshot: Snapshot,
) -> InboxItem | None:
    """The one item ``conflict`` gives ``user``, or None when none of its decisions concerns
    them."""
    # Involved decisions arrive sorted by number. One item per assertion key, shown on the
    # lowest-numbered decision the user owns (one they can act on), else on the lowest-numbered
    # one relevant to them; relevance is asked only until one answers, as an inbox of a large
    # store has a conflict item for every few decisions.
    involved = [by_key[key] for key in conflict.decisions]
    anchor = next((d for d in involved if d.owner == user), None)
    if anchor is None:
        anchor = next((d for d in involved if is_relevant(d, user, teams, snapshot)), None)
    if anchor is None:
        return None
    return _item(
        anchor,
        Reason.CONFLICT,
        conflict_key=conflict.assertion_key,
        value=conflict.value_of(anchor.key),
        conflicts_with=conflict_peers(conflict, anchor.key, by_key),
    )


def conflict_peers(
    conflict: Conflict, anchor: str, by_key: Mapping[str, Decision]
) -> tuple[ConflictPeer, ...]:
    """The decisions in ``conflict`` asserting another value than decision ``anchor`` does."""
    value = conflict.value_of(anchor)
    return tuple(
        ConflictPeer(key, by_key[key].title, other, by_key[key].owner, by_key[key].state)
        for key, other in conflict.values
        if key != anchor and other != value
    )


def _item(decision: Decision, reason: Reason, **extra: Any) -> InboxItem:
    return InboxItem(
        key=decision.key,
        title=decision.title,
        reason=reason,
        revision=decision.revision,
        state=decision.state,
        owner=decision.owner,
        team=decision.team,
        changed_at=decision.current.created_at,
        **extra,
    )


def display_order(item: InboxItem) -> tuple[int, bool, float, tuple[str, int], str, str]:
    no_deadline, when = False, 0.0
    if item.reason is Reason.FEEDBACK_REQUESTED:
        no_deadline = item.deadline is None
        when = 0.0 if item.deadline is None else item.deadline.timestamp()
    return (
        _RANK[item.reason],
        no_deadline,
        when,
        decision_sort_key(item.key),
        item.key,
        item.conflict_key or "",
    )
