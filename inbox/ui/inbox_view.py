"""InboxListView: the inbox list of the main window: reason sections with counts, search,
team, owner and sort choices, and the list itself: one two-line row per decision (painted by
``InboxRowDelegate``), an unread mark on what changed since it was last opened, and, in
"All", a header where each reason's rows begin.

Built for 100k rows: uniform fixed-height rows (no per-row size hints), no content-sized
columns, the sort and filter inside :class:`InboxTableModel`, and a sync's delta applied as
narrow row signals, never a reset, so the selection and scroll position survive a sync.
Esc, Enter and Down in the search field go back to the list, so j and k move in it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inbox.core.delta import InboxDelta
from inbox.core.inbox import InboxItem
from inbox.core.read_marks import ReadMarks
from inbox.core.triage import Triage
from inbox.ui.inbox_delegate import InboxRowDelegate, row_height
from inbox.ui.inbox_model import COLUMNS, DEADLINE_COLUMN, REASON_COLUMN, InboxTableModel
from inbox.ui.inbox_sections import (
    ALL_SECTION,
    SECTIONS,
    TRIAGED_SECTION,
    section_title,
    section_tooltip,
)

SEARCH_PLACEHOLDER = "Search key, title, body, assertions  (/)"
EMPTY_INBOX = "Nothing in your inbox."
NOTHING_MATCHES = "Nothing matches this search or filter."
_SECTION_ROLE = Qt.ItemDataRole.UserRole
SORTS = (  # the sort choices: label, model column
    ("By urgency", REASON_COLUMN),
    ("By key", 0),
    ("By title", 1),
    ("By owner", 2),
    ("By deadline", DEADLINE_COLUMN),
)
_LEAVE_SEARCH = {Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down}
_SAVE_MARKS_MS = 1000  # read marks are written behind, once the person stops moving
_TEAM, _OWNER = attrgetter("team"), attrgetter("owner")
_CLOCK_MS = 60_000  # relative deadlines are shown to the minute; snoozes end on the minute
BULK = 500  # above this many touched items a delta is one reset (see InboxListView.apply)
DEFER_ABOVE = 5000  # rows: above this, set_items settles after the first paint


class InboxListView(QWidget):
    """Sections | search, filters and the item table. Emits the current item (or None)."""

    current_changed = Signal(object)  # InboxItem | None: the item leading the current row
    activated = Signal(object)  # InboxItem
    read_marks_changed = Signal(object)  # ReadMarks: a row was opened

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        own_shortcuts: bool = True,
    ) -> None:
        """``own_shortcuts``: "/" focuses the search field, j and k move the selection. A
        window that has its own actions for them passes False: two shortcuts on one key are
        ambiguous, and Qt fires neither."""
        super().__init__(parent)
        self.setAccessibleName("Inbox list")
        self.own_shortcuts = own_shortcuts
        self._model = InboxTableModel(self, now=now)
        self._current: InboxItem | None = None
        self._applying = False
        self._marks_store: Any = None  # ReadMarksService, once use_read_marks is called
        self._save_marks = QTimer(self)
        self._save_marks.setSingleShot(True)
        self._save_marks.setInterval(_SAVE_MARKS_MS)
        self._save_marks.timeout.connect(self._on_save_marks_timeout)

        self._sections = QListWidget(self)
        self._sections.setAccessibleName("Inbox sections")
        for section in SECTIONS:
            entry = QListWidgetItem(section_title(section))
            entry.setToolTip(section_tooltip(section))
            entry.setData(_SECTION_ROLE, section)
            self._sections.addItem(entry)
        self._sections.setCurrentRow(0)

        self._search = QLineEdit(self)
        self._search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self._search.setAccessibleName("Search the inbox")
        self._search.setClearButtonEnabled(True)
        self._search.installEventFilter(self)
        self._search.setMinimumWidth(self.fontMetrics().horizontalAdvance("Search key, title"))
        self._team = self._combo("Filter by team", "All teams")
        self._owner = self._combo("Filter by owner", "All owners")
        self._sort = QComboBox(self)
        self._sort.setAccessibleName("Sort the inbox")
        for label, column in SORTS:
            self._sort.addItem(label, column)
        self._sort.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._sort.setMinimumContentsLength(10)

        self._table = QTableView(self)
        self._settle_after_paint = False
        self._table.viewport().installEventFilter(self)
        self._table.setAccessibleName("Inbox items")
        self._table.setModel(self._model)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setWordWrap(False)
        self._table.setShowGrid(False)
        self._delegate = InboxRowDelegate(self._table)
        self._table.setItemDelegateForColumn(0, self._delegate)
        self._model.set_sections(True)
        rows = self._table.verticalHeader()
        # Uniform rows: Qt never asks each of 100k rows for its size.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(row_height(self._table.fontMetrics()))
        rows.hide()
        # One column the delegate paints whole; the others stay in the model (sorting, screen
        # readers) but take no width, and a hidden header leaves the height to the rows.
        header = self._table.horizontalHeader()
        for column in range(1, len(COLUMNS)):
            self._table.setColumnHidden(column, True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(REASON_COLUMN, Qt.SortOrder.AscendingOrder)
        header.hide()
        self._table.setSortingEnabled(True)  # the sort choice → InboxTableModel.sort
        self._table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self._empty = QLabel(EMPTY_INBOX, self)
        self._empty.setAccessibleName("Inbox empty state")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._table)
        self._pages.addWidget(self._empty)

        filters = QHBoxLayout()
        filters.addWidget(self._search, 1)
        filters.addWidget(self._team)
        filters.addWidget(self._owner)
        filters.addWidget(self._sort)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(filters)
        right_layout.addWidget(self._pages, 1)
        splitter = QSplitter(self)
        splitter.addWidget(self._sections)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self._sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # wide enough for the longest section name with a three-digit count
        widest = self._sections.fontMetrics().horizontalAdvance("For your information  (999)")
        splitter.setSizes([widest + 16, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        if own_shortcuts:
            for key, slot in (
                ("/", self.focus_search),
                ("J", lambda: self.move_selection(1)),
                ("K", lambda: self.move_selection(-1)),
            ):
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
        self._clock = QTimer(self)
        self._clock.setInterval(_CLOCK_MS)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start()

        self._search.textChanged.connect(self._on_search_text_changed)
        self._team.currentIndexChanged.connect(self._on_team_current_index_changed)
        self._owner.currentIndexChanged.connect(self._on_owner_current_index_changed)
        self._sort.currentIndexChanged.connect(self._on_sort_current_index_changed)
        self._sections.currentRowChanged.connect(self._on_sections_current_row_changed)
        self._table.activated.connect(self._on_table_activated)
        selection = self._table.selectionModel()
        selection.currentRowChanged.connect(self._on_selection_current_row_changed)
        self._model.modelReset.connect(self._on_model_reset)
        self._model.rowsInserted.connect(self._on_model_rows_changed)
        self._model.rowsRemoved.connect(self._on_model_rows_changed)
        self._model.counts_changed.connect(self._on_model_counts_changed)
        self._on_model_counts_changed()

    # -- public API ----------------------------------------------------------------------------

    @property
    def model(self) -> InboxTableModel:
        return self._model

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def search_field(self) -> QLineEdit:
        return self._search

    def set_items(self, items: Iterable[InboxItem], *, in_inbox_order: bool = False) -> None:
        self._model.set_items(items, in_inbox_order=in_inbox_order)
        if self._model.rowCount() <= DEFER_ABOVE:
            self._settle()
            return
        # The model's bookkeeping and the team/owner choices wait until the rows are painted:
        # at 10^5 items the window shows ~5x sooner (tests/perf/inbox_100k.py).
        self._settle_after_paint = True
        self._table.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,  # Enter on the keypad
            )
            if plain and event.key() in _LEAVE_SEARCH:
                self.focus_list()
                return True
        if (
            event.type() == QEvent.Type.Paint
            and self._settle_after_paint
            and watched is self._table.viewport()
        ):
            self._settle_after_paint = False
            QTimer.singleShot(0, self, self._settle)
        return super().eventFilter(watched, event)

    def _settle(self) -> None:
        self._model.ensure_index()
        self._fill_choices(*self._model.choices(), replace=True)

    def apply(self, delta: InboxDelta) -> None:
        """A sync's changes as narrow row signals; the current item stays current.

        A first sync into an empty list, or a delta touching more than ``BULK`` items (back
        from a long offline spell), is one reset instead: row by row, 10^5 inserts would cost
        minutes, and there is nothing on screen yet to keep steady."""
        kept = self._current
        touched = len(delta.added) + len(delta.removed) + len(delta.changed)
        if (self._model.rowCount() == 0 and not self._model.item_count()) or touched > BULK:
            self.set_items(delta.items, in_inbox_order=True)
            row = self._row_for(kept)
            if row is not None:
                self._select_row(row)
            self._sync_current()
            return
        self._applying = True
        try:
            self._model.apply(delta)
        finally:
            self._applying = False
        row = self._row_for(kept)
        if row is not None and self._table.currentIndex().row() != row:
            self._select_row(row)
        touched_items = (*delta.added, *delta.changed)
        teams, owners = set(map(_TEAM, touched_items)), set(map(_OWNER, touched_items))
        self._fill_choices(teams, owners, replace=False)
        self._sync_current()

    def set_search_index(self, mapping: Mapping[str, str], *, casefolded: bool = False) -> None:
        self._model.set_search_index(mapping, casefolded=casefolded)

    def set_triage(self, triage: Triage) -> None:
        self._model.set_triage(triage)

    def set_names(self, people: Mapping[str, Any]) -> None:
        """Handle → person (with a ``name``) or name: the owners' display names."""
        self._model.set_names({h: str(getattr(p, "name", p) or h) for h, p in people.items()})

    def set_read_marks(self, marks: ReadMarks) -> None:
        """The marks as saved; what was opened here meanwhile stays opened."""
        current = self._model.read_marks()
        for key, revision in current.opened_at.items():
            marks = marks.opened(key, revision)
        self._model.set_read_marks(marks)

    def use_read_marks(self, store: Any) -> None:
        """Load the read marks from ``store`` (a ``ReadMarksService``) and save them there
        whenever a row is opened."""
        self._marks_store = store
        store.loaded.connect(self.set_read_marks)
        store.load()

    def current_item(self) -> InboxItem | None:
        """The item leading the current row (its most urgent, in the default order)."""
        return self._current

    def current_items(self) -> tuple[InboxItem, ...]:
        """Every item of the current row's decision, most urgent first."""
        index = self._table.currentIndex()
        return self._model.items(index.row()) if index.isValid() else ()

    def select_key(self, key: str) -> bool:
        """Make the row of decision ``key`` current; False when it is not shown."""
        rows = self._model.rows_of_key(key)
        if not rows:
            return False
        self._select_row(rows[0])
        return True

    def move_selection(self, step: int) -> None:
        """Move the current row by ``step`` (j/k), staying inside the list."""
        count = self._model.rowCount()
        if count == 0:
            return
        row = self._table.currentIndex().row()
        start = 0 if step > 0 else count - 1
        wanted = start if row < 0 else max(0, min(count - 1, row + step))
        # past a section header, in the direction of the move; back at either end
        direction = 1 if step > 0 else -1
        found = self._item_row(wanted, direction)
        found = self._item_row(wanted, -direction) if found is None else found
        if found is not None:
            self._select_row(found)

    def focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def focus_list(self) -> None:
        """Back to the list (from the search field), its first row current if none was."""
        self._table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self._current is None:
            self.move_selection(1)

    # -- slots ---------------------------------------------------------------------------------

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        self._model.set_search(text)

    @Slot(int)
    def _on_team_current_index_changed(self, _index: int) -> None:
        self._model.set_team(self._team.currentData())

    @Slot(int)
    def _on_owner_current_index_changed(self, _index: int) -> None:
        self._model.set_owner(self._owner.currentData())

    @Slot(int)
    def _on_sort_current_index_changed(self, _index: int) -> None:
        self._table.sortByColumn(int(self._sort.currentData()), Qt.SortOrder.AscendingOrder)

    @Slot()
    def _on_save_marks_timeout(self) -> None:
        if self._marks_store is not None:
            keys = {i.key for i in self._model.all_items()}
            self._marks_store.save(self._model.read_marks().prune(keys))

    @Slot(int)
    def _on_sections_current_row_changed(self, row: int) -> None:
        entry = self._sections.item(row)
        section = ALL_SECTION if entry is None else entry.data(_SECTION_ROLE)
        if section == ALL_SECTION:
            self._model.set_reasons(None)
        elif section == TRIAGED_SECTION:
            self._model.set_reasons(None, triaged=True)
        else:
            self._model.set_reasons([section])

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        item = self._item(index)
        if item is not None:
            self.activated.emit(item)

    @Slot(QModelIndex, QModelIndex)
    def _on_selection_current_row_changed(self, current: QModelIndex, _previous: Any) -> None:
        if not self._applying:
            self._set_current(self._item(current))

    @Slot()
    def _on_model_reset(self) -> None:
        row = self._row_for(self._current)
        if row is not None:
            self._select_row(row)
        self._sync_current()
        self._on_model_rows_changed()

    @Slot()
    def _on_model_rows_changed(self, *_args: object) -> None:
        empty = self._model.rowCount() == 0
        if empty:
            nothing = not self._model.item_count() and not self._model.triaged_count()
            self._empty.setText(EMPTY_INBOX if nothing else NOTHING_MATCHES)
        self._pages.setCurrentIndex(1 if empty else 0)

    @Slot()
    def _on_model_counts_changed(self) -> None:
        counts = self._model.reason_counts()
        numbers = {
            ALL_SECTION: self._model.decision_count(),  # one row per decision
            TRIAGED_SECTION: self._model.triaged_count(),
            **{str(reason): n for reason, n in counts.items()},
        }
        for row in range(self._sections.count()):
            entry = self._sections.item(row)
            section = entry.data(_SECTION_ROLE)
            text = f"{section_title(section)}  ({numbers[section]})"
            entry.setText(text)
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, text)

    @Slot()
    def _on_clock_timeout(self) -> None:
        self._model.refresh_time()

    # -- inside --------------------------------------------------------------------------------

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        combo.addItem(everything, None)
        # As wide as "All owners", not as the longest name: the search field keeps the room.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(7)
        return combo

    def _fill_choices(self, teams: set[str | None], owners: set[str], *, replace: bool) -> None:
        _fill(self._team, {t for t in teams if t}, replace=replace)
        _fill(self._owner, owners, replace=replace)

    def _select_row(self, row: int) -> None:
        index = self._model.index(row, 0)
        self._table.setCurrentIndex(index)
        self._table.scrollTo(index)

    def _item(self, index: QModelIndex) -> InboxItem | None:
        """The item leading the row at ``index``; None for no row or a header."""
        if not index.isValid() or self._model.section_at(index.row()) is not None:
            return None
        return self._model.item(index.row())

    def _item_row(self, row: int, direction: int) -> int | None:
        """``row``, or the nearest row in ``direction`` from it that is not a header."""
        count = self._model.rowCount()
        while 0 <= row < count and self._model.section_at(row) is not None:
            row += direction
        return row if 0 <= row < count else None

    def _row_for(self, item: InboxItem | None) -> int | None:
        """The row showing ``item``, or else its decision's (led by another of its items)."""
        if item is None:
            return None
        row = self._model.row_of(item)
        if row is None:
            rows = self._model.rows_of_key(item.key)
            row = rows[0] if rows else None
        return row

    def _sync_current(self) -> None:
        self._set_current(self._item(self._table.currentIndex()))

    def _set_current(self, item: InboxItem | None) -> None:
        if item is not None and self._model.mark_opened(item):
            self.read_marks_changed.emit(self._model.read_marks())
            self._save_marks.start()
        if item != self._current:
            self._current = item
            self.current_changed.emit(item)


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
