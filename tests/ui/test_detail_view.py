"""DecisionDetailView on the demo store: the diff since the user acknowledged, conflicts side by
side, coverage per revision, and only the actions the user may take."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QGroupBox, QLabel, QPlainTextEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from inbox.core.detail import DecisionDetail, build_detail
from inbox.core.model import Acknowledgment, CodeCheck, CodeValue, Decision, Feedback, Snapshot
from inbox.store.connection import StoreConnection
from inbox.store.demo import DEMO_USER, seed
from inbox.store.reader import load_snapshot
from inbox.ui.detail_view import DecisionDetailView

# Showing a top-level widget with a layout on the offscreen platform logs "This plugin does not
# support propagateSizeHints()": offscreen's QPlatformWindow lacks it; a real screen logs nothing.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _seed_and_load(path: Path) -> tuple[Snapshot, datetime]:
    store = StoreConnection.open(f"sqlite:///{path}")
    try:
        seed(store)
        with store.read() as session:
            return load_snapshot(session), datetime.now(UTC)
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, datetime]:
    """The demo store's snapshot, read off the GUI thread as the app does."""
    path = tmp_path_factory.mktemp("demo") / "store.sqlite"
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_seed_and_load, path).result()


def detail_of(demo: tuple[Snapshot, datetime], key: str, user: str) -> DecisionDetail:
    snap, now = demo
    return build_detail(snap, key, user, now)


def changed(demo: tuple[Snapshot, datetime], key: str, **changes: object) -> Snapshot:
    """The demo snapshot with decision ``key`` changed as given."""
    snap, _ = demo
    decisions = tuple(replace(d, **changes) if d.key == key else d for d in snap.decisions)
    return replace(snap, decisions=decisions)


def decision_of(demo: tuple[Snapshot, datetime], key: str) -> Decision:
    return next(d for d in demo[0].decisions if d.key == key)


def make_view(qtbot: QtBot, detail: DecisionDetail | None) -> DecisionDetailView:
    view = DecisionDetailView()
    qtbot.addWidget(view)
    view.resize(820, 760)  # the detail pane of a 1280×800 window
    view.open_url = _fail_open
    view.show_detail(detail)
    view.show()
    qtbot.waitExposed(view)
    return view


def _fail_open(url: QUrl) -> bool:
    raise AssertionError(f"opened {url.toString()} without confirmation")


def cells(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def child(view: DecisionDetailView, kind: type, name: str):
    return view.findChild(kind, name)


def test_the_demo_diff_shows_15_to_60_for_fred(qtbot: QtBot, demo) -> None:
    assert DEMO_USER == "fred"
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    section = child(view, QGroupBox, "diff_section")
    assert section is not None and section.isVisible()
    assert section.title() == "Changed since you acknowledged r1 (now r2)"
    rows = {row[1]: row for row in cells(child(view, QTableWidget, "diff_assertions"))}
    assert rows["auth.token.refresh_minutes"] == ["±", "auth.token.refresh_minutes", "− 15", "+ 60"]
    assert rows["auth.token.grace_minutes"] == ["+", "auth.token.grace_minutes", "", "5"]
    body = child(view, QPlainTextEdit, "diff_body").toPlainText()
    assert "-Access tokens are refreshed **every 15 minutes**" in body
    assert "+Access tokens are refreshed **every 60 minutes**" in body
    # visible without scrolling or clicking at the window size the product targets
    top = section.mapTo(view, section.rect().topLeft()).y()
    assert 0 <= top < view.height() - 100


def test_owner_actions_are_absent_for_others_and_present_for_the_owner(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    assert set(view.buttons) == {"acknowledge"}
    for action in ("revise", "open", "finalize", "supersede", "withdraw"):
        assert child(view, QPushButton, f"action_{action}") is None
    with qtbot.waitSignal(view.acknowledge_requested) as acked:
        view.buttons["acknowledge"].click()
    assert acked.args == ["D-1", 2]  # pinned to the revision shown

    view.show_detail(detail_of(demo, "D-1", "ana"))
    assert set(view.buttons) == {"revise", "supersede", "withdraw"}  # finalized
    assert child(view, QPushButton, "action_acknowledge") is None
    assert child(view, QGroupBox, "diff_section") is None  # ana acknowledged nothing
    with qtbot.waitSignal(view.owner_action_requested) as asked:
        view.buttons["withdraw"].click()
    assert asked.args == ["withdraw", "D-1"]


def test_a_draft_offers_the_owner_open_and_finalize(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-8", "fred"))  # fred's draft
    assert set(view.buttons) == {"revise", "open", "finalize", "supersede", "withdraw"}
    with qtbot.waitSignal(view.owner_action_requested) as asked:
        view.buttons["open"].click()
    assert asked.args == ["open", "D-8"]


def test_feedback_and_objection_on_an_open_decision(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-9", "fred"))
    assert set(view.buttons) == {"feedback", "objection"}
    with qtbot.waitSignal(view.feedback_requested) as comment:
        view.buttons["feedback"].click()
    with qtbot.waitSignal(view.feedback_requested) as objection:
        view.buttons["objection"].click()
    assert (comment.args, objection.args) == (["D-9", False], ["D-9", True])
    deadline = child(view, QLabel, "detail_deadline").text()
    assert deadline.startswith("Deadline ") and "(in " in deadline
    assert "mia on r1" in child(view, QLabel, "feedback_0").text()


def test_conflicts_are_side_by_side_and_open_the_other_decision(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    table = child(view, QTableWidget, "conflicts_table")
    assert [row[:2] for row in cells(table)] == [
        ["D-1 · Token refresh policy (this decision)", "60"],
        ["D-2 · Web session timer (fatima, finalized)", "15"],
    ]
    with qtbot.waitSignal(view.open_decision_requested) as opened:
        child(view, QPushButton, "open_D-2").click()
    assert opened.args == ["D-2"]


def test_coverage_per_revision_names_who_is_missing(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "ana"))
    r1 = child(view, QLabel, "coverage_r1").text()
    r2 = child(view, QLabel, "coverage_r2").text()
    assert r1 == "r1: 3/4 acknowledged — missing: mo"
    assert r2 == "r2: 0/4 acknowledged — missing: fatima, fred, mia, mo"
    # a list, newest first, whose summaries wrap instead of a squeezed table column
    heads = [w for w in view.findChildren(QLabel) if w.objectName().startswith("history_r")]
    assert [w.objectName() for w in heads] == ["history_r2", "history_r1"]
    assert heads[0].text().startswith("r2 (current) · ana · ")
    summary = child(view, QLabel, "history_summary_r2")
    assert summary.wordWrap() and "60 minutes" in summary.text()


def test_a_queued_acknowledgment_is_marked(qtbot: QtBot, demo) -> None:
    now = demo[1]
    d1 = decision_of(demo, "D-1")
    mine = Acknowledgment("local-uuid", "fred", 2, now)
    acked = changed(demo, "D-1", acknowledgments=(*d1.acknowledgments, mine))
    detail = build_detail(acked, "D-1", "fred", now, queued_acks=[2])
    view = make_view(qtbot, detail)
    note = child(view, QLabel, "queued_note")
    assert note is not None and "queued — waits for the store" in note.text()
    assert "fred queued — waits for the store" in child(view, QLabel, "coverage_r2").text()
    assert "acknowledge" not in view.buttons

    view.show_detail(build_detail(acked, "D-1", "fred", now))  # the store confirmed it
    assert child(view, QLabel, "queued_note") is None


def test_objections_and_overdue_deadlines_are_marked_in_words_and_colour(
    qtbot: QtBot, demo
) -> None:
    now = demo[1]
    objection = Feedback("f", "fred", 1, "This breaks the web client.", True, now)
    snap = changed(demo, "D-9", deadline=now - timedelta(days=2), feedback=(objection,))
    view = make_view(qtbot, build_detail(snap, "D-9", "bo", now))
    deadline = child(view, QLabel, "detail_deadline")
    assert deadline.text().startswith("OVERDUE — Deadline") and "2 days ago" in deadline.text()
    assert "color" in deadline.styleSheet()
    head = child(view, QLabel, "feedback_0")
    assert head.text().startswith("⚠ OBJECTION — fred on r1")
    assert "color" in head.styleSheet()
    assert child(view, QGroupBox, "feedback_section").title() == "Feedback (1, 1 objection)"


def test_a_link_opens_only_after_confirmation(qtbot: QtBot, demo) -> None:
    d9 = decision_of(demo, "D-9")
    body = "See [the RFC](https://www.rfc-editor.org/rfc/rfc9457) or [x](file:///etc/passwd)."
    snap = changed(demo, "D-9", revisions=(replace(d9.current, body=body),))
    view = make_view(qtbot, build_detail(snap, "D-9", "fred", demo[1]))
    asked: list[QUrl] = []
    opened: list[QUrl] = []
    refused: list[QUrl] = []
    answer = [False]
    view.confirm_link = lambda url: asked.append(url) or answer[0]
    view.open_url = lambda url: opened.append(url) or True
    view.refuse_link = refused.append
    assert view.body_view is not None
    rfc = QUrl("https://www.rfc-editor.org/rfc/rfc9457")

    view.body_view.anchorClicked.emit(rfc)
    assert asked == [rfc] and opened == []  # declined
    answer[0] = True
    view.body_view.anchorClicked.emit(rfc)
    assert opened == [rfc]
    view.body_view.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert refused == [QUrl("file:///etc/passwd")] and len(asked) == 2 and opened == [rfc]


def test_nothing_selected_shows_a_hint_and_no_actions(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "ana"))
    view.show_detail(None)
    assert view.detail is None and view.buttons == {}
    assert child(view, QLabel, "detail_empty") is not None
    assert child(view, QPushButton, "action_revise") is None


def test_the_pane_renders_at_the_target_size(qtbot: QtBot, demo, tmp_path: Path) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    image = view.grab()
    assert (image.width(), image.height()) == (820, 760)
    assert image.save(str(tmp_path / "detail.png"))
    title = child(view, QLabel, "detail_title").text()
    assert title == "D-1 · Token refresh policy"
    meta = child(view, QLabel, "detail_meta").text()
    assert meta == "Owner ana · Team backend · finalized · r2"
    assert "You acknowledged r1." in child(view, QLabel, "detail_standing").text()
    assert view.body_view is not None and "60 minutes" in view.body_view.toPlainText()
    assert cells(child(view, QTableWidget, "assertions_table")) == [
        ["auth.token.grace_minutes", "5"],
        ["auth.token.refresh_minutes", "60"],
    ]


def test_a_refresh_of_the_same_decision_keeps_the_scroll_position(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    bar = view._scroll.verticalScrollBar()
    assert bar.maximum() > 150
    bar.setValue(150)
    view.show_detail(detail_of(demo, "D-1", "fred"))
    assert bar.value() == 150
    view.show_detail(detail_of(demo, "D-2", "fred"))
    assert bar.value() == 0


def test_the_code_and_who_relies_on_it_stand_beside_the_coverage(qtbot: QtBot, demo) -> None:
    snapshot, now = demo
    value = CodeValue("auth.token.refresh_minutes", "15", "drift", "D-1", 2)
    reported = [
        CodeCheck("frontend", "web", "3f2a9c1d", "fred", now - timedelta(hours=2), (value,)),
        CodeCheck("mobile", "app", None, "mo", now - timedelta(minutes=5), (replace(value, found="60", status="holds"),)),
    ]  # fmt: skip
    with_code = replace(snapshot, code_checks=tuple(reported))
    view = make_view(qtbot, build_detail(with_code, "D-1", "ana", now))
    assert (
        child(view, QLabel, "relied_on_by").text() == "Relied on by: frontend (web), mobile (app)"
    )
    assert child(view, QLabel, "code_0").text() == (
        "auth.token.refresh_minutes: frontend · web @ 3f2a9c1: 15 — drift, 2 h ago"
    )
    assert child(view, QLabel, "code_1").text() == (
        "auth.token.refresh_minutes: mobile · app: 60 — holds, 5 min ago"
    )
    fred = make_view(qtbot, build_detail(with_code, "D-1", "fred", now))
    assert child(fred, QLabel, "you_rely_on").text() == (
        "You rely on auth.token.refresh_minutes in web"
    )
