"""Fixtures shared by the sync tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pg
from inbox.store.service import StoreService
from tests.store.helpers import open_store


@pytest.fixture
def own_store(own_pg: pg.ThrowawayCluster) -> Iterator[tuple[str, StoreService]]:
    """(URL, service) of an initialised store on this test's own cluster, which it may stop."""
    url = pg.sqlalchemy_url(own_pg.admin_url, database=pg.create_database(own_pg.admin_url))
    store, service = open_store(url)
    yield url, service
    store.dispose()
