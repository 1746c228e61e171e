"""NotificationService: the notification policy and the notifier chain, for the app.

The policy runs on the sync engine's thread after each round (``SyncService.round_hooks``), with
the same memory as ``watch`` in the profile's state file, so one popup per (user, event) holds
across restarts and across the two kinds of client. Popups go through the notifier chain; the
chain's Qt-bound last resorts (the tray's message, the in-app banner) are reached through queued
signals, and so are the actions a person takes on a popup (Acknowledge, Open), which arrive on
the notifier's own thread.

Popups follow the truth: after each round the runner withdraws the popups whose item left the
inbox (answered here, from the tray, on the command line or on another machine) and a popup
about a decision already on screen replaces the one there (``inbox.notify.screen``). An
acknowledgment made in this app reaches the round right after the store took it (the sync
service syncs at once), so its popup goes within about a second.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from datetime import datetime
from importlib.resources import files

from PySide6.QtCore import QObject, Signal

from inbox.core.delta import InboxDelta
from inbox.notify.chain import NotifierChain, default_factories
from inbox.notify.runner import PolicyRunner
from inbox.notify.values import Popup, Settings
from inbox.services.sync_service import SyncService
from inbox.store.clock import utcnow

log = logging.getLogger(__name__)


class NotificationService(QObject):
    popup_shown = Signal(object)  # Popup, after a backend took it
    banner_requested = Signal(object)  # Popup for the in-app banner
    tray_message_requested = Signal(str, str)  # title, body for the tray's balloon
    open_requested = Signal(str)  # decision key: a popup was clicked or *Open* chosen
    acknowledge_requested = Signal(str, int)  # key, revision: *Acknowledge* on a popup

    def __init__(
        self,
        sync: SyncService,
        settings: Settings,
        *,
        pinned: str | None = None,
        chain: NotifierChain | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.tray_available = False  # set on the GUI thread by the app, read by the chain
        self._revisions: dict[str, int] = {}  # key → revision of the last popup about it
        self._lock = threading.Lock()
        icon = str(files("inbox.ui").joinpath("icons/app.svg"))
        self.chain = chain or NotifierChain(
            default_factories(
                on_action=self._on_notifier_action,
                icon_path=icon,
                show_message=self.tray_message_requested.emit,
                tray_available=lambda: self.tray_available,
                banner=self.banner_requested.emit,
            ),
            pinned=pinned,
        )
        assert sync.local is not None, "made once the client is attached"
        state = sync.local.state
        self.runner = PolicyRunner(
            sync.user,
            settings,
            load=state.get,
            save=state.put,
            show=self._show,
            withdraw=self._withdraw,
        )
        sync.round_hooks.append(self._on_round)

    @property
    def settings(self) -> Settings:
        return self.runner.settings

    def set_settings(self, settings: Settings) -> None:
        """From the GUI thread (pause, quiet hours); the next round uses them."""
        self.runner.settings = settings

    def pause_until(self, until: datetime | None) -> None:
        self.set_settings(replace(self.runner.settings, paused_until=until))

    def close(self) -> None:
        self.chain.close()

    # -- the engine's thread ------------------------------------------------------------------

    def _on_round(self, delta: InboxDelta) -> None:
        self.runner.on_delta(delta, utcnow())

    def _show(self, popup: Popup) -> None:
        if popup.key is not None and popup.revision is not None:
            with self._lock:
                self._revisions[popup.key] = popup.revision
        self.chain.show(popup)
        self.popup_shown.emit(popup)

    def _withdraw(self, popup: Popup) -> None:
        self.chain.withdraw(popup.id)

    # -- the notifier's thread ----------------------------------------------------------------

    def _on_notifier_action(self, action: str, key: str) -> None:
        if action == "acknowledge":
            with self._lock:
                revision = self._revisions.get(key)
            if revision is not None:  # pinned to the revision the popup was about
                self.acknowledge_requested.emit(key, revision)
                return
        self.open_requested.emit(key)
