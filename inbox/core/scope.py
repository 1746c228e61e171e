"""What one person's client keeps of each decision: all of the decisions that concern them, and
of every other live decision only the index that conflict detection needs.

A company's store holds years of decisions, most of which concern any one person not at all;
replicating all of them made every first start and every cache rebuild cost the whole company's
history. A decision is *in scope* for a person when they own it, when they or one of their teams
are in its audience, or when its current revision asserts a key that the latest code check of a
repository of one of their teams reported (their code relies on it). The store applies this rule
itself when it is read (inbox.store.scope), so a client never fetches what it will not keep;
this module is the same rule over core values, for the client's own bookkeeping and for the
tests that hold the two equal.

Every inbox rule but one looks only at decisions in scope; the exception is a conflict, where the
other side may concern nobody the person knows. For that, every live decision out of scope is
kept as its index: key, owner, team, state, and its current revision's number, title and
assertions (:func:`index_entry`). A decision out of scope that is no longer live is not kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from inbox.core.lifecycle import role_bits
from inbox.core.model import LIVE_STATES, CodeCheck, Decision, Snapshot
from inbox.core.reliance import latest_checks


def relied_keys(checks: Iterable[CodeCheck], teams: frozenset[str]) -> frozenset[str]:
    """The assertion keys the latest code checks of ``teams``' repositories reported."""
    return frozenset(
        value.key
        for check in latest_checks(checks)
        if check.team in teams
        for value in check.values
    )


def in_scope(decision: Decision, user: str, teams: frozenset[str], relied: frozenset[str]) -> bool:
    """Whether ``user`` (in ``teams``, whose code relies on ``relied``) keeps all of it."""
    return (
        decision.owner == user
        or role_bits(decision, user, teams) != 0
        or not relied.isdisjoint(decision.current.assertions)
    )


def kept_as_index(decision: Decision) -> bool:
    """Whether a decision out of scope is kept at all: only a live one can conflict."""
    return decision.state in LIVE_STATES


def index_entry(decision: Decision) -> Decision:
    """The index of ``decision``: what conflict detection and a conflict's item read of it."""
    if decision.partial:
        return decision
    if not decision.revisions:  # unreadable (inbox.store.validate says why): kept as it is
        return replace(decision, audience=(), acknowledgments=(), feedback=(), partial=True)
    current = replace(decision.current, body="", summary="")
    return replace(
        decision, revisions=(current,), audience=(), acknowledgments=(), feedback=(), partial=True
    )


def kept_of(snapshot: Snapshot, user: str) -> tuple[Decision, ...]:
    """What a client of ``user`` keeps of a whole store's ``snapshot``, in its order: the rule
    the store applies, over core values (what the tests hold every client's cache to)."""
    teams = snapshot.teams_of(user)
    relied = relied_keys(snapshot.code_checks, teams)
    kept: list[Decision] = []
    for decision in snapshot.decisions:
        if in_scope(decision, user, teams, relied):
            kept.append(decision)
        elif kept_as_index(decision):
            kept.append(index_entry(decision))
    return tuple(kept)
