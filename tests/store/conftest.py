"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.store.blocker import Blocker, foreign_transaction


@pytest.fixture
def blocker(request: pytest.FixtureRequest) -> Iterator[Blocker | None]:
    """PostgreSQL: a transaction with an xid, open in another database for the whole test.
    SQLite: None (one writer at a time; there is nothing to hold back). The test's own
    ``store_url`` or ``pg_url`` says which."""
    which = "store_url" if "store_url" in request.fixturenames else "pg_url"
    if not str(request.getfixturevalue(which)).startswith("postgresql"):
        yield None
        return
    with foreign_transaction(request.getfixturevalue("pg_server_url")) as held:
        yield held
        assert held.still_open(), "the blocker ended before the test did"
