"""The sync worker: keeps the cache current and reports what changed, forever, off the GUI thread.

States: ``syncing`` while a round runs, ``online`` between rounds, ``offline`` with a
retry time after a failure to reach the store (capped exponential backoff with jitter), ``error``
with a sentence when retrying cannot help by itself (schema mismatch, unreadable store). A round
runs on start, on every wake-up, on *Sync now*, and on a slow timer, so a lost hint costs
latency only.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import timedelta

from inbox.core.delta import InboxDelta
from inbox.core.errors import InboxError, StoreUnavailableError
from inbox.store.clock import Clock, utcnow
from inbox.store.connection import StoreConnection
from inbox.sync.status import ERROR, OFFLINE, ONLINE, SYNCING, EngineSettings, SyncStatus
from inbox.sync.syncer import Syncer
from inbox.sync.wakeup import Interrupt, Poller, PostgresListener, SqliteWatcher, Waker

log = logging.getLogger(__name__)
__all__ = ["ERROR", "OFFLINE", "ONLINE", "SYNCING", "EngineSettings", "SyncEngine", "SyncStatus"]


class SyncEngine:
    def __init__(
        self,
        store: StoreConnection,
        syncer: Syncer,
        *,
        on_delta: Callable[[InboxDelta], None],
        on_status: Callable[[SyncStatus], None] = lambda status: None,
        settings: EngineSettings | None = None,
        clock: Clock = utcnow,
        fail_fast: bool = False,
    ) -> None:
        """``fail_fast``: a round that fails before the first success for a reason other than
        an outage (wrong password, missing database, uninitialised store) raises its error
        instead of retrying, so that a command started with bad settings exits with the
        sentence. An outage is retried either way."""
        self.store = store
        self.syncer = syncer
        self.on_delta = on_delta
        self.on_status = on_status
        self.settings = settings or EngineSettings()
        self.clock = clock
        self.fail_fast = fail_fast
        self.interrupt = Interrupt()
        self._stopped = threading.Event()
        self._waker: Waker | None = None
        self.status = SyncStatus(SYNCING)

    # -- other threads ---------------------------------------------------------------------------

    def sync_now(self) -> None:
        self.interrupt.set()

    def stop(self) -> None:
        self._stopped.set()
        self.interrupt.set()

    # -- the worker thread -----------------------------------------------------------------------

    def run(self) -> None:
        failures = 0
        after_offline = True  # the client was not running: like coming back from offline
        synced_once = False
        while not self._stopped.is_set():
            try:
                self._set(SyncStatus(SYNCING))
                if self._waker is None:
                    self._waker = self._make_waker()
                delta = self.syncer.sync(after_offline=after_offline)
                after_offline, failures, synced_once = False, 0, True
                self._set(SyncStatus(ONLINE))
                self.on_delta(delta)
                self._waker.wait(self.settings.slow_timer)
                self.interrupt.take()
            except StoreUnavailableError as exc:
                self._drop_waker()
                after_offline = True
                delay = min(
                    self.settings.backoff_cap, self.settings.backoff_base * 2**failures
                ) * random.uniform(0.5, 1.0)
                failures += 1
                self._set(SyncStatus(OFFLINE, exc.message, self.clock() + timedelta(seconds=delay)))
                self._pause(delay)
            except InboxError as exc:
                self._drop_waker()
                if self.fail_fast and not synced_once:
                    raise
                self._set(
                    SyncStatus(
                        ERROR,
                        exc.message,
                        self.clock() + timedelta(seconds=self.settings.error_retry),
                    )
                )
                self._pause(self.settings.error_retry)
            except Exception as exc:  # a sync that silently stops is the worst bug
                log.exception("sync round failed")
                self._drop_waker()
                self._set(
                    SyncStatus(
                        ERROR,
                        f"Sync failed unexpectedly ({type(exc).__name__}: "
                        f"{exc}); it retries by itself, and the log has details.",
                        self.clock() + timedelta(seconds=self.settings.error_retry),
                    )
                )
                self._pause(self.settings.error_retry)
        self._drop_waker()

    def _make_waker(self) -> Waker:
        if self.settings.mode == "poll":
            return Poller(self.interrupt)
        url = self.store.url  # with the keyring's password, if the server asked for it
        if url.get_backend_name() == "sqlite":
            assert url.database
            return SqliteWatcher(url.database, self.interrupt, self.settings.poll_interval)
        return PostgresListener(url, self.interrupt)

    def _drop_waker(self) -> None:
        if self._waker is not None:
            try:
                self._waker.close()
            except Exception:  # closing a dead connection may fail; it is gone either way
                log.debug("closing the waker failed", exc_info=True)
            self._waker = None

    def _pause(self, seconds: float) -> None:
        """Sleep, but wake at once for Sync now or stop."""
        self.interrupt.wait(seconds)
        self.interrupt.take()

    def _set(self, status: SyncStatus) -> None:
        if status != self.status:
            self.status = status
            self.on_status(status)
