"""A store that is down: ``check`` falls back to this profile's synced cache and says so, and
``--require-store`` refuses. SQLite's store goes away with its folder (an unmounted share);
PostgreSQL's server is stopped, on a cluster this test owns alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from tests import pg
from tests.check.helpers import check, decide, people, problem_lines, write_repo

Outage = tuple[str, Callable[[], None]]

DRIFT = 'src/config.json:2: auth.refresh is 15 here, but D-1 "Refresh" (finalized r1, owner ana) says 60'


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    """(store URL, a function that makes the store unreachable)."""
    if request.param == "sqlite":
        share = tmp_path / "share"
        share.mkdir()
        yield f"sqlite:///{share / 'store.sqlite'}", lambda: share.rename(tmp_path / "unmounted")
        return
    cluster: pg.ThrowawayCluster = request.getfixturevalue("own_pg")
    url = pg.sqlalchemy_url(cluster.admin_url, database=pg.create_database(cluster.admin_url))
    yield url, cluster.pause


def test_a_store_that_is_down_is_checked_from_the_cache_unless_required(
    outage: Outage, tmp_path: Path, isolated_profile: Path
) -> None:
    url, take_down = outage
    with people(url) as service:
        decide(service, "Refresh", {"auth.refresh": "60"})
    repo = write_repo(
        tmp_path / "repo",
        {
            "decisions.toml": """
                [[bind]]
                key = "auth.refresh"
                file = "src/config.json"
                json = "/refresh"
                """,
            "src/config.json": '{\n  "refresh": 15\n}\n',
        },
    )
    # fred's client syncs once, as the app or `watch` would; then the store goes away.
    store = StoreConnection.open(url)
    client = Client.open(store, "fred", isolated_profile.resolve())
    client.syncer.sync()
    client.close()
    store.dispose()
    take_down()

    offline = check(repo, store=url)  # no --user: any synced cache of this store will do
    assert offline.code == 1, offline.err
    assert problem_lines(offline) == [DRIFT]
    [warning] = offline.err.strip().splitlines()
    assert warning.startswith("decision-inbox: The ")  # the store's own sentence, then:
    assert warning.endswith(
        "; meanwhile check uses what this profile synced last (from_cache: true)."
    )
    assert "(from this profile's cache)" in offline.out.splitlines()[-1]
    assert check(repo, "--format", "json", store=url).json()["from_cache"] is True

    required = check(repo, "--require-store", store=url)
    assert (required.code, required.out) == (1, "")
    [refusal] = required.err.strip().splitlines()
    assert refusal.endswith("; --require-store does not let check use this profile's cache.")

    elsewhere = check(repo, "--profile-dir", str(tmp_path / "new-profile"), store=url)
    assert (elsewhere.code, elsewhere.out) == (1, "")
    assert elsewhere.err.strip().endswith(
        ", and this profile has no synced copy of that store to check against; try again "
        "when it is reachable."
    )
