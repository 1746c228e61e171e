"""The desktop app: builds the Qt application, starts the services and wires them to the views.

``run(args)`` is what ``decision-inbox`` (no command) and ``decision-inbox gui`` call. Start-up
work that touches the store or the keyring runs on the task thread while a local event loop
keeps the GUI thread free (DESIGN §7); the window appears once the client is open.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from importlib.resources import files
from typing import Any

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QSize,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from inbox import APP_ID, APP_NAME
from inbox import app_wiring as wiring
from inbox.config import engine_settings
from inbox.core.errors import InboxError, UsageError
from inbox.core.threads import mark_gui_thread
from inbox.profile import Profile
from inbox.services.bootstrap import PasswordNeededError, Started, StartRequest, is_first_run
from inbox.services.bootstrap import start as start_client
from inbox.services.decision_service import DecisionService
from inbox.services.single_instance import SingleInstance
from inbox.services.sync_service import SyncService
from inbox.services.tasks import TaskRunner
from inbox.sync.lock import InstanceLock
from inbox.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_MS = 30_000


def app_icon() -> QIcon:
    return QIcon(str(files("inbox.ui").joinpath("icons/app.svg")))


def _quiet_offscreen_noise(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # The offscreen platform cannot honour size hints and says so for every window shown; it
    # is a property of rendering without a screen, not something a person can act on.
    if "does not support propagateSizeHints" in message:
        return
    if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        log.warning("Qt: %s", message)
    else:
        log.debug("Qt: %s", message)


def _application(headless: bool) -> QApplication:
    if headless and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(_quiet_offscreen_noise)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("Decision Inbox")
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    return app


def wait_for(tasks: TaskRunner, work: Any, timeout_ms: int | None = None) -> Any:
    """Run ``work`` on the task thread; keep the GUI thread's events flowing until it ends."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(value: Any) -> None:
        outcome["value"] = value
        loop.quit()

    def failed(sentence: str) -> None:
        outcome["error"] = sentence
        loop.quit()

    def run() -> Any:
        try:
            return work()
        except InboxError as exc:
            outcome["exception"] = exc
            raise

    tasks.submit(run, done, failed)
    if timeout_ms is not None:
        QTimer.singleShot(timeout_ms, loop.quit)
    if not outcome:
        loop.exec()
    if "exception" in outcome:
        raise outcome["exception"]
    if "error" in outcome:
        raise InboxError(outcome["error"])
    if "value" not in outcome:
        raise InboxError("Starting took too long; check the store and try again.")
    return outcome["value"]


def _no_display() -> bool:
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )


def run(args: argparse.Namespace) -> int:
    screenshot = getattr(args, "screenshot", None)
    if screenshot is None and _no_display():
        # A headless machine (a server, a fresh container): no window can open. Rather than
        # fail, show what the window would: render it once and say where the picture is.
        profile = Profile.locate(args.profile_dir)
        profile.data_dir.mkdir(parents=True, exist_ok=True)
        args.screenshot = screenshot = str(profile.data_dir / "inbox.png")
        print(
            "decision-inbox: there is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so "
            "no window can open; rendering the window to a picture instead. Run it in a desktop "
            "session for the real app."
        )
    size = _size(getattr(args, "size", None))
    app = _application(headless=screenshot is not None)
    mark_gui_thread()
    profile = Profile.locate(args.profile_dir)
    request = StartRequest(
        profile,
        store=args.store,
        user=args.user,
        demo=bool(getattr(args, "demo", False)),
        allow_network_fs=bool(args.allow_network_filesystem),
    )
    instance = None
    if screenshot is None:
        instance = SingleInstance(profile)
        if not instance.claim(getattr(args, "select", None)):
            print("decision-inbox: already running for this profile; brought its window forward.")
            return 0
        if not request.demo and is_first_run(profile, args.store, args.user):
            chosen = _first_run(request)
            if chosen is None:
                instance.close()
                return 0
            request = chosen
    tasks = TaskRunner()
    try:
        started = _start(tasks, request, interactive=screenshot is None)
        if started is None:
            return 1
        if screenshot is not None:
            return _screenshot(
                app,
                tasks,
                started,
                request.profile,
                screenshot,
                getattr(args, "select", None),
                size,
            )
        assert instance is not None
        return _main(app, tasks, started, request.profile, instance, getattr(args, "select", None))
    finally:
        tasks.shutdown()
        if instance is not None:
            instance.close()


def _size(text: str | None) -> QSize:
    if not text:
        return QSize(1280, 800)
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text!r} is not WIDTHxHEIGHT; write it like 1280x800.") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError("--size must be between 200x200 and 8000x8000.")
    return QSize(width, height)


def _first_run(request: StartRequest) -> StartRequest | None:
    from inbox.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(str(request.profile.embedded_store))
    if not dialog.exec():
        return None
    kind, load_demo = dialog.choice()
    if kind == "settings" and not _settings_dialog(request.profile):
        return None
    return replace(request, demo=load_demo)


def _settings_dialog(profile: Profile, parent: Any = None) -> bool:
    from inbox.services.settings_service import SettingsService
    from inbox.ui.settings_dialog import SettingsDialog

    service = SettingsService(profile)
    try:
        return bool(SettingsDialog(service, parent).exec())
    finally:
        service.shutdown()


def _start(tasks: TaskRunner, request: StartRequest, *, interactive: bool) -> Started | None:
    while True:
        try:
            started: Started = wait_for(tasks, lambda r=request: start_client(r))
            return started
        except PasswordNeededError as exc:
            if not interactive:
                raise
            from inbox.ui.password_prompt import ask_password

            password = ask_password(None, exc.shown_url, exc.user)
            if password is None:
                return None
            request = replace(request, password=password)
        except InboxError as exc:
            if not interactive:
                raise
            answer = QMessageBox.critical(
                None,
                "Decision Inbox cannot start",
                exc.message,
                QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            )
            if answer != QMessageBox.StandardButton.Open or not _settings_dialog(request.profile):
                return None


def _services(
    started: Started, tasks: TaskRunner, profile: Profile
) -> tuple[SyncService, DecisionService]:
    sync = SyncService(started.client, engine_settings(profile.load()), tasks=tasks)
    return sync, DecisionService(sync)


def _main(
    app: QApplication,
    tasks: TaskRunner,
    started: Started,
    profile: Profile,
    instance: SingleInstance,
    select: str | None,
) -> int:
    client = started.client
    lock = InstanceLock(client.paths.lock)
    lock.acquire()  # AlreadyRunningError: `watch` holds this profile
    sync, decisions = _services(started, tasks, profile)
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
        if _settings_dialog(profile, window):
            wiring.settings_saved(window, notes, profile)

    window.settings_requested.connect(open_settings)
    instance.raise_requested.connect(lambda key: wiring.raise_window(window, key))
    if started.seeded:
        window.banner.say(started.seeded)
    if select:
        window.select_key(select)
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


def _screenshot(
    app: QApplication,
    tasks: TaskRunner,
    started: Started,
    profile: Profile,
    path: str,
    select: str | None,
    size: QSize,
) -> int:
    """Start, sync once, render the window (``select`` shown) to a PNG, exit (DESIGN §8)."""
    client = started.client
    sync, decisions = _services(started, tasks, profile)
    window = MainWindow(sync, decisions)
    window.resize(size)
    loop = QEventLoop()
    state: dict[str, bool] = {}

    def on_delta(_delta: object) -> None:
        if state.get("synced"):
            return
        state["synced"] = True
        if select:
            window.select_key(select.strip().upper())
        else:
            loop.quit()

    def on_detail(_detail: object) -> None:
        if state.get("synced"):
            loop.quit()

    def on_status(status: Any) -> None:
        if status.state in ("offline", "error"):
            state["failed"] = True
            loop.quit()

    sync.delta_ready.connect(on_delta)
    decisions.detail_loaded.connect(on_detail)
    decisions.detail_failed.connect(lambda _key, _text: loop.quit())
    sync.status_changed.connect(on_status)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, loop.quit)
    window.show()
    sync.start()
    try:
        loop.exec()
        if state.get("failed") and not state.get("synced"):
            raise InboxError(
                f"The screenshot could not sync: {window.status.text}; it shows the cache."
            )
        for _ in range(5):  # let the last signals land and the views lay out
            app.processEvents()
        if not window.grab().save(path, "PNG"):
            raise UsageError(f"Cannot write the screenshot to {path}; check the folder exists.")
        print(f"Wrote {path}")
        return 0
    finally:
        window.close()
        sync.stop()
        client.close()
        client.store.dispose()
