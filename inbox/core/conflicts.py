"""Live decisions that contradict each other: the same assertion key with different values.

This is the product's core failure mode: one team moves a value while another keeps
building on the old one. Only the current revision of an open or finalized decision counts;
drafts are not promises yet, and superseded or withdrawn ones no longer are.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def find_conflicts(decisions: Iterable[Decision]) -> list[Conflict]:
    """Every assertion key with at least two distinct values among live decisions, by key."""
    by_key: dict[str, list[tuple[str, str]]] = {}
    for decision in decisions:
        if decision.state not in LIVE_STATES:
            continue
        for key, value in decision.current.assertions.items():
            by_key.setdefault(key, []).append((decision.key, value))
    conflicts = []
    for key in sorted(by_key):
        conflict = _conflict(key, by_key[key])
        if conflict is not None:
            conflicts.append(conflict)
    return conflicts


def conflict_on(assertion_key: str, decisions: Iterable[Decision]) -> Conflict | None:
    """The conflict on one assertion key among ``decisions``, as :func:`find_conflicts` would
    report it, or None: what an incremental inbox recomputes when one of them changes."""
    pairs = [
        (decision.key, decision.current.assertions[assertion_key])
        for decision in decisions
        if decision.state in LIVE_STATES and assertion_key in decision.current.assertions
    ]
    return _conflict(assertion_key, pairs)


def _conflict(assertion_key: str, pairs: list[tuple[str, str]]) -> Conflict | None:
    if len({value for _, value in pairs}) < 2:
        return None
    pairs.sort(key=lambda pair: decision_order(pair[0]))
    return Conflict(assertion_key, tuple(pairs))
