"""InboxState: the inbox list's rows without Qt, sorted, searched, filtered and counted.

Every item is one record (``inbox_rows.Record``: plain values only, so the collector soon
stops tracking it) in one ascending list; the items sit in one dict by identity. The visible
records, one row per decision (``inbox_groups.DecisionRows``), and the section counts are built
whole only by ``inbox_rows.pick``; a sync's delta moves one record at a time and tells a
:class:`RowSignals` listener (the Qt model) before and after each row, so a view keeps its
selection and scroll position. :meth:`InboxState.check` compares the state with a rebuild from
scratch. A descending sort reads the ascending rows from the end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from itertools import islice
from operator import lt

from inbox.core.delta import InboxDelta, ItemId, item_id
from inbox.core.items import InboxItem
from inbox.core.triage import Triage
from inbox.ui.inbox_groups import DecisionRows, RowSignals
from inbox.ui.inbox_rows import (
    FIRST,
    OWNER,
    REASON_COLUMN,
    REC_IDENT,
    REC_OWNER,
    REC_TEAM,
    TEAM,
    OrderKey,
    Record,
    RowFilter,
    changed_texts,
    find_key,
    grouped_counts,
    index_records,
    key_step,
    matches,
    order_keys,
    pick,
    reason_starts,
    records,
    renew_texts,
    resorted,
)


class InboxState:
    """The records, the visible rows and the counts; one method per transition.

    ``now`` decides snooze ends. Transitions that change rows take a :class:`RowSignals`.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._filter = RowFilter()
        self._column, self._descending = REASON_COLUMN, False
        self._triage, self._triage_ids = Triage(), frozenset[ItemId]()
        self._extra: dict[str, str] = {}
        # Items shown in the order handed over, before the records exist (see load).
        self._pending: list[InboxItem] | None = None
        self._by_id: dict[ItemId, InboxItem] = {}
        self._records: list[Record] = []  # ascending, unique order keys
        self._rows = DecisionRows([], {}, False)  # the visible records, a row per decision
        self._hidden: set[ItemId] = set()  # hidden by triage when the rows were last picked
        self._counts: Counter[str] = Counter()
        # Shown items per decision key; None while no decision has two items (then each
        # shown item is a decision): built when a delta needs it.
        self._decisions: Counter[str] | None = Counter()
        self._per_key: Counter[str] = Counter()  # every record per decision key
        self._multi = 0  # decisions with two records or more
        self._triaged: Counter[str] = Counter()  # snoozed or done items per decision

    @property
    def indexed(self) -> bool:
        return self._pending is None

    @property
    def filter(self) -> RowFilter:
        return self._filter

    def row_count(self) -> int:
        return len(self._rows.leads if self._pending is None else self._pending)

    def item_count(self) -> int:
        return len(self._by_id if self._pending is None else self._pending)

    def item_at(self, row: int) -> InboxItem:
        """The item that leads the row: its place in the order is the row's."""
        if self._pending is not None:
            return self._pending[row]
        return self._by_id[self._rows.leads[self._stored(row)][1]]

    def row_items(self, row: int) -> tuple[InboxItem, ...]:
        """Every visible item of the row's decision, most urgent first (the row's chips)."""
        if self._pending is not None:
            return (self._pending[row],)
        return tuple(self._by_id[r[1]] for r in self._rows.members(self._stored(row)))

    def row_of(self, item: InboxItem) -> int | None:
        """The view row showing ``item`` (by identity) as a chip, if visible; needs the index."""
        known = self._by_id.get(item_id(item))
        if known is None:
            return None
        at = self._rows.place(self._order_key(known), known.key)
        return None if at is None else self._stored(at)

    def rows_of_key(self, key: str) -> list[int]:
        """The row of decision ``key``, if shown: one or none."""
        if self._pending is not None:
            return [n for n, i in enumerate(self._pending) if i.key == key]
        lead = self._rows.lead(key)
        return [] if lead is None else [self._stored(find_key(self._rows.leads, lead[0]) or 0)]

    def sections(self) -> list[tuple[int, str]]:
        """(view row, reason) where each reason's rows begin, in the reason column's ascending
        order; otherwise none (the list's section headers follow this)."""
        if (self._column, self._descending) != (REASON_COLUMN, False):
            return []
        return self._rows.starts() if self._pending is None else reason_starts(self._pending)

    def counts(self) -> Counter[str]:
        """Per reason, the items that pass search, team, owner and triage (not the reasons)."""
        return Counter(self._counts)

    def decision_count(self) -> int:
        """The decisions with an item that passes search, team, owner and triage: "All" (until
        the index is built, the items)."""
        if self._pending is not None:
            return len(self._pending)
        shown = self._decisions
        return sum(self._counts.values()) if shown is None else len(shown)

    def triaged_count(self) -> int:
        return len(self._triaged)  # decisions, like "All": a row is a decision

    def all_items(self) -> list[InboxItem]:
        """Every item, shown or not, in the current order."""
        if self._pending is not None:
            return list(self._pending)
        return list(map(self._by_id.__getitem__, map(REC_IDENT, self._records)))

    def choices(self) -> tuple[set[str | None], set[str]]:
        """Every team and every owner among the items."""
        if self._pending is not None:
            return set(map(TEAM, self._pending)), set(map(OWNER, self._pending))
        return set(map(REC_TEAM, self._records)), set(map(REC_OWNER, self._records))

    def load(self, items: Iterable[InboxItem], signals: RowSignals, *, in_order: bool) -> None:
        """The whole inbox (a later duplicate wins). ``in_order``: the caller promises the
        model's default order; then, when nothing filters, the rows show at once, one per
        item, and the records and the rows of decisions with several items wait for
        :meth:`ensure_index` (~0.2 s at 100k), so a window paints first."""
        signals.begin_reset()
        fresh = list(items)
        plain = (
            in_order
            and (self._column, self._descending) == (REASON_COLUMN, False)
            and self._filter == RowFilter()
            and not self._triage_ids
        )
        self._by_id, self._records, self._hidden = {}, [], set()
        self._per_key, self._multi = Counter(), 0
        self._rows = DecisionRows([], {}, self._descending)
        if plain:
            self._pending, self._counts, self._triaged = fresh, grouped_counts(fresh), Counter()
        else:
            self._pending = None
            self._index(fresh)
            self._hidden = self._hidden_now()
            self._pick()
        signals.end_reset()
        signals.counts_changed()

    def ensure_index(self, signals: RowSignals) -> None:
        """Build the records :meth:`load` put off; a broken order promise, or a decision with
        several items (one row now), costs one reset."""
        if self._pending is None:
            return
        pending = self._pending
        if self._index(pending) and not self._multi:  # the rows shown were right: nothing to tell
            self._pending, self._decisions = None, None
            self._rows = DecisionRows(list(self._records), {}, False)
            return
        signals.begin_reset()
        self._pending = None
        self._pick()
        signals.end_reset()
        signals.counts_changed()

    def sort(self, column: int, descending: bool, signals: RowSignals) -> None:
        """Re-sort the records and re-pick the rows; the caller announces the layout change
        (after :meth:`ensure_index`, whose reset must not fall inside it)."""
        self.ensure_index(signals)
        items = self.all_items()
        self._column, self._descending = column, descending
        self._records = resorted(self._records, order_keys(items, column))
        self._pick()

    def set_filter(self, wanted: RowFilter, signals: RowSignals) -> None:
        self._filter = wanted
        self._repick(signals)

    def set_triage(self, triage: Triage, signals: RowSignals) -> None:
        self.ensure_index(signals)
        self._triage, self._triage_ids = triage, triage.ids()
        self._hidden = self._hidden_now()
        self._repick(signals)

    def set_search_index(self, extra: Mapping[str, str], signals: RowSignals) -> None:
        """Decision key → extra casefolded searchable text. Only the records of decisions whose
        text changed are rebuilt: the service sends the whole index after every sync round."""
        old, self._extra = self._extra, dict(extra)
        if self._pending is not None or not self._records:
            return  # no records yet: ensure_index and load read the new texts
        changed = changed_texts(old, self._extra)
        if not changed:
            return
        renew_texts(self._records, changed, self._extra)
        if self._filter.search:
            self._repick(signals)
        else:  # the same rows: only what a search would find changed
            self._rows.renew(lambda rows: renew_texts(rows, changed, self._extra))

    def refresh_time(self, signals: RowSignals) -> bool:
        """Time moved on; True when a snooze ended or began and the rows were re-picked."""
        self.ensure_index(signals)
        hidden = self._hidden_now()
        if hidden == self._hidden:
            return False
        self._hidden = hidden
        self._repick(signals)
        return True

    def apply(self, delta: InboxDelta, signals: RowSignals) -> None:
        """A sync's changes, one row signal each: never a reset once indexed."""
        self.ensure_index(signals)
        if self._decisions is None:  # the per-decision counts the steps below keep
            every = replace(self._filter, reasons=None, triaged=False)
            shown = pick(self._records, every, self._hidden, per_key=False)[0]
            self._decisions = Counter(map(FIRST, map(REC_IDENT, shown)))
        before = self._count_state()
        for item in delta.removed:
            old = self._by_id.get(item_id(item))
            if old is not None:
                self._drop(old, signals)
        for item in delta.changed:
            old = self._by_id.get(item_id(item))
            if old is None:
                self._add(item, signals)
            elif self._order_key(old) == self._order_key(item):
                self._replace(old, item, signals)
            else:  # its place moved: out, then in where it belongs now
                self._drop(old, signals)
                self._add(item, signals)
        for item in delta.added:
            old = self._by_id.get(item_id(item))
            if old is not None:
                self._drop(old, signals)
            self._add(item, signals)
        if before != self._count_state():
            signals.counts_changed()

    def check(self) -> None:
        """Raise AssertionError where the state differs from one rebuilt from scratch."""
        if self._pending is not None:
            _expect(self._counts == grouped_counts(self._pending), "pending counts")
            return
        orders = list(map(FIRST, self._records))
        _expect(all(map(lt, orders, islice(orders, 1, None))), "records not strictly ascending")
        _expect(len(self._by_id) == len(self._records), "records and items differ in number")
        built = records(self.all_items(), self._column, self._extra)
        _expect(built == self._records, "a record differs from its item's")
        _expect(self._hidden <= self._triage_ids & self._by_id.keys(), "hidden set")
        rows, counts, triaged, per_key = pick(self._records, self._filter, self._hidden)
        decisions = per_key or Counter()
        _expect(DecisionRows.of(rows, self._descending) == self._rows, "visible rows")
        _expect(self._rows.index_agrees(), "the rows' index of decisions")
        _expect((counts, triaged) == (self._counts, +self._triaged), "counts")
        _expect(self._decisions in (None, +decisions), "decision counts")
        _expect(self.decision_count() == len(decisions or ()), "decision count")
        _expect(self._per_key == Counter(map(FIRST, map(REC_IDENT, self._records))), "keys")

    def _stored(self, row: int) -> int:
        """Between a view row and its place in ``_rows`` (the mapping is its own inverse)."""
        return len(self._rows) - 1 - row if self._descending else row

    def _order_key(self, item: InboxItem) -> OrderKey:
        return order_keys([item], self._column)[0]  # the same code as for 100k: the keys agree

    def _record(self, item: InboxItem) -> Record:
        return records([item], self._column, self._extra)[0]

    def _index(self, items: list[InboxItem]) -> bool:
        """Records and identities of ``items``; True when they were in order, without
        duplicates."""
        self._by_id, self._records, in_order = index_records(items, self._column, self._extra)
        self._per_key = Counter(map(FIRST, map(REC_IDENT, self._records)))
        self._multi = sum(1 for n in self._per_key.values() if n > 1)
        return in_order

    def _hidden_now(self) -> set[ItemId]:
        now, known = self._now(), self._by_id
        return {i for i in self._triage_ids if i in known and self._triage.hides(known[i], now)}

    def _pick(self) -> None:
        rows, self._counts, self._triaged, self._decisions = pick(
            self._records, self._filter, self._hidden, per_key=self._multi > 0
        )
        every = self._filter.reasons is None and not self._filter.triaged  # rows: all shown
        if not self._multi:  # every decision has one record: the rows are the records
            self._rows = DecisionRows(rows, {}, self._descending)
        else:
            self._rows = DecisionRows.of(rows, self._descending, self._decisions if every else None)

    def _repick(self, signals: RowSignals) -> None:
        self.ensure_index(signals)
        before = self._count_state()
        signals.begin_reset()
        self._pick()
        signals.end_reset()
        if before != self._count_state():
            signals.counts_changed()

    def _count_state(self) -> tuple[Counter[str], int, int]:  # what the section list shows
        return Counter(self._counts), len(self._triaged), self.decision_count()

    def _status(self, record: Record, hidden: bool) -> tuple[bool, bool]:
        """(passes search/team/owner, visible as a row) for ``record`` with this triage state."""
        found = matches(record, self._filter)
        if self._filter.triaged:
            return found, found and hidden
        reasons = self._filter.reasons
        return found, found and not hidden and (reasons is None or record[1][1] in reasons)

    def _count(self, record: Record, found: bool, hidden: bool, step: int) -> None:
        if not found:
            return
        if hidden:
            key_step(self._triaged, record[1][0], step)  # its count of decisions is wanted
            return
        self._counts[record[1][1]] += step
        key = record[1][0]
        if self._decisions is not None:
            self._decisions[key] += step
            if not self._decisions[key]:
                del self._decisions[key]

    def _drop(self, old: InboxItem, signals: RowSignals) -> None:
        key = self._order_key(old)
        at = find_key(self._records, key)
        if at is None:  # cannot happen while the records agree with _by_id; never corrupt them
            return
        record = self._records[at]
        hidden = record[1] in self._hidden
        found, visible = self._status(record, hidden)
        self._count(record, found, hidden, -1)
        if visible:  # first, while the item can still be read at its row
            self._rows.drop(record, signals)
        del self._records[at], self._by_id[record[1]]
        self._multi += key_step(self._per_key, record[1][0], -1)
        self._hidden.discard(record[1])

    def _add(self, item: InboxItem, signals: RowSignals) -> None:
        record = self._record(item)
        self._records.insert(bisect_left(self._records, record[0], key=FIRST), record)
        self._by_id[record[1]] = item
        self._multi += key_step(self._per_key, record[1][0], +1)
        hidden = self._triage.hides(item, self._now())
        if hidden:
            self._hidden.add(record[1])
        found, visible = self._status(record, hidden)
        self._count(record, found, hidden, +1)
        if visible:
            self._rows.add(record, signals)

    def _replace(self, old: InboxItem, new: InboxItem, signals: RowSignals) -> None:
        """``new`` in ``old``'s place (same order key): one change when it stays a row."""
        key = self._order_key(old)
        at, record = find_key(self._records, key), self._record(new)
        hidden = record[1] in self._hidden
        shown = self._rows.place(key, old.key) is not None
        hides = self._triage.hides(new, self._now())
        if at is None or not shown or hides != hidden or not self._status(record, hidden)[1]:
            self._drop(old, signals)  # not a row, or it leaves the rows: the general path
            self._add(new, signals)
            return
        # Same identity, so same reason; still found and equally hidden: the counts stay.
        self._records[at] = record
        self._by_id[record[1]] = new
        self._rows.replace(record, signals)


def _expect(condition: bool, what: str) -> None:
    if not condition:  # not an assert: check() must also raise under python -O
        raise AssertionError(f"InboxState out of step: {what}")
