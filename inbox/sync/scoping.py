"""Keeping a client's cache to its person's scope as the store changes (inbox.core.scope).

A decision's own events bring it back scoped by the store: whole, as its index, or (out of scope
and no longer live) to be dropped. Two kinds of event change the scope without touching the
decisions it moves: the person joining or leaving a team, and a code check of one of their
teams (what their code relies on). After such an event the client asks the store for the keys
in scope, fetches whole the decisions that came in, and keeps of those that left only the index
(or nothing): work for what moved, never a reload of the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from inbox.core.model import Decision, Event, Person
from inbox.core.scope import index_entry, kept_as_index

MEMBERSHIP_KINDS = frozenset({"member_added", "member_removed"})
CODE_CHECKED = "code_checked"


def split_kept(decisions: Iterable[Decision]) -> tuple[list[Decision], list[str]]:
    """(what the cache keeps of these decisions as the store sent them, the keys it drops)."""
    kept: list[Decision] = []
    dropped: list[str] = []
    for decision in decisions:
        if decision.partial and not kept_as_index(decision):
            dropped.append(decision.key)
        else:
            kept.append(decision)
    return kept, dropped


def moves_scope(events: Sequence[Event], user: str, people: Iterable[Mapping[str, Person]]) -> bool:
    """Whether ``events`` may have changed which decisions are in ``user``'s scope: a
    membership of theirs, or a code check of a team they are in (in any of ``people``, the
    directories before and after the events)."""
    teams: set[str] = set()
    for directory in people:
        person = directory.get(user)
        if person is not None:
            teams |= person.teams
    for event in events:
        if event.kind in MEMBERSHIP_KINDS and event.data.get("person") == user:
            return True
        if event.kind == CODE_CHECKED and event.data.get("team") in teams:
            return True
    return False


@dataclass(frozen=True)
class Move:
    """How the cache follows a new scope: the keys to fetch whole, the decisions to keep as
    their index from now on, and the keys to drop."""

    fetch: frozenset[str]
    demoted: tuple[Decision, ...]
    dropped: tuple[str, ...]


def move(held: Mapping[str, Decision], whole: set[str]) -> Move:
    """What changes when the keys in scope become ``whole``, given the decisions ``held``."""
    fetch = {key for key in whole if key not in held or held[key].partial}
    demoted: list[Decision] = []
    dropped: list[str] = []
    for key, decision in held.items():
        if decision.partial or key in whole:
            continue
        if kept_as_index(decision):
            demoted.append(index_entry(decision))
        else:
            dropped.append(key)
    return Move(frozenset(fetch), tuple(demoted), tuple(dropped))
