"""What the code says, and who relies on what (``check --report``, docs/check.md).

A repository's latest code check names the assertion keys its code binds: the reporting team
relies on those keys in that repository. A team relying on a key that a live decision asserts
is treated as if it were in that decision's ``ack`` audience, so a material change reaches the
teams whose code uses the value even when the owner never listed them. A binding reported as
``drift`` against a finalized decision is a *code drift*: an inbox item for the decision's owner
and the reporting team, until a later report of that repository says otherwise.

Pure: the inputs are a :class:`Snapshot`'s code checks; nothing here reads a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox.core.lifecycle import latest_material, members_with_role, roles_of
from inbox.core.model import (
    LIVE_STATES,
    CodeCheck,
    CodeValue,
    Decision,
    Role,
    Snapshot,
    State,
)
from inbox.core.times import iso_utc

DRIFT = "drift"


@dataclass(frozen=True, order=True)
class Reliance:
    """``team`` relies on assertion ``key`` in its repository ``repo``."""

    team: str
    repo: str
    key: str

    @property
    def label(self) -> str:
        """``frontend (web)``."""
        return f"{self.team} ({self.repo})"

    @property
    def yours(self) -> str:
        """``auth.token.refresh_minutes in web``: what a member of the team is told."""
        return f"{self.key} in {self.repo}"


@dataclass(frozen=True)
class CodeAgreement:
    """What one repository's code says about one of a decision's assertion keys."""

    check: CodeCheck
    value: CodeValue

    @property
    def label(self) -> str:
        """``frontend · web @ 3f2a9c1: 15 — drift``."""
        found = "nothing found" if self.value.found is None else self.value.found
        return f"{self.check.where}: {found} — {self.value.status.replace('_', ' ')}"

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.check.team,
            "repo": self.check.repo,
            "commit": self.check.commit,
            "at": iso_utc(self.check.at),
            "reporter": self.check.reporter,
            "key": self.value.key,
            "found": self.value.found,
            "status": self.value.status,
            "decision": self.value.decision,
            "revision": self.value.revision,
        }


@dataclass(frozen=True)
class CodeDrift:
    """A repository whose code disagrees with the finalized decision of an inbox item."""

    team: str
    repo: str
    commit: str | None
    key: str
    found: str | None
    expected: str | None
    at: datetime

    @property
    def where(self) -> str:
        commit = f" @ {self.commit[:7]}" if self.commit else ""
        return f"{self.team} · {self.repo}{commit}"

    def to_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "repo": self.repo,
            "commit": self.commit,
            "key": self.key,
            "found": self.found,
            "expected": self.expected,
            "at": iso_utc(self.at),
        }


class CodeIndex:
    """The code checks of a snapshot by assertion key, built once per snapshot."""

    def __init__(self, checks: Iterable[CodeCheck]) -> None:
        self.by_key: dict[str, list[tuple[CodeCheck, CodeValue]]] = {}
        for check in checks:
            for value in check.values:
                self.by_key.setdefault(value.key, []).append((check, value))

    def about(self, keys: Iterable[str]) -> list[tuple[CodeCheck, CodeValue]]:
        if not self.by_key:  # no code check at all: asked for every decision of an inbox
            return []
        return [pair for key in sorted(set(keys)) for pair in self.by_key.get(key, ())]


def index_of(snapshot: Snapshot) -> CodeIndex:
    return snapshot.code_index


def relied_on_by(decision: Decision, snapshot: Snapshot) -> tuple[Reliance, ...]:
    """Every (team, repo, key) whose code binds a key the decision's current revision asserts,
    whatever the decision's state (a draft shows who would be reached)."""
    pairs = index_of(snapshot).about(decision.current.assertions)
    if not pairs:  # the usual case, asked for every owned decision of an inbox
        return ()
    return tuple(sorted({Reliance(c.team, c.repo, v.key) for c, v in pairs}))


def relying(decision: Decision, snapshot: Snapshot) -> tuple[Reliance, ...]:
    """The reliances that count for the inbox: only a live decision's."""
    if decision.state not in LIVE_STATES:
        return ()
    return relied_on_by(decision, snapshot)


def relied_by_user(
    decision: Decision, snapshot: Snapshot, teams: frozenset[str]
) -> tuple[Reliance, ...]:
    return tuple(r for r in relying(decision, snapshot) if r.team in teams)


def roles_with_reliance(
    decision: Decision, user: str, teams: frozenset[str], snapshot: Snapshot
) -> frozenset[Role]:
    """The audience roles of ``user``, plus ``ack`` when one of their teams relies on a key the
    live decision asserts."""
    roles = roles_of(decision, user, teams)
    if Role.ACK not in roles and relied_by_user(decision, snapshot, teams):
        return roles | {Role.ACK}
    return roles


def ack_audience(decision: Decision, snapshot: Snapshot) -> frozenset[str]:
    """Who must acknowledge: the ``ack`` audience and the members of the relying teams; never
    the owner."""
    people = set(members_with_role(decision, snapshot, Role.ACK))
    for reliance in relying(decision, snapshot):
        people |= snapshot.members_of(reliance.team)
    people.discard(decision.owner)
    return frozenset(people)


def relying_teams(decision: Decision, snapshot: Snapshot) -> frozenset[str]:
    return frozenset(r.team for r in relying(decision, snapshot))


def code_of(decision: Decision, snapshot: Snapshot) -> tuple[CodeAgreement, ...]:
    """What each repository's latest check said about the keys the decision asserts."""
    pairs = index_of(snapshot).about(decision.current.assertions)
    return tuple(
        CodeAgreement(c, v) for c, v in sorted(pairs, key=lambda p: (p[0].team, p[0].repo))
    )


def drifts_of(decision: Decision, snapshot: Snapshot) -> tuple[tuple[CodeCheck, CodeDrift], ...]:
    """The repositories whose latest check says their code drifts from this decision: it is
    finalized, the check was against it, and no material revision came after the one checked
    (that revision asks the relying teams to acknowledge again instead)."""
    if decision.state is not State.FINALIZED:
        return ()
    drifting = [
        (check, value)
        for check, value in index_of(snapshot).about(decision.current.assertions)
        if value.status == DRIFT and value.decision == decision.key
    ]
    if not drifting:  # the common case: then the revisions are not walked for nothing
        return ()
    material = latest_material(decision)
    out: list[tuple[CodeCheck, CodeDrift]] = []
    for check, value in drifting:
        if value.revision is None or value.revision < material:
            continue
        expected = decision.current.assertions.get(value.key)
        out.append(
            (
                check,
                CodeDrift(
                    check.team, check.repo, check.commit, value.key, value.found, expected, check.at
                ),
            )
        )
    return tuple(sorted(out, key=lambda p: (p[1].team, p[1].repo, p[1].key)))


def drifts_for(
    decision: Decision, user: str, teams: frozenset[str], snapshot: Snapshot
) -> tuple[CodeDrift, ...]:
    """The drifts of the decision ``user`` hears of: all of them for the owner, their teams'
    for the others."""
    return tuple(
        drift
        for check, drift in drifts_of(decision, snapshot)
        if decision.owner == user or check.team in teams
    )


def checks_touch(old: Iterable[CodeCheck], new: Iterable[CodeCheck]) -> set[str]:
    """The assertion keys whose reliance or drifts may differ between two sets of latest code
    checks: every key of a repository whose check changed."""
    before = {(c.team, c.repo): c for c in old}
    after = {(c.team, c.repo): c for c in new}
    keys: set[str] = set()
    for where in before.keys() | after.keys():
        a, b = before.get(where), after.get(where)
        if a == b:
            continue
        for check in (a, b):
            if check is not None:
                keys |= {v.key for v in check.values}
    return keys


def latest_checks(checks: Iterable[CodeCheck]) -> tuple[CodeCheck, ...]:
    """The newest check of each (team, repo), sorted by team and repo."""
    newest: dict[tuple[str, str], CodeCheck] = {}
    for check in checks:
        where = (check.team, check.repo)
        if where not in newest or newest[where].at <= check.at:
            newest[where] = check
    return tuple(newest[k] for k in sorted(newest))
