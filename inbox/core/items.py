"""Inbox items: the records the inbox rules produce (inbox.core.inbox), their labels and their
display order.

An item is a named tuple, not a frozen dataclass: a large store's inbox builds one for nearly
every decision, and a frozen dataclass sets each of its twenty fields through
``object.__setattr__`` — measured at 100 000 items, building them cost more than every rule put
together. A tuple is as immutable and is built in one step; to change a field of a copy, use
``item._replace(revision=2)``. Nothing here imports the rules, so the views can name an item
without loading them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from inbox.core.keys import decision_sort_key
from inbox.core.model import Reason
from inbox.core.times import iso_utc

if TYPE_CHECKING:
    from inbox.core.diff import RevisionDiff
    from inbox.core.reliance import CodeDrift

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
REASON_RANK = {reason: index for index, reason in enumerate(REASON_ORDER)}
"""Each reason's place in REASON_ORDER."""

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


class ConflictPeer(NamedTuple):
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


class InboxItem(NamedTuple):
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


def display_order(item: InboxItem) -> tuple[int, bool, float, tuple[str, int], str, str]:
    no_deadline, when = False, 0.0
    if item.reason is Reason.FEEDBACK_REQUESTED:
        no_deadline, when = deadline_order(item)
    return (
        REASON_RANK[item.reason],
        no_deadline,
        when,
        decision_sort_key(item.key),
        item.key,
        item.conflict_key or "",
    )


def deadline_order(item: InboxItem) -> tuple[bool, float]:
    """How feedback requests are ordered among themselves: the soonest deadline first, none
    last."""
    return (item.deadline is None, 0.0 if item.deadline is None else item.deadline.timestamp())
