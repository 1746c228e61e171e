"""An acknowledgment in its undo window is in the outbox from the start, with a hold: no sync
sends it early, Undo takes it back, and a crash during the window cannot lose it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.state import PENDING, ClientState
from tests.store.helpers import open_store, token_decision

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _fred_acks(url: str) -> list[int]:
    store = StoreConnection.open(url)
    try:
        client = Client.open(store, "ana", Path(store.shown_url).parent / "ana-profile")
        try:
            client.syncer.sync()
            [decision] = [d for d in client.syncer.snapshot().decisions if d.key == "D-1"]
            return sorted(a.revision for a in decision.acknowledgments if a.person == "fred")
        finally:
            client.close()
    finally:
        store.dispose()


def test_a_held_acknowledgment_waits_for_its_window_and_survives_a_crash(
    sqlite_url: str, tmp_path: Path
) -> None:
    store, service = open_store(sqlite_url)
    key = token_decision(service)
    client = Client.open(store, "fred", tmp_path / "fred")
    client.syncer.clock = lambda: NOW
    client.syncer.sync()
    entry = client.state.queue_ack(key, 1, hold_until=NOW + timedelta(seconds=6))
    assert not [i for i in client.syncer.items() if i.key == key]  # done here at once
    client.syncer.sync()
    assert _fred_acks(sqlite_url) == []  # the window is open: nothing sent
    client.close()  # the app dies here, without ending the hold

    again = Client.open(store, "fred", tmp_path / "fred")
    again.syncer.clock = lambda: NOW + timedelta(seconds=7)
    assert [e.id for e in again.state.entries(PENDING)] == [entry.id]
    again.syncer.sync()
    assert _fred_acks(sqlite_url) == [1]  # the next start sent it, once
    again.close()
    store.dispose()


def test_cancel_takes_back_only_what_is_still_held(tmp_path: Path) -> None:
    state = ClientState(tmp_path / "state.sqlite")
    held = state.queue_ack("D-1", 2, hold_until=NOW + timedelta(seconds=6))
    released = state.queue_ack("D-2", 1, hold_until=NOW + timedelta(seconds=6))
    plain = state.queue_ack("D-3", 1)
    assert state.held(NOW) == {held.id, released.id}
    assert state.held(NOW + timedelta(seconds=7)) == set()
    state.release(released.id)
    assert state.held(NOW) == {held.id}
    assert state.cancel(held.id) is True
    assert state.cancel(released.id) is False and state.cancel(plain.id) is False
    assert sorted(e.decision for e in state.entries()) == ["D-2", "D-3"]
    state.close()
