"""One sync: push the outbox, catch up on the change feed, and say what changed.

Runs on the sync worker thread (or in a one-shot command), never on the GUI thread. Each step is
safe to interrupt at any point: the outbox is pushed with client UUIDs the store deduplicates,
and each catch-up batch lands in the cache together with its cursor in one local transaction.

A client keeps its person's scope (inbox.core.scope): the store sends the decisions in it whole
and of the other live ones their index; inbox.sync.scoping follows the scope when it moves.

A round costs what changed, not the size of the store: the inbox is kept by
:class:`~inbox.sync.local.LocalInbox` (shared with the window, which shows it before the store is
reached), which recomputes only the items of the decisions touched and of those sharing an
assertion key with them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from inbox.core.delta import InboxDelta
from inbox.core.errors import InboxError, SchemaError, StoreUnavailableError
from inbox.core.gc_pause import collector_paused
from inbox.core.items import InboxItem
from inbox.core.model import Change, CodeCheck, Decision, Event, Person, Snapshot
from inbox.store import catch_up, feed, validate
from inbox.store.clock import Clock, utcnow
from inbox.store.code_checks import load_code_checks
from inbox.store.connection import StoreConnection, StoreRefusedError
from inbox.store.feed import FeedPage
from inbox.store.reader import load_people
from inbox.store.scope import over_among, scoped_keys
from inbox.store.service import StoreService
from inbox.store.stream import stream_decisions
from inbox.sync import scoping
from inbox.sync.cache import Cache
from inbox.sync.local import LocalInbox
from inbox.sync.overlay import recorded
from inbox.sync.state import PENDING, REFUSED, SENT, ClientState, OutboxEntry

log = logging.getLogger(__name__)

REACHED = "store.reached"  # in the state file: this profile has synced with this store once
DIRECTORY_KINDS = frozenset(catch_up.DIRECTORY_KINDS)
CODE_CHECKED = "code_checked"  # a team reported what its code says (check --report)
BATCH = 500


class Syncer:
    def __init__(
        self,
        store: StoreConnection,
        cache: Cache,
        state: ClientState,
        user: str,
        clock: Clock = utcnow,
        view: LocalInbox | None = None,
    ) -> None:
        """``view``: the inbox the window already shows from the same cache and state (opened
        before the store was reached); by default a new one."""
        self.store = store
        self.cache = cache
        self.state = state
        self.user = user
        self.clock = clock
        self.service = StoreService(store, clock)
        # The round (engine thread) and items()/snapshot() (task threads) share the view.
        self.view = view or LocalInbox(cache, state, user, clock)

    # -- the whole round -----------------------------------------------------------------------

    def sync(self, *, after_offline: bool = False) -> InboxDelta:
        """Push, catch up, confirm; the delta is against the inbox this syncer last reported
        (at start: nothing, so every current item is 'added' and the policy's memory decides)."""
        first = self.cache.cursor is None
        self.push()
        keys, events = self.catch_up()
        if first:
            self.state.put(REACHED, "1")
        with self.view.lock:
            self.confirm(events)
            inbox = self.view.current(self.clock())
            added, removed, changed = self.view.report(inbox)
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
        with self.view.lock:
            self.view.pull()
            decisions = self.view.mirror.decisions
        seen |= {e.id for e in sent if recorded(e, decisions.get(e.decision), self.user)}
        self.state.remove([e.id for e in sent if e.id in seen])

    # -- catch-up ------------------------------------------------------------------------------

    # Complexity C (radon): one page loop that reloads what the page's events name (decisions,
    # the directory, the code checks), so a crash between pages loses nothing.
    def catch_up(self) -> tuple[set[str], list[Event]]:
        """Apply every new feed event to the cache; cost follows the number of new events."""
        cursor = self.cache.cursor
        if cursor is None:
            self._full_load()
            return set(), []
        touched: set[str] = set()
        applied: list[Event] = []
        if self.cache.checks_missing:  # a cache of before code checks: take them in once
            with self.store.read() as session:
                self.cache.apply([], None, cursor, load_code_checks(session))
        while True:
            page, decisions, unreadable, people, dropped = self._next_page(cursor)
            if not page.events:
                return touched, applied
            # An event this version cannot use is skipped (one warning, counted), never retried:
            # the cursor moves past it with the rest of the page.
            usable, skipped = validate.usable_events(page.events)
            checks = None
            if any(e.kind == CODE_CHECKED for e in usable):
                # The latest check of every repository: one row each, however many reports.
                with self.store.read() as session:
                    checks = load_code_checks(session)
            stamps = self.cache.apply(
                decisions,
                people,
                page.cursor,
                checks,
                unreadable=unreadable,
                skipped=skipped,
                dropped=dropped,
            )
            if stamps is not None:  # else the mirror reads the cache afresh
                self._took(decisions, people, stamps, checks, dropped)
            if scoping.moves_scope(usable, self.user, self._directories(people)):
                self._rescope(page.cursor)
            touched |= {e.decision for e in page.events if isinstance(e.decision, str)}
            applied += usable
            cursor = page.cursor
            if len(page.events) < BATCH and not feed.partway(cursor):
                # The rest of the feed as of this read: a later write wakes another round. One
                # more read to find nothing would double what every wake-up costs.
                return touched, applied

    def _next_page(
        self, cursor: str
    ) -> tuple[FeedPage, list[Decision], dict[str, str], Mapping[str, Person] | None, list[str]]:
        """The page after ``cursor``; the decisions its events touched that the cache keeps,
        those this version can read and key -> cause for those it cannot; the directory if it
        changed; and the keys of those the cache no longer keeps (out of scope, not live). In
        one round trip on PostgreSQL."""
        together = self.store.catch_up_page(cursor, BATCH, self.user)
        if together is not None:
            # What is not kept is dropped before it is checked: a decision out of scope that
            # is over is nothing this person is told about, readable or not.
            kept, dropped = scoping.split_kept(together.decisions)
            good, bad = validate.split(kept)
            return together.page, good, together.unreadable | bad, together.people, dropped
        page = self.store.feed_page(cursor, BATCH)
        if not page.events:
            return page, [], {}, None, []
        keys = {e.decision for e in page.events if isinstance(e.decision, str) and e.decision}
        with self.store.read() as session:
            loaded, bad = validate.load_decisions(session, keys, self.user, checked=False)
            kept, dropped = scoping.split_kept(loaded)
            good, failed = validate.split(kept)
            directory = any(e.kind in DIRECTORY_KINDS for e in page.events)
            people = load_people(session) if directory else None
        return page, good, bad | failed, people, dropped

    def _full_load(self) -> None:
        # Every decision of the scope is built at once (inbox.core.gc_pause says why).
        with collector_paused():
            self._load_everything()

    def _load_everything(self) -> None:
        # The cursor first, then the data: anything committed in between is in the data and
        # will be fetched again by the next catch-up, which is harmless.
        cursor = self.store.feed_end()
        loaded: dict[str, Decision] = {}
        unreadable: dict[str, str] = {}

        def kept(decisions: Iterable[Decision]) -> Iterator[Decision]:
            # Streamed from the store into the cache, and kept for the mirror on the way: the
            # values just loaded are used, never decoded back from the file.
            for decision in decisions:
                problem = validate.decision_problem(decision)
                if problem is not None:
                    unreadable[decision.key] = problem
                    continue
                loaded[decision.key] = decision
                yield decision

        try:
            with self.store.read() as session:
                people: Mapping[str, Person] = load_people(session)
                checks = load_code_checks(session)
                stamp = self.cache.replace_all(
                    kept(stream_decisions(session, self.user)), people, cursor, checks, unreadable
                )
        except validate.UNREADABLE:
            # A row the stream cannot map at all: the careful path, in a read of its own, one
            # decision at a time where it must (slower, and only for a store holding such a row).
            with self.store.read() as session:
                snapshot = validate.load_snapshot(session)
                whole = scoped_keys(session, self.user)
                over = over_among(session, set(snapshot.unreadable) - whole)
            change = scoping.move({d.key: d for d in snapshot.decisions}, whole)
            gone = set(change.dropped)
            loaded = {d.key: d for d in snapshot.decisions if d.key not in gone}
            loaded |= {d.key: d for d in change.demoted}
            snapshot = replace(
                snapshot,
                decisions=tuple(loaded.values()),
                unreadable={k: c for k, c in snapshot.unreadable.items() if k not in over},
            )
            people, checks, unreadable = (
                snapshot.people,
                snapshot.code_checks,
                dict(snapshot.unreadable),
            )
            stamp = self.cache.replace_all(snapshot.decisions, people, cursor, checks, unreadable)
        self.view.loaded(loaded, people, checks, unreadable, stamp)

    def _took(
        self,
        decisions: list[Decision],
        people: Mapping[str, Person] | None,
        stamps: tuple[int, int],
        checks: tuple[CodeCheck, ...] | None,
        dropped: Sequence[str] = (),
    ) -> None:
        """What this round wrote to the cache goes to the mirror as it is."""
        self.view.took(decisions, people, stamps, checks, dropped)

    def _directories(self, people: Mapping[str, Person] | None) -> list[Mapping[str, Person]]:
        """The directory the mirror holds, and the page's if it had one (which the mirror has
        not taken in when the page made it read the cache afresh)."""
        with self.view.lock:
            held = self.view.mirror.people
        return [held] if people is None else [held, people]

    def _rescope(self, cursor: str) -> None:
        """The person's scope may have moved (a membership or a code check of theirs): fetch
        what came into it, keep of what left only the index. The cursor stays: what this read
        sees beyond it, the next catch-up reads again, which is harmless."""
        with self.view.lock:
            self.view.pull()
            held = dict(self.view.mirror.decisions)
        with self.store.read() as session:
            change = scoping.move(held, scoped_keys(session, self.user))
            fetched, bad = validate.load_decisions(session, change.fetch, self.user)
        fetched, dropped = scoping.split_kept(fetched)
        decisions = [*fetched, *change.demoted]
        dropped += change.dropped
        if not decisions and not dropped and not bad:
            return
        log.info(
            "the scope of %s moved: %d decisions in whole, %d as their index, %d dropped",
            self.user,
            len(fetched),
            len(change.demoted),
            len(dropped),
        )
        stamps = self.cache.apply(decisions, None, cursor, unreadable=bad, dropped=dropped)
        if stamps is not None:
            self._took(decisions, None, stamps, None, dropped)

    def reached(self) -> bool:
        """Has this profile ever synced with this store (even if its cache was rebuilt since)?"""
        return self.cache.cursor is not None or self.state.get(REACHED) is not None

    # -- what the user sees ----------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The cache with this machine's unconfirmed acknowledgments and feedback laid over it."""
        return self.view.snapshot()

    def unreadable(self) -> dict[str, str]:
        """The decisions of the store this version could not read: key -> cause."""
        return self.view.unreadable()

    def items(self, now: datetime | None = None) -> list[InboxItem]:
        return self.view.items(now)
