"""InboxTableModel: the inbox as a Qt table model, sorted and filtered inside the model.

No QSortFilterProxyModel: over a large Python model it was measured at 23 s to sort 100k rows;
sorting inside the model takes ~0.2 s. The rows themselves are :class:`InboxState` (no Qt,
tested on its own); this class turns its row steps into Qt's signals: a changed item is one
``dataChanged``, an added or removed one a row insert or removal; only a new search, filter or
triage resets the model.
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
from inbox.core.inbox import REASON_ORDER, InboxItem, reason_label
from inbox.core.model import Reason
from inbox.core.times import as_utc
from inbox.core.triage import Triage
from inbox.ui.inbox_rows import DEADLINE_COLUMN, REASON_COLUMN, deadline_text
from inbox.ui.inbox_state import InboxState

__all__ = ["COLUMNS", "DEADLINE_COLUMN", "REASON_COLUMN", "InboxTableModel", "deadline_text"]

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Key", "Title", "Owner", "State", "Rev.", "Deadline", "Why")
_OVERDUE = QBrush(QColor(198, 40, 40))  # readable on light and dark palettes


class InboxTableModel(QAbstractTableModel):
    """The inbox, sorted, searched and filtered; ``counts_changed`` when the section counts do.

    ``now`` is injectable for tests; it decides relative deadlines and snooze ends.
    """

    ItemRole = Qt.ItemDataRole.UserRole + 1  # the InboxItem itself
    counts_changed = Signal()

    def __init__(self, parent: Any = None, *, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._now = now or (lambda: datetime.now(UTC))
        self._state = InboxState(self._now)
        self._signals = _QtRowSignals(self)

    # -- Qt's interface (camelCase names are Qt's) ---------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._state.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._state.row_count():
            return None
        item = self._state.item_at(index.row())
        column = index.column()
        if role == self.ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DEADLINE_COLUMN and item.deadline is not None:
                return as_utc(item.deadline).astimezone().isoformat(timespec="minutes")
            return self._cell(item, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _OVERDUE if column == DEADLINE_COLUMN and self._overdue(item) else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.key} {item.title}, {reason_label(item.reason)}"
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.ensure_index()  # its reset, if any, must come before the layout change
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._state.item_at(i.row()), i.column()) for i in persistent]
        descending = order == Qt.SortOrder.DescendingOrder
        self._state.sort(column, descending, self._signals)
        rows = [self._state.row_of(item) for item, _ in kept]
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
        tests/perf/inbox_100k.py measures both moments.
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
        self._state.set_triage(triage, self._signals)

    def set_search_index(self, mapping: Mapping[str, str], *, casefolded: bool = False) -> None:
        """Decision key → extra searchable text (body, assertion keys and values);
        ``casefolded``: the caller already casefolded it (the service does, off this thread)."""
        texts = mapping if casefolded else {key: t.casefold() for key, t in mapping.items()}
        self._state.set_search_index(texts, self._signals)

    def refresh_time(self) -> None:
        """Time moved on: snoozes may have ended and relative deadlines changed."""
        if not self._state.refresh_time(self._signals) and self.rowCount():
            last = self.rowCount() - 1
            top, bottom = self.index(0, DEADLINE_COLUMN), self.index(last, DEADLINE_COLUMN)
            self.dataChanged.emit(top, bottom)

    def apply(self, delta: InboxDelta) -> None:
        """A sync's changes with the narrowest signals: no reset."""
        self._state.apply(delta, self._signals)

    # -- reading it -----------------------------------------------------------------------------

    def item(self, row: int) -> InboxItem:
        return self._state.item_at(row)

    def row_of(self, item: InboxItem) -> int | None:
        """The row showing ``item`` (by identity: decision, reason, conflict key), if visible."""
        self.ensure_index()
        return self._state.row_of(item)

    def rows_of_key(self, key: str) -> list[int]:
        """Rows of decision ``key`` (a decision may be in the inbox for several reasons)."""
        return self._state.rows_of_key(key)

    def reason_counts(self) -> dict[Reason, int]:
        """Per reason, the items that pass search, team, owner and triage (not the reason filter)."""
        counts = self._state.counts()
        return {reason: counts.get(reason, 0) for reason in REASON_ORDER}

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

    def _cell(self, item: InboxItem, column: int) -> str:
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
        if column == DEADLINE_COLUMN:
            return self.deadline_text(item)
        return reason_label(item.reason)

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
        self._model.endResetModel()

    def begin_insert(self, row: int) -> None:
        self._model.beginInsertRows(QModelIndex(), row, row)

    def end_insert(self) -> None:
        self._model.endInsertRows()

    def begin_remove(self, row: int) -> None:
        self._model.beginRemoveRows(QModelIndex(), row, row)

    def end_remove(self) -> None:
        self._model.endRemoveRows()

    def row_changed(self, row: int) -> None:
        model = self._model
        model.dataChanged.emit(model.index(row, 0), model.index(row, len(COLUMNS) - 1))

    def counts_changed(self) -> None:
        self._model.counts_changed.emit()
