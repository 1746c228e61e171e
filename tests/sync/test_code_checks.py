"""Code checks reach a client's cache, mirror and inbox through the feed, and a cache made
before code checks existed takes them in once, without a full load (docs/check.md, --report)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from inbox.core.model import CodeValue, Reason
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from tests.store.helpers import open_store, token_decision

DRIFT = (CodeValue("auth.token.refresh_minutes", "60", "drift", "D-1", 1),)


def test_a_report_reaches_the_cache_and_the_inbox_and_an_old_cache_takes_them_in_once(
    store_url: str, tmp_path: Path
) -> None:
    store, service = open_store(store_url)
    client = Client.open(StoreConnection.open(store_url), "ana", tmp_path)
    try:
        token_decision(service)
        assert client.syncer.sync().first_sync
        service.report("fred", team="frontend", repo="web", commit=None, values=DRIFT)
        delta = client.syncer.sync()
        assert [(i.key, i.reason) for i in delta.added] == [("D-1", Reason.CODE_DRIFT)]
        assert [c.repo for c in client.cache.snapshot().code_checks] == ["web"]
        path, cursor = client.cache.path, client.cache.cursor
    finally:
        client.close()
        client.store.dispose()
    with sqlite3.connect(path) as old:  # what a cache of the version before looks like
        old.execute("DROP TABLE code_checks")
    client = Client.open(StoreConnection.open(store_url), "ana", tmp_path)
    try:
        assert client.cache.checks_missing and client.cache.cursor == cursor
        assert client.cache.snapshot().code_checks == ()
        items = client.syncer.sync().items
        assert ("D-1", Reason.CODE_DRIFT) in [(i.key, i.reason) for i in items]
        assert not client.cache.checks_missing
        assert [c.repo for c in client.cache.snapshot().code_checks] == ["web"]
    finally:
        client.close()
        client.store.dispose()
        store.dispose()
