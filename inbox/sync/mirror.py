"""The cache's decisions decoded once and kept in memory, refreshed by what changed since.

Decoding every decision of the cache on every sync round made a round cost the size of the
store. A mirror decodes the cache once, then asks it only for the rows written after the stamp
it has seen (by this process or by another one of the same profile, such as a one-shot command
that synced meanwhile).

What this process writes itself it hands over as it writes it (:meth:`CacheMirror.reset` after
a full load, :meth:`CacheMirror.wrote` after a catch-up batch), so the mirror never reads back
what it was just given.

Not thread-safe: its owner (the syncer) serialises access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from inbox.core.keys import decision_sort_key
from inbox.core.model import CodeCheck, Decision, Person, Snapshot
from inbox.sync.cache import Cache


class CacheMirror:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.decisions: dict[str, Decision] = {}
        self.people: Mapping[str, Person] = {}
        self.code_checks: tuple[CodeCheck, ...] = ()
        self.unreadable: Mapping[str, str] = {}
        self._stamp: int | None = None
        self._ordered: tuple[Decision, ...] | None = None

    def refresh(self) -> tuple[set[str], bool, bool, bool]:
        """Take in what the cache gained: (keys of the decisions that changed or went, whether the
        directory changed, whether everything was reloaded, whether the code checks changed)."""
        changes = self.cache.changes(self._stamp)
        self._stamp = changes.stamp
        self.unreadable = changes.unreadable
        if changes.everything:
            self.decisions = {d.key: d for d in changes.decisions}
            self.people = changes.people or {}
            self.code_checks = changes.code_checks or ()
            self._ordered = None
            return set(self.decisions), True, True, True
        if changes.code_checks is not None:
            self.code_checks = changes.code_checks
        for decision in changes.decisions:
            self.decisions[decision.key] = decision
        for key in changes.dropped:
            self.decisions.pop(key, None)
        if changes.decisions or changes.dropped:
            self._ordered = None
        if changes.people is not None:
            self.people = changes.people
        return (
            {d.key for d in changes.decisions} | set(changes.dropped),
            changes.people is not None,
            False,
            changes.code_checks is not None,
        )

    def snapshot(self) -> Snapshot:
        """Everything, in key order (as :meth:`Cache.snapshot` returns it), without decoding."""
        if self._ordered is None:
            self._ordered = tuple(
                sorted(self.decisions.values(), key=lambda d: decision_sort_key(d.key))
            )
        return Snapshot(self._ordered, self.people, self.code_checks, self.unreadable)

    def reset(
        self,
        decisions: dict[str, Decision],
        people: Mapping[str, Person],
        code_checks: tuple[CodeCheck, ...],
        unreadable: Mapping[str, str],
        stamp: int,
    ) -> None:
        """The cache now holds exactly these, written under ``stamp``."""
        self.decisions, self.people, self._stamp, self._ordered = decisions, people, stamp, None
        self.code_checks, self.unreadable = code_checks, unreadable

    def wrote(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person] | None,
        stamps: tuple[int, int],
        code_checks: tuple[CodeCheck, ...] | None = None,
        dropped: Iterable[str] = (),
    ) -> set[str] | None:
        """The cache went from stamp ``stamps[0]`` to ``stamps[1]`` by writing exactly these
        and deleting ``dropped``: taken in without reading them back, and their keys returned,
        if this mirror had seen ``stamps[0]``; otherwise None, and the next :meth:`refresh`
        reads what it missed."""
        if self._stamp is None or self._stamp != stamps[0]:
            return None
        keys: set[str] = set()
        for decision in decisions:
            self.decisions[decision.key] = decision
            keys.add(decision.key)
        for key in dropped:
            self.decisions.pop(key, None)
            keys.add(key)
        if keys:
            self._ordered = None
        if people is not None:
            self.people = people
        if code_checks is not None:
            self.code_checks = code_checks
        self._stamp = stamps[1]
        return keys
