"""The status of each binding against the live decisions, and the sentence that says it.

Only the current revision of an open or finalized decision counts, as for conflicts in the
inbox: drafts are not promises yet, superseded and withdrawn decisions no longer are.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from inbox.check.bindings import Binding
from inbox.check.locate import Files, UnresolvedError
from inbox.check.values import matches, same, scaled
from inbox.core.keys import decision_sort_key
from inbox.core.model import LIVE_STATES, Decision, State
from inbox.core.times import as_utc


class Status(enum.StrEnum):
    HOLDS = "holds"
    DRIFT = "drift"
    CONFLICT = "conflict"
    PROPOSED = "proposed"
    NO_DECISION = "no_decision"
    UNRESOLVED = "unresolved"


ALWAYS_FAILING = frozenset({Status.DRIFT, Status.CONFLICT, Status.UNRESOLVED})
_SUPERSEDED_HOPS = 50  # a chain longer than any real history; guards against a cycle


@dataclass(frozen=True)
class Asserting:
    """A live decision asserting the binding's key, with the value it asserts."""

    decision: Decision
    value: str

    @property
    def label(self) -> str:
        d = self.decision
        return f'{d.key} "{d.title}" ({d.state.value} r{d.revision}, owner {d.owner})'


@dataclass(frozen=True)
class Result:
    binding: Binding
    status: Status
    sentence: str
    found: str | None = None
    line: int | None = None
    expected: str | None = None
    governing: Asserting | None = None
    asserting: tuple[Asserting, ...] = ()

    def fails(self, strict: bool) -> bool:
        return self.status in ALWAYS_FAILING or (strict and self.status is Status.NO_DECISION)


def check_all(
    bindings: Iterable[Binding], decisions: Iterable[Decision], files: Files
) -> list[Result]:
    by_key = {d.key: d for d in decisions}
    return [check_one(b, by_key, files) for b in bindings]


# Complexity C (radon): one branch per status of the contract (unresolved, no decision, proposed,
# conflict, drift, holds).
def check_one(binding: Binding, decisions: Mapping[str, Decision], files: Files) -> Result:
    try:
        found = files.locate(binding)
    except UnresolvedError as exc:
        return Result(
            binding,
            Status.UNRESOLVED,
            f"{binding.key} cannot be checked: {exc.reason}; fix the file or the binding "
            f"({binding.locator_text})",
        )
    here = f"{binding.key} is {found.value} here"
    if binding.decision is not None:
        asserting, missing = _pinned(binding, decisions)
    else:
        asserting = _live_asserting(binding.key, decisions.values())
        missing = f"no live decision asserts {binding.key}; record one, or drop the binding"
    if not asserting:
        return Result(
            binding, Status.NO_DECISION, f"{here}, but {missing}", found.value, found.line
        )
    distinct: list[Asserting] = []
    for a in asserting:
        if not any(same(a.value, d.value) for d in distinct):
            distinct.append(a)
    if len(distinct) > 1:
        sides = " and ".join(f"{a.label} says {a.value}" for a in distinct)
        sentence = (
            f"{here}, but live decisions disagree on it: {sides}; settle it in the store "
            "(revise, supersede or withdraw one) first"
        )
        return Result(
            binding, Status.CONFLICT, sentence, found.value, found.line, asserting=tuple(asserting)
        )
    finalized = [a for a in asserting if a.decision.state is State.FINALIZED]
    governing = (finalized or asserting)[0]
    expected = scaled(governing.value, binding.scale)
    at_scale = f" ({expected} at scale {binding.scale})" if binding.scale else ""
    agrees = matches(found.value, governing.value, binding.scale)
    if not finalized:
        due = governing.decision.deadline
        when = f"feedback due {as_utc(due):%Y-%m-%d %H:%M} UTC" if due else "no deadline set"
        proposal = (
            f"as {governing.label} proposes"
            if agrees
            else f"but {governing.label} proposes {governing.value}{at_scale}"
        )
        status = Status.PROPOSED
        sentence = f"{here}, {proposal}; it is not final and the value may still change ({when})"
    elif agrees:
        status, sentence = Status.HOLDS, f"{here}, as {governing.label} says"
    else:
        status = Status.DRIFT
        sentence = f"{here}, but {governing.label} says {governing.value}{at_scale}"
    return Result(
        binding, status, sentence, found.value, found.line, expected, governing, tuple(asserting)
    )


def _live_asserting(key: str, decisions: Iterable[Decision]) -> list[Asserting]:
    found = [
        Asserting(d, d.current.assertions[key])
        for d in decisions
        if d.state in LIVE_STATES and key in d.current.assertions
    ]
    found.sort(key=lambda a: decision_sort_key(a.decision.key))
    return found


def _pinned(binding: Binding, decisions: Mapping[str, Decision]) -> tuple[list[Asserting], str]:
    """The decision a binding names with ``decision = "D-1"``, followed to whatever superseded
    it: ([that one], "") when it is live and asserts the key, else ([], why not)."""
    assert binding.decision is not None
    key = binding.decision
    decision = decisions.get(key)
    for _ in range(_SUPERSEDED_HOPS):
        successor = decisions.get(decision.superseded_by or "") if decision else None
        if successor is None:
            break
        decision = successor
    if decision is None:
        return [], f"there is no decision {key} in the store; check decision = in the binding"
    via = f" (which superseded {key})" if decision.key != key else ""
    if decision.state not in LIVE_STATES:
        return [], f"{decision.key}{via} is {decision.state.value}, not live; bind another decision"
    if binding.key not in decision.current.assertions:
        return [], (
            f"{decision.key}{via} does not assert {binding.key}; fix the binding's key or decision"
        )
    return [Asserting(decision, decision.current.assertions[binding.key])], ""
