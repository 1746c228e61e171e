"""InboxTableModel: the inbox as a Qt table model, sorted and filtered inside the model.

No QSortFilterProxyModel: over a large Python model it was measured at 23 s to sort 100k rows
(shared/STYLE.md); sorting a Python list here is ~0.2 s. A sync's delta becomes the narrowest
signals: a changed item is one ``dataChanged``, an added or removed one a row insert or removal;
only a new search or filter resets the model.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from inbox.core.delta import InboxDelta, ItemId, item_id
from inbox.core.inbox import REASON_ORDER, InboxItem, reason_label
from inbox.core.keys import decision_sort_key

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Key", "Title", "Owner", "State", "Rev.", "Deadline", "Why")
_REASON_RANK = {reason: n for n, reason in enumerate(REASON_ORDER)}
_FAR = datetime.max.replace(tzinfo=UTC)


_SORT_KEYS: tuple[Callable[[InboxItem], Any], ...] = (
    lambda i: decision_sort_key(i.key),
    lambda i: i.title.casefold(),
    lambda i: i.owner,
    lambda i: str(i.state),
    lambda i: i.revision,
    lambda i: i.deadline or _FAR,
    lambda i: (_REASON_RANK[i.reason], decision_sort_key(i.key)),
)


class InboxTableModel(QAbstractTableModel):
    ItemRole = Qt.ItemDataRole.UserRole + 1  # the InboxItem itself

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[InboxItem] = []
        self._rows: list[InboxItem] = []
        self._order_keys: list[Any] = []  # the sort key of each visible row, for bisect
        self._sort_column = 6
        self._descending = False
        self._search = ""
        self._reasons: frozenset[str] | None = None

    # -- Qt's interface (camelCase names are Qt's) ---------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == self.ItemRole:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _cell(item, index.column())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.key} {item.title}, {reason_label(item.reason)}"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._arrange()
        self.layoutChanged.emit()

    # -- feeding it -----------------------------------------------------------------------------

    def set_items(self, items: Iterable[InboxItem]) -> None:
        self.beginResetModel()
        self._all = list(items)
        self._arrange()
        self.endResetModel()

    def set_filter(self, search: str = "", reasons: Iterable[str] | None = None) -> None:
        """Search key, title, owner and assertion key (case-insensitive); keep these reasons."""
        self.beginResetModel()
        self._search = search.strip().casefold()
        self._reasons = None if reasons is None else frozenset(reasons)
        self._arrange()
        self.endResetModel()

    def apply(self, delta: InboxDelta) -> None:
        """A sync's changes with the narrowest signals: no reset."""
        gone = {item_id(i) for i in delta.removed}
        fresh = {item_id(i): i for i in delta.changed}
        if gone or fresh:
            self._all = [fresh.get(item_id(i), i) for i in self._all if item_id(i) not in gone]
        self._all += delta.added
        for item in delta.removed:
            row = self._row_of(item_id(item))
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._order_keys[row]
                self.endRemoveRows()
        for item in delta.changed:
            row = self._row_of(item_id(item))
            if row is None:
                continue
            if self._order_key(item) == self._order_keys[row]:
                self._rows[row] = item
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            else:  # its place moved: out, then in where it belongs now
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del self._order_keys[row]
                self.endRemoveRows()
                self._insert(item)
        for item in delta.added:
            self._insert(item)

    def item(self, row: int) -> InboxItem:
        return self._rows[row]

    # -- inside --------------------------------------------------------------------------------

    def _visible(self, item: InboxItem) -> bool:
        if self._reasons is not None and str(item.reason) not in self._reasons:
            return False
        if not self._search:
            return True
        haystack = f"{item.key} {item.title} {item.owner} {item.conflict_key or ''}".casefold()
        return self._search in haystack

    def _order_key(self, item: InboxItem) -> Any:
        key = (
            _SORT_KEYS[self._sort_column](item),
            decision_sort_key(item.key),
            str(item.reason),
            item.conflict_key or "",
        )
        return _Reversed(key) if self._descending else key

    def _arrange(self) -> None:
        visible = [i for i in self._all if self._visible(i)]
        keyed = sorted(
            ((self._order_key(i), n, i) for n, i in enumerate(visible)), key=lambda t: (t[0], t[1])
        )
        self._order_keys = [k for k, _, _ in keyed]
        self._rows = [i for _, _, i in keyed]

    def _insert(self, item: InboxItem) -> None:
        if not self._visible(item):
            return
        key = self._order_key(item)
        row = bisect.bisect_right(self._order_keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, item)
        self._order_keys.insert(row, key)
        self.endInsertRows()

    def _row_of(self, wanted: ItemId) -> int | None:
        for row, item in enumerate(self._rows):
            if item_id(item) == wanted:
                return row
        return None


class _Reversed:
    """Wraps a sort key so that ordering is reversed; keeps bisect working for descending."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def _cell(item: InboxItem, column: int) -> str:
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
    if column == 5:
        if item.deadline is None:
            return ""
        text = item.deadline.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{text} (overdue)" if item.overdue else text
    return reason_label(item.reason)
