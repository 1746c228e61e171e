"""``decision-inbox watch`` end to end: latency, no repeats across restarts, one per profile."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from inbox.core.model import Role
from inbox.store.service import StoreService
from tests.processes import Watch, cli
from tests.store.helpers import open_store
from tests.sync.helpers import publish


@pytest.fixture
def service(store_url: str) -> Iterator[StoreService]:
    store, service = open_store(store_url)
    yield service
    store.dispose()


def test_watch_prints_an_upstream_finalize_within_the_bound(
    service: StoreService, store_url: str
) -> None:
    # PostgreSQL: LISTEN/NOTIFY; SQLite: data_version polled every 0.3 s (+0.5 s, a generous
    # bound). Both far above the measured medians (`make bench`, BENCHMARKS.md).
    bound = 1.0 if store_url.startswith("postgresql") else 0.3 + 0.5
    watch = Watch(store_url, "fred")
    try:
        watch.wait_status("online")
        # An empty inbox has nothing to say: the first line must be about the first decision.
        delays = []
        for n in range(20):
            key = publish(service, f"Decision {n}")
            published = time.monotonic()
            got = watch.next_line(timeout=10)
            assert got is not None, f"no line for {key}"
            at, line = got
            assert (line["key"], line["reason"], line["revision"]) == (key, "needs_ack", 1)
            assert line["title"].endswith(f"Decision {n}")
            delays.append(at - published)
        assert max(delays) < bound, delays
    finally:
        assert watch.stop() == 0


def test_watch_never_repeats_a_notification_across_restarts(
    service: StoreService, store_url: str
) -> None:
    first = Watch(store_url, "fred")
    first.wait_status("online")
    key = publish(service, "Token refresh policy")
    printed = first.lines_until(lambda line: line["key"] == key) + first.rest()
    assert [line["key"] for line in printed] == [key]
    second = Watch(store_url, "fred")
    second.wait_status("online")
    # Whatever the restart repeated comes before the line of a decision published after it.
    other = publish(service, "Second")
    printed = second.lines_until(lambda line: line["key"] == other) + second.rest()
    assert [line["key"] for line in printed] == [other]


def test_a_second_watch_on_the_same_profile_refuses(service: StoreService, store_url: str) -> None:
    first = Watch(store_url, "fred")
    try:
        first.wait_status("online")
        second = cli("watch", store=store_url, user="fred", check=False)
        assert second.code == 1
        assert "already running" in second.err and "Traceback" not in second.err
    finally:
        first.stop()


def test_acks_queued_offline_by_the_cli_are_delivered_by_watch(
    service: StoreService, store_url: str
) -> None:
    key = publish(service, "Token refresh policy")
    watch = Watch(store_url, "fred")
    watch.wait_status("online")
    assert [line["key"] for line in watch.lines_until(lambda line: line["key"] == key)] == [key]
    assert "Acknowledged" in cli("ack", key, store=store_url, user="fred").out
    assert watch.rest() == []
    acks = [a for d in _decisions(service) for a in d.acknowledgments]
    assert [(a.person, a.revision) for a in acks] == [("fred", 1)]


def _decisions(service: StoreService):  # type: ignore[no-untyped-def]
    from inbox.store.reader import load_snapshot

    with service.store.read() as session:
        return load_snapshot(session).decisions


def test_the_owner_hears_of_an_objection_while_the_decision_is_open(
    service: StoreService, store_url: str
) -> None:
    from datetime import timedelta

    key = service.create(
        "ana", title="Error format", audience=[("person", "fred", Role.CONSULT)]
    ).key
    assert key
    service.open("ana", key, deadline=service.clock() + timedelta(days=3))
    watch = Watch(store_url, "ana")
    try:
        watch.wait_status("online")
        # The owner of an open decision owes nothing yet: the objection is the first line.
        service.give_feedback("fred", key, body="This breaks mobile", objection=True)
        lines = watch.lines_until(lambda line: line["reason"] == "objection") + watch.rest()
        assert [(line["key"], line["reason"]) for line in lines] == [(key, "objection")]
        assert "fred" in lines[0]["body"]
    finally:
        watch.stop()
