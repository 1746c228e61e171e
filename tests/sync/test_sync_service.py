"""The Qt façade: engine results arrive as signals on the GUI thread; the threaded smoke test
that guards against the PySide6 6.12.0 abort (docs/decisions/0005-plain-worker-thread.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from inbox.core.model import Reason
from inbox.services.sync_service import SyncService
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings
from tests.store.helpers import open_store, token_decision


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
