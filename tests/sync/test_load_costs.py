"""What a full load and a wake-up cost in statements and round trips, counted at the driver."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from inbox.core.inbox import compute_inbox
from inbox.core.model import Reason, Role
from inbox.core.scope import kept_of
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decisions, load_people, load_snapshot
from inbox.sync.client import Client
from tests.store.helpers import open_store
from tests.sync.helpers import publish
from tests.sync.tracing import Traced

T0 = "2026-01-01 00:00:00"
# Bulk SQL that both backends run: decisions :start+1 … :end, each with two revisions (one
# assertion each), every third asking the frontend to acknowledge, every second acknowledged by
# fred at r1, every fifth with feedback by mallory.
SEED = [
    "INSERT INTO decisions (number, key, owner, team, state, current_revision, version, "
    "created_at) WITH RECURSIVE g(n) AS (SELECT :start + 1 UNION ALL SELECT n + 1 FROM g "
    f"WHERE n < :end) SELECT n, 'D-' || n, 'ana', 'backend', 'finalized', 2, 1, '{T0}' FROM g",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
    f"created_at) SELECT id, 1, 'Decision ' || number, 'one', 'Created', false, 'ana', '{T0}' "
    "FROM decisions WHERE number > :start",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
    f"created_at) SELECT id, 2, 'Decision ' || number, 'two', 'Again', false, 'ana', '{T0}' "
    "FROM decisions WHERE number > :start",
    "INSERT INTO assertions (revision_id, key, value) SELECT r.id, 'svc.limit', "
    "CAST(r.number AS TEXT) FROM revisions r JOIN decisions d ON d.id = r.decision_id "
    "WHERE d.number > :start",
    "INSERT INTO audience (decision_id, team, person, role) SELECT id, 'frontend', NULL, 'ack' "
    "FROM decisions WHERE number > :start AND number % 3 = 0",
    "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
    f"SELECT 'ack-' || number, id, 1, 'fred', '{T0}' FROM decisions "
    "WHERE number > :start AND number % 2 = 0",
    "INSERT INTO feedback (id, decision_id, revision, person, body, objection, at) "
    f"SELECT 'fb-' || number, id, 1, 'mallory', 'Fine', false, '{T0}' FROM decisions "
    "WHERE number > :start AND number % 5 = 0",
]


def seed(store: StoreConnection, start: int, end: int) -> None:
    with store.engine.connect() as connection:
        for statement in SEED:
            connection.execute(text(statement), {"start": start, "end": end})
        if store.dialect == "postgresql":
            # Bulk rows bypass the database's key allocation: move it past them.
            connection.execute(
                text("SELECT setval('decision_inbox_number_seq', :end)"), {"end": end}
            )
        connection.commit()


def first_sync(url: str, folder: Path) -> tuple[Traced, Client]:
    client = Client.open(StoreConnection.open(url), "fred", folder / "data")
    traced = Traced(client.store.engine, folder)
    traced.mark()
    delta = client.syncer.sync()
    assert delta.first_sync
    return traced, client


def test_a_full_load_sends_the_same_statements_at_any_size(store_url: str, tmp_path: Path) -> None:
    store, _ = open_store(store_url)
    seed(store, 0, 10)
    traced, client = first_sync(store_url, tmp_path / "small")
    small = traced.statements()
    client.close()
    client.store.dispose()
    # Past the 500 ids per IN list of the decisions' reads, and SQLite's parameter limit is
    # far away either way: a query per row or per chunk shows up as more statements here.
    seed(store, 10, 1210)
    traced, client = first_sync(store_url, tmp_path / "large")
    large = traced.statements()
    try:
        assert len(client.cache.snapshot().decisions) == 1210
        assert len(large) == len(small), "the full load's statements grew with the store"
        assert max(map(len, large)) == max(map(len, small)), "a statement grew with the store"
        assert len(large) <= 30
        with store.read() as session:
            truth = load_snapshot(session)
        # fred's scope whole, every other live decision as its index.
        assert client.cache.snapshot() == replace(truth, decisions=kept_of(truth, "fred"))
        assert any(d.partial for d in client.cache.snapshot().decisions)
        assert client.syncer.items() == compute_inbox("fred", truth, client.syncer.clock())
        owed = {i.key for i in client.syncer.items() if i.reason is Reason.NEEDS_ACK}
        assert owed == {f"D-{n}" for n in range(3, 1211, 3) if n % 2}
    finally:
        client.close()
        client.store.dispose()
        store.dispose()


@pytest.mark.postgres
def test_a_wake_up_is_one_round_trip(pg_url: str, tmp_path: Path) -> None:
    store, service = open_store(pg_url)
    publish(service, "Before")
    traced, client = first_sync(pg_url, tmp_path)
    try:
        client.syncer.sync()  # the wake-up connection is opened once
        key = publish(service, "Token refresh policy")
        traced.mark()
        delta = client.syncer.sync()
        assert key in delta.decisions and [i.key for i in delta.added] == [key]
        assert traced.round_trips() == 1, traced.statements()
        traced.mark()
        assert client.syncer.sync().events == ()  # nothing new: still one
        assert traced.round_trips() == 1
    finally:
        client.close()
        client.store.dispose()
        store.dispose()


@pytest.mark.postgres
def test_the_one_statement_reads_what_the_separate_reads_do(pg_url: str, tmp_path: Path) -> None:
    store, service = open_store(pg_url)
    seed(store, 0, 12)
    publish(service, "Finalized")
    key = service.create(
        "ana",
        title="Quotes \" and 'ünïcode'",
        body="Lines\nand a tab\t and a backslash \\",
        audience=[("person", "fred", Role.CONSULT)],
        assertions={"api.limit": "10", "api.name": "x"},
    ).key
    assert key
    service.open("ana", key, deadline=datetime.now(UTC) + timedelta(days=3))
    service.give_feedback("fred", key, body="No \\ way", objection=True)
    service.add_person("zoe", name="Zoë", teams=["frontend", "backend"])
    try:
        page = store.catch_up_page("", 1000)
        assert page is not None
        assert page.page.events == store.feed_page("", 1000).events
        assert page.people is not None  # the directory's events are on this page
        with store.read() as session:
            keys = {e.decision for e in page.page.events if e.decision}
            assert list(page.decisions) == load_decisions(session, keys)  # in number order
            assert page.people == load_people(session)
        later = store.catch_up_page(page.page.cursor, 1000)
        assert later is not None and later.page.events == () and later.people is None
    finally:
        store.dispose()
