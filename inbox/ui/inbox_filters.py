"""InboxFilterBar: the row above the inbox list: search, team and owner filters, the sort.

Esc, Enter and Down in the search field hand the keyboard back to the list
(``leave_requested``): typing goes to the field, j and k to the list, and nothing is lost on
the way (the search text stays).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from inbox.ui.inbox_rows import DEADLINE_COLUMN, REASON_COLUMN

SEARCH_PLACEHOLDER = "Search key, title, body, assertions  (/)"
SORTS = (  # the sort choices: label, model column
    ("By urgency", REASON_COLUMN),
    ("By key", 0),
    ("By title", 1),
    ("By owner", 2),
    ("By deadline", DEADLINE_COLUMN),
)
_LEAVE_SEARCH = {Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down}
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)  # keypad Enter


class InboxFilterBar(QWidget):
    """The search field and the team, owner and sort choices, side by side."""

    search_changed = Signal(str)
    team_changed = Signal(object)  # str | None: any
    owner_changed = Signal(object)  # str | None: any
    sort_changed = Signal(int)  # a model column
    leave_requested = Signal()  # Esc, Enter or Down in the search field

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setAccessibleName("Search the inbox")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("Search key, title"))
        self.search.installEventFilter(self)
        self.team = _combo(self, "Filter by team", "All teams")
        self.owner = _combo(self, "Filter by owner", "All owners")
        self.sort = _combo(self, "Sort the inbox", *SORTS[0])
        for label, column in SORTS[1:]:
            self.sort.addItem(label, column)
        self.sort.setMinimumContentsLength(10)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search, 1)
        for combo in (self.team, self.owner, self.sort):
            layout.addWidget(combo)
        self.search.textChanged.connect(self.search_changed)
        self.team.currentIndexChanged.connect(self._on_team_current_index_changed)
        self.owner.currentIndexChanged.connect(self._on_owner_current_index_changed)
        self.sort.currentIndexChanged.connect(self._on_sort_current_index_changed)

    def fill(self, teams: set[str | None], owners: set[str], *, replace: bool) -> None:
        """Offer these teams and owners (``replace``: only these; else these as well)."""
        _fill(self.team, {t for t in teams if t}, replace=replace)
        _fill(self.owner, owners, replace=replace)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() in _PLAIN and event.key() in _LEAVE_SEARCH:
                self.leave_requested.emit()
                return True
        return super().eventFilter(watched, event)

    @Slot(int)
    def _on_team_current_index_changed(self, _index: int) -> None:
        self.team_changed.emit(self.team.currentData())

    @Slot(int)
    def _on_owner_current_index_changed(self, _index: int) -> None:
        self.owner_changed.emit(self.owner.currentData())

    @Slot(int)
    def _on_sort_current_index_changed(self, _index: int) -> None:
        self.sort_changed.emit(int(self.sort.currentData()))


def _combo(parent: QWidget, name: str, first: str, data: object = None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.addItem(first, data)
    # As wide as a short name, not the longest one: the search field keeps the room.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(7)
    return combo


def _fill(combo: QComboBox, values: set[str], *, replace: bool) -> None:
    """Offer ``values`` (plus the first "All …" entry), keeping the chosen one chosen."""
    present = {combo.itemData(n) for n in range(1, combo.count())}
    wanted = values if replace else present | values
    if wanted == present:
        return
    chosen = combo.currentData()
    combo.blockSignals(True)  # the filter itself does not change; only the choices do
    try:
        while combo.count() > 1:
            combo.removeItem(1)
        for value in sorted(wanted, key=str.casefold):
            combo.addItem(value, value)
        at = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(at, 0))
    finally:
        combo.blockSignals(False)
    if chosen is not None and combo.currentData() != chosen:  # the chosen one went away
        combo.currentIndexChanged.emit(combo.currentIndex())
