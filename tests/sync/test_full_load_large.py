"""A first sync of a PostgreSQL store of 150 000 decisions completes.

The full load once sent one bind parameter per decision id; PostgreSQL's protocol stops at
65 535, and the client took the refusal for an outage and stayed "offline" for ever.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from inbox.core.model import Reason, State
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from tests.store.helpers import open_store
from tests.sync.helpers import publish

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DECISIONS = 150_000

# Bulk SQL, not the service: seeding through it would take far longer than the load itself.
SEED = [
    "INSERT INTO decisions (number, key, owner, team, state, current_revision, version, "
    "created_at) SELECT g, 'D-' || g, 'ana', 'backend', 'finalized', 1, 1, now() "
    "FROM generate_series(1, :n) AS g",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
    "created_at) SELECT id, 1, 'Decision ' || number, '', 'Created', false, 'ana', now() "
    "FROM decisions",
    "INSERT INTO assertions (revision_id, key, value) "
    "SELECT id, 'api.limit', (id % 7)::text FROM revisions WHERE id % 10 = 0",
    "INSERT INTO audience (decision_id, team, role) "
    "SELECT id, 'frontend', 'ack' FROM decisions WHERE id % 3 = 0",
    "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
    "SELECT gen_random_uuid()::text, id, 1, 'fred', now() FROM decisions WHERE id % 6 = 0",
    "INSERT INTO feedback (id, decision_id, revision, person, body, objection, at) "
    "SELECT gen_random_uuid()::text, id, 1, 'mallory', 'Fine', false, now() "
    "FROM decisions WHERE id % 50 = 0",
    # Bulk rows bypass the database's key allocation: move it past them, as an import would.
    "SELECT setval('decision_inbox_number_seq', (SELECT max(number) FROM decisions))",
    "ANALYZE",
]


def test_first_sync_of_150k_decisions_completes(pg_url: str, tmp_path: Path) -> None:
    store, service = open_store(pg_url)
    started = time.monotonic()
    with store.engine.connect() as connection:
        for statement in SEED[:-1]:
            connection.execute(text(statement), {"n": DECISIONS})
        connection.commit()
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text(SEED[-1]))
    seeded = time.monotonic()
    client = Client.open(StoreConnection.open(pg_url), "fred", tmp_path / "client")
    try:
        delta = client.syncer.sync()
        loaded = time.monotonic()
        assert delta.first_sync
        cached = client.cache.snapshot()
        assert len(cached.decisions) == DECISIONS
        by_key = {d.key: d for d in cached.decisions}
        sample = by_key["D-150"]  # id 150: audience, acked, an assertion and feedback
        assert sample.state is State.FINALIZED
        assert [a.person for a in sample.acknowledgments] == ["fred"]
        assert [f.person for f in sample.feedback] == ["mallory"]
        assert sample.current.assertions == {"api.limit": str(150 % 7)}
        assert [e.name for e in sample.audience] == ["frontend"]
        # Fred owes an acknowledgment of the frontend's third that he has not acknowledged.
        items = client.syncer.items()
        owed = {i.key for i in items if i.reason is Reason.NEEDS_ACK}
        assert owed == {f"D-{n}" for n in range(3, DECISIONS + 1, 3) if n % 6}, [
            i for i in items if i.reason is not Reason.NEEDS_ACK
        ][:5]

        key = publish(service, "After the full load")
        before_catch_up = time.monotonic()
        caught = client.syncer.sync()
        caught_up = time.monotonic()
        assert key in caught.decisions
        assert len(client.cache.snapshot().decisions) == DECISIONS + 1
        print(
            f"seeded {DECISIONS} decisions in {seeded - started:.1f} s; first sync "
            f"{loaded - seeded:.1f} s; a sync after it {caught_up - before_catch_up:.1f} s"
        )
    finally:
        client.close()
        client.store.dispose()
        store.dispose()
