"""The window while PostgreSQL is down: an acknowledgment changes the row at once,
waits visibly in the outbox, and reaches the store exactly once when the server is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from inbox.core.model import Decision, Reason
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.ui.detail_view import INDEX_NOTE
from tests import pg
from tests.app.test_main_window import elsewhere
from tests.app.window import Running, running_window, seed_demo

WAIT = 10_000
# The engine retries with a capped exponential backoff (at most 30 s); the outage here lasts a
# few seconds, so its next try comes well within this.
RECONNECT = 45_000

pytestmark = pytest.mark.postgres


@pytest.fixture
def demo_pg_url(own_pg: pg.ThrowawayCluster) -> str:
    url = pg.sqlalchemy_url(own_pg.admin_url, database=pg.create_database(own_pg.admin_url))
    seed_demo(url)
    return url


def _reasons(run: Running, key: str) -> set[Reason]:
    model = run.window.inbox.model
    rows = (i for r in range(model.rowCount()) for i in model.items(r))  # a row's chips
    return {i.reason for i in rows if i.key == key}


def _decision(url: str, key: str) -> Decision:
    """``key`` as the store has it, read on another thread (this one is the GUI thread)."""
    found: list[Decision] = []

    def read() -> None:
        store = StoreConnection.open(url)
        try:
            with store.read() as session:
                found.append(load_decision(session, key))
        finally:
            store.dispose()

    elsewhere(read)
    return found[0]


def test_an_acknowledgment_made_offline_waits_and_reaches_the_store_once(
    qtbot: QtBot, own_pg: pg.ThrowawayCluster, demo_pg_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_pg_url, tmp_path / "fred") as run:
        status = run.window.status
        qtbot.waitUntil(lambda: status.text == "Online", timeout=WAIT)
        assert run.window.inbox.select_key("D-1")
        assert run.window.current_item.reason is Reason.CHANGED_SINCE_ACK
        qtbot.waitUntil(lambda: run.window.actions_by_name["ack"].isEnabled(), timeout=WAIT)

        own_pg.pause()
        qtbot.waitUntil(lambda: status.text.startswith("Offline"), timeout=WAIT)
        run.window.inbox.table.setFocus()
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT) as said:
            qtbot.keyClick(run.window.inbox.table, Qt.Key.Key_A)
        assert said.args[0].startswith("Queued your acknowledgment of D-1 r2")
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1"), timeout=WAIT)
        qtbot.waitUntil(lambda: "1 queued" in status.text, timeout=WAIT)
        assert "Offline" in status.text
        assert "Queued your acknowledgment of D-1 r2" in run.window.banner.text

        own_pg.resume()
        qtbot.waitUntil(lambda: status.text == "Online", timeout=RECONNECT)
        qtbot.waitUntil(lambda: "queued" not in status.text, timeout=WAIT)
        assert Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1")  # and it never came back
        decision = _decision(demo_pg_url, "D-1")
    acks = [(a.person, a.revision) for a in decision.acknowledgments if a.person == "fred"]
    assert sorted(acks) == [("fred", 1), ("fred", 2)]


def test_offline_a_decision_kept_as_its_index_is_shown_with_why_the_rest_is_missing(
    qtbot: QtBot, own_pg: pg.ThrowawayCluster, demo_pg_url: str, tmp_path: Path
) -> None:
    """mo's client keeps D-2 (frontend's) as its index only; with the store down, opening it
    shows what the index has and says why its text and history are missing."""
    with running_window(qtbot, demo_pg_url, tmp_path / "mo", user="mo") as run:
        status = run.window.status
        qtbot.waitUntil(lambda: status.text == "Online", timeout=WAIT)
        own_pg.pause()
        try:
            qtbot.waitUntil(lambda: status.text.startswith("Offline"), timeout=WAIT)
            run.window.select_key("D-2")
            qtbot.waitUntil(
                lambda: run.window.detail is not None and run.window.detail.decision.key == "D-2",
                timeout=WAIT,
            )
            assert run.window.detail.decision.partial
            note = run.window.detail_view.findChild(QLabel, "index_note")
            assert note is not None and note.text() == INDEX_NOTE
        finally:
            own_pg.resume()
