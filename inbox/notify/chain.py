"""The notifier chain (docs/decisions/0007-notifier-chain.md): adapters tried in order, the
first that works shows popups.

- Adapters are built lazily, on the first popup, so a chain costs nothing at start-up and the
  probe for a notification server runs only when there is something to show.
- A constructor raising :class:`~inbox.notify.notifier.NotifierUnavailableError` means "not
  here": one INFO line, and the next adapter is tried. Any other exception from a constructor
  is a surprise: one WARNING line, and the next adapter is tried.
- An adapter whose ``show`` raises is dropped (closed, never asked again by this chain): one
  WARNING line, and the next adapter shows the same popup, so nothing is lost. The chain does not
  climb back up; a new chain (at the next start, or when the settings change) probes again.
- ``withdraw`` goes to the adapter in use only: a popup shown by an adapter since dropped cannot
  be reached any more (that adapter is closed), and an adapter ignores ids it did not show.
- The last adapter is the last resort, kept even when another one is pinned; the standard order
  (:func:`default_factories`) ends with the in-app banner, which never fails.

Threads: ``show``, ``withdraw`` and ``close`` may be called from any thread (a lock serialises them); ``show``
blocks while an adapter delivers (a D-Bus round trip, a few seconds at worst), so the app calls
it off the GUI thread or accepts that pause.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from inbox.notify.callback_notifier import BannerNotifier, TrayMessageNotifier
from inbox.notify.notifier import ActionHandler, Notifier, NotifierUnavailableError
from inbox.notify.values import BANNER, DESKTOP, PLYER, TRAY, Popup
from inbox.notify.values import NOTIFIER_NAMES as NOTIFIER_NAMES  # where tests and callers look

log = logging.getLogger(__name__)


Factory = Callable[[], Notifier]


class NotifierChain:
    """Shows each popup with the first adapter that works. ``factories``: ``(name, constructor)``
    pairs in order of preference; ``pinned``: the name of the only adapter to use (the last one
    stays behind it as the last resort)."""

    def __init__(self, factories: Sequence[tuple[str, Factory]], pinned: str | None = None) -> None:
        names = [name for name, _ in factories]
        if not names:
            raise ValueError("A notifier chain needs at least one notifier.")
        if len(set(names)) != len(names):
            raise ValueError(f"Notifier names must be unique, got {', '.join(names)}.")
        if pinned is not None and pinned not in names:
            raise ValueError(
                f"There is no notifier called {pinned!r}; choose one of {', '.join(names)}."
            )
        last = factories[-1]
        if pinned is None:
            self._waiting = list(factories)
        else:
            self._waiting = [f for f in factories if f[0] == pinned]
            self._waiting += [last] if last[0] != pinned else []
        self._active: tuple[str, Notifier] | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def active(self) -> str | None:
        """The name of the adapter in use; ``None`` before the first popup or when none is left."""
        return None if self._active is None else self._active[0]

    def show(self, popup: Popup) -> str | None:
        """Show ``popup``; returns the name of the adapter that showed it, or ``None`` (logged as
        an error) when every adapter failed. Never raises for a failing adapter."""
        with self._lock:
            if self._closed:
                raise RuntimeError("This notifier chain is closed.")
            while self._active is not None or self._start_next():
                assert self._active is not None
                name, notifier = self._active
                try:
                    notifier.show(popup)
                except Exception as exc:
                    log.warning(
                        "The %s notifier failed (%s: %s); dropping it and using the next one.",
                        name,
                        type(exc).__name__,
                        exc,
                    )
                    self._active = None
                    with contextlib.suppress(Exception):
                        notifier.close()
                    continue
                return name
            log.error("No notifier is left to show %r; the popup is lost.", popup.title)
            return None

    def withdraw(self, popup_id: str) -> None:
        """Take a popup off the screen where the adapter in use can; never raises (a failure is
        logged: the popup stays until the server's timeout, and the adapter stays in use)."""
        with self._lock:
            if self._closed or self._active is None:
                return
            name, notifier = self._active
            try:
                notifier.withdraw(popup_id)
            except Exception as exc:
                log.warning(
                    "The %s notifier could not withdraw a popup (%s: %s).",
                    name,
                    type(exc).__name__,
                    exc,
                )

    def close(self) -> None:
        """Close the adapter in use. Idempotent; the chain shows nothing afterwards."""
        with self._lock:
            self._closed = True
            active, self._active = self._active, None
            self._waiting = []
        if active is not None:
            active[1].close()

    def _start_next(self) -> bool:
        """Construct the next waiting adapter that is available; False when none is left."""
        while self._waiting:
            name, factory = self._waiting.pop(0)
            try:
                notifier = factory()
            except NotifierUnavailableError as exc:
                log.info("The %s notifier is unavailable: %s", name, exc)
                continue
            except Exception as exc:
                log.warning(
                    "The %s notifier could not start (%s: %s); trying the next one.",
                    name,
                    type(exc).__name__,
                    exc,
                )
                continue
            self._active = (name, notifier)
            return True
        return False


def default_factories(
    on_action: ActionHandler,
    icon_path: Path | str | None,
    show_message: Callable[[str, str], None],
    tray_available: Callable[[], bool],
    banner: Callable[[Popup], None],
) -> list[tuple[str, Factory]]:
    """The standard order: desktop-notifier (native, with actions), plyer (native, plain), the
    tray's balloon message, the in-app banner. ``on_action`` is called on desktop-notifier's own
    thread (see :mod:`inbox.notify.desktop`); ``show_message``, ``tray_available`` and
    ``banner`` are called on the thread that calls :meth:`NotifierChain.show`, so off the GUI
    thread they must hand over to it (a queued Qt signal) rather than touch widgets."""

    def desktop() -> Notifier:
        try:
            from inbox.notify.desktop import DesktopNotifier
        except ImportError as exc:
            raise NotifierUnavailableError(
                f"desktop-notifier cannot be imported ({exc})."
            ) from None
        return DesktopNotifier(on_action, icon_path)

    def plyer() -> Notifier:
        try:
            from inbox.notify.plyer_notifier import PlyerNotifier
        except ImportError as exc:
            raise NotifierUnavailableError(f"plyer cannot be imported ({exc}).") from None
        return PlyerNotifier(icon_path)

    return [
        (DESKTOP, desktop),
        (PLYER, plyer),
        (TRAY, lambda: TrayMessageNotifier(show_message, tray_available)),
        (BANNER, lambda: BannerNotifier(banner)),
    ]
