"""Schema versions: `init` creates and upgrades, a newer store is read-only, an older
or uninitialised one asks for `decision-inbox init`, and the migration matches the ORM models."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from inbox.core.errors import SchemaError
from inbox.store.connection import StoreConnection
from inbox.store.models import Base, ChangeRow, TeamRow
from inbox.store.reader import load_snapshot
from inbox.store.schema import SCHEMA_VERSION, store_version
from inbox.store.service import StoreService
from tests.sentences import one_sentence
from tests.store.helpers import count, initialised_service, run


def set_version(url: str, version: int) -> None:
    """Rewrite the store's recorded schema version behind the client's back."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE schema_info SET version = :v WHERE id = 1"), {"v": version}
            )
    finally:
        engine.dispose()


@pytest.fixture
def initialised(store_url: str) -> Iterator[str]:
    with initialised_service(store_url) as service:
        service.add_team("backend")
    yield store_url


def test_init_creates_then_is_idempotent(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--store", store_url, "init")
    assert (code, err) == (0, "")
    assert "Created the store at " in out and f"(schema v{SCHEMA_VERSION})" in out

    store = StoreConnection.open(store_url)
    try:
        assert store.version() == SCHEMA_VERSION
        tables = set(inspect(store.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        StoreService(store).add_team("backend")
    finally:
        store.dispose()

    code, out, err = run(capsys, "--store", store_url, "init")
    assert (code, err) == (0, "")
    assert f"already at schema v{SCHEMA_VERSION}" in out

    store = StoreConnection.open(store_url)
    try:
        # The second init touched nothing: one schema_info row, the team still there.
        with store.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM schema_info")).scalar() == 1
        assert count(store, TeamRow) == 1
        assert store.version() == SCHEMA_VERSION
    finally:
        store.dispose()


def test_newer_store_is_refused_for_writes_but_still_read(
    initialised: str, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = SCHEMA_VERSION + 1
    set_version(initialised, newer)
    expected = f"schema v{newer}; this client knows up to v{SCHEMA_VERSION}"

    store = StoreConnection.open(initialised)
    try:
        with store.read() as session:  # reads still work
            assert load_snapshot(session).decisions == ()
        before = count(store, ChangeRow)
        with pytest.raises(SchemaError) as raised:
            StoreService(store).add_team("frontend")
        assert expected in str(raised.value)
        assert count(store, TeamRow) == 1 and count(store, ChangeRow) == before
    finally:
        store.dispose()

    # A fresh connection that writes first is refused too (no read check taken for granted).
    store = StoreConnection.open(initialised)
    try:
        with pytest.raises(SchemaError, match=expected.replace(".", r"\.")):
            StoreService(store).add_team("frontend")
    finally:
        store.dispose()

    # Through the command line: a write exits 1 with one sentence naming both versions …
    code, out, err = run(capsys, "--store", initialised, "--user", "ana", "team", "add", "web")
    assert code == 1 and out == ""
    assert expected in one_sentence(err)
    # … `init` does not downgrade it …
    code, _, err = run(capsys, "--store", initialised, "init")
    assert code == 1
    assert expected in one_sentence(err)
    # … and a read command still works.
    code, out, err = run(capsys, "--store", initialised, "digest", "--format", "json")
    assert (code, err) == (0, "")
    assert '"pairs": []' in out


def test_older_store_asks_for_init(initialised: str, capsys: pytest.CaptureFixture[str]) -> None:
    set_version(initialised, 0)
    store = StoreConnection.open(initialised)
    try:
        assert store.version() == 0
        for attempt in (
            lambda: StoreService(store).add_team("frontend"),
            lambda: store.read().__enter__(),
        ):
            with pytest.raises(SchemaError) as raised:
                attempt()
            message = str(raised.value)
            assert f"schema v0; this client needs v{SCHEMA_VERSION}" in message
            assert "`decision-inbox init`" in message
    finally:
        store.dispose()

    for args in (("team", "add", "web"), ("digest",)):
        code, out, err = run(capsys, "--store", initialised, "--user", "ana", *args)
        assert code == 1 and out == ""
        assert "decision-inbox init" in one_sentence(err)


def test_uninitialised_explicit_store_asks_for_init(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if store_url.startswith("sqlite:///"):
        # An empty file is SQLite's uninitialised store; no file at all is another sentence
        # (tests/store/test_store_paths.py).
        Path(store_url.removeprefix("sqlite:///")).touch()
    for args in (("inbox", "--json"), ("team", "add", "backend"), ("show", "D-1")):
        code, out, err = run(capsys, "--store", store_url, "--user", "fred", *args)
        assert code == 1 and out == ""
        line = one_sentence(err)
        assert "not initialised" in line and "`decision-inbox init`" in line
    # Asking did not initialise it behind the user's back.
    store = StoreConnection.open(store_url)
    try:
        assert store.version() is None
    finally:
        store.dispose()


def test_a_file_that_is_not_a_store_gives_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "notes.sqlite"
    garbage.write_bytes(b"these are my notes, not a database\n" * 200)
    code, out, err = run(capsys, "--store", str(garbage), "--user", "fred", "inbox")
    assert code == 1 and out == ""
    assert str(garbage) in one_sentence(err)
    assert garbage.read_bytes().startswith(b"these are my notes")


# On PostgreSQL the migration adds `change_log.txid xid8` and its index (the transaction-id
# cursor of the change feed). SQLite has no such type, so the ORM models leave both out and the feed
# reader queries them by name. Migration v0002 adds `change_log.login` (the login role that
# wrote the row, DEFAULT current_user), which only PostgreSQL has. These, and only these,
# differ between migration and models.
PG_ONLY = {
    ("remove_column", "change_log", "txid"),
    ("remove_column", "change_log", "login"),
    ("remove_index", "change_log", "ix_change_log_txid_seq"),
    # The roles admin grant created (migration v4): the gatekeeper's, read by no client.
    ("remove_table", "login_roles", ""),
}


def _describe(diff: object) -> tuple[str, str, str] | None:
    if not isinstance(diff, tuple):
        return None
    kind = diff[0]
    if kind == "remove_column":
        return (kind, diff[2], diff[3].name)
    if kind == "remove_index":
        return (kind, diff[1].table.name, diff[1].name)
    if kind == "remove_table":
        return (kind, diff[1].name, "")
    return None


def _schema_diffs(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


# SQLAlchemy does not know PostgreSQL's xid8 type when reflecting change_log.txid; expected.
@pytest.mark.filterwarnings("ignore:Did not recognize type 'xid8':sqlalchemy.exc.SAWarning")
def test_migrated_schema_matches_the_models(store_url: str) -> None:
    store = StoreConnection.open(store_url)
    try:
        store.initialise()
        diffs = _schema_diffs(store.engine)
        if store.dialect == "postgresql":
            described = {_describe(d) for d in diffs}
            assert described >= PG_ONLY, diffs  # the filter below removes something real
            diffs = [d for d in diffs if _describe(d) not in PG_ONLY]
        assert diffs == []

        # The comparison is not blind: a missing index in the store is reported.
        with store.engine.begin() as connection:
            connection.execute(text("DROP INDEX ix_feedback_decision"))
        kinds = [d[0] for d in _schema_diffs(store.engine) if isinstance(d, tuple)]
        assert "add_index" in kinds
    finally:
        store.dispose()


def test_postgres_change_log_has_an_xid8_txid(pg_url: str) -> None:
    store = StoreConnection.open(pg_url)
    try:
        store.initialise()
        with store.engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                    "pg_get_expr(d.adbin, d.adrelid) "
                    "FROM pg_attribute a LEFT JOIN pg_attrdef d "
                    "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "WHERE a.attrelid = 'change_log'::regclass AND a.attname = 'txid'"
                )
            ).one()
            assert row[0] == "xid8" and row[1] is True
            assert row[2] == "pg_current_xact_id()"
            index = connection.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = 'change_log' "
                    "AND indexname = 'ix_change_log_txid_seq'"
                )
            ).scalar_one()
            assert "(txid, seq)" in index
        # A write fills it from the writing transaction.
        StoreService(store).add_team("backend")
        with store.engine.connect() as connection:
            txid, current = connection.execute(
                text("SELECT txid::text, pg_current_xact_id_if_assigned() FROM change_log")
            ).one()
        assert int(txid) > 0 and current is None
    finally:
        store.dispose()


def test_sqlite_change_log_has_no_txid(sqlite_url: str) -> None:
    store = StoreConnection.open(sqlite_url)
    try:
        store.initialise()
        columns = {c["name"] for c in inspect(store.engine).get_columns("change_log")}
        assert "txid" not in columns and "seq" in columns
        assert store_version(store.engine) == SCHEMA_VERSION
    finally:
        store.dispose()


def test_the_gatekeeper_sets_the_same_session_limits_as_init() -> None:
    """admin grant (v4's decision_inbox_login_limits) and init (inbox/store/limits.py) give a
    member login the same limits; the SQL cannot import the Python, so they are compared here."""
    from importlib import resources

    from inbox.store import limits

    script = (resources.files("inbox.store") / "migrations" / "sql" / "v0005_admin.sql").read_text()
    body = script.split("CREATE FUNCTION decision_inbox_login_limits", 1)[1].split("END $$;", 1)[0]
    found = dict(re.findall(r"SET (\w+) = %L',\s*p_role, current_database\(\), '([^']+)'", body))
    assert found == limits.SESSION_LIMITS
