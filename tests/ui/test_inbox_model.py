"""InboxTableModel: a valid Qt model (qtmodeltester), sorted and filtered in the model, and a
sync's delta applied with the narrowest signals, never a reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from inbox.core.delta import compare
from inbox.core.inbox import InboxItem
from inbox.core.model import Reason
from inbox.ui.inbox_model import InboxTableModel

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def item(
    n: int,
    reason: Reason = Reason.NEEDS_ACK,
    revision: int = 1,
    title: str = "",
    deadline: datetime | None = None,
) -> InboxItem:
    return InboxItem(
        key=f"D-{n}",
        title=title or f"Decision {n}",
        reason=reason,
        revision=revision,
        state="finalized",
        owner="ana",
        team="backend",
        deadline=deadline,
    )


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
