"""The window shows first: from the cache the last start left, before the store is contacted and
before SQLAlchemy or psycopg are imported; the store, the first sync (or the news that it
failed) come after. Observed from outside through the start-up log the app writes when
DECISION_INBOX_STARTUP_LOG names a file (inbox/app/first_paint.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from inbox.app.first_paint import ENV
from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.services.decision_service import DecisionService
from inbox.services.sync_service import SyncService
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.ui.main_window import SYNCING_TEXT, MainWindow
from tests import pg
from tests.app.child import AppProcess
from tests.app.test_main_window import elsewhere
from tests.app.window import FAST, seed_demo

STORE_MODULES = ("sqlalchemy", "psycopg")
WAIT = 60.0  # seconds: a start on a busy two-core machine


def _events(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]


def _wait_for(app: AppProcess, log: Path, event: str, timeout: float = WAIT) -> dict[str, Any]:
    """The first ``event`` line of the start-up log, waiting for it (polling a file: there is no
    event to wait on across processes)."""
    return app.wait_for(
        lambda: next((r for r in _events(log) if r["event"] == event), None),
        timeout,
        f"{event!r} in the start-up log",
    )


def _app(tmp_path: Path, store: str, log: Path) -> AppProcess:
    return AppProcess(tmp_path / "profile", store, "fred", env={ENV: str(log)})


def _run_once_until_synced(tmp_path: Path, store: str, log: Path) -> tuple[dict[str, Any], ...]:
    """A first start (no cache yet): what it showed first, and its first sync."""
    app = _app(tmp_path, store, log)
    app.start()
    try:
        shown = _wait_for(app, log, "shown")
        synced = _wait_for(app, log, "synced")
    finally:
        assert app.stop() == 0, app.output()
    log.unlink()
    return shown, synced


def test_a_first_start_says_it_is_syncing_and_the_next_shows_the_cache_without_the_store(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    seed_demo(url)
    log = tmp_path / "startup.jsonl"
    shown, synced = _run_once_until_synced(tmp_path, url, log)
    assert not shown["cached"] and shown["items"] == 0  # nothing to show yet, honestly
    assert synced["items"] > 0
    assert "sqlalchemy" in synced["modules"]  # the log tells what is loaded: it can fail

    again = _app(tmp_path, url, log)
    again.start()
    try:
        shown = _wait_for(again, log, "shown")
        assert shown["cached"] and shown["items"] == synced["items"]
        assert not set(STORE_MODULES) & set(shown["modules"]), shown
        later = _wait_for(again, log, "synced")
        assert later["monotonic"] > shown["monotonic"]
    finally:
        assert again.stop() == 0, again.output()


def test_with_the_store_down_the_cache_shows_before_any_connection_and_the_app_stays_offline(
    own_pg: pg.ThrowawayCluster, tmp_path: Path
) -> None:
    url = pg.sqlalchemy_url(own_pg.admin_url, database=pg.create_database(own_pg.admin_url))
    seed_demo(url)
    log = tmp_path / "startup.jsonl"
    _, synced = _run_once_until_synced(tmp_path, url, log)
    own_pg.stop()  # its port is closed now: every connection is refused

    app = _app(tmp_path, url, log)
    app.start()
    try:
        shown = _wait_for(app, log, "shown")
        # Shown from the cache while nothing of the store was even imported, so no connection
        # attempt can have started, let alone finished.
        assert shown["cached"] and shown["items"] == synced["items"]
        assert not set(STORE_MODULES) & set(shown["modules"]), shown
        failed = _wait_for(app, log, "sync_failed")
        assert failed["state"] == "offline" and failed["items"] == synced["items"]
        assert failed["monotonic"] > shown["monotonic"]
        assert app.alive()  # offline with its cache, not stopped by a "cannot start" dialog
    finally:
        assert app.stop() == 0, app.output()


def test_the_demo_is_seeded_after_the_window_shows(tmp_path: Path) -> None:
    log = tmp_path / "startup.jsonl"
    app = _app(tmp_path, str(tmp_path / "new-store.sqlite"), log)
    app.args = [*app.args, "--demo"]
    app.start()
    try:
        shown = _wait_for(app, log, "shown")
        assert not shown["cached"] and shown["items"] == 0
        synced = _wait_for(app, log, "synced")
        assert synced["items"] > 0  # fred's demo inbox, seeded meanwhile
    finally:
        assert app.stop() == 0, app.output()


def _empty_text(window: MainWindow) -> str:
    label = next(
        w for w in window.findChildren(QLabel) if w.accessibleName() == "Inbox empty state"
    )
    return label.text()


def test_until_the_first_sync_the_list_says_it_is_syncing_then_shows_the_inbox(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    mark_gui_thread()
    sync = SyncService(None, FAST, user="fred")
    window = MainWindow(sync, DecisionService(sync))
    qtbot.addWidget(window)
    opened: list[Client] = []
    try:
        with qtbot.waitSignal(sync.local_opened, timeout=10_000) as cached:
            sync.open_local(tmp_path / "no-such-folder", "fred")
        assert cached.args == [False]
        window.show()
        assert _empty_text(window) == SYNCING_TEXT
        elsewhere(
            lambda: opened.append(Client.open(StoreConnection.open(demo_url), "fred", tmp_path))
        )
        sync.attach(opened[0])
        with qtbot.waitSignal(sync.synced, timeout=20_000):
            sync.start()
        assert window.all_items and window.inbox.model.rowCount() > 0
        assert not window.inbox.waiting
    finally:
        sync.stop()
        window.close()
        unmark_gui_thread()
        for client in opened:
            client.close()
            client.store.dispose()
