"""The inbox list reads like a modern inbox: one row per decision with its reasons as chips,
most urgent first; two lines (key, title, owner's name; chips, last change, deadline); an unread
mark that a change sets and opening clears; section headers in "All"; key, title and why inside
the viewport from 1024×700 to 4K; and Esc, Enter and Down leave the search field for the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QListWidget
from pytestqt.qtbot import QtBot

from inbox.core.delta import compare
from inbox.core.model import Person, Reason
from inbox.core.read_marks import ReadMarks
from inbox.core.triage import Triage
from inbox.ui.inbox_delegate import InboxRowDelegate, RowLayout
from inbox.ui.inbox_model import InboxTableModel
from inbox.ui.inbox_row_text import RowText
from inbox.ui.inbox_view import InboxListView
from tests.core.builders import inbox_item as item

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
LONG = "Access tokens are refreshed every 60 minutes by every client, mobile included"


def at(n: int, reason: Reason = Reason.NEEDS_ACK, **changes: object):  # type: ignore[no-untyped-def]
    made = item(n, reason)._replace(changed_at=NOW - timedelta(hours=2))
    return made._replace(**changes) if changes else made


CHANGED = at(1, Reason.CHANGED_SINCE_ACK, title=LONG, revision=2)
CONFLICT = at(1, Reason.CONFLICT, title=LONG, revision=2, conflict_key="auth.token.refresh")
ITEMS = [
    at(2, title="Error format"),
    CHANGED,
    at(9, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=23), owner="bo"),
    CONFLICT,
    at(5, Reason.INFORMED, owner="mo"),
]


@pytest.fixture
def view(qtbot: QtBot) -> InboxListView:
    widget = InboxListView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items(ITEMS)
    widget.set_names({"ana": Person("ana", "Ana Lima"), "bo": Person("bo", "Bo Chen")})
    widget.resize(640, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def rows(model: InboxTableModel) -> list[RowText | str]:
    """Each view row: its RowText, or the header's title."""
    return [
        model.data(model.index(r, 0), InboxTableModel.RowRole) or str(model.data(model.index(r, 0)))
        for r in range(model.rowCount())
    ]


def texts(model: InboxTableModel) -> list[RowText]:
    return [r for r in rows(model) if isinstance(r, RowText)]


def test_one_row_per_decision_with_its_reasons_as_chips_most_urgent_first(
    view: InboxListView,
) -> None:
    shown = texts(view.model)
    assert [t.key for t in shown] == ["D-2", "D-1", "D-9", "D-5"]
    d1 = shown[1]
    assert d1.chips == ("Changed", "Conflict")
    row = view.model.rows_of_key("D-1")[0]
    assert view.model.items(row) == (CHANGED, CONFLICT)
    assert view.model.item(row) == CHANGED  # the row stands for its most urgent item
    # "All" counts decisions, the sections their items
    listed = view.findChild(QListWidget)
    assert listed is not None
    assert listed.item(0).text() == "All  (4)"
    assert "Conflicts  (1)" in [listed.item(n).text() for n in range(listed.count())]


def test_two_lines_with_the_key_title_owner_then_why_when_and_deadline(
    view: InboxListView,
) -> None:
    by_key = {t.key: t for t in texts(view.model)}
    d9, d5 = by_key["D-9"], by_key["D-5"]
    assert (d9.key, d9.title, d9.owner) == ("D-9", "Decision D-9", "Bo Chen")
    assert d9.chips == ("Feedback requested",)
    assert d9.changed == "changed 2 h ago"
    assert d9.deadline.startswith("due in 23 h · ")
    assert (d5.owner, d5.deadline) == ("mo", "")  # no name known: the handle; no deadline
    assert by_key["D-1"].title == LONG  # the whole title: only the painter elides, if it must
    delegate = view.table.itemDelegateForColumn(0)
    assert isinstance(delegate, InboxRowDelegate)
    row = view.model.rows_of_key("D-9")[0]
    parts = delegate.layout(view.table.visualRect(view.model.index(row, 0)), d9, view.font())
    assert parts.key.bottom() < parts.why.top() and parts.title.bottom() < parts.times.top()
    assert parts.texts[:2] == ("Decision D-9", "Bo Chen")
    assert parts.texts[2].startswith("changed 2 h ago · due in 23 h")
    # no columns: one column, stretched, the others take no width
    header = view.table.horizontalHeader()
    assert header.isHidden() and header.sectionSize(0) == view.table.viewport().width()
    assert all(view.table.isColumnHidden(c) for c in range(1, view.model.columnCount()))


def test_a_change_sets_the_unread_mark_and_opening_the_row_clears_it(
    view: InboxListView, qtbot: QtBot
) -> None:
    view.set_read_marks(ReadMarks({"D-1": 2, "D-2": 1, "D-9": 1, "D-5": 1}))
    assert not any(t.unread for t in texts(view.model))
    revised = [i._replace(revision=3) if i.key == "D-1" else i for i in ITEMS]
    view.apply(compare(ITEMS, revised))
    unread = {t.key for t in texts(view.model) if t.unread}
    assert unread == {"D-1"}
    with qtbot.waitSignal(view.read_marks_changed) as signal:
        assert view.select_key("D-1")
    assert signal.args is not None and signal.args[0].opened_at["D-1"] == 3
    assert not any(t.unread for t in texts(view.model))
    view.select_key("D-2")  # opening a read row changes no mark
    assert view.model.read_marks() == signal.args[0]


def test_section_headers_inside_all_only(view: InboxListView) -> None:
    model = view.model
    assert rows(model)[0] == "To acknowledge"
    headers = [r for r in rows(model) if isinstance(r, str)]
    assert headers == ["To acknowledge", "Changed", "Feedback requested", "For your information"]
    first = model.rows_of_key("D-2")[0]
    assert model.section_at(first - 1) == str(Reason.NEEDS_ACK)
    assert model.flags(model.index(0, 0)) == Qt.ItemFlag.NoItemFlags  # not selectable
    listed = view.findChild(QListWidget)
    assert listed is not None
    listed.setCurrentRow(2)  # "Changed": its rows only, no headers
    assert [r.key if isinstance(r, RowText) else r for r in rows(model)] == ["D-1"]
    listed.setCurrentRow(0)
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by key: no reason runs
    assert all(isinstance(r, RowText) for r in rows(model))


def test_j_and_k_skip_the_headers(view: InboxListView) -> None:
    view.move_selection(1)
    assert view.current_item() == ITEMS[0]
    view.move_selection(1)
    assert view.current_item() == CHANGED
    view.move_selection(-5)
    assert view.current_item() == ITEMS[0]


def visible_parts(view: InboxListView) -> list[tuple[RowLayout, QRect]]:
    """The layout of each decision's row on screen, with the viewport's rect."""
    table, model = view.table, view.model
    delegate = table.itemDelegateForColumn(0)
    assert isinstance(delegate, InboxRowDelegate)
    out = []
    for row in range(model.rowCount()):
        rect = table.visualRect(model.index(row, 0))
        text = model.data(model.index(row, 0), InboxTableModel.RowRole)
        if isinstance(text, RowText) and table.viewport().rect().contains(rect):
            out.append((delegate.layout(rect, text, table.font()), table.viewport().rect()))
    return out


def assert_key_title_why_visible(parts: list[tuple[RowLayout, QRect]]) -> None:
    assert parts
    for layout, viewport in parts:
        for rect in (layout.key, layout.title, layout.why):
            assert viewport.contains(rect), (rect, viewport)
        assert layout.texts[0] in (LONG, "Decision D-9", "Decision D-5", "Error format") or (
            layout.title.width() >= 150  # an elided title still gets room to read
        )


@pytest.mark.parametrize("size", [(420, 600), (640, 700), (3840, 2160)])
def test_key_title_and_why_stay_inside_the_viewport(qtbot: QtBot, size: tuple[int, int]) -> None:
    # 420 px: what the list itself gets in a 1024×700 window beside the detail pane
    widget = InboxListView(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.set_items(ITEMS)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    parts = visible_parts(widget)
    assert len(parts) == 4
    assert_key_title_why_visible(parts)
    if size[0] > 3000:  # at 4K the owner sits at the right edge, the title keeps its length
        layout, viewport = parts[1]
        assert layout.texts[0] == LONG
        assert viewport.right() - layout.owner.right() < 20


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Down])
def test_esc_enter_and_down_leave_the_search_and_j_then_moves_in_the_list(
    view: InboxListView, qtbot: QtBot, key: Qt.Key
) -> None:
    view.activateWindow()
    view.focus_search()
    qtbot.waitUntil(view.search_field.hasFocus)
    qtbot.keyClicks(view.search_field, "d-")
    qtbot.keyClick(view.search_field, key)
    qtbot.waitUntil(view.table.hasFocus)
    assert view.search_field.text() == "d-"  # the search stays
    first = view.current_item()
    assert first is not None and first.key == "D-2"
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    assert view.search_field.text() == "d-"
    assert view.current_item() is not None and view.current_item() != first


def test_without_the_keys_j_types_into_the_search(view: InboxListView, qtbot: QtBot) -> None:
    # the contrast that shows the test above can fail: in the field, j is a letter
    view.activateWindow()
    view.focus_search()
    qtbot.waitUntil(view.search_field.hasFocus)
    qtbot.keyClicks(view.search_field, "j")
    assert view.search_field.text() == "j"
    assert view.current_item() is None


def test_a_snoozed_row_says_until_when_and_a_done_one_says_so(view: InboxListView) -> None:
    tomorrow = NOW.replace(hour=9) + timedelta(days=1)
    informed = next(i for i in ITEMS if i.reason is Reason.INFORMED)
    feedback = next(i for i in ITEMS if i.key == "D-9")
    triage = Triage().snooze(feedback, tomorrow).snooze(ITEMS[0], None).done(informed)
    view.model.set_triage(triage)
    view.model.set_reasons(None, triaged=True)
    shown = {t.key: t for t in texts(view.model)}
    assert set(shown) == {"D-2", "D-9", "D-5"}
    assert shown["D-9"].triage.startswith("snoozed until ") and "09:00" in shown["D-9"].triage
    assert shown["D-2"].triage == "snoozed until it changes"
    assert shown["D-5"].triage == "marked done"
    assert "snoozed until" in shown["D-9"].sentence()
    view.model.set_reasons(None)
    assert all(t.triage == "" for t in texts(view.model))  # nothing triaged is listed there
