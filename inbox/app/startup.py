"""Start-up: the Qt application, the first-run offer, and opening the client off the GUI thread.

Work that touches the store or the keyring runs on the task thread while a local event loop keeps
the GUI thread free (docs/architecture.md, "Threads").
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from importlib.resources import files
from typing import Any

from PySide6.QtCore import QEventLoop, QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from inbox import APP_ID, APP_NAME, DISPLAY_NAME
from inbox.config.clients import engine_settings
from inbox.config.profile import Profile
from inbox.core.errors import InboxError, UsageError
from inbox.services import wording
from inbox.services.bootstrap import PasswordNeededError, Started, StartRequest
from inbox.services.bootstrap import start as start_client
from inbox.services.decision_service import DecisionService
from inbox.services.session_settings import SessionChoice
from inbox.services.sync_service import SyncService
from inbox.services.tasks import TaskRunner

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


def start(tasks: TaskRunner, request: StartRequest, *, interactive: bool) -> Started | None:
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
