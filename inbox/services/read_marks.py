"""ReadMarksService: the inbox list's read marks (``inbox.core.read_marks``) kept in the
profile's state file beside the triage marks, read and written on the task runner's worker."""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from inbox.core.read_marks import ReadMarks

log = logging.getLogger(__name__)

READ_MARKS_KEY = "ui.read_marks"  # in the profile's state file, beside "ui.triage"


class ReadMarksService(QObject):
    """``loaded`` once :meth:`load` has read the marks; :meth:`save` writes them behind."""

    loaded = Signal(object)  # ReadMarks

    def __init__(self, sync: Any, tasks: Any, parent: QObject | None = None) -> None:
        """``sync``: the ``SyncService``, whose local client holds the state file (read again
        when it opens other files than before); ``tasks``: the task runner."""
        super().__init__(parent)
        self._sync = sync
        self._tasks = tasks
        sync.local_changed.connect(self.load)

    def load(self) -> None:
        def work() -> ReadMarks:
            local = self._sync.local
            saved = local.state.get(READ_MARKS_KEY) if local is not None else None
            try:
                return ReadMarks.from_json(json.loads(saved)) if saved else ReadMarks()
            except ValueError:
                log.warning("forgetting unreadable read marks")
                return ReadMarks()

        self._tasks.submit(work, self.loaded.emit)

    def save(self, marks: ReadMarks) -> None:
        text = json.dumps(marks.to_json())

        def work() -> None:
            local = self._sync.local
            if local is not None:  # nothing shown yet, so nothing was opened
                local.state.put(READ_MARKS_KEY, text)

        self._tasks.submit(work)
