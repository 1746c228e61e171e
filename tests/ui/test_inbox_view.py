"""InboxListView: sections with counts, search, team and owner filters, triage, selection that
survives searches and syncs, and a sync applied as narrow row signals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QLineEdit, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from inbox.core.delta import compare
from inbox.core.items import REASON_ORDER
from inbox.core.model import Reason
from inbox.core.triage import Triage
from inbox.ui.inbox_view import NOTHING_MATCHES, SEARCH_PLACEHOLDER, InboxListView
from tests.core.builders import inbox_item as item

# Offscreen's QPlatformWindow lacks propagateSizeHints() and says so when a window is shown;
# on a real screen nothing is logged.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


ITEMS = [
    item(1, title="Token refresh policy"),
    item(2, Reason.CHANGED_SINCE_ACK, team="frontend", owner="fred"),
    item(3, Reason.INFORMED, team="mobile", owner="mo", title="Token cache"),
    item(4, Reason.INFORMED, team="frontend", owner="fred"),
]


@pytest.fixture
def view(qtbot: QtBot) -> InboxListView:
    widget = InboxListView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items(ITEMS)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown_keys(view: InboxListView) -> list[str]:
    """The decisions' rows, in order, without the section headers between them."""
    model = view.model
    return [model.item(r).key for r in range(model.rowCount()) if model.section_at(r) is None]


def sections(view: InboxListView) -> list[str]:
    widget = view.findChild(QListWidget)
    assert widget is not None
    return [widget.item(r).text() for r in range(widget.count())]


def combo(view: InboxListView, name: str) -> QComboBox:
    for widget in view.findChildren(QComboBox):
        if widget.accessibleName() == name:
            return widget
    raise AssertionError(name)


def test_sections_list_every_reason_with_counts_plus_all_and_triaged(view: InboxListView) -> None:
    rows = sections(view)
    assert len(rows) == len(REASON_ORDER) + 2
    assert rows[0] == "All  (4)" and rows[-1] == "Snoozed / done  (0)"
    assert rows[1] == "To acknowledge  (1)"
    assert "For your information  (2)" in rows
    view.search_field.setText("token")
    assert sections(view)[0] == "All  (2)"


def test_widgets_are_named_and_rows_are_uniform(view: InboxListView) -> None:
    search = view.findChild(QLineEdit)
    assert search is view.search_field
    assert search.placeholderText() == SEARCH_PLACEHOLDER
    for widget in [view, *view.findChildren(QWidget)]:
        if isinstance(widget, QLineEdit | QComboBox | QListWidget) or widget is view.table:
            assert widget.accessibleName(), widget
    rows = view.table.verticalHeader()
    assert rows.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    assert view.table.rowHeight(0) == view.table.rowHeight(3) == rows.defaultSectionSize()


def test_select_key_and_j_k_movement_report_the_current_item(
    view: InboxListView, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(view.current_changed) as signal:
        assert view.select_key("D-3")
    assert signal.args == [ITEMS[2]]
    assert view.current_item() == ITEMS[2]
    assert not view.select_key("D-99")
    view.move_selection(1)
    assert view.current_item() == ITEMS[3]
    view.move_selection(5)  # stays on the last row
    assert view.current_item() == ITEMS[3]
    view.move_selection(-10)
    assert view.current_item() == ITEMS[0]


def test_first_j_selects_the_first_row(view: InboxListView) -> None:
    assert view.current_item() is None
    view.move_selection(1)
    assert view.current_item() == ITEMS[0]


def test_typing_a_search_filters_keeps_the_selection_and_shows_an_empty_state(
    view: InboxListView, qtbot: QtBot
) -> None:
    view.select_key("D-3")
    view.focus_search()
    assert view.search_field.hasFocus()
    qtbot.keyClicks(view.search_field, "TOK")
    assert shown_keys(view) == ["D-1", "D-3"]
    assert view.current_item() == ITEMS[2]
    assert view.table.currentIndex().row() == 3  # headers: To acknowledge, D-1, FYI, D-3
    with qtbot.waitSignal(view.current_changed) as signal:
        qtbot.keyClicks(view.search_field, "zzz")
    assert signal.args == [None]
    assert not view.table.isVisible()
    labels = [w for w in view.findChildren(QWidget) if w.accessibleName() == "Inbox empty state"]
    assert labels and labels[0].isVisible() and labels[0].text() == NOTHING_MATCHES  # type: ignore[attr-defined]


def test_a_section_and_the_filters_narrow_the_list(view: InboxListView) -> None:
    widget = view.findChild(QListWidget)
    assert widget is not None
    widget.setCurrentRow(1 + REASON_ORDER.index(Reason.INFORMED))
    assert shown_keys(view) == ["D-3", "D-4"]
    team = combo(view, "Filter by team")
    assert [team.itemText(n) for n in range(team.count())] == [
        "All teams",
        "backend",
        "frontend",
        "mobile",
    ]
    team.setCurrentIndex(team.findData("frontend"))
    assert shown_keys(view) == ["D-4"]
    widget.setCurrentRow(0)
    assert shown_keys(view) == ["D-2", "D-4"]
    owner = combo(view, "Filter by owner")
    owner.setCurrentIndex(owner.findData("fred"))
    team.setCurrentIndex(0)
    assert shown_keys(view) == ["D-2", "D-4"]


def test_triaged_items_leave_the_list_and_have_their_own_section(view: InboxListView) -> None:
    view.set_triage(Triage().done(ITEMS[3]).snooze(ITEMS[0], NOW + timedelta(days=1)))
    assert shown_keys(view) == ["D-2", "D-3"]
    assert sections(view)[-1] == "Snoozed / done  (2)"
    widget = view.findChild(QListWidget)
    assert widget is not None
    widget.setCurrentRow(widget.count() - 1)
    assert shown_keys(view) == ["D-1", "D-4"]


def test_a_sync_is_applied_without_a_reset_and_the_current_item_stays(
    view: InboxListView, qtbot: QtBot
) -> None:
    view.select_key("D-3")
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    revised = (ITEMS[2])._replace(title="Token cache v2", revision=2)
    after = [item(0), *ITEMS[:2], revised, ITEMS[3]]  # a new row above, D-3 changed
    with qtbot.waitSignal(view.current_changed) as signal:
        view.apply(compare(ITEMS, after))
    assert resets == []
    assert signal.args == [revised]
    assert view.current_item() == revised
    assert view.table.currentIndex().row() == 6  # below three section headers
    assert sections(view)[0] == "All  (5)"
    gone = [x for x in after if x.key != "D-3"]
    with qtbot.waitSignal(view.current_changed):
        view.apply(compare(after, gone))
    assert resets == []
    assert view.current_item() is None or view.current_item() != revised


def test_a_header_click_sorts_in_the_model(view: InboxListView) -> None:
    view.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    assert shown_keys(view) == ["D-4", "D-3", "D-2", "D-1"]


def test_enter_activates_the_current_item(view: InboxListView, qtbot: QtBot) -> None:
    view.select_key("D-2")
    view.table.setFocus()
    with qtbot.waitSignal(view.activated) as signal:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert signal.args == [ITEMS[1]]


def test_an_empty_inbox_says_so(qtbot: QtBot) -> None:
    widget = InboxListView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items([])
    labels = [w for w in widget.findChildren(QWidget) if w.accessibleName() == "Inbox empty state"]
    assert labels[0].text() == "Nothing in your inbox."  # type: ignore[attr-defined]


def test_slash_jumps_to_the_search_field(view: InboxListView, qtbot: QtBot) -> None:
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, "/")
    assert view.search_field.hasFocus()
    assert view.search_field.text() == ""
