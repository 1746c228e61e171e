"""Everything the detail pane shows about one decision, for one person, as one frozen value.

The pane never works anything out itself: what changed since the person acknowledged, who of
the audience is missing per revision, which other decisions contradict this one and which
actions the person may take are all decided here, by the lifecycle and inbox rules, so the
command line and the window cannot disagree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from inbox.core.conflicts import find_conflicts
from inbox.core.diff import RevisionDiff, diff_since
from inbox.core.errors import NotFoundError, ValidationError
from inbox.core.inbox import conflict_peers
from inbox.core.items import ConflictPeer
from inbox.core.lifecycle import (
    acked_revision,
    check_transition,
    latest_material,
    material_revisions,
    missing_acks,
)
from inbox.core.model import LIVE_STATES, Decision, Feedback, Role, Snapshot, State
from inbox.core.reliance import (
    CodeAgreement,
    Reliance,
    ack_audience,
    code_of,
    relied_by_user,
    relied_on_by,
    roles_with_reliance,
)
from inbox.core.times import as_utc

OWNER_ACTIONS: tuple[str, ...] = ("revise", "open", "finalize", "supersede", "withdraw")


@dataclass(frozen=True)
class RevisionCoverage:
    """Who of the ``ack`` audience acknowledged ``revision`` (or a later one), and who not.

    ``queued`` names those among ``acknowledged`` whose acknowledgment still waits in this
    machine's outbox: the store has not confirmed it yet.
    """

    revision: int
    acknowledged: tuple[str, ...]
    missing: tuple[str, ...]
    queued: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.acknowledged) + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    def label(self) -> str:
        """``r2: 3/4 acknowledged — missing: kim``."""
        text = f"r{self.revision}: {len(self.acknowledged)}/{self.total} acknowledged"
        if self.queued:
            text += f" ({', '.join(self.queued)} queued — waits for the store)"
        if self.missing:
            text += f" — missing: {', '.join(self.missing)}"
        return text


@dataclass(frozen=True)
class DetailConflict:
    """One assertion key on which this decision and live others disagree."""

    assertion_key: str
    value: str
    others: tuple[ConflictPeer, ...]


@dataclass(frozen=True)
class DecisionDetail:
    decision: Decision
    user: str
    now: datetime
    roles: frozenset[Role]
    is_owner: bool
    acked_revision: int | None
    material_revision: int
    material_revisions: tuple[int, ...]
    diff: RevisionDiff | None
    coverage: tuple[RevisionCoverage, ...]
    feedback: tuple[Feedback, ...]
    conflicts: tuple[DetailConflict, ...]
    actions: frozenset[str]
    queued_acks: frozenset[int] = frozenset()
    # What the code of each repository says about the decision's keys, who relies on them
    # (for a draft too: who a new assertion will reach), and the user's own teams' reliance.
    code: tuple[CodeAgreement, ...] = ()
    relied_on_by: tuple[Reliance, ...] = ()
    relies_on: tuple[Reliance, ...] = ()

    @property
    def relied_on_label(self) -> str:
        """``relied on by: frontend (web), mobile (app)``, or "" when nobody is."""
        labels = dict.fromkeys(r.label for r in self.relied_on_by)
        return f"relied on by: {', '.join(labels)}" if labels else ""

    @property
    def key(self) -> str:
        return self.decision.key

    @property
    def revision(self) -> int:
        return self.decision.revision

    @property
    def overdue(self) -> bool:
        """An open decision whose feedback deadline has passed."""
        deadline = self.decision.deadline
        return (
            self.decision.state is State.OPEN
            and deadline is not None
            and as_utc(deadline) < as_utc(self.now)
        )

    @property
    def ack_queued(self) -> bool:
        """The user's newest acknowledgment waits in the outbox, not confirmed by the store."""
        return self.acked_revision is not None and self.acked_revision in self.queued_acks

    @property
    def objections(self) -> int:
        return sum(1 for item in self.feedback if item.objection)


def build_detail(
    snapshot: Snapshot,
    key: str,
    user: str,
    now: datetime,
    queued_acks: Collection[int] = (),
) -> DecisionDetail:
    """The detail of decision ``key`` as ``user`` sees it at ``now``.

    ``queued_acks`` are revisions the user acknowledged on this machine whose acknowledgment
    waits in the outbox; the snapshot already counts them, the detail only marks them.
    """
    decision = _find(snapshot, key)
    teams = snapshot.teams_of(user)
    roles = roles_with_reliance(decision, user, teams, snapshot)
    owner = decision.owner == user
    acked = acked_revision(decision, user)
    material = latest_material(decision)
    queued = frozenset(queued_acks)
    return DecisionDetail(
        decision=decision,
        user=user,
        now=as_utc(now),
        roles=roles,
        is_owner=owner,
        acked_revision=acked,
        material_revision=material,
        material_revisions=material_revisions(decision),
        diff=_diff_since(decision, acked),
        coverage=_coverage(decision, snapshot, user, queued),
        feedback=tuple(sorted(decision.feedback, key=lambda f: (as_utc(f.at), f.revision, f.id))),
        conflicts=_conflicts(decision, snapshot),
        actions=_actions(decision, roles, owner, acked, material),
        queued_acks=queued,
        code=code_of(decision, snapshot),
        relied_on_by=relied_on_by(decision, snapshot),
        relies_on=relied_by_user(decision, snapshot, teams),
    )


def _find(snapshot: Snapshot, key: str) -> Decision:
    for decision in snapshot.decisions:
        if decision.key == key:
            return decision
    raise NotFoundError(f"There is no decision {key}; check the key or sync again.")


def _diff_since(decision: Decision, acked: int | None) -> RevisionDiff | None:
    if acked is None or acked >= decision.revision:
        return None
    return diff_since(decision, acked)


def _coverage(
    decision: Decision, snapshot: Snapshot, user: str, queued: frozenset[int]
) -> tuple[RevisionCoverage, ...]:
    audience = ack_audience(decision, snapshot)
    # the newest of the user's acknowledgments the store has confirmed
    confirmed = max(
        (
            a.revision
            for a in decision.acknowledgments
            if a.person == user and a.revision not in queued
        ),
        default=0,
    )
    rows = []
    # Before it is finalized a decision takes no acknowledgment, so none counts (one a v3 store
    # took while it was open, or one queued offline, waits for nothing).
    counted = decision.state not in (State.DRAFT, State.OPEN)
    for number in material_revisions(decision):
        missing = missing_acks(decision, audience, number) if counted else tuple(sorted(audience))
        done = tuple(sorted(audience - set(missing)))
        waiting = (user,) if user in done and confirmed < number else ()
        rows.append(RevisionCoverage(number, done, missing, waiting))
    return tuple(rows)


def _conflicts(decision: Decision, snapshot: Snapshot) -> tuple[DetailConflict, ...]:
    # Only the decisions asserting one of this one's keys can conflict with it: one pass to
    # find them, rather than every conflict of the store found for each detail opened.
    keys = decision.current.assertions.keys()
    if decision.state not in LIVE_STATES or not keys:
        return ()
    sharing = [
        d
        for d in snapshot.decisions
        if d.state in LIVE_STATES and not keys.isdisjoint(d.revisions[-1].assertions)
    ]
    by_key = {d.key: d for d in sharing}
    found = []
    for conflict in find_conflicts(sharing):
        if decision.key not in conflict.decisions:
            continue
        others = conflict_peers(conflict, decision.key, by_key)
        if others:
            found.append(
                DetailConflict(conflict.assertion_key, conflict.value_of(decision.key), others)
            )
    return tuple(found)


def _allowed(decision: Decision, action: str) -> bool:
    try:
        check_transition(decision.key, decision.state, action)
    except ValidationError:
        return False
    return True


def _actions(
    decision: Decision,
    roles: frozenset[Role],
    owner: bool,
    acked: int | None,
    material: int,
) -> frozenset[str]:
    actions: set[str] = set()
    if owner:
        actions.update(a for a in OWNER_ACTIONS if _allowed(decision, a))
        return frozenset(actions)
    if (
        decision.state is State.FINALIZED
        and Role.ACK in roles
        and (acked is None or acked < material)
    ):
        actions.add("acknowledge")
    if roles and _allowed(decision, "feedback"):
        actions.add("feedback")
    return frozenset(actions)
