"""What a sync changed in one person's inbox: the value the sync engine hands to the
notification policy and (later) to the views, so they react to what changed, not everything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inbox.core.items import InboxItem
from inbox.core.model import Event

ItemId = tuple[str, str, str | None]


def item_id(item: InboxItem) -> ItemId:
    """An item's identity across syncs: decision, reason and (for conflicts) the assertion key."""
    return (item.key, str(item.reason), item.conflict_key)


@dataclass(frozen=True)
class InboxDelta:
    """``items`` is the whole inbox after the sync; the rest says how it got there."""

    items: tuple[InboxItem, ...]
    added: tuple[InboxItem, ...] = ()
    removed: tuple[InboxItem, ...] = ()
    changed: tuple[InboxItem, ...] = ()
    decisions: frozenset[str] = frozenset()
    events: tuple[Event, ...] = ()
    first_sync: bool = False
    after_offline: bool = False
    owned: frozenset[str] = frozenset()  # keys of the decisions the user owns

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.decisions)


def compare(
    before: Iterable[InboxItem],
    after: Iterable[InboxItem],
    *,
    decisions: frozenset[str] = frozenset(),
    events: tuple[Event, ...] = (),
    first_sync: bool = False,
    after_offline: bool = False,
    owned: frozenset[str] = frozenset(),
) -> InboxDelta:
    old = {item_id(i): i for i in before}
    new_items = tuple(after)
    new = {item_id(i): i for i in new_items}
    return InboxDelta(
        items=new_items,
        added=tuple(i for k, i in new.items() if k not in old),
        removed=tuple(i for k, i in old.items() if k not in new),
        changed=tuple(i for k, i in new.items() if k in old and old[k] != i),
        decisions=decisions,
        events=events,
        first_sync=first_sync,
        after_offline=after_offline,
        owned=owned,
    )
