"""Native popups with action buttons, over the ``desktop-notifier`` package
(docs/decisions/0007-notifier-chain.md).

desktop-notifier is asyncio-based: sending is a coroutine and the person's clicks arrive as
D-Bus signals handled by the loop the popup was sent from. :class:`DesktopNotifier` runs that
loop on a daemon thread of its own, so it works the same whether the caller runs Qt, asyncio or
nothing; ``show`` hands the coroutine over and waits for it (a few seconds at most).

Replacing and withdrawing: on Linux a popup that replaces another is sent with the other's
server id as ``replaces_id``, so the server swaps it in place, and ``withdraw`` sends
``CloseNotification``; each popup carries the ``desktop-entry``, ``category`` and ``urgency``
hints (GNOME files popups by ``desktop-entry``:
https://wiki.gnome.org/Initiatives/GnomeGoals/NotificationSource). desktop-notifier 6.2 has no
option for either: its D-Bus backend hard-codes ``replaces_id`` 0 and sends only the urgency,
sound and image hints (no upstream report; see ``_send`` in
https://github.com/samschott/desktop-notifier/blob/v6.2.0/src/desktop_notifier/backends/dbus.py).
So :class:`_DBusExtras` wraps that backend's ``Notify`` call (through its ``_init_dbus``). Should
a release change those internals, the wrapper stands aside: the popup being replaced is closed
before the new one shows, and only the urgency is set. On macOS and Windows the same fallback
applies through desktop-notifier's ``clear``.

Threads: the :data:`~inbox.notify.notifier.ActionHandler` is called on the notifier's loop
thread (named ``desktop-notifier``), never on the caller's: it must be thread-safe. The app
passes a function that emits a Qt signal, which Qt delivers to the GUI thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import desktop_notifier as dn
from desktop_notifier.main import get_backend_class

from inbox import APP_NAME
from inbox.notify.notifier import (
    ACKNOWLEDGE,
    DESKTOP_ENTRY,
    OPEN,
    ActionHandler,
    NotificationFailedError,
    Notifier,
    NotifierUnavailableError,
    can_acknowledge,
    category,
    require_bus_name,
    urgency,
)
from inbox.notify.values import Popup

log = logging.getLogger(__name__)

SEND_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 2.0

_URGENCY = {0: dn.Urgency.Low, 1: dn.Urgency.Normal, 2: dn.Urgency.Critical}


@dataclass(frozen=True)
class _Shown:
    """A popup this notifier put on screen: desktop-notifier's identifier and, on D-Bus, the
    server's id for it (what ``replaces_id`` and ``CloseNotification`` take)."""

    identifier: str
    server_id: int | None


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
        self._extras = _DBusExtras.install(self._notifier)
        self._shown: dict[str, _Shown] = {}  # by popup id; touched on the loop thread only
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

    def withdraw(self, popup_id: str) -> None:
        """Close the popup with this id if this notifier showed it (a no-op otherwise); waits
        for the server like ``show`` does, and never raises for a popup already gone."""
        if self._closed:
            return
        future = asyncio.run_coroutine_threadsafe(self._withdraw(popup_id), self._loop)
        try:
            future.result(self._send_timeout_s)
        except TimeoutError:
            future.cancel()
            raise NotificationFailedError(
                f"The notification server did not close the popup within "
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

    # Complexity C (radon): the buttons, the replacement of an older popup (in place, or closed
    # first) and the dispatch check belong to one send and share its state.
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
            urgency=_URGENCY[urgency(popup)],
            buttons=tuple(buttons),
            on_clicked=self._action(OPEN, key),
            on_dispatched=on_dispatched,
            identifier=str(uuid.uuid4()),
        )
        replaced = self._shown.pop(popup.replaces, None) if popup.replaces else None
        in_place = replaced is not None and self._extras is not None and replaced.server_id
        if replaced is not None and not in_place:
            await self._take_down(replaced)  # no way to swap it: close it before the new one
        server_id = None
        if self._extras is not None:
            replaces_id = replaced.server_id if in_place and replaced is not None else None
            server_id = await self._extras.send(
                self._notifier, notification, popup, replaces_id or 0
            )
        else:
            await self._notifier.send_notification(notification)
        if not dispatched:
            # desktop-notifier catches the error, logs it with its traceback and carries on.
            raise NotificationFailedError(
                "The notification server did not take the popup (desktop-notifier logged why)."
            )
        if in_place and replaced is not None and self._extras is not None:
            self._extras.forget(replaced.identifier)
        self._shown[popup.id] = _Shown(notification.identifier, server_id)

    async def _withdraw(self, popup_id: str) -> None:
        shown = self._shown.pop(popup_id, None)
        if shown is not None:
            await self._take_down(shown)

    async def _take_down(self, shown: _Shown) -> None:
        if self._extras is not None and shown.server_id is not None:
            await self._extras.close_notification(shown.server_id)
            return
        # desktop-notifier forgets a popup once it was clicked or closed, and then raises
        # KeyError from clear(): the popup is gone, which is what was asked.
        with contextlib.suppress(KeyError):
            await self._notifier.clear(shown.identifier)

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


class _DBusExtras:
    """What desktop-notifier 6's D-Bus backend cannot send: ``replaces_id`` and the
    ``desktop-entry`` and ``category`` hints; and the server id of each popup, which it keeps to
    itself. Installed by wrapping the backend's ``_init_dbus`` (see the module docstring);
    :meth:`install` returns ``None`` where that backend, or the internals relied on, are absent.
    Used on the notifier's loop thread only, one send at a time."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._interface: Any = None
        self._replaces_id = 0
        self._hints: dict[str, str] = {}
        self._server_id: int | None = None
        wrapped = backend._init_dbus

        async def init_dbus() -> Any:
            interface = await wrapped()
            self._wrap(interface)
            return interface

        backend._init_dbus = init_dbus

    @classmethod
    def install(cls, notifier: dn.DesktopNotifier) -> _DBusExtras | None:
        backend = getattr(notifier, "_backend", None)
        if type(backend).__name__ != "DBusDesktopNotifier" or not callable(
            getattr(backend, "_init_dbus", None)
        ):
            return None
        return cls(backend)

    async def send(
        self,
        notifier: dn.DesktopNotifier,
        notification: dn.Notification,
        popup: Popup,
        replaces: int,
    ) -> int | None:
        """Send through desktop-notifier with these extras; the server's id for the popup."""
        self._replaces_id = replaces
        self._hints = {"desktop-entry": DESKTOP_ENTRY, "category": category(popup)}
        self._server_id = None
        try:
            await notifier.send_notification(notification)
        finally:
            self._replaces_id, self._hints = 0, {}
        return self._server_id

    async def close_notification(self, server_id: int) -> None:
        from dbus_fast.errors import DBusError

        if self._interface is None:
            return
        # The spec answers an empty error for a popup already closed (clicked, expired).
        with contextlib.suppress(DBusError):
            await self._interface.call_close_notification(server_id)

    def forget(self, identifier: str) -> None:
        """Drop a replaced popup from desktop-notifier's cache of callbacks (it never hears
        that the server swapped it out)."""
        clear = getattr(self._backend, "_clear_notification_from_cache", None)
        if callable(clear):
            clear(identifier)

    def _wrap(self, interface: Any) -> None:
        from dbus_fast.signature import Variant

        self._interface = interface
        notify = interface.call_notify

        async def call_notify(
            app: str,
            replaces_id: int,
            icon: str,
            title: str,
            body: str,
            actions: list[str],
            hints: dict[str, Any],
            timeout: int,
        ) -> int:
            typed = any(isinstance(v, Variant) for v in hints.values())  # a{sv}, or old a{ss}
            extra = {k: Variant("s", v) if typed else v for k, v in self._hints.items()}
            server_id = await notify(
                app,
                self._replaces_id or replaces_id,
                icon,
                title,
                body,
                actions,
                {**hints, **extra},
                timeout,
            )
            self._server_id = int(server_id)
            return server_id  # type: ignore[no-any-return]

        interface.call_notify = call_notify
