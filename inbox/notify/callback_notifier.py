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
    asked at construction and again before each popup, because a panel can go away.

    Qt's tray has one balloon at a time, so a new popup takes the place of the last one
    anyway; it has no call to take a balloon down, so ``withdraw`` is the default no-op (the
    balloon goes after the platform's timeout)."""

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
    is a bug in the app, logged with its traceback rather than passed on to the chain. The
    banner clears itself after a few seconds and each message replaces the last, so
    ``withdraw`` is the default no-op."""

    name = "banner"

    def __init__(self, show: Callable[[Popup], None]) -> None:
        self._show = show

    def show(self, popup: Popup) -> None:
        try:
            self._show(popup)
        except Exception:
            log.exception("the in-app banner could not show %s", popup.id)
