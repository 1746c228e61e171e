"""ReadMarksKeeper: the inbox list's read marks between the model and the profile.

Loads the saved marks once, merges them with what was opened meanwhile, and writes them
behind (``SAVE_MS`` after the person stops moving through the list), pruned to the decisions
still in the inbox. The store is a ``ReadMarksService`` (its ``loaded`` signal, ``load`` and
``save`` run on the task runner's worker, never here).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from inbox.core.read_marks import ReadMarks
from inbox.ui.inbox_model import InboxTableModel

SAVE_MS = 1000


class ReadMarksKeeper(QObject):
    def __init__(self, model: InboxTableModel) -> None:
        super().__init__(model)
        self._model = model
        self._store: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def use(self, store: Any) -> None:
        self._store = store
        store.loaded.connect(self.merge)
        store.load()

    @Slot(object)
    def merge(self, marks: ReadMarks) -> None:
        """The marks as saved; what was opened here meanwhile stays opened."""
        for key, revision in self._model.read_marks().opened_at.items():
            marks = marks.opened(key, revision)
        self._model.set_read_marks(marks)

    def changed(self) -> None:
        """A row was opened: save soon."""
        if self._store is not None:
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        keys = {i.key for i in self._model.all_items()}
        self._store.save(self._model.read_marks().prune(keys))
