"""The desktop app: ``run`` builds the Qt application, starts the services and wires them to the
views; what ``decision-inbox`` (no command) and ``decision-inbox gui`` call."""

from __future__ import annotations

import signal
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inbox.app import marks, wiring
from inbox.app.options import AppOptions
from inbox.app.screenshot import parse_size, screenshot
from inbox.app.startup import (
    application,
    first_run,
    no_display,
    services,
    session_of,
    settings_dialog,
    start,
)
from inbox.config.profile import Profile
from inbox.core.threads import mark_gui_thread
from inbox.platform.instance_lock import InstanceLock
from inbox.services.bootstrap import Started, StartRequest, is_first_run
from inbox.services.single_instance import SingleInstance
from inbox.services.tasks import TaskRunner
from inbox.ui.main_window import MainWindow


# Complexity C (radon): the app's start in order (no display, single instance, first run, start,
# screenshot or window); each branch is one decision a person can see.
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
    instance = None
    if path is None:
        instance = SingleInstance(profile)
        if not instance.claim(options.select):
            print("decision-inbox: already running for this profile; brought its window forward.")
            return 0
        if not request.demo and is_first_run(profile, options.store, options.user):
            chosen = first_run(request)
            if chosen is None:
                instance.close()
                return 0
            request = chosen
    tasks = TaskRunner()
    try:
        started = start(tasks, request, interactive=path is None)
        if started is None:
            return 1
        if path is not None:
            return screenshot(app, tasks, started, request.profile, path, options.select, size)
        assert instance is not None
        return _main(app, tasks, started, request, instance, options.select)
    finally:
        tasks.shutdown()
        if instance is not None:
            instance.close()


def _main(
    app: QApplication,
    tasks: TaskRunner,
    started: Started,
    request: StartRequest,
    instance: SingleInstance,
    select: str | None,
) -> int:
    profile = request.profile
    client = started.client
    lock = InstanceLock(client.paths.lock)
    lock.acquire()  # AlreadyRunningError: `watch` holds this profile
    sync, decisions = services(started, tasks, profile)
    window = MainWindow(sync, decisions)
    notes = wiring.notifications(sync, window, profile)

    def quit_app() -> None:
        # QApplication.quit() first closes every window, and stops at the first that refuses:
        # the main window does while it lives in the tray, so quit() was ignored about half the
        # time (tests/x11/test_app_tray.py). exit() ends the loop itself; the finally below
        # stops the sync and closes the files either way.
        window.keep_in_tray = False
        app.exit(0)

    window.quit_requested.connect(quit_app)
    tray = wiring.tray(app, sync, window, notes, profile, quit_app=quit_app)

    def open_settings() -> None:
        if settings_dialog(profile, window, session=session_of(request)):
            wiring.settings_saved(window, notes, profile)

    window.settings_requested.connect(open_settings)
    instance.raise_requested.connect(lambda key: wiring.raise_window(window, key))
    if started.seeded:
        window.banner.say(started.seeded)
    if started.client.recovery is not None:  # a damaged state file: what came back, what did not
        window.banner.say(started.client.recovery.message, "error")
    if select:
        window.select_key(select)
    marks.install(app, window, sync)
    window.show()
    sync.start()
    _quit_on_signals(app, quit_app)
    try:
        return app.exec()
    finally:
        sync.stop()
        tray.stop()
        notes.close()
        client.close()
        client.store.dispose()
        lock.release()
        instance.close()


def _quit_on_signals(app: QApplication, quit_app: Callable[[], None]) -> None:
    """SIGTERM and Ctrl+C end the app cleanly (the sync stops, the files close). Python runs
    signal handlers only between bytecodes, and Qt's event loop is C++: a idle timer gives the
    interpreter a moment twice a second."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: quit_app())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(500)
