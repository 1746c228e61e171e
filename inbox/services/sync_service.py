"""SyncService: the sync engine behind Qt signals, for the app.

The engine runs on a plain Python thread (not a QThread: PySide6 6.12.0 aborts with
"deallocating None" when a QThread worker sleeps while the GUI thread processes events, see
shared/TESTING.md); its results reach the GUI thread through queued signal emission, which Qt
does by itself when a signal is emitted from another thread than its receiver's. One-shot store
work (acknowledge, feedback) goes through a one-worker executor for the same reason: no SQL or
keyring call ever runs on the GUI thread.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from inbox.core.delta import InboxDelta
from inbox.core.errors import InboxError
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine, SyncStatus


class SyncService(QObject):
    delta_ready = Signal(object)  # InboxDelta, on the GUI thread
    status_changed = Signal(object)  # SyncStatus
    action_finished = Signal(str)  # the sentence to show: done, queued
    action_failed = Signal(str)  # the sentence to show: refused, and why

    def __init__(
        self, client: Client, settings: EngineSettings | None = None, parent: QObject | None = None
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
        self._tasks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-task")

    def start(self) -> None:
        self._thread = threading.Thread(target=self.engine.run, name="inbox-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.engine.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._tasks.shutdown(wait=True)

    def sync_now(self) -> None:
        self.engine.sync_now()

    def acknowledge(self, key: str, revision: int) -> None:
        """Revision-pinned, through the outbox; the result arrives as a signal."""
        self._tasks.submit(self._run, lambda: self.client.acknowledge(key, revision))

    def give_feedback(self, key: str, body: str, objection: bool) -> None:
        self._tasks.submit(self._run, lambda: self.client.give_feedback(key, body, objection))

    def _run(self, action) -> None:  # type: ignore[no-untyped-def]
        try:
            _, message = action()
        except InboxError as exc:
            self.action_failed.emit(exc.message)
            return
        self.action_finished.emit(message)
        self.engine.sync_now()  # show the confirmed state (or keep the queued one) at once

    # -- engine thread --------------------------------------------------------------------------

    def _on_engine_delta(self, delta: InboxDelta) -> None:
        self.delta_ready.emit(delta)

    def _on_engine_status(self, status: SyncStatus) -> None:
        self.status_changed.emit(status)
