"""One person's inbox kept current decision by decision, instead of recomputed from everything.

A sync round touches a handful of decisions; recomputing the whole inbox for it made a round
cost the size of the store. :class:`LiveInbox` holds the decisions and the items each one gives,
and an update recomputes only the items of the decisions it was handed, of the decisions sharing
an assertion key with them (conflicts), of those asserting a key whose code checks changed
(reliance, code drift), and of those whose deadline passed since the last update.
The result is always what :func:`compute_inbox` would return for the same decisions, directory
and time (a property test holds the two equal); when the person's own teams change, or time runs
backwards, every item is recomputed.

Not thread-safe: its owner serialises access. Pure like the rules it reuses: no SQL, no Qt.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from inbox.core.conflicts import by_decision, disagree
from inbox.core.delta import ItemId, item_id
from inbox.core.gc_pause import collector_paused
from inbox.core.inbox import Rules
from inbox.core.items import InboxItem, display_order
from inbox.core.model import LIVE_STATES, CodeCheck, Decision, Person, Snapshot, State
from inbox.core.reliance import checks_touch, relying_teams
from inbox.core.times import as_utc

# Above this many changed items, sorting everything again beats inserting one by one.
_RESORT = 256


class LiveInbox:
    def __init__(
        self,
        user: str,
        snapshot: Snapshot,
        now: datetime,
        dismissed: frozenset[tuple[str, int]] = frozenset(),
    ) -> None:
        self.user = user
        self._dismissed = dismissed
        self._decisions: dict[str, Decision] = {d.key: d for d in snapshot.decisions}
        # The directory and the code checks: what decision_items reads besides the decision.
        self._directory = Snapshot((), snapshot.people, snapshot.code_checks)
        self._teams = snapshot.teams_of(user)
        self._now = as_utc(now)
        self._rules = Rules(user, self._teams, self._directory, self._now, dismissed)
        self._by_assertion: dict[str, set[str]] = {}  # live decisions asserting each key
        self._asserted: dict[str, tuple[str, ...]] = {}  # the keys each is indexed under
        self._owned: set[str] = set()
        self._owned_frozen: frozenset[str] | None = None
        self._deadlines: list[tuple[datetime, str]] = []  # open decisions' deadlines to pass
        self._own: dict[str, tuple[InboxItem, ...]] = {}  # each decision's own items
        self._conflicts: dict[str, InboxItem] = {}  # the conflict item of each assertion key
        self._by_id: dict[ItemId, InboxItem] = {}
        self._order: list[Any] = []  # display_order() of each item, ascending
        self._items: list[InboxItem] = []  # the items in that order
        self._rebuild()

    # -- reading -----------------------------------------------------------------------------------

    def items(self) -> tuple[InboxItem, ...]:
        """Every item, in display order (the order :func:`compute_inbox` returns)."""
        return tuple(self._items)

    def get(self, identity: ItemId) -> InboxItem | None:
        return self._by_id.get(identity)

    def owned(self) -> frozenset[str]:
        """Keys of the decisions the person owns."""
        if self._owned_frozen is None:
            self._owned_frozen = frozenset(self._owned)
        return self._owned_frozen

    # -- updating ----------------------------------------------------------------------------------

    # Complexity C (radon): what one update must recompute (touched, same assertion key, deadlines
    # passed, team changes, everything) is decided in one place.
    def update(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person] | None,
        now: datetime,
        code_checks: tuple[CodeCheck, ...] | None = None,
        removed: Iterable[str] = (),
    ) -> set[ItemId]:
        """Take in new versions of ``decisions`` (new ones too), the keys of decisions no
        longer held (``removed``), the directory when it changed (None: unchanged), the time,
        and the latest code checks when they changed (None: unchanged); return the identities
        of the items that appeared, went away or changed."""
        now = as_utc(now)
        touched, assertion_keys = self._remove(removed)
        for decision in decisions:
            self._decisions[decision.key] = decision
            touched.add(decision.key)
        rebuild = now < self._now
        code_keys = self._take_code_checks(code_checks)
        if people is not None:
            directory = Snapshot((), people, self._directory.code_checks)
            teams = directory.teams_of(self.user)
            if teams != self._teams:
                rebuild = True
            else:
                touched |= self._awaiting_teams_changed(self._directory, directory)
            self._directory, self._teams = directory, teams
        self._now = now
        self._rules = Rules(self.user, self._teams, self._directory, now, self._dismissed)
        if rebuild:
            before = dict(self._by_id)
            self._rebuild()
            return {
                k for k in before.keys() | self._by_id.keys() if before.get(k) != self._by_id.get(k)
            }
        while self._deadlines and self._deadlines[0][0] < now:
            touched.add(heapq.heappop(self._deadlines)[1])
        # A passed deadline's decision may be gone; asked key by key (a union of the key views
        # would build a set of the whole store on every update).
        touched = {k for k in touched if k in self._decisions or k in self._own}
        for key in touched:
            if key in self._decisions:
                assertion_keys |= self._reindex(self._decisions[key])
        relied, keys = self._relying_on(code_keys)
        touched |= relied
        assertion_keys |= keys
        changes = self._own_changes(touched)
        for assertion_key in assertion_keys:
            conflict = self._conflict_item(assertion_key)
            previous = self._conflicts.pop(assertion_key, None)
            if previous is not None:
                changes[item_id(previous)] = None
            if conflict is not None:
                changes[item_id(conflict)] = conflict
                self._conflicts[assertion_key] = conflict
        return self._apply(changes)

    # -- internals ---------------------------------------------------------------------------------

    def _take_code_checks(self, code_checks: tuple[CodeCheck, ...] | None) -> set[str]:
        """Take in the latest code checks when they changed; the assertion keys they touch."""
        if code_checks is None:
            return set()
        keys = checks_touch(self._directory.code_checks, code_checks)
        self._directory = Snapshot((), self._directory.people, code_checks)
        return keys

    def _relying_on(self, code_keys: set[str]) -> tuple[set[str], set[str]]:
        """(the live decisions asserting one of ``code_keys``, the assertion keys whose
        conflicts to recompute): whom such a decision concerns changed, so its conflicts on
        every key it asserts may have too."""
        relied = {k for a in code_keys for k in self._by_assertion.get(a, ())}
        return relied, code_keys.union(*(self._asserted.get(k, ()) for k in relied))

    def _rebuild(self) -> None:
        with collector_paused():  # every item at once (inbox.core.gc_pause says why)
            self._rebuild_all()

    def _rebuild_all(self) -> None:
        self._by_assertion, self._asserted, self._own, self._conflicts = {}, {}, {}, {}
        self._owned, self._owned_frozen, self._deadlines = set(), None, []
        for decision in self._decisions.values():
            self._reindex(decision)
            items = self._items_of(decision)
            if items:
                self._own[decision.key] = items
        for assertion_key in self._by_assertion:
            item = self._conflict_item(assertion_key)
            if item is not None:
                self._conflicts[assertion_key] = item
        self._by_id = {}
        for items in self._own.values():
            self._by_id.update((item_id(item), item) for item in items)
        self._by_id.update((item_id(item), item) for item in self._conflicts.values())
        self._resort()

    def _resort(self) -> None:
        pairs = sorted((display_order(item), item) for item in self._by_id.values())
        self._order = [order for order, _ in pairs]
        self._items = [item for _, item in pairs]

    def _reindex(self, decision: Decision) -> set[str]:
        """Index ``decision`` under the assertion keys it makes live, its ownership and its
        deadline; return the assertion keys whose conflicts may have changed."""
        key = decision.key
        before = self._unindex(key)
        after: tuple[str, ...] = ()
        if decision.state in LIVE_STATES:
            after = tuple(decision.current.assertions)
            for assertion_key in after:
                self._by_assertion.setdefault(assertion_key, set()).add(key)
            self._asserted[key] = after
        if (decision.owner == self.user) != (key in self._owned):
            self._owned_frozen = None
            if decision.owner == self.user:
                self._owned.add(key)
            else:
                self._owned.discard(key)
        if decision.state is State.OPEN and decision.deadline is not None:
            deadline = as_utc(decision.deadline)
            if deadline >= self._now:  # passing it will change the decision's items
                heapq.heappush(self._deadlines, (deadline, key))
        return {*before, *after}

    def _remove(self, keys: Iterable[str]) -> tuple[set[str], set[str]]:
        """Forget the decisions ``keys``: (those that were held, the assertion keys they were
        indexed under)."""
        touched: set[str] = set()
        assertion_keys: set[str] = set()
        for key in keys:
            if self._decisions.pop(key, None) is not None:
                touched.add(key)
                assertion_keys |= self._unindex(key)
        return touched, assertion_keys

    def _own_changes(self, touched: Iterable[str]) -> dict[ItemId, InboxItem | None]:
        """Recompute the own items of the ``touched`` decisions (none for one no longer held);
        the items that went (None) or came."""
        changes: dict[ItemId, InboxItem | None] = {}
        for key in touched:
            old = self._own.get(key, ())
            held = self._decisions.get(key)
            new = () if held is None else self._items_of(held)
            if old == new:
                continue
            for item in old:
                changes[item_id(item)] = None
            for item in new:
                changes[item_id(item)] = item
            if new:
                self._own[key] = new
            else:
                self._own.pop(key, None)
        return changes

    def _unindex(self, key: str) -> set[str]:
        """Take decision ``key`` out of the assertion index and the owned set; return the
        assertion keys it was indexed under."""
        before = self._asserted.pop(key, ())
        for assertion_key in before:
            group = self._by_assertion[assertion_key]
            group.discard(key)
            if not group:
                del self._by_assertion[assertion_key]
        if key in self._owned:
            self._owned.discard(key)
            self._owned_frozen = None
        return set(before)

    def _items_of(self, decision: Decision) -> tuple[InboxItem, ...]:
        return self._rules.items(decision)

    def _conflict_item(self, assertion_key: str) -> InboxItem | None:
        group = self._by_assertion.get(assertion_key, ())
        if len(group) < 2:  # most keys, asked for each at a rebuild: nothing to build pairs of
            return None
        # The index holds only live decisions asserting the key.
        pairs = [
            (d, d.revisions[-1].assertions[assertion_key])
            for d in map(self._decisions.__getitem__, group)
        ]
        if not disagree(pairs):
            return None
        pairs.sort(key=by_decision)
        return self._rules.conflict_item(assertion_key, pairs)

    def _awaiting_teams_changed(self, old: Snapshot, new: Snapshot) -> set[str]:
        """Owned decisions whose acknowledging audience names a team whose members changed, or
        that a team relies on: their "awaiting acknowledgments" items count those members."""
        changed = {
            team
            for team in _teams(old) | _teams(new)
            if old.members_of(team) != new.members_of(team)
        }
        return {
            key
            for key in self._owned
            if any(e.kind == "team" and e.name in changed for e in self._decisions[key].audience)
            or relying_teams(self._decisions[key], new) & changed
        }

    def _apply(self, changes: Mapping[ItemId, InboxItem | None]) -> set[ItemId]:
        """Bring the identity map and the ordered lists in line with ``changes``; return the
        identities that really changed."""
        real: set[ItemId] = set()
        for identity, item in changes.items():
            if self._by_id.get(identity) != item:
                real.add(identity)
        if len(real) > _RESORT:
            for identity in real:
                self._set(identity, changes[identity])
            self._resort()
            return real
        for identity in real:
            old = self._by_id.get(identity)
            if old is not None:
                at = bisect.bisect_left(self._order, display_order(old))
                del self._order[at], self._items[at]
            new = changes[identity]
            self._set(identity, new)
            if new is not None:
                order = display_order(new)
                at = bisect.bisect_left(self._order, order)
                self._order.insert(at, order)
                self._items.insert(at, new)
        return real

    def _set(self, identity: ItemId, item: InboxItem | None) -> None:
        if item is None:
            self._by_id.pop(identity, None)
        else:
            self._by_id[identity] = item


def _teams(directory: Snapshot) -> set[str]:
    return {team for person in directory.people.values() for team in person.teams}
