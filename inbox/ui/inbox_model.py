"""InboxTableModel: the inbox as a Qt table model, sorted and filtered inside the model.

No QSortFilterProxyModel: over a large Python model it was measured at 23 s to sort 100k rows;
sorting a Python list here is ~0.2 s. Every item is kept sorted once (with its
order key and its casefolded search text in parallel lists); a search or filter only picks from
that sorted list, so a keystroke never re-sorts. A sync's delta becomes the narrowest signals: a
changed item is one ``dataChanged``, an added or removed one a row insert or removal, found by
bisecting the order keys; only a new search, filter or triage resets the model.

Rows are stored in ascending order; a descending sort reads them from the end, so both
directions share one sorted list and one bisect.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from itertools import compress, islice, repeat
from operator import eq, le
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from inbox.core.delta import InboxDelta, ItemId, item_id
from inbox.core.inbox import REASON_ORDER, InboxItem, reason_label
from inbox.core.model import Reason
from inbox.core.times import as_utc
from inbox.core.triage import Triage
from inbox.ui.inbox_rows import (
    DEADLINE_COLUMN,
    ITEM_ID,
    KEY,
    KEY_REASON,
    OWNER,
    REASON_COLUMN,
    TEAM,
    bulk,
    column_keys,
    deadline_text,
    decision_keys,
    find_key,
    grouped_counts,
    search_text,
    search_texts,
)

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
        self._by_id: dict[ItemId, InboxItem] = {}
        # Every item in ascending order, with its order key alongside; the search texts (own,
        # and the search index's) are built at the first search and kept in step after that,
        # each on its own: a new search index drops only the index's texts.
        self._all: list[InboxItem] = []
        self._all_keys: list[Any] = []
        self._indexed = True  # False: _by_id and the order keys wait for _ensure_index
        self._texts: list[str] | None = None
        self._extras: list[str] | None = None
        # The visible ones, ascending, with their order keys (for bisect).
        self._rows: list[InboxItem] = []
        self._row_keys: list[Any] = []
        self._sort_column = REASON_COLUMN
        self._descending = False
        self._search = ""
        self._reasons: frozenset[str] | None = None
        self._team: str | None = None
        self._owner: str | None = None
        self._show_triaged = False
        self._triage = Triage()
        self._triage_ids: frozenset[ItemId] = frozenset()
        self._hidden: set[ItemId] = set()
        self._extra: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._triaged_count = 0

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
        item = self._rows[self._stored(index.row())]
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
        self.ensure_index()
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(self._rows[self._stored(i.row())], i.column()) for i in persistent]
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        with bulk():
            self._all_keys = self._order_keys(self._all)
            self._sort_in_place()
            self._filter()
        rows = [self.row_of(item) for item, _ in kept]
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
        bookkeeping only later calls need (identities, order keys, the order check: ~150 ms at
        100k) waits for :meth:`ensure_index`, so the window paints first; a broken promise is
        caught there and costs a reset.
        tests/perf/inbox_100k.py measures both moments.
        """
        self.beginResetModel()
        with bulk():
            fresh = list(items)
            self._all, self._texts, self._extras = fresh, None, None
            plain = (
                in_inbox_order
                and self._sort_column == REASON_COLUMN
                and not self._descending
                and not (self._search or self._team or self._owner or self._show_triaged)
                and self._reasons is None
                and not self._triage_ids
            )
            if plain:
                self._rows, self._all_keys, self._row_keys = list(fresh), [], []
                self._by_id, self._hidden, self._triaged_count = {}, set(), 0
                self._counts = grouped_counts(fresh)
                self._indexed = False  # InboxListView calls ensure_index after its first paint
            else:
                self._index()
                self._sort_in_place()
                self._hidden = self._hidden_now()
                self._filter()
        self.endResetModel()
        self.counts_changed.emit()

    def _index(self) -> None:
        fresh = self._all
        ids: list[ItemId] = list(map(ITEM_ID, fresh))
        self._by_id = dict(zip(ids, fresh, strict=True))
        if len(self._by_id) != len(fresh):  # the same item twice: the later one wins
            fresh, ids = list(self._by_id.values()), list(self._by_id)
            self._all = fresh
        self._all_keys = self._order_keys(fresh, ids)
        self._indexed = True

    def ensure_index(self) -> None:
        """The bookkeeping :meth:`set_items` put off; a no-op once done. Every call that needs
        it makes it happen; a view calls it after painting, to have it done before the person
        acts."""
        if self._indexed:
            return
        with bulk():
            count = len(self._all)
            self._index()
            keys = self._all_keys
            if len(self._all) == count and all(map(le, keys, islice(keys, 1, None))):
                self._row_keys = list(keys)  # the rows are every item, already in order
                return
        # Not in the order promised (or duplicates): the rows shown so far were wrong.
        self.beginResetModel()
        with bulk():
            self._sort_in_place()
            self._filter()
        self.endResetModel()
        self.counts_changed.emit()

    def set_filter(
        self,
        search: str = "",
        reasons: Iterable[str] | None = None,
        *,
        team: str | None = None,
        owner: str | None = None,
    ) -> None:
        """Search, keep these reasons (None: all), this team and owner (None: any)."""
        self._search = search.strip().casefold()
        self._reasons = None if reasons is None else frozenset(str(r) for r in reasons)
        self._team, self._owner = team, owner
        self._refilter()

    def set_search(self, text: str) -> None:
        """Key, title, owner, conflict key and the search index's text, case-insensitive."""
        needle = text.strip().casefold()
        if needle != self._search:
            self._search = needle
            self._refilter()

    def set_reasons(self, reasons: Iterable[str] | None, *, triaged: bool = False) -> None:
        """Keep these reasons (None: all); ``triaged`` shows only snoozed and done items."""
        self._reasons = None if reasons is None else frozenset(str(r) for r in reasons)
        self._show_triaged = triaged
        self._refilter()

    def set_team(self, team: str | None) -> None:
        self._team = team
        self._refilter()

    def set_owner(self, owner: str | None) -> None:
        self._owner = owner
        self._refilter()

    def set_triage(self, triage: Triage) -> None:
        self.ensure_index()
        self._triage, self._triage_ids = triage, triage.ids()
        self._hidden = self._hidden_now()
        self._refilter()

    def set_search_index(self, mapping: Mapping[str, str], *, casefolded: bool = False) -> None:
        """Decision key → extra searchable text (body, assertion keys and values);
        ``casefolded``: the caller already casefolded it (the service does, off this thread)."""
        if casefolded:
            self._extra = dict(mapping)
        else:
            self._extra = {key: text.casefold() for key, text in mapping.items()}
        self._extras = None
        if self._search:
            self._refilter()

    def refresh_time(self) -> None:
        """Time moved on: snoozes may have ended and relative deadlines changed."""
        self.ensure_index()
        hidden = self._hidden_now()
        if hidden != self._hidden:
            self._hidden = hidden
            self._refilter()
        elif self._rows:
            last = len(self._rows) - 1
            top, bottom = self.index(0, DEADLINE_COLUMN), self.index(last, DEADLINE_COLUMN)
            self.dataChanged.emit(top, bottom)

    def apply(self, delta: InboxDelta) -> None:
        """A sync's changes with the narrowest signals: no reset."""
        self.ensure_index()
        counts = (Counter(self._counts), self._triaged_count)
        for item in delta.removed:
            old = self._by_id.get(item_id(item))
            if old is not None:
                self._drop(old)
        for item in delta.changed:
            old = self._by_id.get(item_id(item))
            if old is None:
                self._add(item)
            elif self._order_key(old) == self._order_key(item):
                self._replace(old, item)
            else:  # its place moved: out, then in where it belongs now
                self._drop(old)
                self._add(item)
        for item in delta.added:
            old = self._by_id.get(item_id(item))
            if old is not None:
                self._drop(old)
            self._add(item)
        if counts != (self._counts, self._triaged_count):
            self.counts_changed.emit()

    # -- reading it -----------------------------------------------------------------------------

    def item(self, row: int) -> InboxItem:
        return self._rows[self._stored(row)]

    def row_of(self, item: InboxItem) -> int | None:
        """The row showing ``item`` (by identity: decision, reason, conflict key), if visible."""
        self.ensure_index()
        known = self._by_id.get(item_id(item))
        if known is None:
            return None
        at = find_key(self._row_keys, self._order_key(known))
        return None if at is None else self._stored(at)

    def rows_of_key(self, key: str) -> list[int]:
        """Rows of decision ``key`` (a decision may be in the inbox for several reasons)."""
        return sorted(self._stored(n) for n, i in enumerate(self._rows) if i.key == key)

    def reason_counts(self) -> dict[Reason, int]:
        """Per reason, the items that pass search, team, owner and triage (not the reason filter)."""
        return {reason: self._counts.get(reason, 0) for reason in REASON_ORDER}

    def triaged_count(self) -> int:
        """Snoozed or done items that pass search, team and owner."""
        return self._triaged_count

    def all_items(self) -> list[InboxItem]:
        """Every item, shown or not, in the current order."""
        return list(self._all)

    def deadline_text(self, item: InboxItem) -> str:
        return "" if item.deadline is None else deadline_text(item.deadline, self._now())

    # -- inside --------------------------------------------------------------------------------

    def _stored(self, row: int) -> int:
        """Between a view row and its place in ``_rows`` (the mapping is its own inverse)."""
        return len(self._rows) - 1 - row if self._descending else row

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

    def _order_keys(
        self, items: list[InboxItem], ids: list[ItemId] | None = None
    ) -> list[tuple[Any, ...]]:
        # Unique per item: ties end on the item's identity, so bisect finds exactly one row.
        if ids is None:
            ids = list(map(ITEM_ID, items))
        return list(
            zip(
                column_keys(items, self._sort_column),
                decision_keys([key for key, _, _ in ids]),
                [reason for _, reason, _ in ids],
                [conflict or "" for _, _, conflict in ids],
                strict=True,
            )
        )

    def _order_key(self, item: InboxItem) -> tuple[Any, ...]:
        return self._order_keys([item])[0]  # the same code as for 100k, so the keys agree

    def _sort_in_place(self) -> None:
        keys = self._all_keys
        if all(map(le, keys, islice(keys, 1, None))):
            return  # already in order (the core hands the inbox over in display order)
        perm = sorted(range(len(keys)), key=keys.__getitem__)
        self._all = list(map(self._all.__getitem__, perm))
        self._all_keys = list(map(keys.__getitem__, perm))
        if self._texts is not None:
            self._texts = list(map(self._texts.__getitem__, perm))
        if self._extras is not None:
            self._extras = list(map(self._extras.__getitem__, perm))

    def _ensure_texts(self) -> tuple[list[str], list[str]]:
        if self._texts is None:
            self._texts = search_texts(self._all)
        if self._extras is None:
            self._extras = list(map(self._extra.get, map(KEY, self._all), repeat("")))
        return self._texts, self._extras

    def _hidden_now(self) -> set[ItemId]:
        now = self._now()
        known = self._by_id
        return {
            wanted
            for wanted in self._triage_ids
            if wanted in known and self._triage.hides(known[wanted], now)
        }

    def _refilter(self) -> None:
        self.ensure_index()
        self.beginResetModel()
        before = (Counter(self._counts), self._triaged_count)
        with bulk():
            self._filter()
        self.endResetModel()
        if before != (self._counts, self._triaged_count):
            self.counts_changed.emit()

    def _filter(self) -> None:
        """Pick the visible rows from the sorted list (no sort) and count the sections."""
        items, keys = self._all, self._all_keys
        if self._search:
            needle, (texts, extras) = self._search, self._ensure_texts()
            if self._extra:
                mask = [needle in t or needle in e for t, e in zip(texts, extras, strict=True)]
            else:
                mask = [needle in t for t in texts]
            items, keys = list(compress(items, mask)), list(compress(keys, mask))
        for wanted, field in ((self._team, TEAM), (self._owner, OWNER)):
            if wanted is not None:
                mask = list(map(eq, map(field, items), repeat(wanted)))
                items, keys = list(compress(items, mask)), list(compress(keys, mask))
        hidden_mask = self._hidden_mask(items)
        if hidden_mask is None:
            shown, shown_keys, self._triaged_count = items, keys, 0
            triaged, triaged_keys = [], []
        else:
            keep = [not h for h in hidden_mask]
            shown, shown_keys = list(compress(items, keep)), list(compress(keys, keep))
            triaged = list(compress(items, hidden_mask))
            triaged_keys = list(compress(keys, hidden_mask))
            self._triaged_count = len(triaged)
        # The reason from the order keys: small tuples, not 10^5 item objects to visit again.
        self._counts = Counter(map(KEY_REASON, shown_keys))
        if self._show_triaged:
            self._rows, self._row_keys = triaged, triaged_keys
        elif self._reasons is not None:
            mask = [r in self._reasons for r in map(KEY_REASON, shown_keys)]
            self._rows, self._row_keys = (
                list(compress(shown, mask)),
                list(compress(shown_keys, mask)),
            )
        elif shown is self._all:  # nothing filtered: the rows must not share the list
            self._rows, self._row_keys = list(shown), list(shown_keys)
        else:
            self._rows, self._row_keys = shown, shown_keys

    def _hidden_mask(self, items: list[InboxItem]) -> list[bool] | None:
        if not self._hidden:
            return None
        hidden = self._hidden
        keys = {key for key, _, _ in hidden}  # a cheap first test before building the id
        return [i.key in keys and item_id(i) in hidden for i in items]

    def _matches(self, item: InboxItem) -> bool:
        needle = self._search
        return (
            (not needle or needle in search_text(item) or needle in self._extra.get(item.key, ""))
            and (self._team is None or item.team == self._team)
            and (self._owner is None or item.owner == self._owner)
        )

    def _hides(self, item: InboxItem) -> bool:
        wanted = item_id(item)
        return wanted in self._triage_ids and self._triage.hides(item, self._now())

    def _status(self, item: InboxItem) -> tuple[bool, bool, bool]:
        """(matches search/team/owner, hidden by triage, visible as a row)."""
        matches = self._matches(item)
        hidden = item_id(item) in self._hidden
        if self._show_triaged:
            return matches, hidden, matches and hidden
        wanted = self._reasons is None or item.reason in self._reasons
        return matches, hidden, matches and not hidden and wanted

    def _count(self, item: InboxItem, matches: bool, hidden: bool, step: int) -> None:
        if not matches:
            return
        if hidden:
            self._triaged_count += step
        else:
            self._counts[item.reason] += step

    def _drop(self, old: InboxItem) -> None:
        key = self._order_key(old)
        at = find_key(self._all_keys, key)
        if at is None:  # cannot happen while the lists agree with _by_id; never corrupt them
            return
        matches, hidden, visible = self._status(old)
        self._count(old, matches, hidden, -1)
        del self._all[at], self._all_keys[at]
        if self._texts is not None:
            del self._texts[at]
        if self._extras is not None:
            del self._extras[at]
        del self._by_id[item_id(old)]
        self._hidden.discard(item_id(old))
        row = find_key(self._row_keys, key) if visible else None
        if row is not None:
            shown = self._stored(row)
            self.beginRemoveRows(QModelIndex(), shown, shown)
            del self._rows[row], self._row_keys[row]
            self.endRemoveRows()

    def _add(self, item: InboxItem) -> None:
        key, wanted = self._order_key(item), item_id(item)
        at = bisect.bisect_left(self._all_keys, key)
        self._all.insert(at, item)
        self._all_keys.insert(at, key)
        if self._texts is not None:
            self._texts.insert(at, search_text(item))
        if self._extras is not None:
            self._extras.insert(at, self._extra.get(item.key, ""))
        self._by_id[wanted] = item
        if self._hides(item):
            self._hidden.add(wanted)
        matches, hidden, visible = self._status(item)
        self._count(item, matches, hidden, +1)
        if visible:
            row = bisect.bisect_left(self._row_keys, key)
            shown = len(self._rows) - row if self._descending else row
            self.beginInsertRows(QModelIndex(), shown, shown)
            self._rows.insert(row, item)
            self._row_keys.insert(row, key)
            self.endInsertRows()

    def _replace(self, old: InboxItem, new: InboxItem) -> None:
        """``new`` in ``old``'s place (same order key): one dataChanged when it stays visible."""
        key = self._order_key(old)
        at = find_key(self._all_keys, key)
        row = find_key(self._row_keys, key) if self._status(old)[2] else None
        if at is None or row is None or self._hides(new) or not self._matches(new):
            self._drop(old)  # not a row, or it leaves the rows: the general path
            self._add(new)
            return
        # Same identity, so same reason; still matching and still shown: counts stay.
        self._all[at], self._by_id[item_id(new)], self._rows[row] = new, new, new
        if self._texts is not None:
            self._texts[at] = search_text(new)
        shown = self._stored(row)
        self.dataChanged.emit(self.index(shown, 0), self.index(shown, len(COLUMNS) - 1))
