"""The command line over the client's local state: `inbox` shows the outbox and, when the store
is down, what the profile synced last; poll mode catches up without LISTEN."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from inbox.sync.client import Client
from tests import pg
from tests.processes import Watch, cli
from tests.sentences import one_sentence
from tests.store.helpers import open_store, token_decision


def fred_client(url: str, profile: Path) -> Client:
    # The same folder the command line uses for this profile, store and person.
    return Client.open(StoreConnection.open(url), "fred", profile.resolve())


@pytest.mark.expect_log("inbox.sync.syncer", "WARNING")
def test_inbox_shows_a_refused_outbox_entry_with_its_sentence(
    store_url: str, isolated_profile: Path
) -> None:
    store, service = open_store(store_url)
    key = token_decision(service)
    client = fred_client(store_url, isolated_profile)
    client.syncer.sync()
    client.state.queue_ack(key, 1)  # made while offline, say
    service.withdraw("ana", key)
    client.syncer.push()
    client.close()
    shown = cli("inbox", "--json", store=store_url, user="fred").json()
    [entry] = shown["outbox"]
    assert (entry["key"], entry["status"]) == (key, "error")
    assert "withdrawn" in entry["error"]
    text = cli("inbox", store=store_url, user="fred").out
    assert "Not delivered: the store refused (1)" in text and f"acknowledgment of {key} r1" in text
    store.dispose()


def test_inbox_falls_back_to_the_cache_when_the_store_is_down(
    own_pg: pg.ThrowawayCluster, own_store: tuple[str, StoreService], isolated_profile: Path
) -> None:
    url, service = own_store
    key = token_decision(service)
    client = fred_client(url, isolated_profile)
    client.syncer.sync()
    client.close()
    own_pg.pause()
    try:
        down = cli("inbox", "--json", store=url, user="fred")
        assert [(i["key"], i["reason"]) for i in down.json()["items"]] == [(key, "needs_ack")]
        [note] = down.err.strip().splitlines()
        assert note.startswith("decision-inbox: ") and "synced last" in note
        queued = cli("ack", key, store=url, user="fred")
        assert queued.out.startswith(f"Queued the acknowledgment of {key} r1")
        after = cli("inbox", "--json", store=url, user="fred").json()
        assert after["items"] == []  # acknowledged here: not owed any more, even offline
        assert [e["status"] for e in after["outbox"]] == ["pending"]
    finally:
        own_pg.resume()


def test_poll_mode_catches_up_on_its_timer(store_url: str, isolated_profile: Path) -> None:
    store, service = open_store(store_url)
    (isolated_profile / "config.json").write_text(
        json.dumps({"sync": {"mode": "poll", "poll_seconds": 0.5}}), encoding="utf-8"
    )
    watch = Watch(store_url, "fred")
    try:
        watch.wait_status("online")
        key = token_decision(service)
        published = time.monotonic()
        got = watch.next_line(10)
        assert got is not None and got[1]["key"] == key
        assert got[0] - published < 0.5 + 1.0
    finally:
        watch.stop()
        store.dispose()


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ({"sync": {"mode": "pol"}}, "sync.mode"),
        ({"sync": {"poll_seconds": "often"}}, "sync.poll_seconds"),
        ({"notifications": {"quiet_start": "10pm"}}, "notifications.quiet_start"),
        ({"notifications": {"paused_until": "tomorrow"}}, "notifications.paused_until"),
    ],
)
def test_a_bad_watch_setting_is_one_sentence(
    sqlite_url: str, isolated_profile: Path, config: dict[str, object], named: str
) -> None:
    store, _ = open_store(sqlite_url)
    store.dispose()
    (isolated_profile / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = cli("watch", store=sqlite_url, user="fred", check=False)
    assert result.code == 2
    one_sentence(result.err, named)
