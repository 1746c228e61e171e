"""The personal inbox: what one person owes or should see, and why (docs/architecture.md).

Pure functions over a :class:`Snapshot`, so the desktop client, ``watch`` and ``inbox --json``
all agree, and every rule can be tested without a store. The items themselves, their labels
and their order are in inbox.core.items.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from inbox.core.conflicts import Asserting, Conflict, asserting, disagree
from inbox.core.diff import RevisionDiff, diff_since
from inbox.core.gc_pause import collector_paused
from inbox.core.items import REASON_ORDER, REASON_RANK, ConflictPeer, InboxItem, deadline_order
from inbox.core.keys import decision_order
from inbox.core.lifecycle import ROLE_BITS, acked_revision, latest_material, missing_acks, role_bits
from inbox.core.model import Decision, Reason, Role, Snapshot, State
from inbox.core.reliance import CodeDrift, ack_audience, drifts_for, relied_by_user
from inbox.core.times import as_utc

_ACK, _CONSULT, _INFORM = ROLE_BITS[Role.ACK], ROLE_BITS[Role.CONSULT], ROLE_BITS[Role.INFORM]
_FINALIZED, _OPEN = State.FINALIZED, State.OPEN
_NEEDS_ACK, _CHANGED, _INFORMED = Reason.NEEDS_ACK, Reason.CHANGED_SINCE_ACK, Reason.INFORMED
_AWAITING_ACKS, _CODE_DRIFT, _CONFLICT = Reason.AWAITING_ACKS, Reason.CODE_DRIFT, Reason.CONFLICT
_DEADLINE_PASSED, _FEEDBACK_REQUESTED = Reason.DEADLINE_PASSED, Reason.FEEDBACK_REQUESTED


def compute_inbox(
    user: str,
    snapshot: Snapshot,
    now: datetime,
    dismissed: frozenset[tuple[str, int]] = frozenset(),
) -> list[InboxItem]:
    """Every inbox item of ``user``, in display order.

    ``dismissed`` holds (decision key, latest material revision) pairs the user marked done; a
    new material revision changes the pair, which is how a done ``informed`` item comes back.
    """
    rules = Rules(user, snapshot.teams_of(user), snapshot, now, dismissed)
    with collector_paused():
        return _in_display_order(rules, snapshot.decisions)


def _in_display_order(rules: Rules, decisions: Iterable[Decision]) -> list[InboxItem]:
    """Every item of ``decisions``, conflicts included, as sorting them all by
    :func:`display_order` would put them, for less: the decisions are walked in key order, so
    that each reason's items come out in order, and each assertion key's decisions too (the
    order of a conflict's values); only feedback requests (by deadline) and conflicts (by the
    decision they are shown on) are sorted. A property test holds this equal to sorting."""
    ordered = sorted(decisions, key=_key_order)
    buckets: list[list[InboxItem]] = [[] for _ in REASON_ORDER]
    for decision in ordered:
        for item in rules.items(decision):
            buckets[REASON_RANK[item.reason]].append(item)
    buckets[REASON_RANK[Reason.CONFLICT]] = _conflict_items(rules, asserting(ordered))
    buckets[REASON_RANK[Reason.FEEDBACK_REQUESTED]].sort(key=deadline_order)  # stable
    return [item for bucket in buckets for item in bucket]


def _conflict_items(rules: Rules, groups: Mapping[str, Sequence[Asserting]]) -> list[InboxItem]:
    """The item of each conflict among ``groups`` (each assertion key's live decisions and
    their values, in decision order), in display order."""
    shown: list[tuple[tuple[str, int, str], str, InboxItem]] = []
    for assertion_key, pairs in groups.items():
        if disagree(pairs):
            item = rules.conflict_item(assertion_key, pairs)
            if item is not None:
                shown.append((decision_order(item.key), assertion_key, item))
    shown.sort(key=_first_two)  # (decision, assertion key) is unique: items are never compared
    return [item for _, _, item in shown]


def _key_order(decision: Decision) -> tuple[str, int, str]:
    return decision_order(decision.key)


def _first_two(
    entry: tuple[tuple[str, int, str], str, InboxItem],
) -> tuple[tuple[str, int, str], str]:
    return (entry[0], entry[1])


class Rules:
    """The inbox rules for one person at one moment: the items a decision gives them, and the
    item of a conflict. ``directory`` is read for who is in which team and for the code checks
    (who relies on which key, whose code drifts) only, never for its decisions.

    One object per computation, so that what every decision would ask again (the person's
    teams, whether there is any code check at all) is asked once: a large store's inbox runs
    these rules for every decision, and each call's cost is multiplied by its size.
    """

    __slots__ = ("_code", "directory", "dismissed", "now", "teams", "user")

    def __init__(
        self,
        user: str,
        teams: frozenset[str],
        directory: Snapshot,
        now: datetime,
        dismissed: frozenset[tuple[str, int]] = frozenset(),
    ) -> None:
        self.user = user
        self.teams = teams
        self.directory = directory
        self.now = as_utc(now)
        self.dismissed = dismissed
        # Without any code check nobody relies on a key and no code drifts: skip both.
        self._code = bool(directory.code_index.by_key)

    def relevant(self, decision: Decision) -> bool:
        """Whether ``decision`` concerns the person: they own it, hold a role in its audience,
        or one of their teams' code relies on a key it asserts."""
        return (
            decision.owner == self.user
            or self._roles(decision) != 0
            or (self._code and bool(relied_by_user(decision, self.directory, self.teams)))
        )

    # Complexity C (radon): one branch per inbox reason: the reasons table of
    # docs/architecture.md, 'The inbox rules'.
    def items(self, decision: Decision) -> tuple[InboxItem, ...]:
        """The items ``decision`` itself gives the person, conflicts aside."""
        state = decision.state
        if state is _FINALIZED:
            return self._finalized(decision)
        if state is not _OPEN:
            return ()  # drafts are not promises yet; superseded and withdrawn ones ask nothing
        deadline = None if decision.deadline is None else as_utc(decision.deadline)
        passed = deadline is not None and deadline < self.now
        if decision.owner == self.user:
            return (_item(decision, _DEADLINE_PASSED, deadline=deadline),) if passed else ()
        if self._roles(decision) & _CONSULT and not _gave_feedback(decision, self.user):
            return (_item(decision, _FEEDBACK_REQUESTED, deadline=deadline, overdue=passed),)
        return ()

    def conflict_item(self, assertion_key: str, pairs: Sequence[Asserting]) -> InboxItem | None:
        """The one item of the conflict on ``assertion_key`` among ``pairs`` (each decision and
        the value it asserts, in decision order), or None when none of them concerns the
        person."""
        at = self.anchor([decision for decision, _ in pairs])
        return None if at is None else _conflict_item(assertion_key, pairs, at)

    def anchor(self, involved: Sequence[Decision]) -> int | None:
        """Which of a conflict's decisions (sorted by number) its item is shown on: the first
        the person owns (one they can act on), else the first relevant to them; None when none
        concerns them. Relevance is asked only until one answers, as an inbox of a large store
        has a conflict item for every few decisions."""
        user = self.user
        for at, decision in enumerate(involved):
            if decision.owner == user:
                return at
        for at, decision in enumerate(involved):
            if self.relevant(decision):
                return at
        return None

    # -- internals ---------------------------------------------------------------------------------

    def _roles(self, decision: Decision) -> int:
        """The person's audience roles in ``decision`` (lifecycle.role_bits)."""
        return role_bits(decision, self.user, self.teams)

    # The rules below run for every finalized decision of an inbox: the names they use are
    # bound to locals and module constants (an enum member read from its class costs ten
    # times a constant's read), and each branch returns its tuple directly.
    def _finalized(self, decision: Decision) -> tuple[InboxItem, ...]:
        user = self.user
        roles = self._roles(decision)
        relies: tuple[str, ...] = ()
        if self._code:
            relied = relied_by_user(decision, self.directory, self.teams)
            if relied:  # a team relying on a key it asserts is asked as if in the ack audience
                roles |= _ACK
                relies = tuple(dict.fromkeys(r.yours for r in relied))
        out: tuple[InboxItem, ...] = ()
        if decision.owner == user:
            out = self._awaiting(decision)
        elif roles & _ACK:
            acked = acked_revision(decision, user)
            if acked is None:
                out = (_item(decision, _NEEDS_ACK, relies_on=relies),)
            elif acked < latest_material(decision):
                diff = diff_since(decision, acked)
                out = (
                    _item(decision, _CHANGED, acked_revision=acked, diff=diff, relies_on=relies),
                )
        elif roles & _INFORM and (decision.key, latest_material(decision)) not in self.dismissed:
            out = (_item(decision, _INFORMED),)
        if self._code:
            drifts = drifts_for(decision, user, self.teams, self.directory)
            if drifts:
                out += (_item(decision, _CODE_DRIFT, drifts=drifts),)
        return out

    def _awaiting(self, decision: Decision) -> tuple[InboxItem, ...]:
        audience = ack_audience(decision, self.directory)
        if not audience:
            return ()
        missing = missing_acks(decision, audience, latest_material(decision))
        if not missing:
            return ()
        return (
            _item(
                decision,
                _AWAITING_ACKS,
                missing=missing,
                acked_count=len(audience) - len(missing),
                audience_count=len(audience),
            ),
        )


def _gave_feedback(decision: Decision, user: str) -> bool:
    return any(f.person == user and f.revision == decision.revision for f in decision.feedback)


def conflict_peers(
    conflict: Conflict, anchor: str, by_key: Mapping[str, Decision]
) -> tuple[ConflictPeer, ...]:
    """The decisions in ``conflict`` asserting another value than decision ``anchor`` does."""
    return _peers(
        [(by_key[key], value) for key, value in conflict.values], conflict.value_of(anchor)
    )


def _conflict_item(assertion_key: str, pairs: Sequence[Asserting], at: int) -> InboxItem:
    """The item of a conflict on ``assertion_key`` among ``pairs`` (each decision and the value
    it asserts, in decision order), shown on ``pairs[at]``."""
    anchor, value = pairs[at]
    peers = _peers(pairs, value)
    return _item(anchor, _CONFLICT, conflict_key=assertion_key, value=value, conflicts_with=peers)


def _peers(pairs: Iterable[Asserting], value: str) -> tuple[ConflictPeer, ...]:
    """The decisions of ``pairs`` asserting another value than ``value``."""
    return tuple(
        [
            ConflictPeer(d.key, d.revisions[-1].title, other, d.owner, d.state)
            for d, other in pairs
            if other != value
        ]
    )


# Complexity: one argument per field of an item, as the rules name them.
def _item(
    decision: Decision,
    reason: Reason,
    *,
    deadline: datetime | None = None,
    overdue: bool = False,
    acked_revision: int | None = None,
    diff: RevisionDiff | None = None,
    missing: tuple[str, ...] = (),
    acked_count: int | None = None,
    audience_count: int | None = None,
    conflict_key: str | None = None,
    value: str | None = None,
    conflicts_with: tuple[ConflictPeer, ...] = (),
    relies_on: tuple[str, ...] = (),
    drifts: tuple[CodeDrift, ...] = (),
) -> InboxItem:
    # Every field positional: a named tuple built from keywords parses them in Python.
    current = decision.revisions[-1]
    return InboxItem(
        decision.key,
        current.title,
        reason,
        current.number,
        decision.state,
        decision.owner,
        decision.team,
        deadline,
        overdue,
        acked_revision,
        diff,
        missing,
        acked_count,
        audience_count,
        conflict_key,
        value,
        conflicts_with,
        relies_on,
        drifts,
        current.created_at,
    )
