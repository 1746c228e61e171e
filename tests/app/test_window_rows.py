"""The inbox list in the real window on the demo store: one row per decision with the owners'
names, key, title and why inside the viewport at 1024×700 (and at 200 % scaling, in a child
process), read marks kept across a restart, and Esc then j moving in the list."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from pytestqt.qtbot import QtBot

from inbox.core.model import Reason
from inbox.services.read_marks import READ_MARKS_KEY
from inbox.ui.inbox_delegate import InboxRowDelegate
from inbox.ui.inbox_model import InboxTableModel
from inbox.ui.inbox_row_text import RowText
from tests.app.actions import press
from tests.app.window import Running, running_window

Key = Qt.Key
WAIT = 10_000


def row_texts(run: Running) -> list[RowText]:
    model = run.window.inbox.model
    found = (
        model.data(model.index(r, 0), InboxTableModel.RowRole) for r in range(model.rowCount())
    )
    return [t for t in found if isinstance(t, RowText)]


def parts_on_screen(run: Running) -> list[tuple[str, QRect, QRect, QRect, QRect]]:
    """(key, key rect, title rect, why rect, viewport) of each decision's row on screen."""
    table, model = run.window.inbox.table, run.window.inbox.model
    delegate = table.itemDelegateForColumn(0)
    assert isinstance(delegate, InboxRowDelegate)
    viewport = table.viewport().rect()
    out = []
    for row in range(model.rowCount()):
        text = model.data(model.index(row, 0), InboxTableModel.RowRole)
        rect = table.visualRect(model.index(row, 0))
        if isinstance(text, RowText) and viewport.intersects(rect):
            parts = delegate.layout(rect, text, table.font())
            out.append((text.key, parts.key, parts.title, parts.why, viewport))
    return out


def test_the_demo_shows_d1_once_with_both_reasons_and_every_row_readable_at_1024x700(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        run.window.resize(1024, 700)
        # the directory arrives after the first sync: then the owners have their names
        qtbot.waitUntil(lambda: any(t.owner != "ana" for t in row_texts(run) if t.key == "D-1"))
        texts = row_texts(run)
        assert [t.key for t in texts].count("D-1") == 1
        d1 = next(t for t in texts if t.key == "D-1")
        assert d1.chips == ("Changed", "Conflict")
        model = run.window.inbox.model
        reasons = {i.reason for i in model.items(model.rows_of_key("D-1")[0])}
        assert reasons == {Reason.CHANGED_SINCE_ACK, Reason.CONFLICT}
        qtbot.waitUntil(lambda: len(parts_on_screen(run)) == len(texts))
        for key, *rects, viewport in parts_on_screen(run):
            for rect in rects:
                assert viewport.contains(rect), (key, rect, viewport)


def test_esc_then_j_moves_in_the_list_instead_of_typing(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        qtbot.waitUntil(lambda: run.window.current_item is not None, timeout=WAIT)
        first = run.window.current_item
        search = run.window.inbox.search_field
        press(qtbot, run, Key.Key_Slash)
        assert search.hasFocus()
        qtbot.keyClicks(search, "d-")
        press(qtbot, run, Key.Key_Escape)
        qtbot.waitUntil(run.window.inbox.table.hasFocus)
        press(qtbot, run, Key.Key_J)
        assert search.text() == "d-"
        assert run.window.current_item is not None and run.window.current_item != first


def test_an_opened_decision_stays_read_after_a_restart(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        qtbot.waitUntil(lambda: len(row_texts(run)) >= 3, timeout=WAIT)
        run.window.select_key("D-9")
        qtbot.waitUntil(
            lambda: (
                "D-9" in json.loads(run.client.state.get(READ_MARKS_KEY) or "{}").get("opened", {})
            ),
            timeout=WAIT,
        )
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        qtbot.waitUntil(
            lambda: any(t.key == "D-9" and not t.unread for t in row_texts(run)), timeout=WAIT
        )
        unread = {t.key for t in row_texts(run) if t.unread}
        assert "D-9" not in unread and unread  # never opened here: still unread


_CHILD = textwrap.dedent(
    """
    import json, sys
    from datetime import UTC, datetime, timedelta
    from dataclasses import replace
    from PySide6.QtWidgets import QApplication
    from inbox.core.model import Reason
    from inbox.ui.inbox_delegate import InboxRowDelegate
    from inbox.ui.inbox_model import InboxTableModel
    from inbox.ui.inbox_row_text import RowText
    from inbox.ui.inbox_view import InboxListView
    from tests.core.builders import inbox_item as item

    app = QApplication([])
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    title = "Access tokens are refreshed every 60 minutes by every client"
    items = [
        item(1, Reason.CHANGED_SINCE_ACK, title=title)._replace(changed_at=now),
        item(1, Reason.CONFLICT, title=title)._replace(conflict_key="auth.token", changed_at=now),
        item(9, Reason.FEEDBACK_REQUESTED, deadline=now + timedelta(hours=23)),
    ]
    view = InboxListView(now=lambda: now)
    view.set_items(items)
    view.resize(int(sys.argv[1]), int(sys.argv[2]))
    view.show()
    for _ in range(20):
        app.processEvents()
    table, model = view.table, view.model
    delegate = table.itemDelegateForColumn(0)
    viewport = table.viewport().rect()
    out = {"ratio": table.devicePixelRatioF(), "rows": []}
    for row in range(model.rowCount()):
        text = model.data(model.index(row, 0), InboxTableModel.RowRole)
        if isinstance(text, RowText):
            p = delegate.layout(table.visualRect(model.index(row, 0)), text, table.font())
            out["rows"].append([viewport.contains(r) for r in (p.key, p.title, p.why)])
    print(json.dumps(out))
    """
)


def test_key_title_and_why_stay_inside_at_200_percent_scaling() -> None:
    # QT_SCALE_FACTOR must be set before Qt starts: a child process. 420×600 logical pixels
    # is the list's share of a 1024×700 window beside the detail pane.
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "420", "600"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["ratio"] == 2
    assert shown["rows"] == [[True, True, True], [True, True, True]]
