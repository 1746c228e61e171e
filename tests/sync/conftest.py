"""Fixtures shared by the sync tests: a store on a cluster of the test's own, and a private
Secret Service (tests/sync/secret_service.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inbox.store.service import StoreService
from tests import pg
from tests.store.helpers import open_store
from tests.sync.secret_service import (
    PrivateSecretService,
    SecretServiceError,
    SecretServiceUnavailableError,
)


@pytest.fixture
def own_store(own_pg: pg.ThrowawayCluster) -> Iterator[tuple[str, StoreService]]:
    """(URL, service) of an initialised store on this test's own cluster, which it may stop."""
    url = pg.sqlalchemy_url(own_pg.admin_url, database=pg.create_database(own_pg.admin_url))
    store, service = open_store(url)
    yield url, service
    store.dispose()


@pytest.fixture
def private_bus() -> Iterator[PrivateSecretService]:
    """A private session bus (no keyring daemon yet); never the real user's keyring."""
    problem: Exception | None = None
    try:
        service = PrivateSecretService().__enter__()
    except (SecretServiceUnavailableError, SecretServiceError) as exc:
        problem = exc  # reported outside the except block, without a chained traceback
    if isinstance(problem, SecretServiceUnavailableError):
        pytest.skip(str(problem))
    if problem is not None:
        pytest.fail(f"Could not start a private session bus: {problem}", pytrace=False)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def secret_service(private_bus: PrivateSecretService) -> PrivateSecretService:
    """The private bus with gnome-keyring-daemon on it, its login keyring unlocked."""
    try:
        private_bus.start_keyring(unlock=True)
    except SecretServiceError as exc:
        pytest.fail(f"Could not start gnome-keyring-daemon: {exc}", pytrace=False)
    return private_bus
