"""InboxTableModel: the inbox as a Qt table model, sorted and filtered inside the model.

One row per decision (its items are the row's chips) and, in "All" in the default order, a
header row where each reason's rows begin. No QSortFilterProxyModel: over a large Python model
it was measured at 23 s to sort 100k rows; sorting inside the model takes ~0.2 s. The rows
themselves are :class:`InboxState` (no Qt, tested on its own); this class turns its row steps
into Qt's signals: a changed item is one ``dataChanged``, an added or removed one a row insert
or removal (with its section's header when the section appears or empties); only a new search,
filter or triage resets the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from inbox.core.delta import InboxDelta
from inbox.core.items import REASON_ORDER, InboxItem, reason_label
from inbox.core.model import Reason
from inbox.core.read_marks import ReadMarks
from inbox.core.times import as_utc
from inbox.core.triage import Triage
from inbox.ui.inbox_row_text import RowText, row_text
from inbox.ui.inbox_rows import DEADLINE_COLUMN, REASON_COLUMN, deadline_text
from inbox.ui.inbox_sections import SectionHeaders, section_title
from inbox.ui.inbox_state import InboxState

__all__ = ["COLUMNS", "DEADLINE_COLUMN", "REASON_COLUMN", "InboxTableModel", "deadline_text"]

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Key", "Title", "Owner", "State", "Rev.", "Deadline", "Why")
_OVERDUE = QBrush(QColor(198, 40, 40))  # readable on light and dark palettes


class InboxTableModel(QAbstractTableModel):
    """The inbox, sorted, searched and filtered; ``counts_changed`` when the section counts do.

    ``now`` is injectable for tests; it decides relative times, deadlines and snooze ends.
    Rows are view rows: with section headers on (:meth:`set_sections`), a header row holds no
    item (:meth:`section_at` names its reason; it is neither enabled nor selectable).
    """

    ItemRole = Qt.ItemDataRole.UserRole + 1  # the InboxItem leading the row (None: a header)
    RowRole = Qt.ItemDataRole.UserRole + 2  # the row's RowText (None: a header)
    SectionRole = Qt.ItemDataRole.UserRole + 3  # a header row's reason (None: an item row)
    counts_changed = Signal()

    def __init__(self, parent: Any = None, *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._now = now or (lambda: datetime.now(UTC))
        self._state = InboxState(self._now)
        self._signals = _QtRowSignals(self)
        self._want_sections = False
        self._sectioned = False  # headers shown now: wanted, in "All", in the default order
        self._headers = SectionHeaders()
        self._marks = ReadMarks()
        self._names: Mapping[str, str] = {}
        self._triage = Triage()

    # -- Qt's interface (camelCase names are Qt's) ---------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._state.row_count() + len(self._headers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and self._row(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags  # a header: the cursor and the selection pass it by
        return super().flags(index)

    # Complexity C (radon): one branch per Qt item-data role and for header rows, the shape Qt's
    # model API asks for.
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row = self._row(index.row())
        if row is None:
            return self._header_data(index.row(), role)
        item = self._state.item_at(row)
        column = index.column()
        if role == self.RowRole:
            return self._row_text(row)
        if role == self.ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DEADLINE_COLUMN and item.deadline is not None:
                return as_utc(item.deadline).astimezone().isoformat(timespec="minutes")
            return self._row_text(row).sentence() if column == 0 else self._cell(row, item, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _OVERDUE if column == DEADLINE_COLUMN and self._overdue(item) else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._row_text(row).sentence()
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.ensure_index()  # its reset, if any, must come before the layout change
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        # a header's index goes (the headers follow the order); an item's follows its item
        kept = [(self.items(i.row())[:1], i.column()) for i in persistent]
        descending = order == Qt.SortOrder.DescendingOrder
        self._state.sort(column, descending, self._signals)
        self._place_headers()
        rows = [self.row_of(item[0]) if item else None for item, _ in kept]
        self.changePersistentIndexList(
            persistent,
            [
                QModelIndex() if row is None else self.index(row, column)
                for row, (_, column) in zip(rows, kept, strict=True)
            ],
        )
        self.layoutChanged.emit()

    # -- feeding it -----------------------------------------------------------------------------

    def set_items(self, items: Iterable[InboxItem], *, in_inbox_order: bool = False) -> None:
        """The whole inbox; cheapest in the model's order (the core's display order).

        ``in_inbox_order``: the caller promises the core's display order (``compute_inbox``'s
        output is). Then, in the default order with no filter, the rows show at once and the
        bookkeeping only later calls need waits for :meth:`ensure_index`, so the window paints
        first; a broken promise is caught there and costs a reset.
        benchmarks/list_100k.py measures both moments.
        """
        self._state.load(items, self._signals, in_order=in_inbox_order)

    def ensure_index(self) -> None:
        """The bookkeeping :meth:`set_items` put off; a no-op once done. Every call that needs
        it makes it happen; a view calls it after painting, to have it done before the person
        acts."""
        self._state.ensure_index(self._signals)

    def set_filter(
        self,
        search: str = "",
        reasons: Iterable[str] | None = None,
        *,
        team: str | None = None,
        owner: str | None = None,
    ) -> None:
        """Search, keep these reasons (None: all), this team and owner (None: any)."""
        wanted = replace(
            self._state.filter,
            search=search.strip().casefold(),
            reasons=_reasons(reasons),
            team=team,
            owner=owner,
        )
        self._state.set_filter(wanted, self._signals)

    def set_search(self, text: str) -> None:
        """Key, title, owner, conflict key and the search index's text, case-insensitive."""
        needle = text.strip().casefold()
        if needle != self._state.filter.search:
            self._refilter(search=needle)

    def set_reasons(self, reasons: Iterable[str] | None, *, triaged: bool = False) -> None:
        """Keep these reasons (None: all); ``triaged`` shows only snoozed and done items."""
        self._refilter(reasons=_reasons(reasons), triaged=triaged)

    def set_team(self, team: str | None) -> None:
        self._refilter(team=team)

    def set_owner(self, owner: str | None) -> None:
        self._refilter(owner=owner)

    def set_triage(self, triage: Triage) -> None:
        self._triage = triage  # a snoozed row says until when
        self._state.set_triage(triage, self._signals)

    def set_search_index(self, mapping: Mapping[str, str], *, casefolded: bool = False) -> None:
        """Decision key → extra searchable text (body, assertion keys and values);
        ``casefolded``: the caller already casefolded it (the service does, off this thread)."""
        texts = mapping if casefolded else {key: t.casefold() for key, t in mapping.items()}
        self._state.set_search_index(texts, self._signals)

    def refresh_time(self) -> None:
        """Time moved on: snoozes may have ended, relative times and deadlines changed."""
        if not self._state.refresh_time(self._signals):
            self._all_changed()

    def set_sections(self, on: bool) -> None:
        """Header rows where each reason's rows begin, in "All" in the default order."""
        if on != self._want_sections:
            self.beginResetModel()
            self._want_sections = on
            self._place_headers()
            self.endResetModel()

    def set_read_marks(self, marks: ReadMarks) -> None:
        """What this person opened last (the rows' unread marks)."""
        if marks != self._marks:
            self._marks = marks
            self._all_changed()

    def read_marks(self) -> ReadMarks:
        return self._marks

    def mark_opened(self, item: InboxItem) -> bool:
        """``item``'s decision opened at its revision; True when that cleared an unread mark."""
        marks = self._marks.opened(item.key, item.revision)
        if marks is self._marks:
            return False
        self._marks = marks
        for row in self.rows_of_key(item.key):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return True

    def set_names(self, names: Mapping[str, str]) -> None:
        """Handle → display name, for the owners the rows show."""
        if dict(names) != dict(self._names):
            self._names = dict(names)
            self._all_changed()

    def apply(self, delta: InboxDelta) -> None:
        """A sync's changes with the narrowest signals: no reset."""
        self._state.apply(delta, self._signals)

    # -- reading it -----------------------------------------------------------------------------

    def item(self, row: int) -> InboxItem:
        """The item leading view row ``row``, which must not be a header (see :meth:`items`)."""
        at = self._row(row)
        if at is None:
            raise LookupError(f"row {row} is a section header")
        return self._state.item_at(at)

    def items(self, row: int) -> tuple[InboxItem, ...]:
        """The items of view row ``row``, most urgent first; none for a header."""
        at = self._row(row)
        return () if at is None else self._state.row_items(at)

    def section_at(self, row: int) -> str | None:
        """The reason whose header view row ``row`` is, or None for a decision's row."""
        return self._headers.section_at(row)

    def row_of(self, item: InboxItem) -> int | None:
        """The row showing ``item`` (by identity: decision, reason, conflict key), if visible."""
        self.ensure_index()
        row = self._state.row_of(item)
        return None if row is None else self._view_row(row)

    def rows_of_key(self, key: str) -> list[int]:
        """The row of decision ``key`` (one row, whatever the reasons it is in the inbox for)."""
        return [self._view_row(row) for row in self._state.rows_of_key(key)]

    def reason_counts(self) -> dict[Reason, int]:
        """Per reason, the items that pass search, team, owner and triage (not the reason filter)."""
        counts = self._state.counts()
        return {reason: counts.get(reason, 0) for reason in REASON_ORDER}

    def decision_count(self) -> int:
        """Decisions with an item that passes search, team, owner and triage: "All"'s count."""
        return self._state.decision_count()

    def triaged_count(self) -> int:
        """Snoozed or done items that pass search, team and owner."""
        return self._state.triaged_count()

    def item_count(self) -> int:
        """Every item, shown or not."""
        return self._state.item_count()

    def all_items(self) -> list[InboxItem]:
        """Every item, shown or not, in the current order."""
        return self._state.all_items()

    def choices(self) -> tuple[set[str | None], set[str]]:
        """Every team and every owner among the items, for the filters."""
        return self._state.choices()

    def deadline_text(self, item: InboxItem) -> str:
        return "" if item.deadline is None else deadline_text(item.deadline, self._now())

    # -- inside --------------------------------------------------------------------------------

    def _refilter(self, **changes: Any) -> None:
        self._state.set_filter(replace(self._state.filter, **changes), self._signals)

    def _row(self, row: int) -> int | None:
        """The state's row for view row ``row``; None for a header."""
        return self._headers.row(row)

    def _view_row(self, row: int) -> int:
        return self._headers.view_row(row)

    def _place_headers(self) -> None:
        """Where the headers go now; call with the rows settled, before Qt hears of them."""
        wanted = self._state.filter
        self._sectioned = self._want_sections and wanted.reasons is None and not wanted.triaged
        self._headers.starts = self._state.sections() if self._sectioned else []

    def _header_data(self, row: int, role: int) -> Any:
        reason = self.section_at(row)
        if role == self.SectionRole:
            return reason
        if reason is not None and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return section_title(reason)
        return None

    def _row_text(self, row: int) -> RowText:
        items = self._state.row_items(row)
        lead = items[0]
        unread = self._marks.unread(lead.key, lead.revision)
        return row_text(items, self._now(), self._names, unread, self._triage)

    def _all_changed(self) -> None:
        if self.rowCount():
            bottom = self.index(self.rowCount() - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), bottom)

    def _cell(self, row: int, item: InboxItem, column: int) -> str:
        if column == REASON_COLUMN:
            return " · ".join(reason_label(i.reason) for i in self._state.row_items(row))
        if column == 0:
            return item.key
        if column == 1:
            return item.title
        if column == 2:
            return item.owner
        if column == 3:
            return str(item.state)
        if column == 4:
            return f"r{item.revision}"
        return self.deadline_text(item)  # DEADLINE_COLUMN

    def _overdue(self, item: InboxItem) -> bool:
        return item.deadline is not None and as_utc(item.deadline) <= as_utc(self._now())


def _reasons(reasons: Iterable[str] | None) -> frozenset[str] | None:
    return None if reasons is None else frozenset(str(r) for r in reasons)


class _QtRowSignals:
    """:class:`InboxState`'s row steps as the model's Qt signals."""

    def __init__(self, model: InboxTableModel) -> None:
        self._model = model

    def begin_reset(self) -> None:
        self._model.beginResetModel()

    def end_reset(self) -> None:
        self._model._place_headers()
        self._model.endResetModel()

    def begin_insert(self, row: int, section: str) -> None:
        model = self._model
        first, last = model._headers.insert_span(row, section) if model._sectioned else (row, row)
        model.beginInsertRows(QModelIndex(), first, last)

    def end_insert(self) -> None:
        self._model._place_headers()
        self._model.endInsertRows()

    def begin_remove(self, row: int) -> None:
        model = self._model
        first, last = model._headers.remove_span(row, model._state.row_count())
        model.beginRemoveRows(QModelIndex(), first, last)

    def end_remove(self) -> None:
        self._model._place_headers()
        self._model.endRemoveRows()

    def row_changed(self, row: int) -> None:
        model = self._model
        view = model._view_row(row)
        model.dataChanged.emit(model.index(view, 0), model.index(view, len(COLUMNS) - 1))

    def counts_changed(self) -> None:
        self._model.counts_changed.emit()
