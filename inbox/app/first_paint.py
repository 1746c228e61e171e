"""When the window has shown what it had at start, and when the first sync reached it.

``shown`` is emitted once the window has painted a frame after the cache of the last start was
read (or found missing): the app then begins opening the store, so that SQLAlchemy's import and
the connection never compete with the first frame. For benchmarks and tests, the moments can be
observed from outside the process: with ``DECISION_INBOX_STARTUP_LOG`` set to a file, one JSON
line is appended per moment, e.g.

    {"event": "shown", "monotonic": 5123.456, "pid": 4242, "rows": 9, "items": 7,
     "cached": true, "modules": []}
    {"event": "synced", "monotonic": 5123.789, "pid": 4242, "rows": 9, "items": 7,
     "cached": true, "modules": ["sqlalchemy"]}

``monotonic`` is ``time.monotonic()`` (on Linux the system-wide CLOCK_MONOTONIC, so a harness
compares it with its own clock taken before it started the process); ``rows`` is how many rows
the inbox list shows (section headings included), ``items`` how many inbox items it holds;
``cached`` whether the cache held a synced inbox; ``modules`` which of the
start-up's deliberately deferred imports were loaded at that moment. When the first sync round
fails instead, ``{"event": "sync_failed", "state": "offline", …}`` (or ``"error"``) comes in place
of ``synced`` (which follows once a round succeeds). The same moments are logged at INFO.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

log = logging.getLogger(__name__)

ENV = "DECISION_INBOX_STARTUP_LOG"
DEFERRED = ("sqlalchemy", "psycopg", "alembic", "keyring", "plyer", "desktop_notifier")


class FirstPaint(QObject):
    shown = Signal()

    def __init__(self, window: Any, sync: Any) -> None:
        super().__init__(window)
        self._window = window
        self._painted = False
        self._local: bool | None = None  # whether the cache had an inbox; None: not read yet
        self._done = False
        self._synced = False
        self._failed = False
        window.installEventFilter(self)
        sync.local_opened.connect(self._on_local_opened)
        sync.synced.connect(self._on_synced)
        sync.status_changed.connect(self._on_status)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            # After this paint has finished: the frame on screen is the one that counts.
            QTimer.singleShot(0, self._maybe_shown)
        return False

    def _on_local_opened(self, cached: bool) -> None:
        self._local = cached
        if self._painted:
            # The rows arrived after the first frame: paint them now, then it counts.
            self._window.repaint()
            self._maybe_shown()

    def _maybe_shown(self) -> None:
        if self._done or not self._painted or self._local is None:
            return
        self._done = True
        self._window.removeEventFilter(self)
        self._note("shown")
        self.shown.emit()

    def _on_synced(self, _delta: object) -> None:
        if not self._synced:
            self._synced = True
            self._note("synced")

    def _on_status(self, status: Any) -> None:
        if not self._synced and not self._failed and status.state in ("offline", "error"):
            self._failed = True
            self._note("sync_failed", state=status.state)

    def _note(self, event: str, **more: str) -> None:
        rows = self._window.inbox.model.rowCount()
        record = {
            "event": event,
            "monotonic": time.monotonic(),
            "pid": os.getpid(),
            "rows": rows,
            "items": len(self._window.all_items),
            "cached": bool(self._local),
            "modules": [name for name in DEFERRED if name in sys.modules],
            **more,
        }
        log.info("start-up: %s at %.3f (monotonic), %d rows", event, record["monotonic"], rows)
        path = os.environ.get(ENV)
        if not path:
            return
        try:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
        except OSError as exc:
            log.warning("cannot write the start-up log %s: %s", path, exc)
