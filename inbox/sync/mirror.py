"""The cache's decisions decoded once and kept in memory, refreshed by what changed since.

Decoding every decision of the cache on every sync round made a round cost the size of the
store. A mirror decodes the cache once, then asks it only for the rows written after the stamp
it has seen (by this process or by another one of the same profile, such as a one-shot command
that synced meanwhile).

Not thread-safe: its owner (the syncer) serialises access.
"""

from __future__ import annotations

from collections.abc import Mapping

from inbox.core.keys import decision_sort_key
from inbox.core.model import Decision, Person, Snapshot
from inbox.sync.cache import Cache


class CacheMirror:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.decisions: dict[str, Decision] = {}
        self.people: Mapping[str, Person] = {}
        self.unreadable: Mapping[str, str] = {}
        self._stamp: int | None = None
        self._ordered: tuple[Decision, ...] | None = None

    def refresh(self) -> tuple[set[str], bool, bool]:
        """Take in what the cache gained: (keys of the decisions that changed, whether the
        directory changed, whether everything was reloaded)."""
        changes = self.cache.changes(self._stamp)
        self._stamp = changes.stamp
        self.unreadable = changes.unreadable
        if changes.everything:
            self.decisions = {d.key: d for d in changes.decisions}
            self.people = changes.people or {}
            self._ordered = None
            return set(self.decisions), True, True
        for decision in changes.decisions:
            self.decisions[decision.key] = decision
        if changes.decisions:
            self._ordered = None
        if changes.people is not None:
            self.people = changes.people
        return {d.key for d in changes.decisions}, changes.people is not None, False

    def snapshot(self) -> Snapshot:
        """Everything, in key order (as :meth:`Cache.snapshot` returns it), without decoding."""
        if self._ordered is None:
            self._ordered = tuple(
                sorted(self.decisions.values(), key=lambda d: decision_sort_key(d.key))
            )
        return Snapshot(self._ordered, self.people, self.unreadable)
