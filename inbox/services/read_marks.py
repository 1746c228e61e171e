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

    def __init__(self, client: Any, tasks: Any, parent: QObject | None = None) -> None:
        """``client``: the profile's ``inbox.sync.client.Client``; ``tasks``: the task runner."""
        super().__init__(parent)
        self._client = client
        self._tasks = tasks

    def load(self) -> None:
        def work() -> ReadMarks:
            saved = self._client.state.get(READ_MARKS_KEY)
            try:
                return ReadMarks.from_json(json.loads(saved)) if saved else ReadMarks()
            except ValueError:
                log.warning("forgetting unreadable read marks")
                return ReadMarks()

        self._tasks.submit(work, self.loaded.emit)

    def save(self, marks: ReadMarks) -> None:
        text = json.dumps(marks.to_json())
        self._tasks.submit(lambda: self._client.state.put(READ_MARKS_KEY, text))
