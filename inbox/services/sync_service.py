"""SyncService: the sync engine behind Qt signals, for the app.

The engine runs on a plain Python thread (not a QThread: PySide6 6.12.0 aborts with
"deallocating None" when a QThread worker sleeps while the GUI thread processes events, see
docs/decisions/0005-plain-worker-thread.md); its results reach the GUI thread through queued
signal emission, which Qt does by itself when a signal is emitted from another thread than its
receiver's. One-shot work (acknowledge, feedback) goes through the TaskRunner for the same
reason: no SQL or keyring call ever runs on the GUI thread.

Two streams leave here. ``synced`` carries each sync round's delta as the engine made it, for the
notification policy. ``delta_ready`` carries what the *views* must change: engine rounds, and the
inbox recomputed from the cache and outbox right after a local acknowledgment, so the row updates
at once even offline. The two are kept apart because a local recomputation has no events: fed to
the policy it could make a new item look already announced.

``changed(change, initiator)`` is the one announcement of a write this client made (an
acknowledgment, feedback, or an owner's write through DecisionService): the store's ``Change``
(or, while it waits in the outbox, a ``Change`` with no events) and whoever asked for it, so a
view reloads what the write touched without waiting for a sync round (Anki's ``OpChanges`` and
``operation_did_execute``).

An acknowledgment made in the window can be held back for a few seconds so the person can undo
it (``acknowledge(..., hold_ms=…)``, :meth:`cancel_held`): it goes into the outbox at once, like
any other (its row leaves the inbox, and a crash cannot lose it), but with a hold the syncer
respects until the undo window ends; Undo takes the entry back out. :meth:`stop` ends every hold
and tries to send, so quitting during the undo window delivers the acknowledgment, and after a
crash the next start sends it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from inbox.core.delta import InboxDelta, compare
from inbox.core.errors import InboxError, RevisionUnknownError
from inbox.core.items import InboxItem
from inbox.core.model import Change
from inbox.services.tasks import TaskRunner
from inbox.sync.local import LocalClient
from inbox.sync.state import PENDING, REFUSED, SENT, ClientState, OutboxEntry
from inbox.sync.status import EngineSettings, SyncStatus

if TYPE_CHECKING:  # the store and the engine are imported once they are needed: see attach()
    from inbox.sync.client import Client
    from inbox.sync.engine import SyncEngine

log = logging.getLogger(__name__)
FLUSH_SECONDS = 10.0  # at quit: how long held acknowledgments may take to reach the outbox


@dataclass
class _Held:
    """An acknowledgment in its undo window: in the outbox, with a hold."""

    key: str
    revision: int
    initiator: object
    timer: QTimer


class SyncService(QObject):
    """Starts either with an open client, or with none: then :meth:`open_local` shows the cache a
    previous start used, and :meth:`attach` brings the client once the store was opened (the
    window shows first; see docs/architecture.md, "Start-up")."""

    delta_ready = Signal(object)  # InboxDelta for the views, on the GUI thread
    synced = Signal(object)  # InboxDelta of one sync round, for the notification policy
    status_changed = Signal(object)  # SyncStatus
    outbox_changed = Signal(object)  # tuple[OutboxEntry, ...]: what waits or was refused
    # (key -> cause of each decision this version cannot read, feed events it skipped)
    readability_changed = Signal(object, int)
    action_finished = Signal(str)  # the sentence to show: done, queued
    action_failed = Signal(object)  # InboxError: refused, and why
    changed = Signal(object, object)  # Change, initiator (the view that asked, or None)
    local_opened = Signal(bool)  # open_local ended: whether the cache held a synced inbox
    local_changed = Signal()  # other cache and state files than before: read what they keep

    def __init__(
        self,
        client: Client | None = None,
        settings: EngineSettings | None = None,
        parent: QObject | None = None,
        tasks: TaskRunner | None = None,
        *,
        user: str = "",
    ) -> None:
        """``client``: attached at once; None: :meth:`open_local` and :meth:`attach` come
        later. ``user``: who the window is for meanwhile."""
        super().__init__(parent)
        self.client: Client | None = None
        self.local: LocalClient | None = None  # set on the task thread by open_local
        self.engine: SyncEngine | None = None
        self.settings = settings
        self._user = user
        self._thread: threading.Thread | None = None
        self._own_tasks = tasks is None
        self.tasks = tasks or TaskRunner(self)
        self._shown: tuple[InboxItem, ...] = ()
        self._round_items: tuple[InboxItem, ...] | None = None  # the last round's inbox
        self._shown_lock = threading.Lock()
        self.status = SyncStatus("syncing")
        self._held: dict[int, _Held] = {}  # GUI thread only
        # The outbox entries of the holds, once the task thread has queued them.
        self._held_entries: dict[int, OutboxEntry] = {}
        # Set once a hold's entry is in the outbox (task thread): quitting waits for it, since
        # the task that writes it may not have run yet when the person quits.
        self._held_queued: dict[int, threading.Event] = {}
        self._next_hold = 0
        # Called on the engine thread with each round's delta, before the views hear of it:
        # the notification policy runs there, as in `watch`.
        self.round_hooks: list[Callable[[InboxDelta], None]] = []
        if client is not None:
            self.attach(client)

    @property
    def user(self) -> str:
        if self.client is not None:
            return self.client.user
        return self.local.user if self.local is not None else self._user

    def open_local(self, folder: Path | None, user: str) -> None:
        """Show the inbox of the cache in ``folder`` (a previous start's), before the store is
        reached: opened and computed on the task thread, like every other local read, and
        shown only if that cache was ever synced (an empty one is no inbox yet).
        ``local_opened`` says when it ended, and whether there was something to show."""

        def work() -> bool:
            if folder is None:
                return False
            try:
                local = LocalClient.open_existing(folder, user)
            except InboxError as exc:  # the start opens it again, and says so if it must
                log.warning("the cache of the last start cannot be read: %s", exc)
                return False
            if local is None:
                return False
            self.local = local
            synced = local.synced
            if synced:
                self._show_local()
            return synced

        def done(synced: bool) -> None:
            if self.local is not None:
                self.local_changed.emit()
            self.local_opened.emit(synced)

        self.tasks.submit(work, done, lambda _error: self.local_opened.emit(False))

    def attach(self, client: Client) -> None:
        """GUI thread: the client, once its store is open; the engine is made here (and its
        module imported: it brings SQLAlchemy, and psycopg for PostgreSQL)."""
        from inbox.sync.engine import SyncEngine

        early, self.client = self.local, client
        self.local = client.local
        self.engine = SyncEngine(
            client.store,
            client.syncer,
            on_delta=self._on_engine_delta,
            on_status=self._on_engine_status,
            settings=self.settings,
        )
        if early is not client.local:  # another person or store than the last start's
            if early is not None:
                self.tasks.submit(early.close)
            self.local_changed.emit()
            if early is not None:
                self.tasks.submit(self._show_local)

    def start(self) -> None:
        assert self.engine is not None, "attach() first"
        self._thread = threading.Thread(target=self.engine.run, name="inbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self.engine is not None:
            self.engine.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._flush_held()
        if self._own_tasks:
            self.tasks.shutdown()

    def sync_now(self) -> None:
        if self.engine is not None:
            self.engine.sync_now()

    def _state(self) -> ClientState:
        """The outbox's file (task thread): there once open_local or attach has run."""
        if self.local is None:
            raise InboxError("Decision Inbox is still starting; try again in a moment.")
        return self.local.state

    def acknowledge(
        self, key: str, revision: int, initiator: object = None, *, hold_ms: int = 0
    ) -> int | None:
        """Revision-pinned, through the outbox; the result arrives as a signal.

        With ``hold_ms`` the outbox entry is not sent for that long (the row leaves the inbox
        at once): the returned id undoes it with :meth:`cancel_held`."""
        if hold_ms <= 0:
            self._respond(
                lambda: self._state().queue_ack(key, revision), "acknowledgment", initiator
            )
            return None
        self._next_hold += 1
        hold = self._next_hold
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._release_held(hold))
        self._held[hold] = _Held(key, revision, initiator, timer)
        until = datetime.now(UTC) + timedelta(milliseconds=hold_ms)

        queued = self._held_queued[hold] = threading.Event()

        def queue() -> None:
            try:
                entry = self._state().queue_ack(key, revision, hold_until=until)
                with self._shown_lock:
                    self._held_entries[hold] = entry
            finally:
                queued.set()
            self._show_local()
            self.outbox_changed.emit(self._outbox())

        self.tasks.submit(queue)
        timer.start(hold_ms)
        return hold

    def cancel_held(self, hold: int) -> bool:
        """Undo a held acknowledgment; False when it has left its undo window already."""
        held = self._held.pop(hold, None)
        if held is None:
            return False
        self._held_queued.pop(hold, None)
        held.timer.stop()

        def cancel() -> None:  # after the queueing, on the same one-worker runner
            with self._shown_lock:
                entry = self._held_entries.pop(hold, None)
            if entry is not None:
                self._state().cancel(entry.id)
            self._show_local()  # its row comes back
            self.outbox_changed.emit(self._outbox())

        self.tasks.submit(cancel)
        return True

    @property
    def held_count(self) -> int:
        return len(self._held)

    def _release_held(self, hold: int) -> None:
        held = self._held.pop(hold, None)
        if held is None:
            return
        self._held_queued.pop(hold, None)

        def release() -> OutboxEntry:
            with self._shown_lock:
                entry = self._held_entries.pop(hold)
            self._state().release(entry.id)
            return entry

        self._respond(release, "acknowledgment", held.initiator)

    def _flush_held(self) -> None:
        """At quit: end every hold, then one try to send each held acknowledgment."""
        held = list(self._held.items())
        self._held.clear()
        if not held:
            return
        for _, item in held:
            item.timer.stop()
        waits = [self._held_queued.pop(hold) for hold, _ in held if hold in self._held_queued]

        def work() -> None:
            for queued in waits:
                queued.wait(FLUSH_SECONDS)
            with self._shown_lock:
                entries = list(self._held_entries.values())
                self._held_entries.clear()
            for entry in entries:
                self._state().release(entry.id)
                if self.client is None:
                    continue  # never connected: it waits in the outbox for the next start
                try:
                    self.client.push(entry, "queued")
                except InboxError as exc:
                    log.warning("a held acknowledgment was refused at quit: %s", exc)

        # A plain thread, not the task runner: that one may be shut down already, and this
        # must neither run on the GUI thread nor be skipped.
        thread = threading.Thread(target=work, name="inbox-held-acks")
        thread.start()
        thread.join(FLUSH_SECONDS)

    def give_feedback(self, key: str, body: str, objection: bool, initiator: object = None) -> None:
        def queue() -> OutboxEntry:
            revision = self._current_revision(key)
            return self._state().queue_feedback(key, revision, body, objection)

        self._respond(queue, "objection" if objection else "feedback", initiator)

    def _respond(self, queue: Callable[[], OutboxEntry], what: str, initiator: object) -> None:
        def work() -> Change:
            entry = queue()
            self._show_local()  # the row changes now, before the store answers
            queued = f"Queued your {what} of {entry.decision} r{entry.revision}"
            try:
                if self.client is None:  # still connecting: the first sync round sends it
                    change, message = None, f"{queued}; it is sent once the store is reached."
                else:
                    change, message = self.client.push(entry, queued)
            finally:
                self._show_local()  # a refusal puts the row back
                self.outbox_changed.emit(self._outbox())
            return change or Change(entry.decision, entry.revision, (), message)

        def done(change: Change) -> None:
            self.action_finished.emit(change.message)
            self.changed.emit(change, initiator)
            self.sync_now()  # confirm from the feed, and show others' news meanwhile

        def failed(error: InboxError) -> None:
            self.action_failed.emit(error)

        self.tasks.submit(work, done, failed)

    def _current_revision(self, key: str) -> int:
        if self.client is not None:
            return self.client.current_revision(key)
        for decision in self.local.cache.snapshot().decisions if self.local else ():
            if decision.key == key:
                return decision.revision
        raise RevisionUnknownError(key)

    def _outbox(self) -> tuple[OutboxEntry, ...]:
        return tuple(self._state().entries(PENDING, SENT, REFUSED))

    # -- worker threads ---------------------------------------------------------------------------

    def _show_local(self) -> None:
        if self.local is not None:
            self._show(self.local.inbox.items(), None)

    def _show(self, items: Sequence[InboxItem], round_delta: InboxDelta | None) -> None:
        with self._shown_lock:
            if round_delta is None:
                delta = compare(self._shown, items)
            elif self._round_items is not None and self._shown is self._round_items:
                # The views show the previous round's inbox, which is what the engine's delta
                # is relative to: comparing the whole inboxes again would cost the store's size.
                delta = round_delta
            else:
                delta = compare(
                    self._shown,
                    items,
                    decisions=round_delta.decisions,
                    events=round_delta.events,
                    first_sync=round_delta.first_sync,
                    after_offline=round_delta.after_offline,
                    owned=round_delta.owned,
                )
            if round_delta is not None:
                self._round_items = round_delta.items
            self._shown = tuple(items)
            # emitted under the lock, so the GUI thread receives the deltas in this order
            self.delta_ready.emit(delta)

    def _on_engine_delta(self, delta: InboxDelta) -> None:
        for hook in self.round_hooks:
            try:
                hook(delta)
            except Exception:  # a broken notifier must not stop the sync
                log.exception("a sync round hook failed")
        self._show(delta.items, delta)
        self.synced.emit(delta)
        self.outbox_changed.emit(self._outbox())
        if self.local is not None:
            self.readability_changed.emit(
                self.local.inbox.unreadable(), self.local.cache.skipped_events
            )

    def _on_engine_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)
