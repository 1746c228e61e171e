"""InboxTableModel: a valid Qt model (qtmodeltester), sorted and filtered in the model, and a
sync's delta applied with the narrowest signals, never a reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inbox.core.delta import compare, item_id
from inbox.core.items import REASON_ORDER, InboxItem
from inbox.core.model import Reason
from inbox.core.triage import Triage
from inbox.ui.inbox_model import DEADLINE_COLUMN, REASON_COLUMN, InboxTableModel, deadline_text
from inbox.ui.inbox_rows import index_records
from tests.core.builders import inbox_item as item

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def keys(model: InboxTableModel) -> list[str]:
    return [model.item(row).key for row in range(model.rowCount())]


def test_the_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = InboxTableModel()
    model.set_items([item(n, Reason.NEEDS_ACK if n % 2 else Reason.INFORMED) for n in range(1, 30)])
    qtmodeltester.check(model, force_py=True)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    model.set_filter("decision 1")
    qtmodeltester.check(model, force_py=True)


def test_default_order_is_the_inbox_order_and_sorting_stays_in_the_model() -> None:
    model = InboxTableModel()
    model.set_items([item(10, Reason.INFORMED), item(2), item(3, Reason.CHANGED_SINCE_ACK)])
    assert keys(model) == ["D-2", "D-3", "D-10"]  # needs_ack, changed, informed
    model.sort(0)
    assert keys(model) == ["D-2", "D-3", "D-10"]  # numeric, not text order
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert keys(model) == ["D-10", "D-3", "D-2"]
    soon = item(7, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=1))
    later = item(8, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(days=2))
    model.set_items([later, soon, item(9)])
    model.sort(5)
    assert keys(model) == ["D-7", "D-8", "D-9"]  # no deadline last
    assert model.data(model.index(0, 6)) == "feedback requested"


def test_search_and_reason_filter() -> None:
    model = InboxTableModel()
    model.set_items(
        [
            item(1, title="Token refresh policy"),
            item(2, title="Error format"),
            item(3, Reason.INFORMED, title="Token cache"),
        ]
    )
    model.set_filter("token")
    assert keys(model) == ["D-1", "D-3"]
    model.set_filter("token", reasons=["needs_ack"])
    assert keys(model) == ["D-1"]
    model.set_filter("")
    assert keys(model) == ["D-1", "D-2", "D-3"]


def test_a_delta_is_applied_without_a_reset(qtbot: QtBot) -> None:
    before = [item(n) for n in range(1, 6)]
    model = InboxTableModel()
    model.set_items(before)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changed_rows: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed_rows.append(top.row()))
    after = [item(1), item(2, revision=2), item(4), item(5), item(6)]  # 3 gone, 6 new, 2 moved on
    with qtbot.waitSignals([model.rowsRemoved, model.rowsInserted], timeout=1000):
        model.apply(compare(before, after))
    assert resets == []
    assert changed_rows == [1]  # D-2's row only
    assert keys(model) == ["D-1", "D-2", "D-4", "D-5", "D-6"]
    assert model.item(1).revision == 2
    assert model.data(model.index(1, 4)) == "r2"
    assert model.rowCount(model.index(0, 0)) == 0 and model.rowCount(QModelIndex()) == 5


def test_a_delta_respects_the_filter_and_sort() -> None:
    model = InboxTableModel()
    model.set_items([item(1, title="Token"), item(2, title="Other")])
    model.set_filter("token")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    before = [item(1, title="Token"), item(2, title="Other")]
    after = [*before, item(5, title="Token again"), item(6, title="Unrelated")]
    model.apply(compare(before, after))
    assert keys(model) == ["D-5", "D-1"]


# -- lookups, filters, search, triage, deadlines ----------------------------------------------


def full(
    n: int,
    reason: Reason = Reason.NEEDS_ACK,
    *,
    team: str | None = "backend",
    owner: str = "ana",
    revision: int = 1,
    title: str = "",
    deadline: datetime | None = None,
) -> InboxItem:
    return item(n, reason, revision, title, deadline)._replace(team=team, owner=owner, state="open")


def fresh_model(items: list[InboxItem], **options: object) -> InboxTableModel:
    model = InboxTableModel(now=lambda: NOW)
    model.set_items(items)
    configure(model, **options)
    return model


def configure(
    model: InboxTableModel,
    column: int = 6,
    descending: bool = False,
    search: str = "",
    reasons: list[str] | None = None,
    team: str | None = None,
) -> None:
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    model.sort(column, order)
    model.set_filter(search, reasons, team=team)


REASONS = list(Reason)
CHANGES = {
    "title": st.sampled_from(["Token", "Other"]),
    "revision": st.integers(1, 4),
    "deadline": st.sampled_from([None, NOW, NOW + timedelta(hours=3)]),
    "team": st.sampled_from(["backend", "mobile"]),
}
items_strategy = st.lists(
    st.builds(
        full,
        n=st.integers(1, 40),
        reason=st.sampled_from(REASONS),
        team=st.sampled_from(["backend", "mobile", None]),
        revision=st.integers(1, 3),
        title=st.sampled_from(["Token", "Cache", "token cache"]),
    ),
    max_size=25,
    unique_by=item_id,
)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", [0, 1, 5, 6])
@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    before=items_strategy,
    search=st.sampled_from(["", "token", "d-1"]),
    reasons=st.sampled_from([None, ["needs_ack"], ["informed", "conflict"]]),
    team=st.sampled_from([None, "mobile"]),
)
def test_any_delta_leaves_the_model_as_a_fresh_one_would_be(
    data: st.DataObject,
    before: list[InboxItem],
    column: int,
    descending: bool,
    search: str,
    reasons: list[str] | None,
    team: str | None,
) -> None:
    # After the sync: some items gone, some changed (title, revision, deadline), some new.
    after = [
        i._replace(**data.draw(st.fixed_dictionaries({}, optional=CHANGES)))
        for i in before
        if data.draw(st.booleans())
    ]
    known = {item_id(i) for i in before}
    after += [i for i in data.draw(items_strategy) if item_id(i) not in known]
    options = dict(column=column, descending=descending, search=search, reasons=reasons, team=team)
    model = fresh_model(before, **options)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    # Qt moves persistent indexes by the row signals: wrong rows in them would show here.
    tracked = [
        (QPersistentModelIndex(model.index(r, 0)), model.item(r)) for r in range(model.rowCount())
    ]
    model.apply(compare(before, after))
    expected = fresh_model(after, **options)
    assert resets == []
    for index, was in tracked:
        if index.isValid():
            assert item_id(model.item(index.row())) == item_id(was)
        else:  # its row went; or its decision's row, led by another of its items for a while
            row = model.row_of(was)
            assert was not in after or row is None or len(model.items(row)) > 1
    assert [model.item(r) for r in range(model.rowCount())] == [
        expected.item(r) for r in range(expected.rowCount())
    ]
    assert model.reason_counts() == expected.reason_counts()
    for row in range(model.rowCount()):
        assert model.row_of(model.item(row)) == row


def test_a_change_deep_in_a_large_descending_list_is_one_row(qtbot: QtBot) -> None:
    before = [full(n, title=f"Decision {n:05}") for n in range(1, 3001)]
    model = fresh_model(before, column=1, descending=True)
    target = before[1234]
    row = model.row_of(target)
    assert row == 3000 - 1 - 1234
    changed = target._replace(revision=2)
    after = [changed if i is target else i for i in before]
    with qtbot.waitSignal(model.dataChanged) as signal:
        model.apply(compare(before, after))
    assert signal.args is not None and signal.args[0].row() == row
    assert model.item(row) == changed


def test_filters_by_team_and_owner() -> None:
    items = [
        full(1, team="backend", owner="ana"),
        full(2, team="mobile", owner="ana"),
        full(3, team="mobile", owner="mo"),
        full(4, team=None, owner="mo"),
    ]
    model = fresh_model(items)
    model.set_team("mobile")
    assert keys(model) == ["D-2", "D-3"]
    model.set_owner("mo")
    assert keys(model) == ["D-3"]
    model.set_team(None)
    assert keys(model) == ["D-3", "D-4"]


def test_search_covers_body_and_assertions_from_the_search_index() -> None:
    items = [full(1, title="Token refresh"), full(2, title="Error format"), full(3)]
    model = fresh_model(items)
    model.set_search_index(
        {"D-2": "Errors are RFC 7807.\nauth.token.refresh_minutes = 60", "D-3": "Größe STRASSE"}
    )
    model.set_search("refresh_MINUTES")
    assert keys(model) == ["D-2"]
    model.set_search("token")
    assert keys(model) == ["D-1", "D-2"]
    model.set_search("strasse")  # casefolded, so ß matches ss
    assert keys(model) == ["D-3"]
    model.set_search("refresh\nminutes")  # fields stay apart
    assert keys(model) == []


def test_a_new_search_index_after_a_search_keeps_the_texts_in_step() -> None:
    # A search builds both text lists; a new index drops only its own. The other list must
    # still follow later deltas and sorts, or the texts go out of step with the items.
    model = InboxTableModel()
    model.set_items([item(n, title=f"Topic {n}") for n in range(1, 6)])
    model.set_search("topic 3")
    assert keys(model) == ["D-3"]
    model.set_search("")
    model.set_search_index({"D-5": "Topic 3 again"})
    model.apply(compare(model.all_items(), [item(n, title=f"Topic {n}") for n in range(2, 6)]))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_search("topic 3")
    assert keys(model) == ["D-5", "D-3"]


def test_section_counts_ignore_the_reason_filter_but_follow_the_others(qtbot: QtBot) -> None:
    items = [
        full(1, Reason.NEEDS_ACK, title="Token"),
        full(2, Reason.NEEDS_ACK),
        full(3, Reason.INFORMED, title="Token"),
    ]
    model = fresh_model(items, reasons=["informed"])
    counts = model.reason_counts()
    assert counts[Reason.NEEDS_ACK] == 2 and counts[Reason.INFORMED] == 1
    assert list(counts) == list(REASON_ORDER)
    with qtbot.waitSignal(model.counts_changed):
        model.set_search("token")
    assert model.reason_counts()[Reason.NEEDS_ACK] == 1
    assert keys(model) == ["D-3"]


def test_triage_hides_items_counts_them_and_a_new_revision_brings_them_back(
    qtbot: QtBot,
) -> None:
    snoozed, done, other = full(1), full(2, Reason.INFORMED), full(3)
    model = fresh_model([snoozed, done, other])
    model.set_triage(Triage().snooze(snoozed, NOW + timedelta(hours=2)).done(done))
    assert keys(model) == ["D-3"]
    assert model.triaged_count() == 2
    assert model.reason_counts()[Reason.NEEDS_ACK] == 1
    model.set_reasons(None, triaged=True)
    assert keys(model) == ["D-1", "D-2"]
    model.set_reasons(None)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    revised = done._replace(revision=2)
    with qtbot.waitSignal(model.rowsInserted):
        model.apply(compare([snoozed, done, other], [snoozed, revised, other]))
    assert resets == []
    assert keys(model) == ["D-3", "D-2"] and model.triaged_count() == 1


def test_a_snooze_ends_when_its_time_comes() -> None:
    clock = [NOW]
    model = InboxTableModel(now=lambda: clock[0])
    snoozed = full(1)
    model.set_items([snoozed, full(2)])
    model.set_triage(Triage().snooze(snoozed, NOW + timedelta(hours=1)))
    assert keys(model) == ["D-2"]
    clock[0] = NOW + timedelta(minutes=59)
    model.refresh_time()
    assert keys(model) == ["D-2"]
    clock[0] = NOW + timedelta(hours=1)
    model.refresh_time()
    assert keys(model) == ["D-1", "D-2"]


def test_deadlines_show_relative_and_absolute_time_and_overdue_ones_are_red() -> None:
    soon = full(1, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=23, minutes=5))
    late = full(2, Reason.DEADLINE_PASSED, deadline=NOW - timedelta(hours=2))
    far = full(3, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(days=3, hours=1))
    model = fresh_model([soon, late, far], column=0)

    def local(moment: datetime) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")

    cell = [model.data(model.index(r, DEADLINE_COLUMN)) for r in range(3)]
    assert cell == [
        f"in 23 h · {local(soon.deadline or NOW)}",
        f"overdue 2 h · {local(late.deadline or NOW)}",
        f"in 3 d · {local(far.deadline or NOW)}",
    ]
    foreground = [
        model.data(model.index(r, DEADLINE_COLUMN), Qt.ItemDataRole.ForegroundRole)
        for r in range(3)
    ]
    assert foreground[0] is None and foreground[2] is None
    assert isinstance(foreground[1], QBrush) and foreground[1].color().red() > 150
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert deadline_text(NOW + timedelta(minutes=40), NOW).startswith("in 40 min · ")


def test_sorting_keeps_persistent_indexes_on_their_items() -> None:
    model = fresh_model([full(n, title=f"T{10 - n}") for n in range(1, 6)])
    kept = QPersistentModelIndex(model.index(0, 1))
    item_before = model.item(0)
    model.sort(1)
    assert model.item(kept.row()) == item_before
    assert kept.column() == 1


def _demo_inbox(tmp_path, user: str) -> list[InboxItem]:  # type: ignore[no-untyped-def]
    from inbox.core.inbox import compute_inbox
    from inbox.store import demo
    from inbox.store.connection import StoreConnection
    from inbox.store.reader import load_snapshot

    store = StoreConnection.open(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    try:
        demo.seed(store)
        with store.read() as session:
            snapshot = load_snapshot(session)
    finally:
        store.dispose()
    return compute_inbox(user, snapshot, datetime.now(UTC))


@pytest.mark.parametrize("user", ["fred", "ana", "mo"])
def test_the_cores_order_keeps_the_promise_the_fast_path_relies_on(tmp_path, user: str) -> None:  # type: ignore[no-untyped-def]
    items = _demo_inbox(tmp_path, user)
    assert len(items) >= 2
    in_order = index_records(items, REASON_COLUMN, {})[2]
    assert in_order, "compute_inbox's order is not the model's default order"
    model = InboxTableModel()
    model.set_items(items, in_inbox_order=True)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.ensure_index()
    # a reset only where a decision has several items, whose rows become one
    assert resets == ([True] if len({i.key for i in items}) < len(items) else [])
    eager = InboxTableModel()
    eager.set_items(items)
    assert keys(model) == keys(eager)
    assert model.reason_counts() == eager.reason_counts()
    assert model.decision_count() == eager.decision_count() == len({i.key for i in items})


def test_a_broken_order_promise_is_caught_and_fixed_with_one_reset() -> None:
    items = [item(10, Reason.INFORMED), item(2), item(3, Reason.CHANGED_SINCE_ACK)]
    model = InboxTableModel()
    model.set_items(items, in_inbox_order=True)  # not in the core's order
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.ensure_index()
    assert resets == [True]
    assert keys(model) == ["D-2", "D-3", "D-10"]
    assert model.reason_counts()[Reason.INFORMED] == 1


def test_a_revised_item_leaves_the_snoozed_section(qtbot: QtBot) -> None:
    # A new revision brings a snoozed item back even while the snoozed section is shown.
    snoozed, other = full(1), full(2)
    model = fresh_model([snoozed, other])
    model.set_triage(Triage().snooze(snoozed, NOW + timedelta(hours=2)))
    model.set_reasons(None, triaged=True)
    assert keys(model) == ["D-1"] and model.triaged_count() == 1
    with qtbot.waitSignal(model.rowsRemoved):
        model.apply(compare([snoozed, other], [snoozed._replace(revision=2), other]))
    assert keys(model) == [] and model.triaged_count() == 0
    assert model.reason_counts()[Reason.NEEDS_ACK] == 2


# -- one row per decision, section headers -----------------------------------------------------


def view_rows(model: InboxTableModel) -> list[tuple[str, str]]:
    """Each view row as ("header", reason) or (decision key, the reasons of its chips)."""
    out = []
    for row in range(model.rowCount()):
        section = model.section_at(row)
        if section is not None:
            out.append(("header", section))
        else:
            out.append((model.item(row).key, ",".join(str(i.reason) for i in model.items(row))))
    return out


class RowMirror:
    """The view rows as Qt's signals tell them, checked as they arrive."""

    def __init__(self, model: InboxTableModel) -> None:
        self.model, self.rows = model, view_rows(model)
        model.rowsAboutToBeRemoved.connect(self.about_to_remove)
        model.rowsInserted.connect(self.inserted)
        model.rowsRemoved.connect(self.removed)
        model.dataChanged.connect(self.changed)

    def about_to_remove(self, _parent: object, first: int, last: int) -> None:
        assert self.rows[first : last + 1] == view_rows(self.model)[first : last + 1]

    def inserted(self, _parent: object, first: int, last: int) -> None:
        self.rows[first:first] = view_rows(self.model)[first : last + 1]

    def removed(self, _parent: object, first: int, last: int) -> None:
        del self.rows[first : last + 1]

    def changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = ()) -> None:
        fresh = view_rows(self.model)
        for row in range(top.row(), bottom.row() + 1):
            assert self.rows[row][0] == fresh[row][0], "a changed row is another decision"
            self.rows[row] = fresh[row]


@settings(max_examples=120, deadline=None)
@given(data=st.data(), before=items_strategy)
def test_headers_and_grouped_rows_follow_any_delta_with_row_signals(
    data: st.DataObject, before: list[InboxItem]
) -> None:
    after = [
        i._replace(**data.draw(st.fixed_dictionaries({}, optional=CHANGES)))
        for i in before
        if data.draw(st.booleans())
    ]
    known = {item_id(i) for i in before}
    after += [i for i in data.draw(items_strategy) if item_id(i) not in known]
    model = fresh_model(before)
    model.set_sections(True)
    mirror = RowMirror(model)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.apply(compare(before, after))
    expected = fresh_model(after)
    expected.set_sections(True)
    assert resets == []
    assert mirror.rows == view_rows(model) == view_rows(expected)
    keys_shown = [key for key, _ in mirror.rows if key != "header"]
    assert len(keys_shown) == len(set(keys_shown)), "a decision in two rows"
    headers = [r for key, r in mirror.rows if key == "header"]
    assert headers == sorted(headers, key=lambda r: REASON_ORDER.index(Reason(r)))


def test_headers_pass_qtmodeltester_and_only_all_in_the_default_order_has_them(
    qtmodeltester: ModelTester,
) -> None:
    model = fresh_model([full(1), full(2, Reason.INFORMED), full(3, Reason.CONFLICT)])
    model.set_sections(True)
    qtmodeltester.check(model, force_py=True)
    assert [k for k, _ in view_rows(model)] == ["header", "D-1", "header", "D-3", "header", "D-2"]
    model.apply(compare(model.all_items(), [full(2, Reason.INFORMED), full(3, Reason.CONFLICT)]))
    assert [k for k, _ in view_rows(model)] == ["header", "D-3", "header", "D-2"]
    model.set_reasons(["informed"])
    assert view_rows(model) == [("D-2", "informed")]
    model.set_reasons(None)
    model.sort(0)
    assert [k for k, _ in view_rows(model)] == ["D-2", "D-3"]
