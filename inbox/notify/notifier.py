"""What every notifier adapter is: a constructor that refuses when its backend cannot work here,
``show`` that raises when a popup could not be delivered (and honours ``Popup.replaces`` where
the backend can), ``withdraw`` that takes a popup off the screen where the backend can, and
``close``.

The adapters (desktop-notifier, plyer, the tray, the in-app banner) are tried in order by
:class:`~inbox.notify.chain.NotifierChain` (docs/decisions/0007-notifier-chain.md). This module
also holds what several of them share: the action names of a popup's buttons and a probe for a
notification server on the D-Bus session bus.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from inbox import APP_ID
from inbox.core.model import ACKNOWLEDGEABLE, Reason
from inbox.notify.values import ALL_ACKNOWLEDGED, REMINDER_1H, Popup

if TYPE_CHECKING:
    from dbus_fast.aio import MessageBus

ACKNOWLEDGE = "acknowledge"
OPEN = "open"

ActionHandler = Callable[[str, str], None]
"""Called with ``(action, decision key)``: ``action`` is :data:`ACKNOWLEDGE` or :data:`OPEN`
(a plain click on the popup opens too). The key is ``""`` for a popup about no single decision
(a summary): open the inbox. Adapters may call it on a thread of their own; see each adapter."""

NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
PROBE_TIMEOUT_S = 3.0


class NotifierUnavailableError(Exception):
    """Raised by an adapter's constructor when its backend cannot work here; the message is one
    sentence saying why (it is logged when the chain moves on to the next adapter)."""


class NotificationFailedError(Exception):
    """Raised by ``show`` when the backend was there but did not take the popup."""


class Notifier(ABC):
    """One way of putting a popup in front of the person."""

    name: str

    @abstractmethod
    def show(self, popup: Popup) -> None:
        """Deliver ``popup`` now, in place of ``popup.replaces`` if this adapter showed that one
        and can replace it; raise (any exception) if it was not delivered."""

    def withdraw(self, popup_id: str) -> None:  # noqa: B027 - a backend may have no way to
        """Take the popup with this id off the screen, if this adapter showed it and its backend
        can; never raises for a popup that is already gone. The default does nothing."""

    def close(self) -> None:  # noqa: B027 - most adapters hold nothing to release
        """Release what the adapter holds (threads, connections). Idempotent."""


# Hints of the notification spec, so desktops group the app's popups and rank them: the desktop
# file's name (its id without ".desktop"), a vendor category per kind ("x-vendor.class"; no
# standard category fits) and the urgency (0 low, 1 normal, 2 critical).
DESKTOP_ENTRY = APP_ID
LOW, NORMAL, CRITICAL = 0, 1, 2
_LOW = frozenset({str(Reason.INFORMED), ALL_ACKNOWLEDGED})  # nothing is owed
_CRITICAL = frozenset({REMINDER_1H})  # the deadline is within the hour


def category(popup: Popup) -> str:
    """``x-decision-inbox.needs_ack``: one category per kind of popup."""
    return f"x-decision-inbox.{popup.reason}"


def urgency(popup: Popup) -> int:
    """Low for what owes nothing, critical for a deadline within the hour, else normal."""
    if popup.reason in _LOW:
        return LOW
    return CRITICAL if popup.reason in _CRITICAL else NORMAL


def can_acknowledge(popup: Popup) -> bool:
    """The popup is about one decision that asks the person to acknowledge it."""
    return bool(popup.key) and popup.reason in ACKNOWLEDGEABLE


def require_bus_name(name: str = NOTIFICATIONS_NAME, *, what: str = "notification server") -> None:
    """Raise :class:`NotifierUnavailableError` unless ``name`` has an owner on the D-Bus session
    bus, or the bus can start one on demand (an activatable name, as dunst and others install).

    Needed because a Notify call to nobody may still look like success to a library
    (desktop-notifier returns an id whether or not anything listens). Blocks for at most
    :data:`PROBE_TIMEOUT_S`; runs its own event loop on a short-lived thread, so it works from
    any thread, with or without a running asyncio loop there.
    """
    outcome: list[bool | BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(asyncio.wait_for(_name_reachable(name), PROBE_TIMEOUT_S)))
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    probe = threading.Thread(target=run, name="notify-bus-probe", daemon=True)
    probe.start()
    probe.join(PROBE_TIMEOUT_S + 1.0)
    if not outcome:
        raise NotifierUnavailableError(
            f"The D-Bus session bus did not answer within {PROBE_TIMEOUT_S:.0f} s."
        )
    result = outcome[0]
    if isinstance(result, ImportError):
        raise NotifierUnavailableError(f"dbus-fast cannot be imported here ({result}).")
    if isinstance(result, TimeoutError):
        raise NotifierUnavailableError(
            f"The D-Bus session bus did not answer within {PROBE_TIMEOUT_S:.0f} s."
        )
    if isinstance(result, BaseException):
        raise NotifierUnavailableError(f"There is no D-Bus session bus to reach ({result}).")
    if not result:
        raise NotifierUnavailableError(f"No {what} ({name}) is running on the D-Bus session bus.")


async def _name_reachable(name: str) -> bool:
    from dbus_fast.aio import MessageBus

    bus = await MessageBus().connect()
    try:
        if await _bus_call(bus, "NameHasOwner", "s", [name]):
            return True
        return name in await _bus_call(bus, "ListActivatableNames", "", [])
    finally:
        bus.disconnect()
        with contextlib.suppress(Exception):  # a probe's goodbye may fail; the answer stands
            await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # dbus-fast 5.2


async def _bus_call(bus: MessageBus, member: str, signature: str, body: list[object]) -> Any:
    from dbus_fast import Message, MessageType

    reply = await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member=member,
            signature=signature,
            body=body,
        )
    )
    if reply is None or reply.message_type is not MessageType.METHOD_RETURN:
        raise ConnectionError(f"{member} failed: {None if reply is None else reply.error_name}")
    return reply.body[0]
