"""Test setup shared by the whole suite.

- Qt runs offscreen unless the caller chose a platform (``QT_QPA_PLATFORM=xcb`` on Xvfb).
- Every test gets its own profile, data, config, cache and runtime directories and an in-memory
  keyring: no test can touch the real user's profile, data or keychain.
- Databases: ``sqlite_url``, ``pg_url`` (a fresh PostgreSQL database per test, see tests/pg.py)
  and ``store_url``, parametrized over both.
- A log record of WARNING or above that the test did not declare fails it (tests/logfail.py).
- In CI (``CI=true`` or ``CI=1``) a skipped test that needs a service (markers ``postgres``,
  ``dbus``, ``x11``) is reported as a failure, so a missing service cannot turn the suite green.
"""

from __future__ import annotations

import os

# Must happen before anything imports Qt (pytest-qt, or a test module importing PySide6).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# SQL or keyring calls on the GUI thread raise in tests (inbox/core/threads.py).
os.environ["DECISION_INBOX_THREAD_CHECK"] = "1"

import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import keyring
import keyring.core
import pluggy
import pytest

from tests import pg
from tests.memory_keyring import MemoryKeyring

# logfail: an unexpected WARNING log fails the test (its docstring has the rule).
# settings_fixtures: the settings service and dialog fixtures, for tests/services and tests/ui.
pytest_plugins = ["pytester", "tests.logfail", "tests.settings_fixtures"]

SERVICE_MARKERS = ("postgres", "dbus", "x11")

# Environment variables the application reads; cleared so each test starts from nothing.
APP_ENV_VARS = ("DECISION_INBOX_STORE", "DECISION_INBOX_USER")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


# --- reporting ------------------------------------------------------------------------------


def pytest_report_header(config: pytest.Config) -> list[str]:
    if os.environ.get(pg.ENV_VAR, "").strip():
        where = f"{pg.ENV_VAR}={pg.redacted(os.environ[pg.ENV_VAR])}"
    elif (bindir := pg.find_bindir()) is not None:
        where = f"a throwaway cluster from {bindir} (started on first use)"
    else:
        where = "none found: postgres tests will be skipped"
    lines = [f"postgres: {where}"]
    if in_ci():
        lines.append(f"CI: a skipped test marked {'/'.join(SERVICE_MARKERS)} counts as failed")
    return lines


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that asks for a PostgreSQL fixture needs PostgreSQL, marked or not; one on a
    # cluster of its own needs the server binaries: in CI, never a silent skip.
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        needs_pg = "pg_server_url" in fixtures or "own_pg" in fixtures
        if needs_pg and not item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    """In CI, turn the skip of a test that needs a service into a failure that says why."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not in_ci():
        return
    needs = [name for name in SERVICE_MARKERS if item.get_closest_marker(name) is not None]
    if not needs:
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"Skipped in CI, which counts as a failure: this test needs {', '.join(needs)} "
        f"(marker{'s' if len(needs) > 1 else ''} {', '.join('@' + n for n in needs)}), "
        f"and CI must provide it.\n{reason}"
    )


# --- isolation from the real user ------------------------------------------------------------


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """Every test gets an empty in-memory keyring; the real keychain is never asked."""
    backend = MemoryKeyring()
    # What keyring.set_keyring() does, undone after the test without ever running keyring's
    # backend discovery (which would probe the real Secret Service / KWallet).
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    # Subprocesses (CLI tests) get a keyring that refuses everything instead of a real one.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return backend


@pytest.fixture(autouse=True)
def isolated_profile(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point the app's profile and the XDG directories at this test's own temporary folders.

    They live beside the test's ``tmp_path``, not in it, so a test still gets an empty
    ``tmp_path``. The profile folder is yielded (and is ``$DECISION_INBOX_PROFILE``).
    """
    home = tmp_path_factory.mktemp("isolated")
    profile = home / "profile"
    profile.mkdir()
    monkeypatch.setenv("DECISION_INBOX_PROFILE", str(profile))
    for name in APP_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir(parents=True)
        monkeypatch.setenv(var, str(home / sub))
    # Short path (Unix socket names are limited to 107 bytes) with mode 0700, as Qt expects;
    # without it Qt warns "XDG_RUNTIME_DIR not set", which qt_log_level_fail turns into a failure.
    runtime = tempfile.mkdtemp(prefix="di-rt-")
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime)
    try:
        yield profile
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


# --- databases ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """Admin URL (libpq form) of the PostgreSQL server for this session; see tests/pg.py."""
    problem: Exception | None = None
    try:
        server = pg.acquire_server()
    except (pg.PgUnavailableError, pg.PgClusterError) as exc:
        problem = exc  # reported below, outside the except block, without a chained traceback
    if isinstance(problem, pg.PgClusterError):
        pytest.fail(f"Could not start a throwaway PostgreSQL cluster: {problem}", pytrace=False)
    if problem is not None:
        if os.environ.get(pg.ENV_VAR, "").strip():
            pytest.fail(str(problem), pytrace=False)  # configured but broken: never a silent skip
        pytest.skip(str(problem))
    try:
        yield server.admin_url
    finally:
        server.close()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh empty database for this test, as a SQLAlchemy URL (``postgresql+psycopg://``)."""
    name = pg.create_database(pg_server_url)
    try:
        yield pg.sqlalchemy_url(pg_server_url, database=name)
    finally:
        pg.drop_database(pg_server_url, name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLAlchemy URL for a SQLite file that does not exist yet, in this test's tmp_path."""
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest) -> str:
    """The store URL, once per backend: SQLite file, then a fresh PostgreSQL database."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


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
