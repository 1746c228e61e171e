"""Fixtures for the sync tests that need a PostgreSQL server of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pg


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test on a cluster of its own needs the PostgreSQL binaries: in CI, never a silent skip.
    for item in items:
        if "own_pg" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "postgres"
        ):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def own_pg() -> Iterator[pg.ThrowawayCluster]:
    """A throwaway PostgreSQL cluster for this test alone, so that it may stop the server
    (:meth:`~pg.ThrowawayCluster.pause`) or change its authentication without harming others.
    Needs the server binaries even when ``DECISION_INBOX_TEST_PG`` names a server."""
    bindir = pg.find_bindir()
    if bindir is None:
        pytest.skip(
            f"No PostgreSQL binaries for a cluster of this test's own (looked for "
            f"{pg.BINDIR_GLOB}); Debian: apt-get install postgresql."
        )
    cluster = pg.ThrowawayCluster(bindir)
    try:
        cluster.start()
    except pg.PgClusterError as exc:
        pytest.fail(f"Could not start a throwaway PostgreSQL cluster: {exc}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()
