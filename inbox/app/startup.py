"""Start-up: the Qt application, the first-run offer, the services the window is built on
before the store is open, and opening the client off the GUI thread.

Work that touches the store or the keyring runs on a worker thread (docs/architecture.md,
"Threads"); the window shows first, from the cache a previous start used ("Start-up").
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEventLoop,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from inbox import APP_ID, APP_NAME, DISPLAY_NAME
from inbox.config.clients import engine_settings
from inbox.config.profile import Profile, choose_store, choose_user
from inbox.core.errors import InboxError, UsageError
from inbox.services import wording
from inbox.services.decision_service import DecisionService
from inbox.services.launch import PasswordNeededError, Started, StartRequest
from inbox.services.session_settings import SessionChoice
from inbox.services.sync_service import SyncService
from inbox.services.tasks import TaskRunner
from inbox.sync import last_start

log = logging.getLogger(__name__)


def app_icon() -> QIcon:
    return QIcon(str(files("inbox.ui").joinpath("icons/app.svg")))


def quiet_offscreen_noise(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # The offscreen platform cannot honour size hints and says so for every window shown; it
    # is a property of rendering without a screen, not something a person can act on.
    if "does not support propagateSizeHints" in message:
        return
    if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        log.warning("Qt: %s", message)
    else:
        log.debug("Qt: %s", message)


def application(headless: bool) -> QApplication:
    if headless and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a screenshot needs no screen
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        qInstallMessageHandler(quiet_offscreen_noise)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(DISPLAY_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    from inbox.ui import theme  # deferred like the other widgets: only the GUI needs it

    theme.follow_desktop(app)
    return app


def wait_for(tasks: TaskRunner, work: Any, timeout_ms: int | None = None) -> Any:
    """Run ``work`` on the task thread; keep the GUI thread's events flowing until it ends.
    Returns its value or raises its error (an InboxError: an unexpected one wrapped)."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(value: Any) -> None:
        outcome["value"] = value
        loop.quit()

    def failed(error: InboxError) -> None:
        outcome["error"] = error
        loop.quit()

    tasks.submit(work, done, failed)
    if timeout_ms is not None:
        QTimer.singleShot(timeout_ms, loop.quit)
    if not outcome:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:
        raise InboxError("Starting took too long; check the store and try again.")
    return outcome["value"]


def no_display() -> bool:
    return (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    )


def first_run(request: StartRequest) -> StartRequest | None:
    from inbox.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(str(request.profile.embedded_store))
    if not dialog.exec():
        return None
    kind, load_demo = dialog.choice()
    if kind == "settings" and not settings_dialog(request.profile, session=session_of(request)):
        return None
    return replace(request, demo=load_demo)


def session_of(request: StartRequest) -> SessionChoice:
    """The ``--store`` and ``--user`` this app was started with."""
    return SessionChoice(store=request.store, user=request.user)


def settings_dialog(
    profile: Profile, parent: Any = None, *, session: SessionChoice | None = None
) -> bool:
    """The settings dialog, modal; ``session``: what the app was started with, so the dialog
    shows the store and identity in use (the environment's too) and saves around them."""
    from inbox.services.settings_service import SettingsService
    from inbox.ui.settings_dialog import SettingsDialog

    service = SettingsService(profile, session=session)
    try:
        return bool(SettingsDialog(service, parent).exec())
    finally:
        service.shutdown()


def _open_client(request: StartRequest, local: Any = None) -> Started:
    """Worker thread: the store's start-up work. Imported here, on that thread: it brings
    SQLAlchemy (and the drivers), which the window does not wait for."""
    from inbox.services.bootstrap import start as start_client

    return start_client(request, local)


def start(tasks: TaskRunner, request: StartRequest, *, interactive: bool) -> Started | None:
    """Open the client while a local event loop keeps the GUI thread's events flowing (the
    screenshot, which needs the client before its window)."""
    while True:
        try:
            started: Started = wait_for(tasks, lambda r=request: _open_client(r))
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
                wording.sentence(exc),
                QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            )
            if answer != QMessageBox.StandardButton.Open or not settings_dialog(
                request.profile, session=session_of(request)
            ):
                return None


def services(
    started: Started, tasks: TaskRunner, profile: Profile
) -> tuple[SyncService, DecisionService]:
    """The sync and decision services; a sync setting that can never work stops the start with
    its sentence (notification settings fall back, and the banner says so)."""
    loaded = profile.load(strict=False)
    problem = loaded.first_problem("sync")
    if problem:
        raise UsageError(problem)
    sync = SyncService(started.client, engine_settings(loaded.config.sync), tasks=tasks)
    return sync, DecisionService(sync)


def early_services(
    request: StartRequest, tasks: TaskRunner
) -> tuple[SyncService, DecisionService, Path | None]:
    """GUI thread: the sync and decision services with no client yet, and the client folder of
    the last start with the same store (and person), for ``SyncService.open_local`` once the
    views listen. Reads config.json and the last start's note, two small files; no SQL. A sync
    setting that can never work stops the start with its sentence."""
    profile = request.profile
    loaded = profile.load(strict=False)
    problem = loaded.first_problem("sync")
    if problem:
        raise UsageError(problem)
    config = loaded.config
    wanted = choose_user(profile, request.user, config)
    last = last_start.recall(
        profile.data_dir, choose_store(profile, request.store, config).url, wanted
    )
    user = last.user if last is not None else wanted or ""
    sync = SyncService(None, engine_settings(config.sync), tasks=tasks, user=user)
    return sync, DecisionService(sync), last.folder if last is not None else None


class BackgroundStart(QObject):
    """Opens the client on a thread of its own (``inbox-start``) while the window shows the
    cache: the task thread stays free for the window's local work meanwhile. A password the
    store wants, or a start that fails, is asked or offered the settings over the window, as the
    start did before any window; then it tries again."""

    started = Signal(object)  # Started
    gave_up = Signal()  # the person closed the dialog: the app ends

    def __init__(self, request: StartRequest, sync: SyncService, window: QWidget) -> None:
        super().__init__(window)
        self.request = request
        self._sync = sync
        self._window = window
        self._runner = TaskRunner(self, name="inbox-start")

    def begin(self) -> None:
        request, local = self.request, self._sync.local
        self._runner.submit(lambda: _open_client(request, local), self.started.emit, self._failed)

    def shutdown(self) -> None:
        self._runner.shutdown()

    def _failed(self, error: InboxError) -> None:
        if isinstance(error, PasswordNeededError):
            from inbox.ui.password_prompt import ask_password

            password = ask_password(self._window, error.shown_url, error.user)
            if password is None:
                self.gave_up.emit()
                return
            self.request = replace(self.request, password=password)
            self.begin()
            return
        answer = QMessageBox.critical(
            self._window,
            "Decision Inbox cannot start",
            wording.sentence(error),
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
        )
        if answer == QMessageBox.StandardButton.Open and settings_dialog(
            self.request.profile, self._window, session=session_of(self.request)
        ):
            self.begin()
        else:
            self.gave_up.emit()
