"""Local triage: items the user snoozed or marked done on this machine (docs/architecture.md).

Triage is kept per item (decision, reason, conflict key) and pinned to the revision the item
had when the user triaged it, so an item comes back by itself when its decision gets a new
revision: nobody has to remember to un-snooze something that changed under them. Pure: the
client keeps the JSON form in its profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from inbox.core.delta import ItemId, item_id
from inbox.core.items import InboxItem
from inbox.core.model import Reason
from inbox.core.times import as_utc, iso_utc

FORMAT_VERSION = 1
_REASONS = frozenset(str(reason) for reason in Reason)


@dataclass(frozen=True)
class Snooze:
    """Hidden while the item is at ``revision`` and (when ``until`` is set) before ``until``."""

    revision: int
    until: datetime | None = None  # None: until the decision changes


def _frozen(mapping: Mapping[ItemId, Any] | None) -> Mapping[ItemId, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Triage:
    """Snoozed items (item id → :class:`Snooze`) and done items (item id → revision)."""

    snoozed: Mapping[ItemId, Snooze] = field(default_factory=dict)
    done_at: Mapping[ItemId, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only copies: a caller's dict changing later must not change this value.
        object.__setattr__(self, "snoozed", _frozen(self.snoozed))
        object.__setattr__(self, "done_at", _frozen(self.done_at))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Triage):
            return NotImplemented
        return dict(self.snoozed) == dict(other.snoozed) and dict(self.done_at) == dict(
            other.done_at
        )

    def __hash__(self) -> int:
        return hash((frozenset(self.snoozed.items()), frozenset(self.done_at.items())))

    def __bool__(self) -> bool:
        return bool(self.snoozed or self.done_at)

    # -- questions -----------------------------------------------------------------------------

    def hides(self, item: InboxItem, now: datetime) -> bool:
        """Whether ``item`` is out of the inbox at ``now``: a new revision always brings it back."""
        if self.is_done(item):
            return True
        snooze = self.snooze_of(item)
        return snooze is not None and (snooze.until is None or as_utc(now) < as_utc(snooze.until))

    def snooze_of(self, item: InboxItem) -> Snooze | None:
        """``item``'s snooze while it still applies (made at the item's current revision)."""
        snooze = self.snoozed.get(item_id(item))
        return snooze if snooze is not None and snooze.revision == item.revision else None

    def is_done(self, item: InboxItem) -> bool:
        """Whether ``item`` was marked done at its current revision."""
        return self.done_at.get(item_id(item)) == item.revision

    def ids(self) -> frozenset[ItemId]:
        """Every item this triage mentions, hiding or not: the only ones :meth:`hides` can hide."""
        return frozenset(self.snoozed) | frozenset(self.done_at)

    def next_change(self, now: datetime) -> datetime | None:
        """The earliest snooze end after ``now``, when something may come back by itself."""
        ends = [
            as_utc(s.until)
            for s in self.snoozed.values()
            if s.until is not None and as_utc(s.until) > as_utc(now)
        ]
        return min(ends, default=None)

    # -- changes (each returns a new value) ----------------------------------------------------

    def snooze(self, item: InboxItem, until: datetime | None) -> Triage:
        """Hide ``item`` until ``until`` (or, with None, until its decision changes)."""
        wanted = item_id(item)
        snoozed = dict(self.snoozed)
        snoozed[wanted] = Snooze(item.revision, None if until is None else as_utc(until))
        done_at = {k: v for k, v in self.done_at.items() if k != wanted}
        return Triage(snoozed, done_at)

    def done(self, item: InboxItem) -> Triage:
        """Hide ``item`` until its decision gets a new revision."""
        wanted = item_id(item)
        snoozed = {k: v for k, v in self.snoozed.items() if k != wanted}
        done_at = dict(self.done_at)
        done_at[wanted] = item.revision
        return Triage(snoozed, done_at)

    def restore(self, item: InboxItem) -> Triage:
        """Bring ``item`` back now, whatever hid it."""
        wanted = item_id(item)
        return Triage(
            {k: v for k, v in self.snoozed.items() if k != wanted},
            {k: v for k, v in self.done_at.items() if k != wanted},
        )

    def prune(self, items: Iterable[InboxItem]) -> Triage:
        """Drop entries that can never hide anything again.

        That is entries whose item is gone from the inbox, and entries pinned to a revision the
        item has moved past (revisions only grow, so they cannot match again).
        """
        current = {item_id(i): i.revision for i in items}
        return Triage(
            {k: v for k, v in self.snoozed.items() if current.get(k) == v.revision},
            {k: v for k, v in self.done_at.items() if current.get(k) == v},
        )

    # -- JSON ----------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "snoozed": [
                {
                    **_id_json(k),
                    "revision": s.revision,
                    "until": None if s.until is None else iso_utc(s.until),
                }
                for k, s in sorted(self.snoozed.items(), key=_sort_id)
            ],
            "done": [
                {**_id_json(k), "revision": rev}
                for k, rev in sorted(self.done_at.items(), key=_sort_id)
            ],
        }

    # Complexity C (radon): one tolerance check per field of a saved entry.
    @classmethod
    def from_json(cls, data: object) -> Triage:
        """Tolerant: a malformed entry (hand edit, older or newer client) is dropped, not raised,
        because losing one snooze is better than an inbox that does not open."""
        if not isinstance(data, dict):
            return cls()
        snoozed: dict[ItemId, Snooze] = {}
        for entry in _entries(data.get("snoozed")):
            parsed, revision, raw_until = (
                _parse_id(entry),
                entry.get("revision"),
                entry.get("until"),
            )
            until = None if raw_until is None else _parse_time(raw_until)
            if parsed is None or not isinstance(revision, int) or not _is_revision(revision):
                continue
            if raw_until is not None and until is None:
                continue
            snoozed[parsed] = Snooze(revision, until)
        done_at: dict[ItemId, int] = {}
        for entry in _entries(data.get("done")):
            parsed, revision = _parse_id(entry), entry.get("revision")
            if parsed is None or not isinstance(revision, int) or not _is_revision(revision):
                continue
            done_at[parsed] = revision
        return cls(snoozed, done_at)


def _id_json(wanted: ItemId) -> dict[str, Any]:
    key, reason, conflict_key = wanted
    return {"key": key, "reason": reason, "conflict_key": conflict_key}


def _sort_id(pair: tuple[ItemId, object]) -> tuple[str, str, str]:
    key, reason, conflict_key = pair[0]
    return (key, reason, conflict_key or "")


def _entries(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict)]


def _parse_id(entry: dict[str, Any]) -> ItemId | None:
    key, reason, conflict_key = entry.get("key"), entry.get("reason"), entry.get("conflict_key")
    if not isinstance(key, str) or not key or reason not in _REASONS:
        return None
    if conflict_key is not None and not isinstance(conflict_key, str):
        return None
    return (key, str(reason), conflict_key)


def _is_revision(value: int) -> bool:
    return not isinstance(value, bool) and value >= 1


def _parse_time(value: object) -> datetime | None:
    """The time ``value`` names, or None when it is not an ISO 8601 time."""
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None
