"""``decision-inbox watch`` is not slowed by a transaction left open elsewhere on the server.

Transaction ids are cluster-wide: a session that holds an xid in another database is in every
snapshot's list of running transactions. A feed that waited for the oldest of them printed
nothing until that session ended, and then only on the next slow timer (seen: a 3 s blocker
cost 30 s).
"""

from __future__ import annotations

import time

import pytest

from tests.processes import Watch
from tests.store.blocker import foreign_transaction
from tests.store.helpers import open_store
from tests.sync.helpers import publish

pytestmark = pytest.mark.postgres


def test_watch_prints_a_finalize_within_a_second_behind_a_foreign_open_transaction(
    pg_url: str, pg_server_url: str
) -> None:
    store, service = open_store(pg_url)
    with foreign_transaction(pg_server_url) as blocker:
        watch = Watch(pg_url, "fred")
        try:
            watch.wait_status("online")
            assert watch.drain(0.3) == []  # an empty inbox: nothing to say
            for n in range(3):
                key = publish(service, f"Behind a blocker {n}")
                published = time.monotonic()
                got = watch.next_line(timeout=5)
                assert got is not None, f"no line for {key} while the blocker was open"
                at, line = got
                assert (line["key"], line["reason"]) == (key, "needs_ack")
                assert at - published < 1.0, at - published
            assert blocker.still_open()
        finally:
            assert watch.stop() == 0
            store.dispose()
