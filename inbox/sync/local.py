"""The local half of a client: its cache and state files and the inbox they give, with no store.

This is all the window needs for its first paint, so it opens without SQLAlchemy: the cache and
the state are ``sqlite3`` files, and the inbox is computed from them by the pure rules of
``inbox.core``. :class:`~inbox.sync.client.Client` adds the store and the syncer on top and
shares this half, so what was decoded for the first paint is not decoded again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from inbox.core.delta import ItemId, item_id
from inbox.core.items import InboxItem, display_order
from inbox.core.live_inbox import LiveInbox
from inbox.core.model import CodeCheck, Decision, Person, Snapshot
from inbox.store.clock import Clock, utcnow
from inbox.sync.cache import Cache
from inbox.sync.mirror import CacheMirror
from inbox.sync.overlay import by_decision, overlay, overlay_decision, overlay_groups
from inbox.sync.paths import ClientPaths
from inbox.sync.state import PENDING, SENT, ClientState, OutboxEntry, Recovery

Reported = tuple[tuple[InboxItem, ...], tuple[InboxItem, ...], tuple[InboxItem, ...]]


class LocalInbox:
    """The inbox over the cache and the outbox as they are now, kept current at the cost of what
    changed: the decoded decisions stay in memory (:class:`CacheMirror`, refreshed by the cache's
    stamps), the outbox is laid over the decisions whose entries changed, and
    :class:`LiveInbox` recomputes only the items of the decisions touched.

    Thread-safe: the sync round (engine thread) and the window's reads (task thread) share it
    under :attr:`lock`."""

    def __init__(self, cache: Cache, state: ClientState, user: str, clock: Clock = utcnow) -> None:
        self.cache = cache
        self.state = state
        self.user = user
        self.clock = clock
        self.lock = threading.RLock()
        self.mirror = CacheMirror(cache)
        self._inbox: LiveInbox | None = None
        # What changed in the mirror and is not in the inbox yet: decisions, directory, checks.
        self._dirty: set[str] = set()
        self._directory_dirty = False
        self._checks_dirty = False
        self._overlaid: dict[str, tuple[OutboxEntry, ...]] = {}  # entries laid over, per key
        self._reported: dict[ItemId, InboxItem] = {}  # the inbox as the last report said it
        self._unreported: set[ItemId] = set()  # items changed since

    def snapshot(self) -> Snapshot:
        """The cache with this machine's unconfirmed acknowledgments and feedback laid over it,
        so the person sees what they did at once."""
        with self.lock:
            self.pull()
            cached = self.mirror.snapshot()
        return overlay(cached, self.state.entries(PENDING, SENT), self.user)

    def unreadable(self) -> dict[str, str]:
        """The decisions of the store this version could not read: key -> cause."""
        with self.lock:
            self.pull()
            return dict(self.mirror.unreadable)

    def items(self, now: datetime | None = None) -> list[InboxItem]:
        with self.lock:
            return list(self.current(now or self.clock()).items())

    def pull(self) -> None:
        """Take in what the cache gained since the last look (this process's catch-up, or
        another process of this profile syncing meanwhile). Under :attr:`lock`."""
        keys, directory, everything, checks = self.mirror.refresh()
        if everything:
            self._inbox = None
        self._mark(keys, directory, checks)

    def loaded(
        self,
        decisions: dict[str, Decision],
        people: Mapping[str, Person],
        checks: tuple[CodeCheck, ...],
        unreadable: Mapping[str, str],
        stamp: int,
    ) -> None:
        """A full load just wrote these to the cache (``stamp``): keep them as they are instead
        of decoding them back from the file."""
        with self.lock:
            self.mirror.reset(decisions, people, checks, unreadable, stamp)
            self._inbox = None
            self._clear_marks()

    def took(
        self,
        decisions: list[Decision],
        people: Mapping[str, Person] | None,
        stamps: tuple[int, int],
        checks: tuple[CodeCheck, ...] | None = None,
        dropped: Iterable[str] = (),
    ) -> None:
        """A catch-up batch just wrote these to the cache and deleted ``dropped`` (``stamps``):
        into the mirror as they are."""
        with self.lock:
            keys = self.mirror.wrote(decisions, people, stamps, checks, dropped)
            if keys is not None:
                self._mark(keys, people is not None, checks is not None)

    def _mark(self, keys: set[str], directory: bool, checks: bool) -> None:
        self._dirty |= keys
        self._directory_dirty |= directory
        self._checks_dirty |= checks

    def _clear_marks(self) -> None:
        self._dirty, self._directory_dirty, self._checks_dirty = set(), False, False

    def current(self, now: datetime) -> LiveInbox:
        """The inbox at ``now`` over the cache and the outbox as they are now. Under
        :attr:`lock`."""
        self.pull()
        groups = by_decision(self.state.entries(PENDING, SENT))
        if self._inbox is None:
            self._inbox = LiveInbox(
                self.user, overlay_groups(self.mirror.snapshot(), groups, self.user), now
            )
            self._unreported |= self._reported.keys() | {item_id(i) for i in self._inbox.items()}
        else:
            dirty = self._dirty | {
                k
                for k in groups.keys() | self._overlaid.keys()
                if groups.get(k) != self._overlaid.get(k)
            }
            decisions = [
                overlay_decision(self.mirror.decisions[k], groups.get(k, ()), self.user)
                for k in dirty
                if k in self.mirror.decisions
            ]
            gone = {k for k in self._dirty if k not in self.mirror.decisions}
            people = self.mirror.people if self._directory_dirty else None
            checks = self.mirror.code_checks if self._checks_dirty else None
            self._unreported |= self._inbox.update(decisions, people, now, checks, removed=gone)
        self._overlaid = groups
        self._clear_marks()
        return self._inbox

    def report(self, inbox: LiveInbox) -> Reported:
        """(added, removed, changed) since the last report, in display order, as
        :func:`~inbox.core.delta.compare` of the two whole inboxes would list them. Under
        :attr:`lock`."""
        added: list[InboxItem] = []
        removed: list[InboxItem] = []
        changed: list[InboxItem] = []
        for identity in self._unreported:
            old, new = self._reported.get(identity), inbox.get(identity)
            if new is None:
                if old is not None:
                    removed.append(old)
                    del self._reported[identity]
                continue
            if old is None:
                added.append(new)
            elif old != new:
                changed.append(new)
            self._reported[identity] = new
        self._unreported = set()
        return (
            tuple(sorted(added, key=display_order)),
            tuple(sorted(removed, key=display_order)),
            tuple(sorted(changed, key=display_order)),
        )


@dataclass
class LocalClient:
    """One person's cache and state files of one store, and the inbox they give."""

    user: str
    paths: ClientPaths
    cache: Cache
    state: ClientState
    inbox: LocalInbox

    @classmethod
    def open(cls, paths: ClientPaths, user: str, *, read_only: bool = False) -> LocalClient:
        """``read_only``: the profile cannot be written; its cache and outbox are read as they
        are (or as empty), for a command that only shows them."""
        # First: the outbox must survive a bad cache.
        state = ClientState(paths.state, read_only=read_only)
        cache = Cache(paths.cache, read_only=read_only)
        return cls(user, paths, cache, state, LocalInbox(cache, state, user))

    @classmethod
    def open_existing(cls, folder: Path, user: str) -> LocalClient | None:
        """The client files in ``folder`` when it is there; None (and nothing created) when it
        is not: a folder a previous start used, opened before the store is reached."""
        if not (folder / "cache.sqlite").is_file():
            return None
        return cls.open(ClientPaths(folder), user)

    @property
    def synced(self) -> bool:
        """Has the cache ever been filled from the store (so what it shows is an inbox)?"""
        return self.cache.cursor is not None

    @property
    def recovery(self) -> Recovery | None:
        """Set when this open found the state file damaged (see ``ClientState.recovery``)."""
        return self.state.recovery

    def close(self) -> None:
        self.cache.close()
        self.state.close()
