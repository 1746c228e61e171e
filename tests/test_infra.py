"""Tests of the test infrastructure itself: databases, isolation, the CI guard, the Qt pin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import keyring
import pytest
import sqlalchemy as sa

from tests import pg

TESTS_DIR = Path(__file__).parent
ROOT = TESTS_DIR.parent


# --- PostgreSQL -----------------------------------------------------------------------------


def _user_tables(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


@pytest.mark.parametrize("attempt", [1, 2])
def test_pg_url_is_a_fresh_empty_database(pg_url: str, attempt: int) -> None:
    # Both runs create the same table: each must start from an empty database of its own.
    assert pg_url.startswith("postgresql+psycopg://")
    assert sa.make_url(pg_url).database.startswith("di_")  # type: ignore[union-attr]
    assert _user_tables(pg_url) == []
    engine = sa.create_engine(pg_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE probe (id integer PRIMARY KEY, attempt integer)"))
            conn.execute(sa.text("INSERT INTO probe VALUES (1, :a)"), {"a": attempt})
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT attempt FROM probe")).scalar_one() == attempt
    finally:
        engine.dispose()


def test_pg_url_databases_differ_and_are_dropped(pg_server_url: str) -> None:
    first = pg.create_database(pg_server_url)
    second = pg.create_database(pg_server_url)
    assert first != second
    # A connection left open (as a leaky test would) must not stop the drop.
    leaky = sa.create_engine(pg.sqlalchemy_url(pg_server_url, database=first))
    leaky_conn = leaky.connect()
    try:
        pg.drop_database(pg_server_url, first)
        pg.drop_database(pg_server_url, second)
        assert not pg.database_exists(pg_server_url, first)
        assert not pg.database_exists(pg_server_url, second)
    finally:
        leaky_conn.invalidate()
        leaky.dispose()


def test_pg_tests_are_marked_postgres(request: pytest.FixtureRequest, pg_url: str) -> None:
    # Asking for a PostgreSQL fixture is enough for the marker (and so for the CI guard).
    assert request.node.get_closest_marker("postgres") is not None


def test_pg_urls_convert_between_forms() -> None:
    admin = "postgresql://postgres:secret@127.0.0.1:5432/test"
    assert (
        pg.sqlalchemy_url(admin, "di_x")
        == "postgresql+psycopg://postgres:secret@127.0.0.1:5432/di_x"
    )
    assert pg.libpq_url("postgresql+psycopg://u@h:1/d") == "postgresql://u@h:1/d"
    assert "secret" not in pg.redacted(admin)


def test_find_bindir_takes_the_highest_version(tmp_path: Path) -> None:
    for version in ("9.6", "15", "16", "13"):
        initdb = tmp_path / version / "bin" / "initdb"
        initdb.parent.mkdir(parents=True)
        initdb.write_text("#!/bin/sh\n")
        initdb.chmod(0o755)
    assert pg.find_bindir(str(tmp_path / "*" / "bin" / "initdb")) == tmp_path / "16" / "bin"
    assert pg.find_bindir(str(tmp_path / "none" / "*" / "initdb")) is None


def test_no_postgres_is_a_clear_unavailable_error(tmp_path: Path) -> None:
    with pytest.raises(pg.PgUnavailableError, match=pg.ENV_VAR):
        pg.acquire_server(environ={}, pattern=str(tmp_path / "*" / "bin" / "initdb"))


@pytest.mark.postgres
@pytest.mark.skipif(pg.find_bindir() is None, reason="no PostgreSQL binaries installed")
def test_throwaway_cluster_starts_answers_and_is_removed() -> None:
    # The path `make test` takes with no DECISION_INBOX_TEST_PG (as root: through runuser).
    server = pg.acquire_server(environ={})
    assert server.cluster is not None
    base = server.cluster.base_dir
    try:
        name = pg.create_database(server.admin_url)
        assert pg.database_exists(server.admin_url, name)
    finally:
        server.close()
    assert not base.exists()


# --- SQLite and the parametrized store ------------------------------------------------------


def test_sqlite_url_is_a_fresh_path_in_tmp_path(sqlite_url: str, tmp_path: Path) -> None:
    path = Path(sa.make_url(sqlite_url).database or "")
    assert path.parent == tmp_path
    assert not path.exists()
    engine = sa.create_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE probe (id integer PRIMARY KEY)"))
    finally:
        engine.dispose()
    assert path.exists()


def test_store_url_runs_once_per_backend(request: pytest.FixtureRequest, store_url: str) -> None:
    backend = request.node.callspec.id
    assert backend in ("sqlite", "postgres")
    assert store_url.startswith("sqlite:///" if backend == "sqlite" else "postgresql+psycopg://")
    marked = request.node.get_closest_marker("postgres") is not None
    assert marked == (backend == "postgres")
    engine = sa.create_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE probe (id integer PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO probe VALUES (7)"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM probe")).scalar_one() == 7
    finally:
        engine.dispose()


# --- isolation from the real user ------------------------------------------------------------


_SEEN_PROFILES: list[Path] = []


@pytest.mark.parametrize("attempt", [1, 2])
def test_profile_and_xdg_dirs_are_per_test(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, isolated_profile: Path, attempt: int
) -> None:
    assert os.environ["DECISION_INBOX_PROFILE"] == str(isolated_profile)
    assert isolated_profile.is_dir() and not any(isolated_profile.iterdir())
    assert isolated_profile not in _SEEN_PROFILES
    _SEEN_PROFILES.append(isolated_profile)
    home = isolated_profile.parent
    assert home.is_relative_to(tmp_path_factory.getbasetemp())
    assert list(tmp_path.iterdir()) == []  # tmp_path stays the test's own, empty
    for name in ("DECISION_INBOX_STORE", "DECISION_INBOX_USER"):
        assert name not in os.environ
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert Path(os.environ[name]).is_relative_to(home)
    runtime = Path(os.environ["XDG_RUNTIME_DIR"])
    assert runtime.is_dir() and (runtime.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize("attempt", [1, 2])
def test_keyring_is_in_memory_and_fresh(memory_keyring: Any, attempt: int) -> None:
    active: Any = keyring.get_keyring()
    assert active is memory_keyring
    assert type(memory_keyring).__name__ == "MemoryKeyring"
    assert keyring.get_password("io.github.decisioninbox.DecisionInbox", "alice") is None
    keyring.set_password("io.github.decisioninbox.DecisionInbox", "alice", f"pw{attempt}")
    assert memory_keyring.passwords == {
        ("io.github.decisioninbox.DecisionInbox", "alice"): f"pw{attempt}"
    }
    keyring.delete_password("io.github.decisioninbox.DecisionInbox", "alice")
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password("io.github.decisioninbox.DecisionInbox", "alice")


def test_qt_runs_offscreen_by_default() -> None:
    # conftest only sets a default; a caller may choose xcb on Xvfb for @x11 tests.
    assert os.environ.get("QT_QPA_PLATFORM")


# --- the CI guard: skipped service tests fail in CI -------------------------------------------

INNER_TESTS = """
    import pytest

    @pytest.mark.postgres
    def test_postgres_skips_in_body():
        pytest.skip("no server here")

    @pytest.fixture
    def bus():
        pytest.skip("no session bus")

    @pytest.mark.dbus
    def test_dbus_skips_in_setup(bus):
        pass

    @pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.x11)])
    def test_x11_param_skips(x):
        pytest.skip("no X server")

    def test_unmarked_skip_stays_skipped():
        pytest.skip("nothing to do with services")

    @pytest.mark.postgres
    @pytest.mark.xfail(reason="known bug", strict=True)
    def test_marked_xfail_stays_xfailed():
        assert False

    @pytest.mark.postgres
    def test_marked_pass_passes():
        pass
"""


@pytest.fixture
def inner_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A copy of this project's real test configuration around a tiny suite of skips."""
    pytester.makepyprojecttoml((ROOT / "pyproject.toml").read_text())
    tests = pytester.mkdir("tests")
    (tests / "conftest.py").write_text((TESTS_DIR / "conftest.py").read_text())
    (tests / "__init__.py").write_text("")
    # the modules conftest.py imports or loads as plugins
    for helper in ("pg.py", "memory_keyring.py", "logfail.py", "settings_fixtures.py"):
        (tests / helper).write_text((TESTS_DIR / helper).read_text())
    (tests / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    return pytester


@pytest.mark.parametrize("ci", ["true", "1"])
def test_ci_turns_service_skips_into_failures(
    inner_suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    result = inner_suite.runpytest_subprocess(timeout=120)
    # The skip in the test body fails; the skip in a fixture fails at setup (an error).
    result.assert_outcomes(passed=1, failed=2, errors=1, skipped=1, xfailed=1)
    assert result.ret != 0
    result.stdout.fnmatch_lines(
        [
            "*Skipped in CI, which counts as a failure: this test needs postgres*",
            "*no server here*",
        ]
    )
    result.stdout.fnmatch_lines(["*this test needs dbus*", "*no session bus*"])
    result.stdout.fnmatch_lines(["*this test needs x11*", "*no X server*"])


def test_outside_ci_service_skips_stay_skips(
    inner_suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    result = inner_suite.runpytest_subprocess(timeout=120)
    result.assert_outcomes(passed=1, skipped=4, xfailed=1)
    assert result.ret == 0


# --- the PySide6 pin ------------------------------------------------------------------------

THREADED_SMOKE = """
    import os, sys, time
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
    from PySide6.QtWidgets import QApplication, QLabel

    class Worker(QObject):
        progressed = Signal(int)
        done = Signal()

        @Slot()
        def run(self):
            for i in range(40):
                time.sleep(0.005)
                self.progressed.emit(i)
            self.done.emit()

    class Sleeper(QThread):
        def run(self):
            for _ in range(40):
                time.sleep(0.005)
                QThread.msleep(1)

    app = QApplication([])
    label = QLabel("0")
    label.show()
    for round_ in range(5):
        thread, worker, sleeper = QThread(), Worker(), Sleeper()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(lambda i: label.setText(str(i)))
        worker.done.connect(thread.quit)
        thread.finished.connect(app.quit)
        QTimer.singleShot(20000, lambda: app.exit(3))
        sleeper.start()
        thread.start()
        if app.exec() != 0:
            sys.exit("event loop timed out")
        thread.wait()
        sleeper.wait()
        worker.deleteLater()
    print("threaded smoke ok")
"""


def test_pyside6_threaded_smoke(tmp_path: Path) -> None:
    """A QThread worker sleeping while the GUI thread processes events must not abort.

    PySide6 6.12.0 on Python 3.11 aborts here ("deallocating None"), which is why
    pyproject.toml pins PySide6-Essentials. Run in a subprocess so an abort is a clear failure
    instead of the end of the test session.
    """
    script = tmp_path / "smoke.py"
    script.write_text(textwrap.dedent(THREADED_SMOKE))
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, (
        f"threaded Qt smoke test exited with {result.returncode}: is the PySide6 pin "
        f"in pyproject.toml still a version that works on this Python?\n"
        f"{result.stdout}\n{result.stderr}"
    )
    assert "threaded smoke ok" in result.stdout


def test_waiting_returns_the_first_true_value_and_names_what_it_waited_for() -> None:
    from tests import waiting

    seen = iter([None, 0, "ready"])
    assert waiting.until(lambda: next(seen), 5, "a value") == "ready"
    with pytest.raises(AssertionError, match=r"timed out after 0\.05 s waiting for nothing"):
        waiting.until(lambda: None, 0.05, "nothing")
    with pytest.raises(AssertionError, match="the child exited while waiting for its line"):
        waiting.until(lambda: None, 60, "its line", still=lambda: "the child exited")
