"""The desktop app: ``run`` builds the Qt application, starts the services and wires them to the
views; what ``decision-inbox`` (no command) and ``decision-inbox gui`` call."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inbox.app import wiring
from inbox.app.first_paint import FirstPaint
from inbox.app.options import AppOptions
from inbox.app.screenshot import parse_size, screenshot
from inbox.app.startup import (
    BackgroundStart,
    application,
    early_services,
    first_run,
    no_display,
    session_of,
    settings_dialog,
    start,
)
from inbox.config.profile import Profile
from inbox.core.errors import InboxError
from inbox.core.threads import mark_gui_thread
from inbox.platform.instance_lock import InstanceLock
from inbox.services.launch import Started, StartRequest, is_first_run
from inbox.services.single_instance import SingleInstance
from inbox.services.sync_service import SyncService
from inbox.services.tasks import TaskRunner
from inbox.sync.paths import ClientPaths
from inbox.ui.main_window import MainWindow, window_title

if TYPE_CHECKING:
    from inbox.services.notification_service import NotificationService
    from inbox.ui.tray import TrayController


def run(options: AppOptions) -> int:
    path = options.screenshot
    if path is None and no_display():
        # A headless machine (a server, a fresh container): no window can open. Rather than
        # fail, show what the window would: render it once and say where the picture is.
        profile = Profile.locate(options.profile_dir)
        profile.data_dir.mkdir(parents=True, exist_ok=True)
        path = str(profile.data_dir / "inbox.png")
        print(
            "decision-inbox: there is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so "
            "no window can open; rendering the window to a picture instead. Run it in a desktop "
            "session for the real app."
        )
    size = parse_size(options.size)
    app = application(headless=path is not None)
    mark_gui_thread()
    profile = Profile.locate(options.profile_dir)
    request = StartRequest(
        profile,
        store=options.store,
        user=options.user,
        demo=options.demo,
        allow_network_fs=options.allow_network_fs,
    )
    tasks = TaskRunner()
    try:
        if path is not None:  # the picture needs the synced client before its window
            started = start(tasks, request, interactive=False)
            assert started is not None
            return screenshot(app, tasks, started, request.profile, path, options.select, size)
        instance = SingleInstance(profile)
        try:
            if not instance.claim(options.select):
                print(
                    "decision-inbox: already running for this profile; brought its window forward."
                )
                return 0
            if not request.demo and is_first_run(profile, options.store, options.user):
                chosen = first_run(request)
                if chosen is None:
                    return 0
                request = chosen
            return _main(app, tasks, request, instance, options.select)
        finally:
            instance.close()
    finally:
        tasks.shutdown()


class _Session:
    """What the running app holds once the store is open, closed in reverse at the end."""

    def __init__(self) -> None:
        self.lock: InstanceLock | None = None
        self.started: Started | None = None
        self.notes: NotificationService | None = None
        self.tray: TrayController | None = None
        self.error: InboxError | None = None

    def lock_folder(self, folder: Path) -> None:
        """The client folder's lock (`watch` holds it while it runs for this profile)."""
        path = ClientPaths(folder).lock
        if self.lock is not None and self.lock.path == path:
            return
        if self.lock is not None:
            self.lock.release()
        self.lock = None
        lock = InstanceLock(path)
        lock.acquire()  # AlreadyRunningError: `watch` holds this profile
        self.lock = lock

    def close(self, sync: SyncService) -> None:
        sync.stop()
        if self.tray is not None:
            self.tray.stop()
        if self.notes is not None:
            self.notes.close()
        if self.started is not None:
            self.started.client.close()
            self.started.client.store.dispose()
        elif sync.local is not None:
            sync.local.close()
        if self.lock is not None:
            self.lock.release()


def _main(
    app: QApplication,
    tasks: TaskRunner,
    request: StartRequest,
    instance: SingleInstance,
    select: str | None,
) -> int:
    """The window from the cache first; the store, the notifications and the tray after the
    first frame (docs/architecture.md, "Start-up")."""
    profile = request.profile
    session = _Session()
    sync, decisions, folder = early_services(request, tasks)
    window = MainWindow(sync, decisions)
    painted = FirstPaint(window, sync)
    sync.open_local(folder, sync.user)  # now that the window listens
    background = BackgroundStart(request, sync, window)

    def quit_app() -> None:
        # QApplication.quit() first closes every window, and stops at the first that refuses:
        # the main window does while it lives in the tray, so quit() was ignored about half the
        # time (tests/x11/test_app_tray.py). exit() ends the loop itself; the finally below
        # stops the sync and closes the files either way.
        window.keep_in_tray = False
        app.exit(0)

    def refuse(error: InboxError) -> None:
        session.error = error  # raised after the loop: the command line says it
        app.exit(1)

    def local_opened(cached: bool) -> None:
        if not cached or sync.local is None:
            return
        try:
            session.lock_folder(sync.local.paths.folder)
        except InboxError as exc:
            refuse(exc)
            return
        if select:
            window.select_key(select)

    def connected(started: Started) -> None:
        session.started = started
        client = started.client
        try:
            session.lock_folder(client.paths.folder)
        except InboxError as exc:
            refuse(exc)
            return
        sync.attach(client)
        window.setWindowTitle(window_title(sync.user))
        session.notes = notes = wiring.notifications(sync, window, profile)
        session.tray = wiring.tray(app, sync, window, notes, profile, quit_app=quit_app)
        wiring.offline_note(sync, window)
        if started.seeded:
            window.banner.say(started.seeded)
        if client.recovery is not None:  # a damaged state file: what came back, what did not
            window.banner.say(client.recovery.message, "error")
        if select and window.current_item is None:
            window.select_key(select)
        sync.start()

    def open_settings() -> None:
        saved = settings_dialog(profile, window, session=session_of(request))
        if saved and session.notes is not None:  # before the store opened, it reads them anyway
            wiring.settings_saved(window, session.notes, profile)

    sync.local_opened.connect(local_opened)
    painted.shown.connect(background.begin)
    background.started.connect(connected)
    background.gave_up.connect(lambda: app.exit(1))
    window.quit_requested.connect(quit_app)
    window.settings_requested.connect(open_settings)
    instance.raise_requested.connect(lambda key: wiring.raise_window(window, key))
    window.show()
    _quit_on_signals(app, quit_app)
    try:
        code = app.exec()
    finally:
        background.shutdown()
        session.close(sync)
    if session.error is not None:
        raise session.error
    return code


def _quit_on_signals(app: QApplication, quit_app: Callable[[], None]) -> None:
    """SIGTERM and Ctrl+C end the app cleanly (the sync stops, the files close). Python runs
    signal handlers only between bytecodes, and Qt's event loop is C++: a idle timer gives the
    interpreter a moment twice a second."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: quit_app())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(500)
