"""DecisionRows: the inbox list's visible records as one row per decision, without Qt.

A decision can be in the inbox for several reasons at once (changed since you acknowledged it
and in conflict): one record each, but one row. The row stands for the decision's first
visible record in the current order, its *lead* (in the default order, and by key, title or
owner, its most urgent reason: ``inbox_rows.order_keys``); the row shows every visible record
as a chip. Built whole from the visible records, then kept in step one record at a time,
telling a ``RowSignals`` listener (``inbox_state``) before and after each row.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from typing import Protocol

from inbox.core.items import REASON_ORDER
from inbox.ui.inbox_rows import FIRST, REASON_RANK, REC_IDENT, OrderKey, Record, find_key


class RowSignals(Protocol):
    """What a listener hears, in view rows (a descending sort already applied). Each ``begin_``
    comes before the rows change and its ``end_`` after, as Qt's models need (``InboxState``
    and :class:`DecisionRows` tell them)."""

    def begin_reset(self) -> None: ...
    def end_reset(self) -> None: ...
    def begin_insert(self, row: int, section: str) -> None:
        """``section``: the reason of the row to come (the model's section headers read it)."""

    def end_insert(self) -> None: ...
    def begin_remove(self, row: int) -> None: ...
    def end_remove(self) -> None: ...
    def row_changed(self, row: int) -> None: ...
    def counts_changed(self) -> None: ...


def _rank(record: Record) -> int:
    return int(record[0][0])


class DecisionRows:
    """``leads``: one record per decision, ascending; ``more``: decision key → its visible
    records, ascending, for the decisions with more than one. Rows are told to the listener
    in view rows: a descending sort reads ``leads`` from the end."""

    def __init__(self, leads: list[Record], more: dict[str, list[Record]], descending: bool):
        self.leads = leads
        self.more = more
        self.descending = descending
        self._lead_of: dict[str, Record] | None = None  # decision key → lead, built when asked

    @classmethod
    def of(
        cls, visible: list[Record], descending: bool, per_key: Counter[str] | None = None
    ) -> DecisionRows:
        """From the visible records in ascending order; ``per_key``: their count per decision,
        when the caller has it (then, with one record per decision, the usual case at 10^5,
        there is nothing to do)."""
        if per_key is not None and len(per_key) == len(visible):
            return cls(visible, {}, descending)
        keys = list(map(FIRST, map(REC_IDENT, visible)))
        lead_of = dict(zip(reversed(keys), reversed(visible), strict=True))  # the first wins
        if len(lead_of) == len(visible):
            made = cls(visible, {}, descending)
        else:
            more: dict[str, list[Record]] = {k: [] for k, n in Counter(keys).items() if n > 1}
            for key, record in zip(keys, visible, strict=True):
                if key in more:
                    more[key].append(record)
            leads = [r for r, k in zip(visible, keys, strict=True) if lead_of[k] is r]
            made = cls(leads, more, descending)
        made._lead_of = lead_of
        return made

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DecisionRows):
            return NotImplemented
        return (self.leads, self.more, self.descending) == (
            other.leads,
            other.more,
            other.descending,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __len__(self) -> int:
        return len(self.leads)

    # -- reading ---------------------------------------------------------------------------------

    def lead(self, key: str) -> Record | None:
        return self._index().get(key)

    def members(self, at: int) -> list[Record]:
        """The visible records of the row at ``leads[at]``, most urgent first."""
        lead = self.leads[at]
        group = self.more.get(lead[1][0])
        if group is None:
            return [lead]
        return sorted(group, key=lambda r: (REASON_RANK[r[1][1]], r[1][2] or ""))

    def place(self, order: OrderKey, key: str) -> int | None:
        """Where in ``leads`` the row showing the record ``order`` of decision ``key`` is."""
        at = find_key(self.leads, order)
        if at is not None:
            return at
        group = self.more.get(key)
        if group is None or find_key(group, order) is None:
            return None
        return find_key(self.leads, group[0][0])

    def starts(self) -> list[tuple[int, str]]:
        """(place in ``leads``, reason) where each reason's run begins, when the leads are in
        the reason column's order (its order key starts with the reason's rank)."""
        out = []
        for rank, reason in enumerate(REASON_ORDER):
            at = bisect_left(self.leads, rank, key=_rank)
            if at < len(self.leads) and _rank(self.leads[at]) == rank:
                out.append((at, str(reason)))
        return out

    def index_agrees(self) -> bool:
        built = self._lead_of
        return built is None or built == {lead[1][0]: lead for lead in self.leads}

    # -- changes ---------------------------------------------------------------------------------

    def add(self, record: Record, signals: RowSignals) -> None:
        key, index = record[1][0], self._index()
        lead = index.get(key)
        if lead is None:
            self._insert(record, signals)
            index[key] = record
            return
        group = self.more.setdefault(key, [lead])
        leads = record[0] < lead[0]
        if leads:  # the row's place moves with its new lead; the old row goes as it was
            self._remove(lead, signals)
        group.insert(bisect_left(group, record[0], key=FIRST), record)
        if leads:
            self._insert(record, signals)
            index[key] = record
        else:
            signals.row_changed(self._view(self._at(lead)))

    def drop(self, record: Record, signals: RowSignals) -> None:
        key, index = record[1][0], self._index()
        group = self.more.get(key)
        if group is None:
            lead = index.get(key)
            if lead is not None and lead[0] == record[0]:
                self._remove(lead, signals)
                del index[key]
            return
        at = find_key(group, record[0])
        if at is None:
            return
        lead = group[0]
        if at == 0:  # the old row goes as it was; the next record leads it, at its own place
            self._remove(lead, signals)
        del group[at]
        if len(group) == 1:
            del self.more[key]
        if at == 0:
            self._insert(group[0], signals)
            index[key] = group[0]
        else:
            signals.row_changed(self._view(self._at(lead)))

    def replace(self, record: Record, signals: RowSignals) -> None:
        """``record`` in place of the visible record with the same order key (the caller
        checked with :meth:`place` that there is one)."""
        key = record[1][0]
        group = self.more.get(key)
        if group is not None:
            member = find_key(group, record[0])
            assert member is not None, "a visible record missing from its row"
            group[member] = record
        at = find_key(self.leads, record[0])
        if at is not None:
            self.leads[at] = record
            if self._lead_of is not None:
                self._lead_of[key] = record
        elif group is not None:
            at = self._at(group[0])
        assert at is not None, "a visible record missing from the rows"
        signals.row_changed(self._view(at))

    def renew(self, renew: Callable[[list[Record]], None]) -> None:
        """``renew`` applied in place to the leads and every group (new search texts)."""
        renew(self.leads)
        for group in self.more.values():
            renew(group)
        self._lead_of = None

    # -- inside ----------------------------------------------------------------------------------

    def _index(self) -> dict[str, Record]:
        if self._lead_of is None:
            self._lead_of = dict(
                zip(map(FIRST, map(REC_IDENT, self.leads)), self.leads, strict=True)
            )
        return self._lead_of

    def _at(self, lead: Record) -> int:
        at = find_key(self.leads, lead[0])
        assert at is not None, "a lead missing from the rows"
        return at

    def _view(self, at: int) -> int:
        return len(self.leads) - 1 - at if self.descending else at

    def _insert(self, record: Record, signals: RowSignals) -> None:
        at = bisect_left(self.leads, record[0], key=FIRST)
        signals.begin_insert(len(self.leads) - at if self.descending else at, record[1][1])
        self.leads.insert(at, record)
        signals.end_insert()

    def _remove(self, lead: Record, signals: RowSignals) -> None:
        at = self._at(lead)
        signals.begin_remove(self._view(at))
        del self.leads[at]
        signals.end_remove()
