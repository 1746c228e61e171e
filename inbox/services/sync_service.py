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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal

from inbox.core.delta import InboxDelta, compare
from inbox.core.errors import InboxError
from inbox.core.inbox import InboxItem
from inbox.core.model import Change
from inbox.services.tasks import TaskRunner
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine, SyncStatus
from inbox.sync.state import PENDING, REFUSED, SENT, OutboxEntry

log = logging.getLogger(__name__)


class SyncService(QObject):
    delta_ready = Signal(object)  # InboxDelta for the views, on the GUI thread
    synced = Signal(object)  # InboxDelta of one sync round, for the notification policy
    status_changed = Signal(object)  # SyncStatus
    outbox_changed = Signal(object)  # tuple[OutboxEntry, ...]: what waits or was refused
    action_finished = Signal(str)  # the sentence to show: done, queued
    action_failed = Signal(object)  # InboxError: refused, and why
    changed = Signal(object, object)  # Change, initiator (the view that asked, or None)

    def __init__(
        self,
        client: Client,
        settings: EngineSettings | None = None,
        parent: QObject | None = None,
        tasks: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.engine = SyncEngine(
            client.store,
            client.syncer,
            on_delta=self._on_engine_delta,
            on_status=self._on_engine_status,
            settings=settings,
        )
        self._thread: threading.Thread | None = None
        self._own_tasks = tasks is None
        self.tasks = tasks or TaskRunner(self)
        self._shown: tuple[InboxItem, ...] = ()
        self._round_items: tuple[InboxItem, ...] | None = None  # the last round's inbox
        self._shown_lock = threading.Lock()
        self.status = SyncStatus("syncing")
        # Called on the engine thread with each round's delta, before the views hear of it:
        # the notification policy runs there, as in `watch`.
        self.round_hooks: list[Callable[[InboxDelta], None]] = []

    @property
    def user(self) -> str:
        return self.client.user

    def start(self) -> None:
        self._thread = threading.Thread(target=self.engine.run, name="inbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.engine.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._own_tasks:
            self.tasks.shutdown()

    def sync_now(self) -> None:
        self.engine.sync_now()

    def acknowledge(self, key: str, revision: int, initiator: object = None) -> None:
        """Revision-pinned, through the outbox; the result arrives as a signal."""
        self._respond(
            lambda: self.client.state.queue_ack(key, revision), "acknowledgment", initiator
        )

    def give_feedback(self, key: str, body: str, objection: bool, initiator: object = None) -> None:
        def queue() -> OutboxEntry:
            revision = self.client.current_revision(key)
            return self.client.state.queue_feedback(key, revision, body, objection)

        self._respond(queue, "objection" if objection else "feedback", initiator)

    def _respond(self, queue: Callable[[], OutboxEntry], what: str, initiator: object) -> None:
        def work() -> Change:
            entry = queue()
            self._show_local()  # the row changes now, before the store answers
            try:
                change, message = self.client.push(
                    entry, f"Queued your {what} of {entry.decision} r{entry.revision}"
                )
            finally:
                self._show_local()  # a refusal puts the row back
                self.outbox_changed.emit(self._outbox())
            return change or Change(entry.decision, entry.revision, (), message)

        def done(change: Change) -> None:
            self.action_finished.emit(change.message)
            self.changed.emit(change, initiator)
            self.engine.sync_now()  # confirm from the feed, and show others' news meanwhile

        def failed(error: InboxError) -> None:
            self.action_failed.emit(error)

        self.tasks.submit(work, done, failed)

    def _outbox(self) -> tuple[OutboxEntry, ...]:
        return tuple(self.client.state.entries(PENDING, SENT, REFUSED))

    # -- worker threads ---------------------------------------------------------------------------

    def _show_local(self) -> None:
        self._show(self.client.syncer.items(), None)

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

    def _on_engine_status(self, status: SyncStatus) -> None:
        self.status = status
        self.status_changed.emit(status)
