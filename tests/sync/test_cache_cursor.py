"""A cache that holds a feed cursor of the older ``"<txid>:<seq>"`` form is loaded afresh once.

That form cannot be translated into a snapshot cursor without reading some events twice or
none at all, so the cache forgets it (one log line) and the next sync is a full load.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from inbox.store import feed
from inbox.store.connection import StoreConnection
from inbox.sync.cache import Cache
from inbox.sync.client import Client
from tests.store.helpers import open_store
from tests.sync.helpers import publish

OLD = "1234:56"


@pytest.mark.parametrize(
    ("cursor", "old"),
    [(OLD, True), ("", False), ("42", False), ("7:9:", False), ("7:9:7,8", False),
     ("/7:9:/3", False), ("7:9:7/7:12:7/3", False)],
)  # fmt: skip
def test_only_the_older_form_counts_as_outdated(cursor: str, old: bool) -> None:
    assert feed.outdated(cursor) is old


@pytest.mark.expect_log("inbox.sync.cache", "WARNING")
def test_an_outdated_cursor_is_forgotten_once_with_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    cache = Cache(path)
    cache.put("cursor", OLD)
    cache.close()
    with caplog.at_level(logging.WARNING, logger="inbox.sync.cache"):
        cache = Cache(path)
        assert cache.cursor is None
        cache.close()
        cache = Cache(path)
        assert cache.cursor is None
        cache.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "inbox.sync.cache"]
    assert len(lines) == 1 and str(path) in lines[0] and "afresh" in lines[0], lines


def test_a_current_cursor_is_kept(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cache.sqlite"
    for cursor in ("42", "7:9:7,8", "/7:9:/3"):
        cache = Cache(path)
        cache.put("cursor", cursor)
        cache.close()
        cache = Cache(path)
        assert cache.cursor == cursor
        cache.close()
    assert not [r for r in caplog.records if r.name == "inbox.sync.cache"]


@pytest.mark.postgres
@pytest.mark.expect_log("inbox.sync.cache", "WARNING")
def test_a_client_with_an_outdated_cursor_reloads_and_then_follows_the_feed(
    pg_url: str, tmp_path: Path
) -> None:
    store, service = open_store(pg_url)
    first = publish(service, "Before the upgrade")
    client = Client.open(StoreConnection.open(pg_url), "fred", tmp_path)
    try:
        assert client.syncer.sync().first_sync
        client.cache.put("cursor", OLD)  # what an older version left behind
    finally:
        client.close()
        client.store.dispose()
    second = publish(service, "While it was closed")
    client = Client.open(StoreConnection.open(pg_url), "fred", tmp_path)
    try:
        reloaded = client.syncer.sync()
        assert reloaded.first_sync  # a full load, not a read from the unreadable cursor
        assert {i.key for i in reloaded.items} == {first, second}
        cursor = client.cache.cursor
        assert cursor is not None and not feed.outdated(cursor)
        third = publish(service, "After the upgrade")
        assert third in client.syncer.sync().decisions
    finally:
        client.close()
        client.store.dispose()
        store.dispose()
