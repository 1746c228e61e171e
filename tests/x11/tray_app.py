"""Child process of tests/x11/test_tray_real.py: a TrayController on a real X tray, fed three
demo-like items, that reports on stdout, one JSON object a line:

- ``{"event": "icon", "count", "tooltip", "geometry": [x, y, w, h]}`` each time the icon is
  shown somewhere new (``QSystemTrayIcon.geometry()``, in X screen coordinates): first where
  Qt created its window, then inside the tray once embedded;
- ``{"event": "menu_shown", "title", "geometry", "actions": [{"text", "rect", "enabled",
  "submenu"}]}`` each time the tray menu or one of its submenus is on screen;
- ``{"event": "signal", "name", "args"}`` for every signal the controller emits.

Run with ``QT_QPA_PLATFORM=xcb`` and ``DISPLAY`` set (tests/x11/screen.py ``gui_env``).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from inbox.core.model import Reason
from inbox.ui.tray import TrayController
from tests.core.builders import inbox_item as item

TOMORROW = datetime.now(UTC) + timedelta(days=1)
ITEMS = (
    item(12, Reason.NEEDS_ACK, 2, "Token refresh moves from 15 to 60 minutes"),
    item(7, Reason.CHANGED_SINCE_ACK, 3, "API error envelope", owner="bo", acked_revision=1),
    item(
        15,
        Reason.FEEDBACK_REQUESTED,
        1,
        "Mobile offline cache size",
        TOMORROW,
        team="mobile",
        owner="mo",
    ),
)


def report(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}, default=str), flush=True)


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


class MenuReporter(QObject):
    """Reports each menu's geometry and its actions' screen rectangles once it is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Show and isinstance(watched, QMenu):
            # After this event the menu is laid out and placed; report from the event loop.
            QTimer.singleShot(0, lambda menu=watched: self._report(menu))
        return False

    def _report(self, menu: QMenu) -> None:
        actions = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            local = menu.actionGeometry(action)
            corner = menu.mapToGlobal(local.topLeft())
            actions.append(
                {
                    "text": action.text(),
                    "rect": [corner.x(), corner.y(), local.width(), local.height()],
                    "enabled": action.isEnabled(),
                    "submenu": action.menu() is not None,
                }
            )
        report("menu_shown", title=menu.title(), geometry=rect(menu.geometry()), actions=actions)


def main() -> int:
    app = QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)
    tray = TrayController(retry_interval_ms=100)
    tray.set_items(ITEMS)
    tray.set_status("online", "")

    for name in (
        "acknowledge_requested",
        "open_requested",
        "show_window_requested",
        "sync_requested",
        "pause_requested",
        "quit_requested",
        "tray_appeared",
    ):
        getattr(tray, name).connect(lambda *args, n=name: report("signal", name=n, args=args))
    tray.quit_requested.connect(app.quit)

    reporter = MenuReporter()
    tray.menu.installEventFilter(reporter)

    def watch_submenus() -> None:
        # Connected after the controller's own aboutToShow slot, so the menu is rebuilt by now.
        for action in tray.menu.actions():
            if action.menu() is not None:
                action.menu().installEventFilter(reporter)

    tray.menu.aboutToShow.connect(watch_submenus)

    last: list[list[int]] = []

    def report_geometry() -> None:
        # Before the tray embeds it, the icon's window sits at the screen's origin; report
        # each place it takes, and let the test decide which is inside the tray.
        if tray.tray.isVisible():
            geometry = rect(tray.tray.geometry())
            if geometry != (last[-1] if last else None) and geometry[2] > 0 and geometry[3] > 0:
                last.append(geometry)
                report("icon", count=tray.count, tooltip=tray.tooltip(), geometry=geometry)

    poll = QTimer()
    poll.timeout.connect(report_geometry)
    poll.start(50)
    tray.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
