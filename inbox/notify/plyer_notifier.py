"""Plain native popups over plyer, the product's named notification dependency.

No buttons and no click handling: plyer offers neither. No replacing or withdrawing either:
plyer returns no id for a popup and has no call to close one, so ``withdraw`` is the default
no-op, a popup that replaces another simply shows, and each popup goes away after
:data:`TIMEOUT_S`. Nor can it pass hints (desktop-entry, category, urgency). On Linux without dbus-python, plyer
shells out to ``notify-send``; that path needs the binary and a notification server on the
session bus, both checked in the constructor, and it ignores ``notify-send``'s exit status, so
``show`` asks the bus again before each popup to notice a server that went away.
"""

from __future__ import annotations

import importlib
import shutil
import warnings
from pathlib import Path
from typing import Any

from plyer.utils import platform

from inbox import APP_NAME
from inbox.notify.notifier import (
    Notifier,
    NotifierUnavailableError,
    require_bus_name,
)
from inbox.notify.values import Popup

TIMEOUT_S = 10


class PlyerNotifier(Notifier):
    """Popups through plyer's platform implementation, shown for ``timeout_s`` seconds (where
    the platform honours it) with the app icon at ``icon_path`` (optional)."""

    name = "plyer"

    def __init__(
        self,
        icon_path: Path | str | None = None,
        *,
        app_name: str = APP_NAME,
        timeout_s: int = TIMEOUT_S,
    ) -> None:
        self._impl = _platform_implementation()
        self._kind = type(self._impl).__name__
        self._app_name = app_name
        self._icon = str(icon_path) if icon_path is not None else ""
        self._timeout_s = timeout_s
        if self._kind == "NotifyDesktopPortals":
            # plyer pastes the text into a GVariant literal for gdbus unquoted: a title with an
            # apostrophe ("Don't …") makes the call fail, and plyer ignores the failure.
            raise NotifierUnavailableError(
                "plyer's Flatpak portal backend cannot send text with quotes reliably."
            )
        if self._kind == "NotifySendNotification" and shutil.which("notify-send") is None:
            raise NotifierUnavailableError("plyer needs notify-send here, and it is not installed.")
        if self._speaks_dbus:
            require_bus_name()

    @property
    def _speaks_dbus(self) -> bool:
        return self._kind in ("NotifySendNotification", "NotifyDbus")

    def show(self, popup: Popup) -> None:
        if self._kind == "NotifySendNotification":
            # notify-send exits non-zero when nothing listens and plyer drops the status.
            require_bus_name()
            # plyer's notify-send backend reads "icon" and "expire_time" (ms, "0" = never
            # expires) while its facade passes "app_icon" and "timeout": through notify() the
            # popup has no icon and never goes away (no upstream report; the mismatch is in
            # https://github.com/kivy/plyer/blob/2.1.0/plyer/platforms/linux/notification.py).
            # So call the implementation with both spellings.
            self._impl._notify(
                title=popup.title,
                message=popup.body,
                app_name=self._app_name,
                app_icon=self._icon,
                icon=self._icon,
                timeout=self._timeout_s,
                expire_time=str(self._timeout_s * 1000),
            )
            return
        self._impl.notify(
            title=popup.title,
            message=popup.body,
            app_name=self._app_name,
            app_icon=self._icon,
            timeout=self._timeout_s,
        )


def _platform_implementation() -> Any:
    """plyer's notification implementation for this platform, made here rather than through
    ``plyer.notification`` (a process-wide proxy that prints a traceback and falls back to a
    facade that raises NotImplementedError when the platform module cannot load)."""
    try:
        module = importlib.import_module(f"plyer.platforms.{platform}.notification")
    except Exception as exc:  # any import failure (pyobjus missing, …): no backend here
        raise NotifierUnavailableError(
            f"plyer has no notification backend for {platform} here ({exc})."
        ) from None
    with warnings.catch_warnings(record=True) as caught:
        # Expected without dbus-python (plyer then uses notify-send): not worth a warning.
        warnings.simplefilter("always")
        impl = module.instance()
    if type(impl).__module__ == "plyer.facades.notification":
        said = "; ".join(str(w.message).splitlines()[0] for w in caught)
        raise NotifierUnavailableError(
            f"plyer found no way to show notifications here ({said or 'no backend'})."
        )
    return impl
