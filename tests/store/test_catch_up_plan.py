"""The scoped one-statement catch-up probes indexes for the decisions a page touched; it never
scans the decisions, their parts or the directory of a store of 100 000 decisions.

A wake-up runs on every client at every write: a pass over any table of the store would make each
of them cost the store's size. ``EXPLAIN ANALYZE`` of the statement as the client sends it shows
the plan and how many rows each table gave.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from inbox.core.model import CodeValue, Role
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from tests.store.helpers import open_store, plan_nodes
from tests.store.test_feed_plan import Captured

pytestmark = pytest.mark.postgres

DECISIONS = 100_000
TABLES = {
    "decisions", "revisions", "assertions", "audience", "acknowledgments", "feedback",
    "memberships", "code_checks", "code_check_values",
}  # fmt: skip


def _seed(store: StoreConnection) -> None:
    """``DECISIONS`` finalized decisions of ana's, each with a revision, two assertions, an
    audience row, an acknowledgment and feedback, and half as many code checks; then ANALYZE. Written straight into the tables (no
    triggers), as the store's functions would take far longer."""
    with store.engine.begin() as c:
        c.execute(text("SET LOCAL session_replication_role = replica"))
        c.execute(
            text(
                "INSERT INTO decisions (number, key, owner, team, state, current_revision, "
                "version, created_at) SELECT 1000 + n, 'D-' || (1000 + n), 'ana', 'backend', "
                "'finalized', 1, 1, now() FROM generate_series(1, :n) AS n"
            ),
            {"n": DECISIONS},
        )
        c.execute(
            text(
                "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
                "created_at) SELECT id, 1, 'Seeded', 'A body.', 'Created', false, 'ana', now() "
                "FROM decisions WHERE number > 1000"
            )
        )
        c.execute(
            text(
                "INSERT INTO assertions (revision_id, key, value) SELECT r.id, k, '1' "
                "FROM revisions r, (VALUES ('svc.a'), ('svc.b')) AS v(k) WHERE r.title = 'Seeded'"
            )
        )
        c.execute(
            text(
                "INSERT INTO audience (decision_id, team, role) SELECT id, 'backend', 'ack' "
                "FROM decisions WHERE number > 1000"
            )
        )
        c.execute(
            text(
                "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
                "SELECT gen_random_uuid()::text, id, 1, 'mallory', now() "
                "FROM decisions WHERE number > 1000"
            )
        )
        c.execute(
            text(
                "INSERT INTO feedback (id, decision_id, revision, person, body, objection, at) "
                "SELECT gen_random_uuid()::text, id, 1, 'mallory', 'Fine.', false, now() "
                "FROM decisions WHERE number > 1000"
            )
        )
        # Every CI run of every repository reports: a long history of checks, of 50 teams.
        c.execute(
            text(
                "INSERT INTO teams (name, created_at) SELECT 'team-' || n, now() "
                "FROM generate_series(1, 50) AS n"
            )
        )
        c.execute(
            text(
                "INSERT INTO code_checks (team, repo, commit, reporter, at) "
                "SELECT 'team-' || (1 + n % 50), 'api-' || (n % 7), NULL, 'ana', now() "
                "FROM generate_series(1, :n) AS n"
            ),
            {"n": DECISIONS // 2},
        )
        c.execute(
            text(
                "INSERT INTO code_check_values (check_id, ordinal, key, found, status) "
                "SELECT id, 1, 'svc.b', '1', 'no_decision' FROM code_checks "
                "WHERE team LIKE 'team-%'"
            )
        )
    with store.engine.connect() as c:
        c = c.execution_options(isolation_level="AUTOCOMMIT")
        for table in sorted(TABLES):
            c.execute(text(f"ANALYZE {table}"))


@pytest.fixture
def big_store(pg_url: str) -> Iterator[tuple[StoreConnection, StoreService]]:
    store, service = open_store(pg_url)
    yield store, service
    store.dispose()


@pytest.mark.slow
def test_the_scoped_catch_up_probes_indexes_at_100k_decisions(
    big_store: tuple[StoreConnection, StoreService],
) -> None:
    store, service = big_store
    in_scope = service.create(
        "ana", title="Asks frontend", audience=[("team", "frontend", Role.ACK)]
    ).key
    service.report(
        "fred",
        team="frontend",
        repo="web",
        commit=None,
        values=(CodeValue("svc.a", "1", "no_decision", None, None),),
    )
    _seed(store)
    cursor = store.feed_end()
    assert in_scope is not None
    service.revise("ana", in_scope, summary="again", set_assertions={"web.x": "1"})
    service.revise("ana", "D-1500", summary="again", set_assertions={"svc.c": "1"})
    captured = Captured(store.engine)
    page = store.catch_up_page(cursor, 500, "fred")
    assert page is not None
    assert {(d.key, d.partial) for d in page.decisions} == {(in_scope, False), ("D-1500", False)}
    statements = captured.stop()
    assert len(statements) == 1
    for mode in ("auto", "force_generic_plan"):  # the wake-up connection plans generically
        _assert_probes(store, *statements[0], mode)


def _assert_probes(store: StoreConnection, statement: str, parameters: Any, mode: str) -> None:
    nodes = plan_nodes(store, statement, parameters, mode)
    scans = [n for n in nodes if n.get("Relation Name") in TABLES]
    kinds = sorted({(n["Relation Name"], n["Node Type"]) for n in scans})
    # The directory is small (people × teams), and read whole by a seq scan where that is cheaper.
    assert not [k for k in kinds if k[1] == "Seq Scan" and k[0] != "memberships"], (mode, kinds)
    touched = sum(
        (n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) * n["Actual Loops"] for n in scans
    )
    assert touched < 1000, (mode, touched, kinds)
