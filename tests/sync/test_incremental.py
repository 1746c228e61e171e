"""A sync round costs what changed: what it decodes and diffs, and that it still sees everything."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox.core import diff
from inbox.core.codec import decision_to_dict
from inbox.core.delta import compare
from inbox.core.inbox import compute_inbox
from inbox.core.model import Reason, Role
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.service import StoreService
from inbox.sync import cache as cache_module
from inbox.sync.cache import APPLICATION_ID, Cache
from inbox.sync.client import Client
from tests.store.helpers import open_store

DECISIONS = 12


@pytest.fixture
def world(store_url: str, tmp_path: Path) -> Iterator[tuple[StoreService, Client, list[str]]]:
    """Twelve decisions fred acknowledged at r1 that have a body-changing r2 since."""
    store, service = open_store(store_url)
    keys = []
    for n in range(DECISIONS):
        key = service.create(
            "ana",
            title=f"Decision {n}",
            body="one\ntwo\n",
            audience=[("team", "frontend", Role.ACK)],
            assertions={f"svc{n // 2}.limit": "1"},
        ).key
        assert key
        service.finalize("ana", key)
        service.acknowledge("fred", key, revision=1)
        service.revise("ana", key, summary="Longer", body="one\ntwo\nthree\n")
        keys.append(key)
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "data")
    yield service, client, keys
    client.close()
    client.store.dispose()
    store.dispose()


def counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_round_decodes_and_diffs_only_the_decision_that_changed(
    world: tuple[StoreService, Client, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    service, client, keys = world
    first = client.syncer.sync()
    assert [i.reason for i in first.items].count(Reason.CHANGED_SINCE_ACK) == DECISIONS
    decoded = counting(monkeypatch, cache_module, "decision_from_dict")
    diffed = counting(monkeypatch, diff.difflib, "unified_diff")
    service.revise("ana", keys[3], summary="Again", body="one\nfour\n")
    delta = client.syncer.sync()
    assert [(i.key, i.revision) for i in delta.changed] == [(keys[3], 3)]
    assert decoded[0] == 0, "a round decoded back from the cache what it had just written"
    assert diffed[0] == 0, "a round diffed bodies nobody looked at"
    assert delta.changed[0].diff is not None and "+four" in delta.changed[0].diff.body
    assert delta.changed[0].diff.body.startswith("--- r1")  # computed once, then kept
    assert diffed[0] == 1
    with service.store.read() as session:
        truth = load_snapshot(session)
    assert list(delta.items) == compute_inbox("fred", truth, client.syncer.clock())
    assert delta == compare(
        first.items,
        compute_inbox("fred", truth, client.syncer.clock()),
        decisions=delta.decisions,
        events=delta.events,
        owned=frozenset(),
    )


def test_what_another_process_of_the_profile_synced_reaches_this_one(
    world: tuple[StoreService, Client, list[str]], store_url: str, tmp_path: Path
) -> None:
    service, client, keys = world
    client.syncer.sync()
    other = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "data")
    try:
        service.revise("ana", keys[0], summary="Elsewhere", set_assertions={"svc0.limit": "2"})
        other.syncer.sync()  # the cache and its cursor move on in the other process
        delta = client.syncer.sync()
    finally:
        other.close()
        other.store.dispose()
    assert not delta.events  # this process read no event of it
    assert (keys[0], Reason.CONFLICT, 3) in {(i.key, i.reason, i.revision) for i in delta.added}
    with service.store.read() as session:
        truth = load_snapshot(session)
    assert client.syncer.items() == compute_inbox("fred", truth, client.syncer.clock())


def test_a_cache_of_before_the_stamps_is_read_and_then_stamped(
    tmp_path: Path, sqlite_url: str
) -> None:
    store, service = open_store(sqlite_url)
    key = service.create("ana", title="Old cache", audience=[("team", "frontend", Role.ACK)]).key
    with store.read() as session:
        (old,) = load_snapshot(session).decisions
    store.dispose()
    path = tmp_path / "cache.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE decisions (key TEXT PRIMARY KEY, data TEXT NOT NULL);"
        "CREATE TABLE people (handle TEXT PRIMARY KEY, data TEXT NOT NULL);"
        f"PRAGMA application_id={APPLICATION_ID}; PRAGMA user_version=1;"
    )
    db.execute("INSERT INTO decisions VALUES (?, ?)", (key, json.dumps(decision_to_dict(old))))
    db.commit()
    db.close()
    cache = Cache(path)
    try:
        everything = cache.changes(None)
        assert everything.everything and [d.key for d in everything.decisions] == [key]
        cache.apply([old], None, "7")
        later = cache.changes(everything.stamp)
        assert not later.everything and [d.key for d in later.decisions] == [key]
        assert cache.changes(later.stamp).decisions == ()
    finally:
        cache.close()
