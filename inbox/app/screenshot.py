"""``gui --screenshot``: start, sync once, render the window (a decision selected) to a PNG, exit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEventLoop, QSize, QTimer
from PySide6.QtWidgets import QApplication

from inbox.app.startup import services
from inbox.config.profile import Profile
from inbox.core.errors import InboxError, UsageError
from inbox.services.launch import Started
from inbox.services.tasks import TaskRunner
from inbox.ui.main_window import MainWindow

SCREENSHOT_TIMEOUT_MS = 30_000


def parse_size(text: str | None) -> QSize:
    if not text:
        return QSize(1280, 800)
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size {text!r} is not WIDTHxHEIGHT; write it like 1280x800.") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise UsageError("--size must be between 200x200 and 8000x8000.")
    return QSize(width, height)


def screenshot(
    app: QApplication,
    tasks: TaskRunner,
    started: Started,
    profile: Profile,
    path: str,
    select: str | None,
    size: QSize,
) -> int:
    """Start, sync once, render the window (``select`` shown) to a PNG, exit (docs/cli.md)."""
    client = started.client
    sync, decisions = services(started, tasks, profile)
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
    failures: list[InboxError] = []

    def on_detail_failed(_key: str, error: InboxError) -> None:
        failures.append(error)
        loop.quit()

    decisions.detail_failed.connect(on_detail_failed)
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
        if failures:
            # The picture shows the failure; a script must see it too, not only a person.
            raise failures[0]
        return 0
    finally:
        window.close()
        sync.stop()
        client.close()
        client.store.dispose()
