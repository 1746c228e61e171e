"""The Qt façade: engine results arrive as signals on the GUI thread; the threaded smoke test
that guards against the PySide6 6.12.0 abort (docs/decisions/0005-plain-worker-thread.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from inbox.core.delta import InboxDelta, compare
from inbox.core.model import Reason
from inbox.services.sync_service import SyncService
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings
from tests.store.helpers import open_store, token_decision
from tests.sync.helpers import publish


@pytest.mark.expect_log("inbox.sync.syncer", "WARNING")
def test_sync_service_delivers_deltas_and_actions_as_signals(
    qtbot: QtBot, store_url: str, tmp_path: Path
) -> None:
    store, service = open_store(store_url)
    key = token_decision(service)
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    sync = SyncService(client, EngineSettings(poll_interval=0.05))
    gui_thread = threading.get_ident()
    seen_on: list[int] = []
    sync.delta_ready.connect(lambda _d: seen_on.append(threading.get_ident()))
    try:
        with qtbot.waitSignal(sync.delta_ready, timeout=10_000) as first:
            sync.start()
        assert [i.reason for i in first.args[0].items] == [Reason.NEEDS_ACK]
        with qtbot.waitSignal(sync.action_finished, timeout=10_000) as done:
            sync.acknowledge(key, 1)
        assert done.args == [f"Acknowledged {key} r1."]

        def acknowledged(delta) -> bool:  # type: ignore[no-untyped-def]
            return delta.items == ()

        qtbot.waitSignal(sync.delta_ready, timeout=10_000, check_params_cb=acknowledged).wait()
        assert set(seen_on) == {gui_thread}
        with qtbot.waitSignal(sync.action_failed, timeout=10_000) as failed:
            sync.acknowledge("D-99", 1)
        assert "no decision D-99" in failed.args[0].message
    finally:
        sync.stop()
        client.close()
        client.store.dispose()
        store.dispose()


def test_a_round_reaches_the_views_as_the_engine_made_it(
    qtbot: QtBot, store_url: str, tmp_path: Path
) -> None:
    """Between rounds with nothing shown locally, the engine's delta is relative to what the
    views show, so it passes through instead of the two whole inboxes being compared again."""
    store, service = open_store(store_url)
    token_decision(service)
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    sync = SyncService(client, EngineSettings(poll_interval=0.05))
    shown: list[InboxDelta] = []
    sync.delta_ready.connect(shown.append)
    try:
        with qtbot.waitSignal(sync.synced, timeout=10_000):
            sync.start()
        key = publish(service, "Second")

        def arrived(delta: InboxDelta) -> bool:
            return key in delta.decisions

        with qtbot.waitSignal(sync.synced, timeout=10_000, check_params_cb=arrived) as round_:
            sync.sync_now()
        delta = round_.args[0]
        (at,) = [n for n, d in enumerate(shown) if d is delta]
        assert [(i.key, i.reason) for i in delta.added] == [(key, Reason.NEEDS_ACK)]
        assert delta == compare(
            shown[at - 1].items,
            delta.items,
            decisions=delta.decisions,
            events=delta.events,
            owned=delta.owned,
        )
    finally:
        sync.stop()
        client.close()
        client.store.dispose()
        store.dispose()
