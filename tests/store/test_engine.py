"""Opening a store: URLs, redaction, SQLite's settings and write lock, and an
unreachable PostgreSQL reported as one sentence."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from inbox.core.errors import StoreUnavailableError, UsageError
from inbox.store.connection import StoreConnection
from inbox.store.engine import SQLITE_BUSY_TIMEOUT_S, parse_store_url, redact
from inbox.store.models import MembershipRow, TeamRow
from tests import pg
from tests.processes import cli
from tests.sentences import one_sentence

SECRET = "s3cr3t-Pa55"


# --- URLs -------------------------------------------------------------------------------------


def test_plain_paths_become_absolute_sqlite_urls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url = parse_store_url("team.sqlite")
    assert url.drivername == "sqlite"
    assert url.database == str(tmp_path.resolve() / "team.sqlite")

    nested = parse_store_url(str(tmp_path / "a" / ".." / "b.sqlite"))
    assert nested.database == str(tmp_path.resolve() / "b.sqlite")

    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_store_url("~/home.sqlite").database == str(tmp_path.resolve() / "home.sqlite")
    assert parse_store_url("  spaced.sqlite \n").database == str(
        tmp_path.resolve() / "spaced.sqlite"
    )
    assert parse_store_url("with space.sqlite").database == str(
        tmp_path.resolve() / "with space.sqlite"
    )


def test_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = parse_store_url(f"sqlite:///{tmp_path}/abs.sqlite")
    assert (absolute.drivername, absolute.database) == (
        "sqlite",
        f"{tmp_path.resolve()}/abs.sqlite",
    )
    # As in a file:/// URL (and as the README says), three slashes name an absolute path too.
    assert parse_store_url("sqlite:///abs/path.sqlite").database == "/abs/path.sqlite"


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql://fred:PW@db.example.com:5433/decisions",
        "postgres://fred:PW@db.example.com:5433/decisions",
        "postgresql+psycopg2://fred:PW@db.example.com:5433/decisions",
        "postgresql+psycopg://fred:PW@db.example.com:5433/decisions",
    ],
)
def test_postgres_urls_use_psycopg_3(raw: str) -> None:
    url = parse_store_url(raw)
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "fred",
        "PW",
        "db.example.com",
        5433,
        "decisions",
    )


def test_postgres_url_keeps_libpq_query_options() -> None:
    url = parse_store_url("postgresql://fred@db/decisions?sslmode=verify-full&sslrootcert=/ca.pem")
    assert url.query == {"sslmode": "verify-full", "sslrootcert": "/ca.pem"}


@pytest.mark.parametrize("raw", ["sqlite://", "sqlite:///:memory:", ":memory:"])
def test_in_memory_sqlite_is_refused(
    raw: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    with pytest.raises(UsageError) as raised:
        parse_store_url(raw)
    assert "in-memory" in str(raised.value) and "file path" in str(raised.value)
    assert list(here.iterdir()) == []  # and no file called ":memory:" either


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (f"mysql://fred:{SECRET}@db/decisions", "'mysql'"),
        (f"oracle+cx_oracle://fred:{SECRET}@db/x", "'oracle'"),
        ("http://example.com/store", "'http'"),
        ("://nothing", None),
        (f"postgresql://fred:{SECRET}@db:port/decisions", None),  # a port that is no number
    ],
)
def test_unknown_or_malformed_urls_are_refused_with_a_sentence(raw: str, named: str | None) -> None:
    with pytest.raises(UsageError) as raised:
        parse_store_url(raw)
    message = str(raised.value)
    assert message.endswith(".") and "\n" not in message
    assert SECRET not in message
    assert ("SQLite" in message and "PostgreSQL" in message) or "postgresql://" in message
    if named:
        assert named in message


def test_empty_url_is_refused() -> None:
    for raw in ("", "   "):
        with pytest.raises(UsageError, match="empty"):
            parse_store_url(raw)


@pytest.mark.parametrize(
    "raw",
    [
        f"postgresql://fred:{SECRET}@db.example.com/decisions",
        f"postgresql+psycopg://fred:{SECRET}@db.example.com:5432/decisions?sslmode=require",
        f"postgres://fred:{SECRET}@db/decisions",
        "postgresql://fred:p%40ss%3Aw%2Frd@db/decisions",  # @ : / inside the password
        f"postgresql://fred:{SECRET}@db:port/decisions",  # unparsable: shown as nothing
    ],
)
def test_redact_never_shows_a_password(raw: str) -> None:
    values: list[str | URL] = [raw]
    with contextlib.suppress(UsageError):
        values.append(parse_store_url(raw))
    for value in values:
        shown = redact(value)
        assert SECRET not in shown
        assert "p%40ss" not in shown and "p@ss" not in shown
        assert "+psycopg" not in shown


def test_redact_keeps_what_identifies_the_store() -> None:
    shown = redact(parse_store_url(f"postgresql://fred:{SECRET}@db.example.com:5433/decisions"))
    assert shown == "postgresql://fred:***@db.example.com:5433/decisions"
    assert redact("postgresql://fred@db/decisions") == "postgresql://fred@db/decisions"
    assert redact("sqlite:////srv/store.sqlite") == "/srv/store.sqlite"  # a path, pasteable


# --- SQLite settings ---------------------------------------------------------------------------


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[StoreConnection]:
    store = StoreConnection.open(sqlite_url)
    store.initialise()
    yield store
    store.dispose()


def test_sqlite_runs_in_wal_with_busy_timeout_and_foreign_keys(
    sqlite_store: StoreConnection,
) -> None:
    assert SQLITE_BUSY_TIMEOUT_S == 5.0
    for unit in (sqlite_store.read, sqlite_store.write):
        with unit() as session:
            connection = session.connection()
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            }
            assert pragmas == {"journal_mode": "wal", "busy_timeout": 5000, "foreign_keys": 1}


def test_sqlite_enforces_foreign_keys(sqlite_store: StoreConnection) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), sqlite_store.engine.begin() as db:
        db.execute(insert(MembershipRow).values(person="nobody", team="nowhere"))


def test_sqlite_file_is_left_in_wal_mode(sqlite_store: StoreConnection) -> None:
    import sqlite3

    assert sqlite_store.engine.url.database is not None
    raw = sqlite3.connect(sqlite_store.engine.url.database)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


# How long the first writer keeps the lock after everything else is in place: long enough for
# the second writer to be waiting in BEGIN, short enough to keep the test fast.
HOLD_S = 0.25


def test_a_write_takes_the_lock_at_begin_and_a_second_writer_waits(
    sqlite_store: StoreConnection,
) -> None:
    """The hazard: a deferred transaction that reads, then writes after another writer committed,
    fails at once with SQLITE_BUSY_SNAPSHOT (busy_timeout cannot help). With BEGIN IMMEDIATE the
    second writer's transaction only starts once the first committed, so its reads already see
    that commit and its write succeeds."""
    holding = threading.Event()
    reader_done = threading.Event()
    times: dict[str, float] = {}
    errors: list[BaseException] = []
    seen_by_second: list[int] = []

    def first() -> None:
        try:
            with sqlite_store.write() as session:
                session.add(TeamRow(name="first", created_at=datetime.now(UTC)))
                session.flush()
                holding.set()
                reader_done.wait(5)
                time.sleep(HOLD_S)  # on purpose: the hold the second writer must wait out
                times["first_commits"] = time.monotonic()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()

    def second() -> None:
        try:
            assert holding.wait(5)
            times["second_started"] = time.monotonic()
            with sqlite_store.write() as session:
                names = set(session.scalars(select(TeamRow.name)))
                times["second_read"] = time.monotonic()
                seen_by_second.append(len(names))
                session.add(TeamRow(name="second", created_at=datetime.now(UTC)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # A reader is not blocked by the writer holding the lock and sees only committed rows.
    assert holding.wait(5)
    started = time.monotonic()
    with sqlite_store.read() as session:
        during = set(session.scalars(select(TeamRow.name)))
    read_took = time.monotonic() - started
    reader_done.set()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert "first" not in during and read_took < 1.0
    # The second writer's first statement ran only once the first writer went on to commit …
    assert times["second_read"] >= times["first_commits"]
    # … so its snapshot already held the first writer's row.
    assert seen_by_second == [1]
    with sqlite_store.read() as session:
        assert set(session.scalars(select(TeamRow.name))) == {"first", "second"}


def test_reads_do_not_take_the_write_lock(sqlite_store: StoreConnection) -> None:
    """Two read units open at once, and a write while a read unit is open, do not wait."""
    with sqlite_store.read() as reader:
        assert reader.scalar(select(func.count()).select_from(TeamRow)) == 0
        started = time.monotonic()
        with sqlite_store.read() as other:
            other.scalar(select(func.count()).select_from(TeamRow))
        with sqlite_store.write() as writer:
            writer.add(TeamRow(name="backend", created_at=datetime.now(UTC)))
        assert time.monotonic() - started < 1.0
        # The open read keeps its snapshot.
        assert reader.scalar(select(func.count()).select_from(TeamRow)) == 0


# --- an unreachable PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def unreachable() -> str:
    return f"postgresql://fred:{SECRET}@127.0.0.1:{pg.free_port()}/decisions"


def test_unreachable_postgres_is_one_sentence(unreachable: str) -> None:
    store = StoreConnection.open(unreachable)
    try:
        for attempt in (
            store.version,
            lambda: store.read().__enter__(),
            lambda: store.write().__enter__(),
            store.initialise,
        ):
            started = time.monotonic()
            with pytest.raises(StoreUnavailableError) as raised:
                attempt()
            assert time.monotonic() - started < 10
            message = str(raised.value)
            assert "127.0.0.1" in message and SECRET not in message
            assert message.endswith(".") and "\n" not in message
            assert "check that it is running" in message
    finally:
        store.dispose()


def test_unreachable_postgres_through_the_command_line(unreachable: str) -> None:
    result = cli("inbox", "--json", store=unreachable, user="fred", check=False)
    assert result.code == 1 and result.out == ""
    assert SECRET not in result.err
    line = one_sentence(result.err)
    assert line.startswith("decision-inbox: The store at postgresql://fred:***@127.0.0.1:")

    result = cli("init", store=unreachable, check=False)
    assert result.code == 1 and SECRET not in result.err
    one_sentence(result.err)


def test_malformed_postgres_url_through_the_command_line(tmp_path: Path) -> None:
    result = cli(
        "inbox", store=f"postgresql://fred:{SECRET}@db:port/decisions", user="fred", check=False
    )
    assert result.code == 2
    assert SECRET not in result.err
    one_sentence(result.err)


def test_redact_hides_a_password_given_as_a_query_parameter() -> None:
    from inbox.store.engine import redact

    shown = redact("postgresql://ana@db.example.com/decisions?password=s3cret&sslmode=verify-full")
    assert "s3cret" not in shown
    assert "sslmode=verify-full" in shown


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("postgresql://ana@db.example.com/decisions", True),
        ("postgresql://ana@db.example.com/decisions?sslmode=prefer", True),
        ("postgresql://ana@db.example.com/decisions?sslmode=disable", True),
        ("postgresql://ana@db.example.com/decisions?sslmode=verify-full", False),
        ("postgresql://ana@db.example.com/decisions?sslmode=require", False),
        ("postgresql://ana@localhost/decisions", False),
        ("postgresql://ana@127.0.0.1:5432/decisions", False),
        ("postgresql://ana@/decisions?host=/var/run/postgresql", False),
        ("team.sqlite", False),
    ],
)
def test_tls_warning_for_a_remote_store_without_tls(url: str, warned: bool) -> None:
    from inbox.store.engine import tls_warning

    sentence = tls_warning(url)
    assert (sentence is not None) == warned
    if sentence:
        assert "sslmode=verify-full" in sentence and sentence.endswith(".")
