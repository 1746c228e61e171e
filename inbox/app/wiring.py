"""Wiring the app's long-lived parts together: notifications, the tray and the window.

Kept apart from ``app.py`` (start-up, screenshot) so each stays one concept. Runs on the GUI
thread; nothing here reads the store or the keyring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from inbox.config import Loaded
from inbox.config.clients import notification_settings
from inbox.config.profile import Profile
from inbox.core.errors import UsageError
from inbox.notify.values import Popup, Settings
from inbox.services.sync_service import SyncService
from inbox.sync.status import OFFLINE, SyncStatus
from inbox.ui.main_window import MainWindow

if TYPE_CHECKING:  # both are made after the window's first frame: imported then
    from inbox.services.notification_service import NotificationService
    from inbox.ui.tray import TrayController


def raise_window(window: MainWindow, key: str | None) -> None:
    window.show()
    window.raise_()
    window.activateWindow()
    if key:
        window.select_key(key)


def config_message(loaded: Loaded) -> str | None:
    """What the banner says about config.json: values that fell back to their defaults, then
    unknown keys and an unknown notifier (with the key probably meant), or None."""
    said = [problem.sentence for problem in loaded.problems]
    if said:
        said.append("Those settings use their defaults meanwhile.")
    said += loaded.warnings
    return " ".join(said) or None


def notification_settings_for(window: MainWindow, profile: Profile) -> tuple[Settings, str | None]:
    """The notification settings and pinned notifier of config.json; what is wrong in it goes
    to the window's banner."""
    try:
        loaded = profile.load(strict=False)
    except UsageError as exc:  # not readable JSON: nothing in it can be used
        window.banner.say(f"{exc.message} Notifications use the defaults meanwhile.", "error")
        return Settings(), None
    message = config_message(loaded)
    if message:
        window.banner.say(message, "error")
    notes = loaded.config.notifications
    return notification_settings(notes), notes.notifier


def notifications(sync: SyncService, window: MainWindow, profile: Profile) -> NotificationService:
    # Deferred: the notifier adapters bring asyncio and the D-Bus client, which the window's
    # first frame does not wait for.
    from inbox.services.notification_service import NotificationService

    settings, pinned = notification_settings_for(window, profile)
    notes = NotificationService(sync, settings, pinned=pinned)

    def banner(popup: Popup) -> None:
        window.banner.say(popup.line, "news", popup.key or None)

    notes.banner_requested.connect(banner)
    notes.open_requested.connect(lambda key: raise_window(window, key or None))
    notes.acknowledge_requested.connect(sync.acknowledge)
    return notes


def offline_note(sync: SyncService, window: MainWindow) -> None:
    """If the first try to reach the store fails, the banner says once that what is shown is
    this computer's copy (the status bar keeps saying how the connection stands)."""

    def first(status: SyncStatus) -> None:
        if status.state == "syncing":
            return  # the try itself: wait for how it ended
        sync.status_changed.disconnect(first)
        if status.state == OFFLINE and window.all_items:
            window.banner.say(
                f"{status.message.rstrip('.')}. Showing what this computer synced last; "
                "Decision Inbox keeps trying.",
                "error",
            )

    sync.status_changed.connect(first)


def settings_saved(window: MainWindow, notes: NotificationService, profile: Profile) -> None:
    """Notification preferences apply at once; a new store or identity at the next start."""
    settings, _ = notification_settings_for(window, profile)
    notes.set_settings(settings)
    window.banner.say(
        "Settings saved. Notification preferences apply now; a new store or identity applies "
        "when Decision Inbox starts again."
    )


def tray(
    app: QApplication,
    sync: SyncService,
    window: MainWindow,
    notes: NotificationService,
    profile: Profile,
    *,
    quit_app: Callable[[], None],
) -> TrayController:
    """The tray icon, or the window alone where no tray exists (a timer keeps trying)."""
    from inbox.ui.tray import TrayController  # made after the first frame, like the notifier

    controller = TrayController(app)
    last_popup: dict[str, str | None] = {"key": None}

    def tray_is_there() -> None:
        window.keep_in_tray = True
        notes.tray_available = controller.shown()

    def pause(until: datetime | None) -> None:
        notes.pause_until(until)
        controller.set_paused_until(until)
        try:  # remembered for the next start too
            config = profile.load(strict=False).config
            profile.save(
                replace(config, notifications=replace(config.notifications, paused_until=until))
            )
        except (UsageError, OSError) as exc:  # an unreadable config.json: say it, keep the pause
            reason = exc.message if isinstance(exc, UsageError) else str(exc)
            window.banner.say(f"The pause holds for this session only: {reason}", "error")
            return
        window.banner.say(
            f"Notifications paused until {until:%a %H:%M}; what happens meanwhile waits for you."
            if until is not None
            else "Notifications are on again."
        )

    def remember(popup: Popup) -> None:
        last_popup["key"] = popup.key

    window.items_changed.connect(controller.set_items)
    sync.status_changed.connect(controller.show_sync_status)
    controller.acknowledge_requested.connect(sync.acknowledge)
    controller.open_requested.connect(lambda key: raise_window(window, key))
    controller.show_window_requested.connect(lambda: raise_window(window, None))
    controller.sync_requested.connect(sync.sync_now)
    controller.pause_requested.connect(pause)
    controller.quit_requested.connect(quit_app)
    controller.tray_appeared.connect(tray_is_there)
    controller.message_clicked.connect(lambda: raise_window(window, last_popup["key"]))
    notes.tray_message_requested.connect(controller.show_message)
    notes.popup_shown.connect(remember)
    controller.set_paused_until(notes.settings.paused_until)
    if controller.start():
        tray_is_there()
    return controller
