"""Frozen values the whole application passes around.

The store converts its rows into these; the inbox rules, the command line and (later) the views
only ever see these, never ORM rows.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inbox.core.reliance import CodeIndex


class State(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


LIVE_STATES = frozenset({State.OPEN, State.FINALIZED})


class Role(enum.StrEnum):
    ACK = "ack"
    CONSULT = "consult"
    INFORM = "inform"


class Reason(enum.StrEnum):
    NEEDS_ACK = "needs_ack"
    CHANGED_SINCE_ACK = "changed_since_ack"
    FEEDBACK_REQUESTED = "feedback_requested"
    AWAITING_ACKS = "awaiting_acks"
    DEADLINE_PASSED = "deadline_passed"
    CONFLICT = "conflict"
    CODE_DRIFT = "code_drift"
    INFORMED = "informed"


ACKNOWLEDGEABLE: frozenset[Reason] = frozenset({Reason.NEEDS_ACK, Reason.CHANGED_SINCE_ACK})
"""The reasons an item can be answered by acknowledging its revision."""


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    teams: frozenset[str] = frozenset()


# slots: a client keeps every decision of the store in memory, and a per-object __dict__
# made up a third of a large store's footprint.
@dataclass(frozen=True, slots=True)
class Revision:
    number: int
    title: str
    body: str
    summary: str
    minor: bool
    author: str
    created_at: datetime
    assertions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AudienceEntry:
    """Who a decision affects: ``kind`` is "team" or "person"; ``name`` a team name or a handle."""

    kind: str
    name: str
    role: Role

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.name}"


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    id: str
    person: str
    revision: int
    at: datetime


@dataclass(frozen=True, slots=True)
class Feedback:
    id: str
    person: str
    revision: int
    body: str
    objection: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision with its whole history, as the inbox rules need it.

    ``revisions`` is ordered by number, 1 first; ``revisions[-1]`` is the current one.
    Times are timezone-aware UTC.

    ``partial``: only the index of a live decision that concerns nobody this client syncs for
    (inbox.core.scope): its current revision without body or summary, and no audience,
    acknowledgments or feedback. Conflict detection needs no more of it.
    """

    key: str
    owner: str
    team: str | None
    state: State
    version: int
    deadline: datetime | None
    superseded_by: str | None
    created_at: datetime
    revisions: tuple[Revision, ...]
    audience: tuple[AudienceEntry, ...] = ()
    acknowledgments: tuple[Acknowledgment, ...] = ()
    feedback: tuple[Feedback, ...] = ()
    partial: bool = False

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def revision(self) -> int:
        return self.revisions[-1].number

    @property
    def title(self) -> str:
        return self.revisions[-1].title

    def revision_number(self, number: int) -> Revision:
        for rev in self.revisions:
            if rev.number == number:
                return rev
        raise KeyError(number)


@dataclass(frozen=True)
class Event:
    """One row of the change feed."""

    seq: int
    kind: str
    decision: str | None
    revision: int | None
    actor: str
    at: datetime
    data: Mapping[str, object] = field(default_factory=dict)
    # Why the row's data could not be read (not JSON, not an object); its data is then empty.
    problem: str | None = None


@dataclass(frozen=True)
class CodeValue:
    """What one binding of a repository held when it was reported (``check --report``):
    ``status`` is the check's (holds, drift, conflict, proposed, no_decision, unresolved),
    ``decision`` and ``revision`` the decision it was checked against, if any."""

    key: str
    found: str | None
    status: str
    decision: str | None = None
    revision: int | None = None


@dataclass(frozen=True)
class CodeCheck:
    """One code check: what a team's repository said, at a commit, when it was reported.
    A snapshot holds the latest one of each (team, repo)."""

    team: str
    repo: str
    commit: str | None
    reporter: str
    at: datetime
    values: tuple[CodeValue, ...] = ()

    @property
    def where(self) -> str:
        """``frontend · web @ 3f2a9c1``."""
        commit = f" @ {self.commit[:7]}" if self.commit else ""
        return f"{self.team} · {self.repo}{commit}"


@dataclass(frozen=True)
class Snapshot:
    """Everything the inbox rules look at: decisions, who is in which team, and the latest
    code check of each repository (what the code says, and so which teams rely on which
    assertion keys).

    ``unreadable`` holds the decisions this client could not read (key -> the cause), kept out
    of ``decisions`` so that one bad row never stops the rest of the inbox."""

    decisions: tuple[Decision, ...]
    people: Mapping[str, Person]
    code_checks: tuple[CodeCheck, ...] = ()
    unreadable: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def code_index(self) -> CodeIndex:
        """The code checks by assertion key, built on first use (a frozen value's cache)."""
        from inbox.core.reliance import CodeIndex  # reliance builds on these values

        return CodeIndex(self.code_checks)

    def teams_of(self, handle: str) -> frozenset[str]:
        person = self.people.get(handle)
        return person.teams if person else frozenset()

    def members_of(self, team: str) -> frozenset[str]:
        return self._members.get(team, frozenset())

    @cached_property
    def _members(self) -> dict[str, frozenset[str]]:
        """Each team's members, built on first use: asked for every owned decision's audience
        teams, where a pass over the whole directory each time cost the number of people."""
        members: dict[str, set[str]] = {}
        for handle, person in self.people.items():
            for team in person.teams:
                members.setdefault(team, set()).add(handle)
        return {team: frozenset(handles) for team, handles in members.items()}


@dataclass(frozen=True)
class Change:
    """What a write did, so callers refresh only that: the decision touched and its events."""

    key: str | None
    revision: int | None = None
    events: tuple[str, ...] = ()
    message: str = ""

    @property
    def noop(self) -> bool:
        return not self.events
