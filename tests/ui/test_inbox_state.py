"""InboxState without Qt: after any sequence of transitions its records agree with its items,
its rows (one per decision, with its items as chips) and counts with a state built from scratch,
and the row signals it gave, replayed onto a plain list the way a view applies them, leave that
list equal to its rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from inbox.core.delta import compare, item_id
from inbox.core.items import REASON_ORDER, InboxItem
from inbox.core.model import Reason
from inbox.core.triage import Triage
from inbox.ui.inbox_rows import RowFilter
from inbox.ui.inbox_state import InboxState
from tests.core.builders import inbox_item as item

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


Row = tuple[InboxItem, ...]  # a row as the view shows it: its items, most urgent first


class Mirror:
    """The rows as a view knows them: only what the signals said, checked as they arrive."""

    def __init__(self, state: InboxState) -> None:
        self.state = state
        self.rows: list[Row] = []
        self.leads: list[InboxItem] = []  # the item each row stands for
        self.sections_told: list[str] = []
        self.resets = 0
        self.counts_seen = state.counts(), state.triaged_count()
        self._at: int | None = None
        self._resetting = False

    def begin_reset(self) -> None:
        assert self._at is None and not self._resetting
        self._resetting = True

    def end_reset(self) -> None:
        assert self._resetting
        self._resetting = False
        self.resets += 1
        self.rows, self.leads = self.shown(), self.shown_leads()

    def begin_insert(self, row: int, section: str) -> None:
        assert self._at is None and 0 <= row <= len(self.rows)
        assert self.state.row_count() == len(self.rows)  # not inserted yet
        self._at = row
        self.sections_told.append(section)

    def end_insert(self) -> None:
        assert self._at is not None and self.state.row_count() == len(self.rows) + 1
        self.rows.insert(self._at, self.state.row_items(self._at))
        self.leads.insert(self._at, self.state.item_at(self._at))
        assert str(self.leads[self._at].reason) == self.sections_told[-1]
        self._at = None

    def begin_remove(self, row: int) -> None:
        assert self._at is None and 0 <= row < len(self.rows)
        assert item_id(self.state.item_at(row)) == item_id(self.leads[row])  # still there
        self._at = row

    def end_remove(self) -> None:
        assert self._at is not None and self.state.row_count() == len(self.rows) - 1
        del self.rows[self._at], self.leads[self._at]
        self._at = None

    def row_changed(self, row: int) -> None:
        # the same row: the item it stands for is the same one, its chips may differ
        assert self._at is None and item_id(self.state.item_at(row)) == item_id(self.leads[row])
        self.rows[row], self.leads[row] = self.state.row_items(row), self.state.item_at(row)

    def counts_changed(self) -> None:
        self.counts_seen = self.state.counts(), self.state.triaged_count()

    def shown(self) -> list[Row]:
        return [self.state.row_items(r) for r in range(self.state.row_count())]

    def shown_leads(self) -> list[InboxItem]:
        return [self.state.item_at(r) for r in range(self.state.row_count())]


def entry(n: int, reason: Reason, *, title: str, team: str, revision: int, late: int) -> InboxItem:
    deadline = None if late < 0 else NOW + timedelta(hours=late)
    made = item(n, reason, revision, title, deadline)._replace(team=team)
    if reason is Reason.CONFLICT:
        made = made._replace(conflict_key=f"svc.limit.{n % 2}")
    return made


items = st.lists(
    st.builds(
        entry,
        n=st.integers(1, 12),
        reason=st.sampled_from(list(Reason)),
        title=st.sampled_from(["Token", "Cache", "token cache", "Größe"]),
        team=st.sampled_from(["backend", "mobile"]),
        revision=st.integers(1, 3),
        late=st.integers(-1, 3),
    ),
    max_size=14,
)
filters = st.builds(
    RowFilter,
    search=st.sampled_from(["", "token", "d-1", "body", "gro"]),
    reasons=st.sampled_from([None, frozenset({"needs_ack"}), frozenset({"informed", "conflict"})]),
    team=st.sampled_from([None, "mobile"]),
    owner=st.sampled_from([None, "ana", "mo"]),
    triaged=st.booleans(),
)
indexes = st.dictionaries(
    st.sampled_from([f"D-{n}" for n in range(1, 13)]),
    st.sampled_from(["body text", "token rotation", "gross"]),
    max_size=6,
)


def fresh(
    everything: list[InboxItem],
    clock: datetime,
    sort: tuple[int, bool],
    triage: Triage,
    extra: dict[str, str],
    wanted: RowFilter,
) -> InboxState:
    state = InboxState(lambda: clock)
    mirror = Mirror(state)
    state.sort(*sort, mirror)
    state.set_triage(triage, mirror)
    state.set_search_index(extra, mirror)
    state.set_filter(wanted, mirror)
    state.load(everything, mirror, in_order=False)
    return state


class InboxStateMachine(RuleBasedStateMachine):
    """Random loads, deltas, sorts, filters, search indexes, triage and time steps."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = NOW
        self.state = InboxState(lambda: self.clock)
        self.mirror = Mirror(self.state)
        self.sort_by = (6, False)
        self.triage = Triage()
        self.extra: dict[str, str] = {}

    @initialize(first=items, in_order=st.booleans())
    def load(self, first: list[InboxItem], in_order: bool) -> None:
        self.state.load(first, self.mirror, in_order=in_order)

    @rule(data=st.data())
    def sync(self, data: st.DataObject) -> None:
        before = self.state.all_items()
        kept = [
            i._replace(
                **data.draw(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "title": st.sampled_from(["Token", "Other", "Cache"]),
                            "revision": st.integers(1, 4),
                            "team": st.sampled_from(["backend", "mobile"]),
                            "owner": st.sampled_from(["ana", "mo"]),
                            "deadline": st.sampled_from([None, NOW, NOW + timedelta(hours=3)]),
                        },
                    )
                ),
            )
            for i in before
            if data.draw(st.booleans())
        ]
        known = {item_id(i) for i in kept}
        after = kept + [i for i in data.draw(items) if item_id(i) not in known]
        indexed, resets = self.state.indexed, self.mirror.resets
        self.state.apply(compare(before, after), self.mirror)
        if indexed:
            assert self.mirror.resets == resets, "a delta reset the rows"

    @rule(column=st.sampled_from([0, 1, 2, 3, 4, 5, 6]), descending=st.booleans())
    def sort(self, column: int, descending: bool) -> None:
        self.sort_by = (column, descending)
        self.state.sort(column, descending, self.mirror)
        # a layout change: the view asks again
        self.mirror.rows, self.mirror.leads = self.mirror.shown(), self.mirror.shown_leads()

    @rule(wanted=filters)
    def set_filter(self, wanted: RowFilter) -> None:
        self.state.set_filter(wanted, self.mirror)

    @rule(extra=indexes)
    def set_search_index(self, extra: dict[str, str]) -> None:
        self.extra = extra
        self.state.set_search_index(extra, self.mirror)

    @precondition(lambda self: self.state.item_count() > 0)
    @rule(data=st.data(), hours=st.sampled_from([None, 1, 5]))
    def triage_one(self, data: st.DataObject, hours: int | None) -> None:
        chosen = data.draw(st.sampled_from(self.state.all_items()))
        if hours is None:
            self.triage = self.triage.done(chosen)
        else:
            self.triage = self.triage.snooze(chosen, self.clock + timedelta(hours=hours))
        self.state.set_triage(self.triage, self.mirror)

    @rule(hours=st.integers(1, 3))
    def time_passes(self, hours: int) -> None:
        self.clock += timedelta(hours=hours)
        self.state.refresh_time(self.mirror)

    @rule()
    def ensure_index(self) -> None:
        self.state.ensure_index(self.mirror)

    @invariant()
    def agrees_with_itself_and_with_a_fresh_state(self) -> None:
        state = self.state
        state.check()
        assert self.mirror.rows == self.mirror.shown()
        assert self.mirror.leads == self.mirror.shown_leads()
        assert self.mirror.counts_seen == (state.counts(), state.triaged_count())
        if not state.indexed:
            return  # one row per item until the index is built (load's fast path)
        keys = [lead.key for lead in self.mirror.leads]
        assert len(set(keys)) == len(keys), "a decision in two rows"
        for lead, row in zip(self.mirror.leads, self.mirror.rows, strict=True):
            assert lead in row and {i.key for i in row} == {lead.key}
            ranks = [(REASON_ORDER.index(i.reason), i.conflict_key or "") for i in row]
            assert ranks == sorted(ranks), "chips not most urgent first"
        expected = fresh(
            state.all_items(), self.clock, self.sort_by, self.triage, self.extra, state.filter
        )
        assert self.mirror.shown() == Mirror(expected).shown()
        assert (state.counts(), state.triaged_count()) == (
            expected.counts(),
            expected.triaged_count(),
        )
        assert state.decision_count() == expected.decision_count()
        for row in range(state.row_count()):
            assert state.row_of(state.item_at(row)) == row
            assert all(state.row_of(i) == row for i in state.row_items(row))
            assert state.rows_of_key(state.item_at(row).key) == [row]
        starts = state.sections()
        if self.sort_by == (6, False):
            leads = self.mirror.leads
            assert [s for _, s in starts] == list(dict.fromkeys(str(i.reason) for i in leads))
            assert all(str(leads[row].reason) == s for row, s in starts)
            assert all(row == 0 or leads[row - 1].reason != leads[row].reason for row, _ in starts)
        else:
            assert starts == []


InboxStateMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=12, deadline=None
)
TestInboxStateMachine = InboxStateMachine.TestCase


def titled(n: int, reason: Reason = Reason.NEEDS_ACK) -> InboxItem:
    return item(n, reason, title=f"Topic {n}")


def test_a_new_search_index_then_a_delta_keeps_every_record_in_step() -> None:
    # The crash found in review: a search built the texts, a new index dropped only its own
    # list, and the next delta went out of step (then a zip raised). Records cannot split.
    state = InboxState(lambda: NOW)
    mirror = Mirror(state)
    state.load([titled(n) for n in range(1, 6)], mirror, in_order=False)
    state.set_filter(RowFilter(search="topic 3"), mirror)
    state.set_filter(RowFilter(), mirror)
    state.set_search_index({"D-5": "topic 3 again"}, mirror)
    state.check()
    state.apply(compare(state.all_items(), [titled(n) for n in range(2, 7)]), mirror)
    state.check()
    state.sort(0, True, mirror)
    state.set_filter(RowFilter(search="topic 3"), mirror)
    state.check()
    assert [i.key for i in mirror.shown_leads()] == ["D-5", "D-3"]


def test_a_revised_item_leaves_the_snoozed_section() -> None:
    # A new revision brings a snoozed item back into the inbox even while the person looks at
    # the snoozed ones: it leaves that list, and the counts move with it.
    snoozed, other = item(1), item(2)
    state = InboxState(lambda: NOW)
    mirror = Mirror(state)
    state.load([snoozed, other], mirror, in_order=False)
    state.set_triage(Triage().snooze(snoozed, NOW + timedelta(hours=2)), mirror)
    state.set_filter(RowFilter(triaged=True), mirror)
    assert mirror.leads == [snoozed] and state.triaged_count() == 1
    state.apply(compare([snoozed, other], [snoozed._replace(revision=2), other]), mirror)
    state.check()
    assert mirror.leads == [] and state.triaged_count() == 0
    assert state.counts()[Reason.NEEDS_ACK] == 2


def test_a_load_in_the_promised_order_waits_for_its_records() -> None:
    ordered = [item(2), item(3, Reason.CHANGED_SINCE_ACK), item(10, Reason.INFORMED)]
    state = InboxState(lambda: NOW)
    mirror = Mirror(state)
    state.load(ordered, mirror, in_order=True)
    assert not state.indexed and mirror.leads == ordered
    state.check()
    resets = mirror.resets
    state.ensure_index(mirror)
    assert state.indexed and mirror.resets == resets  # the promise held: nothing to redo
    state.check()
    state.load(list(reversed(ordered)), mirror, in_order=True)  # a broken promise
    state.ensure_index(mirror)
    assert mirror.resets == resets + 2 and mirror.leads == ordered
    state.check()


def test_check_finds_a_record_out_of_step() -> None:
    state = InboxState(lambda: NOW)
    mirror = Mirror(state)
    state.load([titled(1), titled(2)], mirror, in_order=False)
    state.set_search_index({"D-1": "body"}, mirror)
    state.check()
    first = state._records[0]
    state._records[0] = (*first[:5], "")  # the search index's text lost, as in the old crash
    with pytest.raises(AssertionError, match="record"):
        state.check()


def test_a_new_search_index_renews_only_what_changed_and_the_search_follows() -> None:
    state = InboxState(lambda: NOW)
    mirror = Mirror(state)
    state.load([titled(n) for n in range(1, 5)], mirror, in_order=False)
    index = {f"D-{n}": f"body {n}" for n in range(1, 5)}
    state.set_search_index(index, mirror)
    state.set_filter(RowFilter(search="rotation"), mirror)
    assert mirror.leads == []
    state.set_search_index({**index, "D-3": "key rotation"}, mirror)  # same keys, same order
    state.check()
    assert [i.key for i in mirror.leads] == ["D-3"]
    state.set_search_index({"D-2": "rotation", "D-1": "body 1"}, mirror)  # keys gone, reordered
    state.check()
    assert [i.key for i in mirror.leads] == ["D-2"]
    state.set_filter(RowFilter(), mirror)
    state.set_search_index({}, mirror)
    state.check()
    assert len(mirror.leads) == 4
