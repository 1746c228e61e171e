"""Seeding large stores with bulk SQL (seeding through the service would take far longer than
what is measured): a varied SQLite store for the incremental and start-up cases, and the
PostgreSQL store of the initial-sync case."""

from __future__ import annotations

from sqlalchemy import text

from inbox.store.connection import StoreConnection
from tests.store.helpers import open_store

T0 = "2026-01-01 00:00:00.000000"
LATER = "2026-01-02 00:00:00.000000"
DEADLINE = "2099-01-01 00:00:00.000000"
BODY = "'Context line one.\nContext line two for ' || g.n || '.\nA third line.\n'"

# A varied inbox for fred (SQLite): every 3rd decision asks the frontend (fred's team) to
# acknowledge, fred acknowledged every 6th at r1, every 4th has a material r2 with a changed body
# (so every 12th is "changed since you acknowledged"), every 5th (+1) is open and consults fred,
# every 7th is fred's own, and every decision asserts svc<n/4>.limit with alternating values
# (groups of four conflicting).
VARIED = [
    "INSERT INTO decisions (number, key, owner, team, state, current_revision, version, "
    "created_at) WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :n) "
    "SELECT g.n, 'D-' || g.n, CASE WHEN g.n % 7 = 0 THEN 'fred' ELSE 'ana' END, 'backend', "
    "CASE WHEN g.n % 5 = 1 THEN 'open' ELSE 'finalized' END, "
    f"CASE WHEN g.n % 4 = 0 THEN 2 ELSE 1 END, 1, '{T0}' FROM g",
    "UPDATE decisions SET deadline = :deadline WHERE state = 'open'",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, created_at) "
    f"SELECT d.id, 1, 'Decision ' || d.number, {BODY.replace('g.n', 'd.number')}, 'Created', 0, "
    f"d.owner, '{T0}' FROM decisions d",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, created_at) "
    f"SELECT d.id, 2, 'Decision ' || d.number, "
    f"{BODY.replace('g.n', 'd.number')} || 'A fourth line.\n', 'Longer', 0, d.owner, '{LATER}' "
    "FROM decisions d WHERE d.number % 4 = 0",
    "INSERT INTO assertions (revision_id, key, value) SELECT r.id, "
    "'svc' || (d.number / 4) || '.limit', CAST(d.number % 2 AS TEXT) "
    "FROM revisions r JOIN decisions d ON d.id = r.decision_id",
    "INSERT INTO audience (decision_id, team, person, role) "
    "SELECT id, 'frontend', NULL, 'ack' FROM decisions WHERE number % 3 = 0",
    "INSERT INTO audience (decision_id, team, person, role) "
    "SELECT id, NULL, 'fred', 'consult' FROM decisions WHERE number % 5 = 1",
    "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
    f"SELECT 'ack-' || id, id, 1, 'fred', '{T0}' FROM decisions WHERE number % 6 = 0",
]
VARIED_TARGET = "D-12"  # ana's, fred acknowledged r1, r2 changed since: a "changed since" item


def seed_varied(url: str, n: int) -> StoreConnection:
    """A SQLite store of ``n`` decisions shaped as :data:`VARIED` says."""
    store, service = open_store(url)
    service.add_person("bo", name="Bo", teams=["frontend"])
    with store.engine.connect() as connection:
        for statement in VARIED:
            connection.execute(text(statement), {"n": n, "deadline": DEADLINE})
        connection.commit()
    return store


# PostgreSQL: n decisions × 3 revisions × 5 assertions, the frontend asked to acknowledge each,
# three acknowledgments per decision (fred, mallory and bo at r1, r2, r3).
INITIAL = [
    "INSERT INTO decisions (number, key, owner, team, state, current_revision, version, "
    "created_at) SELECT g, 'D-' || g, 'ana', 'backend', 'finalized', 3, 3, now() "
    "FROM generate_series(1, :n) AS g",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
    "created_at) SELECT d.id, r, 'Decision ' || d.number || ' take ' || r, "
    "'Why we decided ' || d.number || E'.\\nSecond line of revision ' || r || '.\\n', "
    "'Revision ' || r, false, 'ana', now() FROM decisions d, generate_series(1, 3) AS r",
    "INSERT INTO assertions (revision_id, key, value) "
    "SELECT id, 'svc' || a || '.limit.' || decision_id, (id % 7)::text "
    "FROM revisions, generate_series(1, 5) AS a",
    "INSERT INTO audience (decision_id, team, role) SELECT id, 'frontend', 'ack' FROM decisions",
    "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
    "SELECT gen_random_uuid()::text, d.id, p.r, p.person, now() FROM decisions d, "
    "(VALUES ('fred', 1), ('mallory', 2), ('bo', 3)) AS p(person, r)",
    # Bulk rows bypass the database's key allocation: move it past them, as an import would.
    "SELECT setval('decision_inbox_number_seq', (SELECT max(number) FROM decisions))",
]


def seed_initial(url: str, n: int) -> None:
    store, service = open_store(url)
    service.add_person("bo", name="Bo", teams=["frontend"])
    try:
        with store.engine.connect() as connection:
            for statement in INITIAL:
                connection.execute(text(statement), {"n": n})
            connection.commit()
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    finally:
        store.dispose()
