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
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
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
from inbox.core.items import InboxItem
from inbox.core.read_marks import ReadMarks
from inbox.core.triage import Triage
from inbox.ui.inbox_delegate import InboxRowDelegate
from inbox.ui.inbox_filters import SEARCH_PLACEHOLDER, InboxFilterBar
from inbox.ui.inbox_model import COLUMNS, REASON_COLUMN, InboxTableModel
from inbox.ui.inbox_read_marks import ReadMarksKeeper
from inbox.ui.inbox_sections import (
    ALL_SECTION,
    SECTIONS,
    TRIAGED_SECTION,
    section_title,
    section_tooltip,
)

__all__ = ["EMPTY_INBOX", "NOTHING_MATCHES", "SEARCH_PLACEHOLDER", "InboxListView"]
EMPTY_INBOX = "Nothing in your inbox."
NOTHING_MATCHES = "Nothing matches this search or filter."
_SECTION_ROLE = Qt.ItemDataRole.UserRole
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
        self._marks = ReadMarksKeeper(self._model)

        self._sections = QListWidget(self)
        self._sections.setAccessibleName("Inbox sections")
        for section in SECTIONS:
            entry = QListWidgetItem(section_title(section))
            entry.setToolTip(section_tooltip(section))
            entry.setData(_SECTION_ROLE, section)
            self._sections.addItem(entry)
        self._sections.setCurrentRow(0)

        self._filters = InboxFilterBar(self)
        self._search = self._filters.search

        self._table = QTableView(self)
        self._settle_after_paint = False
        self._table.viewport().installEventFilter(self)
        self._table.setAccessibleName("Inbox items")
        self._table.setModel(self._model)
        self._delegate = InboxRowDelegate.install(self._table, len(COLUMNS), REASON_COLUMN)
        self._model.set_sections(True)

        self._waiting: str | None = None  # no inbox yet: what the empty list says instead
        self._empty = QLabel(EMPTY_INBOX, self)
        self._empty.setAccessibleName("Inbox empty state")
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pages = QStackedWidget(self)
        self._pages.addWidget(self._table)
        self._pages.addWidget(self._empty)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._filters)
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

        self._filters.search_changed.connect(self._model.set_search)
        self._filters.team_changed.connect(self._model.set_team)
        self._filters.owner_changed.connect(self._model.set_owner)
        self._filters.sort_changed.connect(self._on_filters_sort_changed)
        self._filters.leave_requested.connect(self.focus_list)
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
        # at 10^5 items the window shows ~5x sooner (benchmarks/list_100k.py).
        self._settle_after_paint = True
        self._table.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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
        self._filters.fill(*self._model.choices(), replace=True)

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
        self._filters.fill(teams, owners, replace=False)
        self._sync_current()

    @property
    def waiting(self) -> bool:
        return self._waiting is not None

    def set_waiting(self, text: str | None) -> None:
        """``text``: there is no inbox to show yet (the first sync has not come), and the empty
        list says this instead of "Nothing in your inbox"; None: the inbox is here."""
        self._waiting = text
        self._on_model_rows_changed()

    def set_search_index(self, mapping: Mapping[str, str], *, casefolded: bool = False) -> None:
        self._model.set_search_index(mapping, casefolded=casefolded)

    def set_triage(self, triage: Triage) -> None:
        self._model.set_triage(triage)

    def set_names(self, people: Mapping[str, Any]) -> None:
        """Handle → person (with a ``name``) or name: the owners' display names."""
        self._model.set_names({h: str(getattr(p, "name", p) or h) for h, p in people.items()})

    def set_read_marks(self, marks: ReadMarks) -> None:
        """The marks as saved; what was opened here meanwhile stays opened."""
        self._marks.merge(marks)

    def use_read_marks(self, store: Any) -> None:
        """Load the read marks from ``store`` (a ``ReadMarksService``) and save them there
        whenever a row is opened."""
        self._marks.use(store)

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

    @Slot(int)
    def _on_filters_sort_changed(self, column: int) -> None:
        self._table.sortByColumn(column, Qt.SortOrder.AscendingOrder)

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
            text = EMPTY_INBOX if nothing else NOTHING_MATCHES
            self._empty.setText(self._waiting if self._waiting and nothing else text)
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
            self._marks.changed()
        if item != self._current:
            self._current = item
            self.current_changed.emit(item)
