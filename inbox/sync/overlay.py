"""This machine's unconfirmed acknowledgments and feedback laid over the cache's decisions, so the
person sees what they did at once: pending and sent outbox entries count as done; refused ones
do not."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from inbox.core.model import Acknowledgment, Decision, Feedback, Snapshot, State
from inbox.sync.state import REFUSED, OutboxEntry


def by_decision(entries: Iterable[OutboxEntry]) -> dict[str, tuple[OutboxEntry, ...]]:
    """Pending and sent entries count as done; refused ones do not."""
    groups: dict[str, list[OutboxEntry]] = {}
    for entry in entries:
        if entry.status != REFUSED:
            groups.setdefault(entry.decision, []).append(entry)
    return {key: tuple(group) for key, group in groups.items()}


def overlay(snapshot: Snapshot, entries: Sequence[OutboxEntry], user: str) -> Snapshot:
    """``snapshot`` with what ``user`` did on this machine and the store has not confirmed yet:
    pending and sent entries count as done; refused ones do not."""
    return overlay_groups(snapshot, by_decision(entries), user)


def overlay_groups(
    snapshot: Snapshot, groups: dict[str, tuple[OutboxEntry, ...]], user: str
) -> Snapshot:
    if not groups:
        return snapshot
    decisions = tuple(overlay_decision(d, groups.get(d.key, ()), user) for d in snapshot.decisions)
    return dataclasses.replace(snapshot, decisions=decisions)


def recorded(entry: OutboxEntry, decision: Decision | None, user: str) -> bool:
    """Whether ``decision`` (as the store or the cache has it) already holds ``entry``."""
    if decision is None:
        return False
    if entry.kind == "ack":
        return any(
            a.person == user and a.revision == entry.revision for a in decision.acknowledgments
        )
    return any(f.id == entry.id for f in decision.feedback)


# Complexity C (radon): one branch per outbox entry kind (ack, only on a finalized decision;
# check.
def overlay_decision(d: Decision, mine: Sequence[OutboxEntry], user: str) -> Decision:
    """One decision with ``user``'s entries for it (not refused ones) laid over."""
    if not mine:
        return d
    acks = list(d.acknowledgments)
    feedback = list(d.feedback)
    for e in mine:
        if (
            e.kind == "ack"
            # Only a finalized decision takes one: a queued ack of an open decision waits for
            # the store's refusal and counts for nobody meanwhile.
            and d.state is State.FINALIZED
            and e.revision is not None
            and not any(a.person == user and a.revision == e.revision for a in acks)
        ):
            acks.append(Acknowledgment(e.id, user, e.revision, e.created_at))
        elif e.kind == "feedback" and not any(f.id == e.id for f in feedback):
            feedback.append(
                Feedback(
                    e.id,
                    user,
                    e.revision or d.revision,
                    e.body or "",
                    e.objection,
                    e.created_at,
                )
            )
    return dataclasses.replace(d, acknowledgments=tuple(acks), feedback=tuple(feedback))
