"""Outage: PostgreSQL stops while ``watch`` runs, the person acknowledges
twice on the command line, the server comes back. The state goes offline → online, both
acknowledgments arrive exactly once, the change missed meanwhile is notified once, and nothing
is ever printed twice.

The test owns its cluster (``own_pg``): stopping it harms no other test.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import pytest

from inbox.core.errors import StoreUnavailableError
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.service import StoreService
from inbox.sync.state import ClientState
from tests import pg
from tests.processes import Watch, cli
from tests.store.helpers import token_decision
from tests.sync.helpers import client_paths, publish

pytestmark = pytest.mark.postgres

BOUND = 30.0  # generous: a working run takes a few seconds


def outbox(profile: Path, url: str) -> list[str]:
    """The statuses of fred's outbox entries in this test's profile."""
    state = ClientState(client_paths(profile, url).state)
    try:
        return [e.status for e in state.entries()]
    finally:
        state.close()


def fred_acks(url: str) -> list[tuple[str, int]]:
    store = StoreConnection.open(url)
    try:
        with store.read() as session:
            decisions = load_snapshot(session).decisions
    finally:
        store.dispose()
    return sorted(
        (d.key, a.revision) for d in decisions for a in d.acknowledgments if a.person == "fred"
    )


def lines_until(watch: Watch, key: str) -> list[dict[str, object]]:
    """Every line up to and including the first one about ``key``."""
    return watch.lines_until(lambda line: line["key"] == key, timeout=BOUND)


def test_an_outage_goes_offline_then_online_and_loses_or_repeats_nothing(
    own_pg: pg.ThrowawayCluster,
    own_store: tuple[str, StoreService],
    isolated_profile: Path,
) -> None:
    url, service = own_store
    first = token_decision(service)
    printed: list[dict[str, object]] = []
    watch = Watch(url, "fred")
    try:
        watch.wait_status("online", timeout=BOUND)
        printed += lines_until(watch, first)  # and below, whatever came in between
        a = publish(service, "Error format")
        printed += lines_until(watch, a)

        # The server goes away: the watch says so, with a sentence and a retry time.
        own_pg.pause()
        stopped = time.monotonic()
        offline = watch.wait_status("offline", timeout=BOUND)
        assert time.monotonic() - stopped < 10, "the outage took too long to be reported"
        message = str(offline["message"])
        assert message.endswith(".") and "\n" not in message, message
        assert datetime.fromisoformat(str(offline["retry_at"]))

        # Two acknowledgments while down, from the same profile: queued, exit 0.
        for key, extra in ((first, ()), (a, ("--revision", "1"))):
            result = cli("ack", key, *extra, store=url, user="fred")
            assert result.out.startswith(f"Queued the acknowledgment of {key} r1"), result.out
            assert "unreachable" in result.out and result.err == ""
        assert outbox(isolated_profile, url) == ["pending", "pending"]
        with pytest.raises(StoreUnavailableError):
            fred_acks(url)  # really down: the acknowledgments can only be in the outbox

        # Back up; ana finalizes B at once, most likely before the watch has reconnected.
        own_pg.resume()
        b = publish(service, "Date format")
        watch.wait_status("online", timeout=BOUND)
        printed += lines_until(watch, b)

        # The outbox drains: pushed, then confirmed from the feed.
        deadline = time.monotonic() + BOUND
        while outbox(isolated_profile, url) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox(isolated_profile, url) == []
    finally:
        code = watch.stop()
    assert code == 0, "".join(watch.stderr)
    printed += watch.collected()  # to its last line: the rounds that emptied the outbox ended

    assert fred_acks(url) == sorted([(first, 1), (a, 1)])
    assert [line["key"] for line in printed] == [first, a, b]
    ids = [line["id"] for line in printed]
    assert len(ids) == len(set(ids)), printed
    statuses = [record["status"] for record in _status_records(watch)]
    assert statuses == ["online", "offline", "online"], "".join(watch.stderr)


def _status_records(watch: Watch) -> list[dict[str, object]]:
    records = []
    for line in watch.stderr:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "status" in record:
            records.append(record)
    return records
