"""Live decisions that contradict each other: the same assertion key with different values.

This is the product's core failure mode: one team moves a value while another keeps
building on the old one. Only the current revision of an open or finalized decision counts;
drafts are not promises yet, and superseded or withdrawn ones no longer are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from inbox.core.keys import decision_order
from inbox.core.model import LIVE_STATES, Decision


class Conflict(NamedTuple):
    """``values`` holds (decision key, value) for every live decision asserting the key."""

    assertion_key: str
    values: tuple[tuple[str, str], ...]

    @property
    def decisions(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.values)

    def value_of(self, decision_key: str) -> str:
        for key, value in self.values:
            if key == decision_key:
                return value
        raise KeyError(decision_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "assertion_key": self.assertion_key,
            "values": [{"decision": key, "value": value} for key, value in self.values],
        }


Asserting = tuple[Decision, str]
"""A live decision and the value its current revision asserts for one key."""


def find_conflicts(decisions: Iterable[Decision]) -> list[Conflict]:
    """Every assertion key with at least two distinct values among live decisions, by key."""
    groups = asserting(decisions)
    conflicts = []
    for key in sorted(groups):
        pairs = groups[key]
        if disagree(pairs):
            pairs.sort(key=by_decision)
            conflicts.append(Conflict(key, tuple((d.key, value) for d, value in pairs)))
    return conflicts


def asserting(decisions: Iterable[Decision]) -> dict[str, list[Asserting]]:
    """Each assertion key's live decisions, with the value each asserts, in the order given."""
    groups: dict[str, list[Asserting]] = {}
    for decision in decisions:
        if decision.state not in LIVE_STATES:
            continue
        for key, value in decision.revisions[-1].assertions.items():
            group = groups.get(key)
            if group is None:
                groups[key] = [(decision, value)]
            else:
                group.append((decision, value))
    return groups


def disagree(pairs: Sequence[Asserting]) -> bool:
    """Whether ``pairs`` hold at least two distinct values: a conflict."""
    if len(pairs) < 2:  # the usual key: one decision asserts it
        return False
    first = pairs[0][1]
    return any(value != first for _, value in pairs)


def by_decision(pair: Asserting) -> tuple[str, int, str]:
    """The order of a conflict's values: by decision number."""
    return decision_order(pair[0].key)
