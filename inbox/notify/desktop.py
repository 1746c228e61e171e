"""Native popups with action buttons, over the ``desktop-notifier`` package
(docs/decisions/0007-notifier-chain.md).

desktop-notifier is asyncio-based: sending is a coroutine and the person's clicks arrive as
D-Bus signals handled by the loop the popup was sent from. :class:`DesktopNotifier` runs that
loop on a daemon thread of its own, so it works the same whether the caller runs Qt, asyncio or
nothing; ``show`` hands the coroutine over and waits for it (a few seconds at most).

Threads: the :data:`~inbox.notify.notifier.ActionHandler` is called on the notifier's loop
thread (named ``desktop-notifier``), never on the caller's: it must be thread-safe. The app
passes a function that emits a Qt signal, which Qt delivers to the GUI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import desktop_notifier as dn
from desktop_notifier.main import get_backend_class

from inbox import APP_NAME
from inbox.notify.notifier import (
    ACKNOWLEDGE,
    OPEN,
    ActionHandler,
    NotificationFailedError,
    Notifier,
    NotifierUnavailableError,
    can_acknowledge,
    require_bus_name,
)
from inbox.notify.values import Popup

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 2.0


class DesktopNotifier(Notifier):
    """Native popups with *Acknowledge* (for popups that ask for one) and *Open* buttons; a click
    on the popup opens the decision. ``icon_path``: the app icon (``None``: the server's default).

    Raises :class:`NotifierUnavailableError` when desktop-notifier has no real backend on this
    platform or, on Linux, when no notification server is on the session bus.
    """

    name = "desktop-notifier"

    def __init__(
        self,
        on_action: ActionHandler,
        icon_path: Path | str | None = None,
        *,
        app_name: str = APP_NAME,
        send_timeout_s: float = SEND_TIMEOUT_S,
    ) -> None:
        backend = get_backend_class()
        if backend.__name__ == "DummyNotificationCenter":
            raise NotifierUnavailableError(
                "desktop-notifier has no notification backend on this platform."
            )
        if backend.__name__ == "DBusDesktopNotifier":
            # desktop-notifier logs and returns an id even when nothing listens: ask the bus.
            require_bus_name()
        self._on_action = on_action
        self._send_timeout_s = send_timeout_s
        icon = dn.Icon(path=Path(icon_path).absolute()) if icon_path is not None else None
        self._notifier = dn.DesktopNotifier(app_name=app_name, app_icon=icon)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="desktop-notifier", daemon=True)
        self._thread.start()
        self._closed = False

    def show(self, popup: Popup) -> None:
        """Send ``popup`` and wait until the server took it; raises on failure or timeout."""
        if self._closed:
            raise NotificationFailedError("The desktop notifier is closed.")
        future = asyncio.run_coroutine_threadsafe(self._send(popup), self._loop)
        try:
            future.result(self._send_timeout_s)
        except TimeoutError:
            future.cancel()
            raise NotificationFailedError(
                f"The notification server did not take the popup within "
                f"{self._send_timeout_s:.0f} s."
            ) from None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._disconnect(), self._loop).result(
                    STOP_TIMEOUT_S
                )
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(STOP_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()

    # --- on the loop thread ---------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    async def _send(self, popup: Popup) -> None:
        dispatched = False

        def on_dispatched() -> None:
            nonlocal dispatched
            dispatched = True

        key = popup.key or ""
        buttons = [dn.Button(title="Open", on_pressed=self._action(OPEN, key), identifier=OPEN)]
        if can_acknowledge(popup):
            acknowledge = self._action(ACKNOWLEDGE, key)
            buttons.insert(0, dn.Button("Acknowledge", acknowledge, identifier=ACKNOWLEDGE))
        notification = dn.Notification(
            title=popup.title,
            message=popup.body,
            buttons=tuple(buttons),
            on_clicked=self._action(OPEN, key),
            on_dispatched=on_dispatched,
        )
        await self._notifier.send_notification(notification)
        if not dispatched:
            # desktop-notifier catches the error, logs it with its traceback and carries on.
            raise NotificationFailedError(
                "The notification server did not take the popup (desktop-notifier logged why)."
            )

    def _action(self, action: str, key: str) -> Callable[[], None]:
        def invoked() -> None:
            try:
                self._on_action(action, key)
            except Exception:  # on the loop thread: log it, keep the loop serving popups
                log.exception("the %s action on %s failed", action, key or "a summary")

        return invoked

    async def _disconnect(self) -> None:
        # desktop-notifier opens its bus connection on first use and has no call to close it.
        bus = getattr(getattr(self._notifier, "_backend", None), "bus", None)
        if bus is not None:
            bus.disconnect()
            with contextlib.suppress(Exception):
                await bus.wait_for_disconnect()
