"""A transaction left open in another database of the same PostgreSQL server.

Transaction ids and snapshots are cluster-wide: such a transaction, once it holds an xid, is
in every snapshot's list of running transactions, in every database. A feed reader that waited
for the oldest running transaction would wait for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from tests import pg


@dataclass
class Blocker:
    xid: int
    connection: psycopg.Connection[tuple[object, ...]]

    def still_open(self) -> bool:
        """Is the blocker's xid still running, as seen from the server?"""
        row = self.connection.execute(
            "SELECT pg_current_xact_id_if_assigned()::text, pg_xact_status(CAST(%s AS xid8))",
            (str(self.xid),),
        ).fetchone()
        return row is not None and row[0] == str(self.xid) and row[1] == "in progress"


@contextmanager
def foreign_transaction(admin_url: str) -> Iterator[Blocker]:
    """``BEGIN; SELECT pg_current_xact_id();`` in a database of its own, held open until exit."""
    name = pg.create_database(admin_url, prefix="di_blocker_")
    try:
        with psycopg.connect(pg.libpq_url(admin_url, database=name)) as connection:
            row = connection.execute("SELECT pg_current_xact_id()::text").fetchone()
            assert row is not None
            blocker = Blocker(int(row[0]), connection)
            try:
                yield blocker
            finally:
                connection.rollback()
    finally:
        pg.drop_database(admin_url, name)
