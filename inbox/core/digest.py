"""The agenda of the weekly cross-team dependency sync (``digest`` in docs/cli.md).

It answers "what moved between which teams this week, who still owes an acknowledgment, what
contradicts what, and what is due": decisions with a lifecycle event in the window, grouped by
(owning team → audience team), then every current conflict and the near deadlines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from inbox.core.conflicts import find_conflicts
from inbox.core.digest_code import DigestDrift, code_drifts
from inbox.core.keys import decision_sort_key
from inbox.core.lifecycle import latest_material, members_with_role, missing_acks
from inbox.core.model import Decision, Event, Role, Snapshot, State
from inbox.core.times import as_utc, iso_utc

NO_TEAM = "(no team)"
NO_AUDIENCE = "(no audience)"
DEADLINE_HORIZON = timedelta(days=7)
# events that put a decision on the agenda; "created" alone does not (a draft owes nothing)
AGENDA_KINDS = frozenset({"opened", "finalized", "revised", "superseded", "withdrawn"})
HISTORY_KINDS = AGENDA_KINDS | {"created"}


@dataclass(frozen=True)
class Happening:
    """One lifecycle event of a decision inside the window."""

    kind: str
    revision: int | None
    at: datetime
    material: bool | None = None
    summary: str | None = None
    by: str | None = None

    def label(self) -> str:
        if self.kind == "superseded" and self.by:
            return f"superseded by {self.by}"
        text = self.kind if self.revision is None else f"{self.kind} r{self.revision}"
        if self.kind == "revised" and self.material is False:
            text += " (minor)"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "revision": self.revision,
            "at": iso_utc(self.at),
        }
        if self.kind == "revised":
            out["material"] = self.material
            out["summary"] = self.summary
        if self.kind == "superseded":
            out["by"] = self.by
        return out


@dataclass(frozen=True)
class DigestDecision:
    key: str
    title: str
    state: str
    owner: str
    team: str | None
    revision: int
    happened: tuple[Happening, ...]
    waiting_for: tuple[str, ...]
    ack_total: int
    objections: int

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "state": str(self.state),
            "owner": self.owner,
            "team": self.team,
            "revision": self.revision,
            "happened": [h.to_json() for h in self.happened],
            "waiting_for": list(self.waiting_for),
            "ack_total": self.ack_total,
            "objections": self.objections,
        }

    def to_markdown(self) -> str:
        head = f"- **{self.key}** {one_line(self.title)} ({self.state}, r{self.revision}, owner {self.owner})"
        parts = [", ".join(h.label() for h in self.happened)]
        if self.waiting_for:
            parts.append("waiting for " + ", ".join(self.waiting_for))
        if self.objections:
            noun = "objection" if self.objections == 1 else "objections"
            parts.append(f"{self.objections} {noun}")
        return f"{head}: " + "; ".join(parts)


@dataclass(frozen=True)
class TeamPair:
    from_team: str
    to_team: str
    decisions: tuple[DigestDecision, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "from_team": self.from_team,
            "to_team": self.to_team,
            "decisions": [d.to_json() for d in self.decisions],
        }


@dataclass(frozen=True)
class ConflictValue:
    key: str
    title: str
    owner: str
    value: str


@dataclass(frozen=True)
class DigestConflict:
    assertion_key: str
    values: tuple[ConflictValue, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "assertion_key": self.assertion_key,
            "values": [
                {"key": v.key, "title": v.title, "owner": v.owner, "value": v.value}
                for v in self.values
            ],
        }

    def to_markdown(self) -> str:
        says = ", ".join(
            f"**{v.key}** {one_line(v.title)} says {one_line(v.value)}" for v in self.values
        )
        return f"- `{self.assertion_key}`: {says}"


@dataclass(frozen=True)
class DigestDeadline:
    key: str
    title: str
    owner: str
    team: str | None
    deadline: datetime
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "owner": self.owner,
            "team": self.team,
            "deadline": iso_utc(self.deadline),
            "passed": self.passed,
        }

    def to_markdown(self) -> str:
        when = as_utc(self.deadline).strftime("%Y-%m-%d %H:%M UTC")
        status = f"deadline passed {when}" if self.passed else f"due {when}"
        return f"- **{self.key}** {one_line(self.title)} (owner {self.owner}): {status}"


@dataclass(frozen=True)
class Digest:
    since: datetime
    until: datetime
    pairs: tuple[TeamPair, ...]
    conflicts: tuple[DigestConflict, ...]
    deadlines: tuple[DigestDeadline, ...]
    drifts: tuple[DigestDrift, ...] = ()

    def is_empty(self) -> bool:
        return not (self.pairs or self.conflicts or self.deadlines or self.drifts)

    def to_json(self) -> dict[str, Any]:
        return {
            "window": {"since": iso_utc(self.since), "until": iso_utc(self.until)},
            "pairs": [p.to_json() for p in self.pairs],
            "conflicts": [c.to_json() for c in self.conflicts],
            "deadlines": [d.to_json() for d in self.deadlines],
            "drifts": [d.to_json() for d in self.drifts],
        }

    def to_markdown(self) -> str:
        since = as_utc(self.since).date().isoformat()
        until = as_utc(self.until).date().isoformat()
        lines = [f"# Decision digest: {since} – {until}", ""]
        if not self.pairs:
            lines += ["No decisions were opened, finalized or changed in this window.", ""]
        for pair in self.pairs:
            lines += [f"## {pair.from_team} → {pair.to_team}", ""]
            lines += [d.to_markdown() for d in pair.decisions]
            lines.append("")
        if self.conflicts:
            lines += ["## Conflicts", ""]
            lines += [c.to_markdown() for c in self.conflicts]
            lines.append("")
        if self.deadlines:
            lines += ["## Deadlines", ""]
            lines += [d.to_markdown() for d in self.deadlines]
            lines.append("")
        if self.drifts:
            lines += ["## Code drifts", ""]
            lines += [d.to_markdown() for d in self.drifts]
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


# Complexity C (radon): one pass that sorts each event into its section of the digest.
def build_digest(
    snapshot: Snapshot, events: Sequence[Event], since: datetime, until: datetime
) -> Digest:
    since, until = as_utc(since), as_utc(until)
    by_key = {d.key: d for d in snapshot.decisions}
    in_window = [e for e in events if e.decision in by_key and since <= as_utc(e.at) < until]
    in_window.sort(key=lambda e: (as_utc(e.at), e.seq))
    agenda = {e.decision for e in in_window if e.kind in AGENDA_KINDS}

    groups: dict[tuple[str, str], list[DigestDecision]] = {}
    for key in sorted((k for k in agenda if k is not None), key=_number_order):
        decision = by_key[key]
        entry = _digest_decision(decision, snapshot, [e for e in in_window if e.decision == key])
        for pair in _team_pairs(decision, snapshot):
            groups.setdefault(pair, []).append(entry)

    pairs = tuple(
        TeamPair(source, target, tuple(groups[(source, target)]))
        for source, target in sorted(groups, key=_pair_order)
    )
    return Digest(
        since=since,
        until=until,
        pairs=pairs,
        conflicts=_conflicts(snapshot, by_key),
        deadlines=_deadlines(snapshot.decisions, until),
        drifts=code_drifts(snapshot),
    )


def _number_order(key: str) -> tuple[tuple[str, int], str]:
    return (decision_sort_key(key), key)


def _pair_order(pair: tuple[str, str]) -> tuple[int, str, str]:
    source, target = pair
    # cross-team pairs are the point of the meeting; same-team and audience-less ones go last
    rank = 2 if target == NO_AUDIENCE else (1 if source == target else 0)
    return (rank, source, target)


def _team_pairs(decision: Decision, snapshot: Snapshot) -> set[tuple[str, str]]:
    source = decision.team or NO_TEAM
    targets: set[str] = set()
    for entry in decision.audience:
        if entry.kind == "team":
            targets.add(entry.name)
        else:
            targets |= snapshot.teams_of(entry.name) or {NO_TEAM}
    # a decision nobody is listed for still changed; keep it visible rather than drop it
    return {(source, target) for target in targets or {NO_AUDIENCE}}


def _digest_decision(
    decision: Decision, snapshot: Snapshot, events: Iterable[Event]
) -> DigestDecision:
    happened: list[Happening] = []
    objections = 0
    for event in events:
        if event.kind in HISTORY_KINDS:
            happened.append(_happening(event))
        elif event.kind == "feedback" and event.data.get("objection"):
            objections += 1
    audience = members_with_role(decision, snapshot, Role.ACK)
    waiting: tuple[str, ...] = ()
    if decision.state is State.FINALIZED:
        waiting = missing_acks(decision, audience, latest_material(decision))
    return DigestDecision(
        key=decision.key,
        title=decision.title,
        state=decision.state,
        owner=decision.owner,
        team=decision.team,
        revision=decision.revision,
        happened=tuple(happened),
        waiting_for=waiting,
        ack_total=len(audience),
        objections=objections,
    )


def _happening(event: Event) -> Happening:
    data: Mapping[str, object] = event.data
    material = data.get("material")
    summary = data.get("summary")
    by = data.get("by")
    return Happening(
        kind=event.kind,
        revision=event.revision,
        at=as_utc(event.at),
        material=material if isinstance(material, bool) else None,
        summary=summary if isinstance(summary, str) else None,
        by=by if isinstance(by, str) else None,
    )


def _conflicts(snapshot: Snapshot, by_key: Mapping[str, Decision]) -> tuple[DigestConflict, ...]:
    # every current conflict, not only the window's: it stays an agenda item until resolved
    return tuple(
        DigestConflict(
            conflict.assertion_key,
            tuple(
                ConflictValue(key, by_key[key].title, by_key[key].owner, value)
                for key, value in conflict.values
            ),
        )
        for conflict in find_conflicts(snapshot.decisions)
    )


def _deadlines(decisions: Iterable[Decision], until: datetime) -> tuple[DigestDeadline, ...]:
    horizon = until + DEADLINE_HORIZON
    due = [
        DigestDeadline(
            key=d.key,
            title=d.title,
            owner=d.owner,
            team=d.team,
            deadline=as_utc(d.deadline),
            passed=as_utc(d.deadline) < until,
        )
        for d in decisions
        if d.state is State.OPEN and d.deadline is not None and as_utc(d.deadline) < horizon
    ]
    return tuple(sorted(due, key=lambda d: (d.deadline, _number_order(d.key))))


def one_line(text: str) -> str:
    """A title or value as one Markdown line: a line break from the store would end the list
    item and start a line of its own."""
    return " ".join(text.split())
