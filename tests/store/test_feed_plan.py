"""The catch-up query reads an index range, not the whole change feed (100 000 rows).

A catch-up runs on every wake-up of every client: a sequential scan of ``change_log`` (or an
index walk that filters the whole table) would cost each of them time in proportion to the
store's whole history. ``EXPLAIN ANALYZE`` shows both the plan and how many rows it touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from inbox.store import feed
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from tests.store.blocker import foreign_transaction
from tests.store.helpers import open_store, plan_nodes

pytestmark = pytest.mark.postgres

ROWS = 100_000
INDEXES = {"ix_change_log_txid_seq", "change_log_pkey"}


def _seed(store: StoreConnection, rows: int = ROWS, transactions: int = 100) -> None:
    """``rows`` feed rows written by ``transactions`` transactions, then ANALYZE."""
    for _ in range(transactions):
        with store.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO change_log (kind, actor, at, data) "
                    "SELECT 'seeded', 'ana', now(), '{}' FROM generate_series(1, :n)"
                ),
                {"n": rows // transactions},
            )
    with store.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("ANALYZE change_log")
        )


class Captured:
    """The feed's SELECT statements as sent to the driver, with their parameters."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def stop(self) -> list[tuple[str, Any]]:
        event.remove(self.engine, "before_cursor_execute", self._seen)
        return self.statements

    def _seen(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM change_log" in statement:
            self.statements.append((statement, parameters))


def _assert_index_range(store: StoreConnection, captured: Captured) -> None:
    statements = captured.stop()
    assert statements, "the feed read no rows from change_log"
    for statement, parameters in statements:
        nodes = plan_nodes(store, statement, parameters)
        scans = [n for n in nodes if n.get("Relation Name") == "change_log"]
        kinds = [(n["Node Type"], n.get("Index Name")) for n in scans]
        assert scans and not [k for k in kinds if k[0] == "Seq Scan"], kinds
        indexes = {n["Index Name"] for n in nodes if "Index Name" in n}
        assert indexes and indexes <= INDEXES, kinds
        touched = sum(
            (
                n["Actual Rows"]
                + n.get("Rows Removed by Filter", 0)
                + n.get("Rows Removed by Index Recheck", 0)
            )
            * n["Actual Loops"]
            for n in scans
        )
        assert touched < 1000, (touched, kinds)


@pytest.fixture
def big_store(pg_url: str) -> Iterator[tuple[StoreConnection, StoreService]]:
    store, service = open_store(pg_url)
    yield store, service
    store.dispose()


def test_catch_up_uses_the_txid_index_at_100k_rows(
    big_store: tuple[StoreConnection, StoreService],
) -> None:
    store, service = big_store
    _seed(store)
    cursor = store.feed_end()
    for n in range(3):
        service.create("ana", title=f"After the seed {n}")
    captured = Captured(store.engine)
    with store.engine.connect() as connection:
        first = feed.read(connection, cursor, limit=2)  # a new window, partway
        rest = feed.read(connection, first.cursor, limit=2)  # the same window, to its end
    assert [e.kind for e in (*first.events, *rest.events)] == ["created"] * 3
    _assert_index_range(store, captured)


def test_catch_up_uses_the_txid_index_behind_an_old_foreign_transaction(
    big_store: tuple[StoreConnection, StoreService], pg_server_url: str
) -> None:
    """A transaction opened elsewhere before all 100 000 rows were written, still open: the
    oldest running xid is older than every row, yet the read takes only the new ones."""
    store, service = big_store
    with foreign_transaction(pg_server_url) as blocker:
        _seed(store)
        cursor = store.feed_end()
        assert str(blocker.xid) in cursor.split(":")[2].split(",")
        service.create("ana", title="After the seed")
        captured = Captured(store.engine)
        with store.engine.connect() as connection:
            page = feed.read(connection, cursor)
        assert [e.kind for e in page.events] == ["created"]
        _assert_index_range(store, captured)
        assert blocker.still_open()
