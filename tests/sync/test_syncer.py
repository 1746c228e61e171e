"""The sync engine's pieces on both stores: full load, catch-up, outbox, cache rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.core.errors import StoreUnavailableError, ValidationError
from inbox.core.inbox import compute_inbox
from inbox.core.model import Reason, Role
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.sync.state import PENDING, REFUSED, SENT
from tests.store.helpers import open_store, token_decision

DEAD_PG = "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=1"


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> Iterator[tuple[StoreService, Client]]:
    store, service = open_store(store_url)
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "data")
    yield service, client
    client.close()
    client.store.dispose()
    store.dispose()


def store_inbox(service: StoreService, user: str) -> list[tuple[str, str]]:
    with service.store.read() as session:
        snapshot = load_snapshot(session)
    return [(i.key, str(i.reason)) for i in compute_inbox(user, snapshot, service.clock())]


def client_inbox(client: Client) -> list[tuple[str, str]]:
    return [(i.key, str(i.reason)) for i in client.syncer.items()]


def test_first_sync_loads_everything_then_catch_up_applies_only_news(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    key = token_decision(service)
    first = client.syncer.sync()
    assert first.first_sync
    assert [(i.key, i.reason) for i in first.added] == [(key, Reason.NEEDS_ACK)]
    assert client_inbox(client) == store_inbox(service, "fred")

    service.revise("ana", key, summary="60", set_assertions={"auth.token.refresh_minutes": "60"})
    other = service.create("ana", title="Unrelated").key
    delta = client.syncer.sync()
    assert not delta.first_sync
    assert delta.decisions == {key, other}
    assert [e.kind for e in delta.events] == ["revised", "created"]
    assert [i.reason for i in delta.changed] == [Reason.NEEDS_ACK]  # still owed, now r2
    assert delta.changed[0].revision == 2
    assert client_inbox(client) == store_inbox(service, "fred")
    assert client.syncer.sync().empty  # nothing new: nothing changed


def test_directory_changes_reach_the_cache(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    client.syncer.sync()
    service.add_team("mobile")
    service.add_person("mia", name="Mia", teams=["mobile"])
    key = service.create("ana", title="Mobile", audience=[("team", "mobile", Role.ACK)]).key
    service.finalize("ana", str(key))
    service.add_person("fred", name="Fred", teams=["mobile"])  # fred joins mobile
    client.syncer.sync()
    assert "mobile" in client.cache.snapshot().people["fred"].teams
    assert (key, "needs_ack") in client_inbox(client)
    assert client_inbox(client) == store_inbox(service, "fred")


def test_outbox_ack_shows_at_once_and_is_delivered_once(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    key = token_decision(service)
    client.syncer.sync()
    entry = client.state.queue_ack(key, 1)
    assert client_inbox(client) == []  # the overlay: acknowledged here, before the store knows
    client.syncer.push()
    assert [e.status for e in client.state.entries()] == [SENT]
    client.syncer.push()  # nothing pending: nothing sent twice
    delta = client.syncer.sync()
    assert client.state.entries() == []  # confirmed from the feed
    assert [e.data["id"] for e in delta.events if e.kind == "acknowledged"] == [entry.id]
    with service.store.read() as session:
        acks = load_snapshot(session).decisions[0].acknowledgments
    assert [(a.id, a.person, a.revision) for a in acks] == [(entry.id, "fred", 1)]


def test_a_push_repeated_after_a_crash_is_deduplicated(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    key = token_decision(service)
    entry = client.state.queue_ack(key, 1)
    client.syncer.deliver(entry)  # delivered, then the process died before marking it sent
    assert [e.status for e in client.state.entries()] == [PENDING]
    client.syncer.sync()
    assert client.state.entries() == []
    with service.store.read() as session:
        assert len(load_snapshot(session).decisions[0].acknowledgments) == 1


@pytest.mark.expect_log("inbox.sync.syncer", "WARNING")
def test_a_refused_entry_stays_visible_with_its_sentence(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    key = token_decision(service)
    service.withdraw("ana", key)
    client.state.queue_ack(key, 1)
    client.syncer.sync()
    [entry] = client.state.entries()
    assert entry.status == REFUSED and "withdrawn" in (entry.error or "")


def test_cli_style_ack_when_the_store_is_unreachable_is_queued(
    tmp_path: Path, store_url: str
) -> None:
    store, service = open_store(store_url)
    key = token_decision(service)
    online = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    online.syncer.sync()
    online.close()
    # Same profile folder, but the store cannot be reached: the cache knows the revision.
    offline = Client.open(StoreConnection.open(DEAD_PG), "fred", tmp_path / "d", paths=online.paths)
    change, message = offline.acknowledge(key, None)
    assert change is None and message.startswith(f"Queued the acknowledgment of {key} r1")
    assert [e.status for e in offline.state.entries()] == [PENDING]
    with pytest.raises(StoreUnavailableError):
        offline.syncer.sync()
    offline.close()
    back = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    back.syncer.sync()
    assert back.state.entries() == []
    assert client_inbox(back) == store_inbox(service, "fred") == []
    back.close()
    store.dispose()


@pytest.mark.expect_log("inbox.sync.syncer", "WARNING")
def test_an_offline_ack_of_an_open_decision_is_refused_at_sync_and_kept_visible(
    tmp_path: Path, store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store, service = open_store(store_url)
    key = token_decision(service, finalize=False)
    service.open("ana", key, deadline=service.clock() + timedelta(days=1))
    online = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    online.syncer.sync()
    online.close()
    offline = Client.open(StoreConnection.open(DEAD_PG), "fred", tmp_path / "d", paths=online.paths)
    change, message = offline.acknowledge(key, None)
    assert change is None and message.startswith(f"Queued the acknowledgment of {key} r1")
    # Meanwhile it counts for nobody: an open decision takes no acknowledgment.
    assert offline.syncer.snapshot().decisions[0].acknowledgments == ()
    offline.close()
    back = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    back.syncer.sync()
    [entry] = back.state.entries()
    assert entry.status == REFUSED
    assert (entry.error or "").startswith(f"{key} is open for feedback until ")
    back.syncer.sync()  # never retried
    assert [e.status for e in back.state.entries()] == [REFUSED]
    assert len([r for r in caplog.records if "refused outbox entry" in r.getMessage()]) == 1
    with service.store.read() as session:
        assert load_snapshot(session).decisions[0].acknowledgments == ()
    back.close()
    back.store.dispose()
    store.dispose()


def test_refusal_from_the_cli_path_is_raised_and_not_kept(world) -> None:  # type: ignore[no-untyped-def]
    service, client = world
    key = token_decision(service, finalize=False)
    service.open("ana", key, deadline=service.clock() + timedelta(days=1))
    service.withdraw("ana", key)
    with pytest.raises(ValidationError, match="withdrawn"):
        client.give_feedback(key, "too late", objection=False)
    assert client.state.entries() == []


@pytest.mark.expect_log("inbox.sync.localdb", "WARNING")
def test_a_corrupt_cache_is_moved_aside_and_rebuilt_without_losing_the_outbox(
    store_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, service = open_store(store_url)
    key = token_decision(service)
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    client.syncer.sync()
    client.state.queue_ack(key, 1)
    paths = client.paths
    client.close()
    paths.cache.write_bytes(b"this is not a database at all" * 100)
    Path(str(paths.cache) + "-wal").unlink(missing_ok=True)
    again = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "d")
    assert any("unreadable" in r.getMessage() for r in caplog.records)
    assert list(paths.folder.glob("cache.sqlite.unreadable-*"))
    assert [e.decision for e in again.state.entries()] == [key]
    delta = again.syncer.sync()
    assert delta.first_sync
    assert again.state.entries() == [] or [e.status for e in again.state.entries()] == [SENT]
    again.syncer.sync()
    assert again.state.entries() == []
    assert client_inbox(again) == store_inbox(service, "fred") == []
    again.close()
    store.dispose()
