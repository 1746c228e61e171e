"""One sync: push the outbox, catch up on the change feed, and say what changed.

Runs on the sync worker thread (or in a one-shot command), never on the GUI thread. Each step is
safe to interrupt at any point: the outbox is pushed with client UUIDs the store deduplicates,
and each catch-up batch lands in the cache together with its cursor in one local transaction.

A round costs what changed, not the size of the store: the decoded decisions stay in memory
(:class:`CacheMirror`, refreshed by the cache's stamps), the outbox is laid over the decisions
whose entries changed, and the inbox is kept by :class:`LiveInbox`, which recomputes only the
items of the decisions touched and of those sharing an assertion key with them.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime

from inbox.core.delta import InboxDelta, ItemId, item_id
from inbox.core.errors import InboxError, SchemaError, StoreUnavailableError
from inbox.core.inbox import InboxItem, display_order
from inbox.core.live_inbox import LiveInbox
from inbox.core.model import (
    Acknowledgment,
    Change,
    Decision,
    Event,
    Feedback,
    Snapshot,
    State,
)
from inbox.store import validate
from inbox.store.clock import Clock, utcnow
from inbox.store.connection import StoreConnection, StoreRefusedError
from inbox.store.reader import load_people
from inbox.store.service import StoreService
from inbox.sync.cache import Cache
from inbox.sync.mirror import CacheMirror
from inbox.sync.state import PENDING, REFUSED, SENT, ClientState, OutboxEntry

log = logging.getLogger(__name__)

REACHED = "store.reached"  # in the state file: this profile has synced with this store once
DIRECTORY_KINDS = frozenset({"team_added", "person_added", "member_added", "member_removed"})
BATCH = 500


class Syncer:
    def __init__(
        self,
        store: StoreConnection,
        cache: Cache,
        state: ClientState,
        user: str,
        clock: Clock = utcnow,
    ) -> None:
        self.store = store
        self.cache = cache
        self.state = state
        self.user = user
        self.clock = clock
        self.service = StoreService(store, clock)
        # The round (engine thread) and items()/snapshot() (task threads) share what follows.
        self._lock = threading.RLock()
        self._mirror = CacheMirror(cache)
        self._inbox: LiveInbox | None = None
        self._dirty: set[str] = set()  # decisions changed in the mirror, not yet in the inbox
        self._directory_dirty = False
        self._overlaid: dict[str, tuple[OutboxEntry, ...]] = {}  # entries laid over, per key
        self._reported: dict[ItemId, InboxItem] = {}  # the inbox as the last sync() said it
        self._unreported: set[ItemId] = set()  # items changed since

    # -- the whole round -----------------------------------------------------------------------

    def sync(self, *, after_offline: bool = False) -> InboxDelta:
        """Push, catch up, confirm; the delta is against the inbox this syncer last reported
        (at start: nothing, so every current item is 'added' and the policy's memory decides)."""
        first = self.cache.cursor is None
        self.push()
        keys, events = self.catch_up()
        if first:
            self.state.put(REACHED, "1")
        with self._lock:
            self.confirm(events)
            inbox = self._current(self.clock())
            added, removed, changed = self._report(inbox)
            return InboxDelta(
                items=inbox.items(),
                added=added,
                removed=removed,
                changed=changed,
                decisions=frozenset(keys),
                events=tuple(events),
                first_sync=first,
                after_offline=after_offline,
                owned=inbox.owned(),
            )

    def _report(
        self, inbox: LiveInbox
    ) -> tuple[tuple[InboxItem, ...], tuple[InboxItem, ...], tuple[InboxItem, ...]]:
        """(added, removed, changed) since the last report, in display order, as
        :func:`~inbox.core.delta.compare` of the two whole inboxes would list them."""
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

    # -- outbox --------------------------------------------------------------------------------

    def push(self) -> None:
        """Deliver pending entries. Unreachable store: raise and keep them pending. A refusal
        (permission, wrong state): keep the entry with its sentence, visible, not retried."""
        held = self.state.held(self.clock())
        for entry in self.state.entries(PENDING):
            if entry.id in held:
                continue  # in its undo window: the window sends it when the window ends
            try:
                change = self.deliver(entry)
            except (StoreUnavailableError, StoreRefusedError, SchemaError):
                raise  # about the store, not this entry: it stays pending
            except InboxError as exc:
                log.warning("the store refused outbox entry %s: %s", entry.id, exc)
                self.state.mark(entry.id, REFUSED, exc.message)
                continue
            self.delivered(entry, change)

    def delivered(self, entry: OutboxEntry, change: Change) -> None:
        if change.noop:
            self.state.remove([entry.id])  # the store had it already (a retry, or a twin)
        else:
            self.state.mark(entry.id, SENT)

    def deliver(self, entry: OutboxEntry) -> Change:
        """One idempotent write of an outbox entry; raises the store's sentence on refusal."""
        if entry.kind == "ack":
            return self.service.acknowledge(
                self.user, entry.decision, revision=entry.revision, ack_id=entry.id
            )
        return self.service.give_feedback(
            self.user,
            entry.decision,
            body=entry.body or "",
            objection=entry.objection,
            feedback_id=entry.id,
        )

    # Complexity C (radon): an entry is confirmed by either proof (its event in this round, or the
    # cache already holding it), each with its own guards.
    def confirm(self, events: Sequence[Event]) -> None:
        """Entries the feed has shown back to us are done."""
        sent = self.state.entries(SENT)
        if not sent:
            return
        seen = {str(e.data.get("id")) for e in events if e.kind in ("acknowledged", "feedback")}
        # Another process of this profile may have read the event before this one marked the
        # entry sent: what the cache already holds counts as confirmed too.
        with self._lock:
            self._pull()
            decisions = self._mirror.decisions
        seen |= {e.id for e in sent if recorded(e, decisions.get(e.decision), self.user)}
        self.state.remove([e.id for e in sent if e.id in seen])

    # -- catch-up ------------------------------------------------------------------------------

    def catch_up(self) -> tuple[set[str], list[Event]]:
        """Apply every new feed event to the cache; cost follows the number of new events."""
        cursor = self.cache.cursor
        if cursor is None:
            self._full_load()
            return set(), []
        touched: set[str] = set()
        applied: list[Event] = []
        while True:
            page = self.store.feed_page(cursor, BATCH)
            if not page.events:
                return touched, applied
            # An event this version cannot use is skipped (one warning, counted), never retried:
            # the cursor moves past it with the rest of the page.
            usable, skipped = validate.usable_events(page.events)
            keys = {e.decision for e in page.events if isinstance(e.decision, str) and e.decision}
            with self.store.read() as session:
                decisions, unreadable = validate.load_decisions(session, keys)
                directory = any(e.kind in DIRECTORY_KINDS for e in usable)
                people = load_people(session) if directory else None
            self.cache.apply(decisions, people, page.cursor, unreadable=unreadable, skipped=skipped)
            touched |= keys
            applied += usable
            cursor = page.cursor

    def _full_load(self) -> None:
        # The cursor first, then the data: anything committed in between is in the data and
        # will be fetched again by the next catch-up, which is harmless.
        cursor = self.store.feed_end()
        with self.store.read() as session:
            snapshot = validate.load_snapshot(session)
        self.cache.replace_all(snapshot, cursor)

    def reached(self) -> bool:
        """Has this profile ever synced with this store (even if its cache was rebuilt since)?"""
        return self.cache.cursor is not None or self.state.get(REACHED) is not None

    # -- what the user sees ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The cache with this machine's unconfirmed acknowledgments and feedback laid over it,
        so the person sees what they did at once."""
        with self._lock:
            self._pull()
            cached = self._mirror.snapshot()
        return overlay(cached, self.state.entries(PENDING, SENT), self.user)

    def unreadable(self) -> dict[str, str]:
        """The decisions of the store this version could not read: key -> cause."""
        with self._lock:
            self._pull()
            return dict(self._mirror.unreadable)

    def items(self, now: datetime | None = None) -> list[InboxItem]:
        with self._lock:
            return list(self._current(now or self.clock()).items())

    # -- keeping the inbox current -------------------------------------------------------------

    def _pull(self) -> None:
        """Take in what the cache gained since the last look (this process's catch-up, or
        another process of this profile syncing meanwhile)."""
        keys, directory, everything = self._mirror.refresh()
        if everything:
            self._inbox = None
        self._dirty |= keys
        self._directory_dirty |= directory

    def _current(self, now: datetime) -> LiveInbox:
        """The inbox at ``now`` over the cache and the outbox as they are now."""
        self._pull()
        groups = _by_decision(self.state.entries(PENDING, SENT))
        if self._inbox is None:
            self._inbox = LiveInbox(
                self.user, overlay_groups(self._mirror.snapshot(), groups, self.user), now
            )
            self._unreported |= self._reported.keys() | {item_id(i) for i in self._inbox.items()}
        else:
            dirty = self._dirty | {
                k
                for k in groups.keys() | self._overlaid.keys()
                if groups.get(k) != self._overlaid.get(k)
            }
            decisions = [
                overlay_decision(self._mirror.decisions[k], groups.get(k, ()), self.user)
                for k in dirty
                if k in self._mirror.decisions
            ]
            people = self._mirror.people if self._directory_dirty else None
            self._unreported |= self._inbox.update(decisions, people, now)
        self._overlaid = groups
        self._dirty = set()
        self._directory_dirty = False
        return self._inbox


def _by_decision(entries: Iterable[OutboxEntry]) -> dict[str, tuple[OutboxEntry, ...]]:
    """Pending and sent entries count as done; refused ones do not."""
    groups: dict[str, list[OutboxEntry]] = {}
    for entry in entries:
        if entry.status != REFUSED:
            groups.setdefault(entry.decision, []).append(entry)
    return {key: tuple(group) for key, group in groups.items()}


def overlay(snapshot: Snapshot, entries: Sequence[OutboxEntry], user: str) -> Snapshot:
    """``snapshot`` with what ``user`` did on this machine and the store has not confirmed yet:
    pending and sent entries count as done; refused ones do not."""
    return overlay_groups(snapshot, _by_decision(entries), user)


def overlay_groups(
    snapshot: Snapshot, groups: dict[str, tuple[OutboxEntry, ...]], user: str
) -> Snapshot:
    if not groups:
        return snapshot
    decisions = tuple(overlay_decision(d, groups.get(d.key, ()), user) for d in snapshot.decisions)
    return dataclasses.replace(snapshot, decisions=decisions)


def recorded(entry: OutboxEntry, decision: Decision | None, user: str) -> bool:
    """Whether ``decision`` (as the store or the cache has it) already holds ``entry``."""
    if decision is None:
        return False
    if entry.kind == "ack":
        return any(
            a.person == user and a.revision == entry.revision for a in decision.acknowledgments
        )
    return any(f.id == entry.id for f in decision.feedback)


# Complexity C (radon): one branch per outbox entry kind (ack, only on a finalized decision;
# feedback) and its already-there check.
def overlay_decision(d: Decision, mine: Sequence[OutboxEntry], user: str) -> Decision:
    """One decision with ``user``'s entries for it (not refused ones) laid over."""
    if not mine:
        return d
    acks = list(d.acknowledgments)
    feedback = list(d.feedback)
    for e in mine:
        if (
            e.kind == "ack"
            # Only a finalized decision takes one: a queued ack of an open decision waits for
            # the store's refusal and counts for nobody meanwhile.
            and d.state is State.FINALIZED
            and e.revision is not None
            and not any(a.person == user and a.revision == e.revision for a in acks)
        ):
            acks.append(Acknowledgment(e.id, user, e.revision, e.created_at))
        elif e.kind == "feedback" and not any(f.id == e.id for f in feedback):
            feedback.append(
                Feedback(
                    e.id,
                    user,
                    e.revision or d.revision,
                    e.body or "",
                    e.objection,
                    e.created_at,
                )
            )
    return dataclasses.replace(d, acknowledgments=tuple(acks), feedback=tuple(feedback))
