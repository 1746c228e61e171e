"""The two adapters the app wires to Qt, kept free of Qt here: the tray's balloon message and
the in-app banner. Each takes plain callables, so the chain and its tests need no Qt."""

from __future__ import annotations

import logging
from collections.abc import Callable

from inbox.notify.notifier import NotificationFailedError, Notifier, NotifierUnavailableError
from inbox.notify.values import Popup

log = logging.getLogger(__name__)


class TrayMessageNotifier(Notifier):
    """Popups through the tray icon's ``showMessage(title, body)``. ``available`` says whether a
    tray is there now (``QSystemTrayIcon.isSystemTrayAvailable`` and the icon visible); it is
    asked at construction and again before each popup, because a panel can go away."""

    name = "tray"

    def __init__(
        self, show_message: Callable[[str, str], None], available: Callable[[], bool]
    ) -> None:
        if not available():
            raise NotifierUnavailableError("There is no system tray to show messages from.")
        self._show_message = show_message
        self._available = available

    def show(self, popup: Popup) -> None:
        if not self._available():
            raise NotificationFailedError("The system tray went away.")
        self._show_message(popup.title, popup.body)


class BannerNotifier(Notifier):
    """The in-app banner: the last resort, so ``show`` never raises. A failing ``show`` callable
    is a bug in the app, logged with its traceback rather than passed on to the chain."""

    name = "banner"

    def __init__(self, show: Callable[[Popup], None]) -> None:
        self._show = show

    def show(self, popup: Popup) -> None:
        try:
            self._show(popup)
        except Exception:
            log.exception("the in-app banner could not show %s", popup.id)
