"""Start-up marks, for the benchmark harness (``make bench``'s start-up case): with
``DECISION_INBOX_STARTUP_MARKS=1`` the app prints one line on stderr the first time the window
paints (``decision-inbox: mark painted``), the first time its inbox list paints with rows in it
(``… mark shown``) and when the first sync round has reached the views (``… mark synced``). The
harness times them from the moment it started the process. Off by default: nothing is watched
or printed."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from inbox.services.sync_service import SyncService

ENV = "DECISION_INBOX_STARTUP_MARKS"


def say(mark: str) -> None:
    print(f"decision-inbox: mark {mark}", file=sys.stderr, flush=True)


class _PaintWatch(QObject):
    """Application-wide until both paint marks are out (then removed): a paint of any widget of
    the window, and a paint of an item view that has rows."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(window)
        self._app = app
        self._window = window
        self._left = {"painted", "shown"}
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self._window:
            return False
        if "painted" in self._left:
            self._left.discard("painted")
            say("painted")
        view = watched.parent()
        if "shown" in self._left and isinstance(view, QAbstractItemView):
            model = view.model()
            if model is not None and model.rowCount() > 0:
                self._left.discard("shown")
                say("shown")
        if not self._left:
            self._app.removeEventFilter(self)
        return False


def install(app: QApplication, window: QWidget, sync: SyncService) -> None:
    if os.environ.get(ENV) != "1":
        return
    _PaintWatch(app, window)
    state = {"synced": False}

    def on_synced(_delta: object) -> None:
        if not state["synced"]:
            state["synced"] = True
            say("synced")

    # queued to the GUI thread after the round's delta_ready: the views have it by then
    sync.synced.connect(on_synced)
