"""Migration v5 (logins through the database's functions, the owning team, no acknowledgment of
an open decision): a v3 store with data, an open decision and a member login is upgraded in
place, and the new rules hold on what was there."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg
import pytest
from alembic import command
from sqlalchemy import text

from inbox.core.errors import LifecycleError, ValidationError
from inbox.store import roles, schema
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from tests.store.helpers import run
from tests.store.test_migration_v3 import T0, _v2_data

V3 = "v0003"


def _v3_store(url: str) -> StoreConnection:
    """A store migrated to v3 only: the v2 history of test_migration_v3, and D-2, open, that a
    v3 client acknowledged (v3 still took that)."""
    store = StoreConnection.open(url)
    if store.sqlite_file is not None:
        store.sqlite_file.touch()  # opening never creates a SQLite store
    config = schema._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "v0002")
        _v2_data(connection)
        command.upgrade(config, V3)
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(
                "SELECT decision_inbox_create('ana', 'Open one', '', NULL, '{team}', "
                "'{frontend}', '{ack}', '{}', '{}')"))  # fmt: skip
            connection.execute(
                text("SELECT decision_inbox_open('ana', 'D-2', now() + interval '2 days')")
            )
            connection.execute(text(
                "SELECT * FROM decision_inbox_acknowledge('fred', 'D-2', 1, gen_random_uuid())"))  # fmt: skip
        else:
            _v3_open_decision_sqlite(connection)
    assert store.version() == 3
    return store


def _v3_open_decision_sqlite(connection) -> None:  # type: ignore[no-untyped-def]
    connection.execute(text(
        "INSERT INTO decisions (id, number, key, owner, team, state, current_revision, version, "
        "created_at, deadline) VALUES (2, 2, 'D-2', 'ana', 'backend', 'open', 1, 2, :t, :d)"),
        {"t": T0, "d": T0 + timedelta(days=400)})  # fmt: skip
    connection.execute(text(
        "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
        "created_at) VALUES (2, 1, 'Open one', '', 'Created', 0, 'ana', :t)"), {"t": T0})  # fmt: skip
    connection.execute(text(
        "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
        "VALUES (:id, 2, 1, 'fred', :t)"), {"id": str(uuid.uuid4()), "t": T0})  # fmt: skip


def test_v5_upgrades_a_v3_store_with_its_data_in_place(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _v3_store(store_url)
    try:
        code, out, err = run(capsys, "--store", store_url, "init")
        assert (code, err) == (0, "")
        assert f"from schema v3 to v{schema.SCHEMA_VERSION}" in out
        assert store.version() == schema.SCHEMA_VERSION
        with store.read() as session:
            d1, d2 = load_decision(session, "D-1"), load_decision(session, "D-2")
        assert (d1.state.value, d1.revision, len(d1.acknowledgments)) == ("finalized", 2, 1)
        # What v3 took stays as it was: history is never rewritten.
        assert (d2.state.value, [a.person for a in d2.acknowledgments]) == ("open", ["fred"])

        service = StoreService(store)
        with pytest.raises(LifecycleError, match="D-2 is open for feedback until "):
            service.acknowledge("fred", "D-2")
        service.add_team("web")
        with pytest.raises(ValidationError, match="ana is not in web"):
            service.create("ana", title="Not her team", team="web")
        assert service.create("ana", title="After the upgrade").key == "D-3"
        assert service.acknowledge("fred", "D-1").message == "Acknowledged D-1 r2."
    finally:
        store.dispose()


@pytest.mark.postgres
def test_a_v3_member_login_is_managed_by_the_store_after_the_upgrade(
    pg_server_url: str, pg_url: str
) -> None:
    """A login a v3 `admin grant` made is recorded as the store's: `admin revoke` disables it."""
    role = f"v3_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT decision_inbox_member TO {role}")
    store = _v3_store(pg_url)
    try:
        store.initialise()
        with store.read() as session:
            recorded = session.execute(
                text("SELECT adopted FROM login_roles WHERE role = :r"), {"r": role}
            ).scalar()
        assert recorded is False
        assert "can no longer log in" in roles.revoke(store, role)
        with psycopg.connect(pg_server_url) as conn:
            row = conn.execute(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (role,)
            ).fetchone()
        assert row == (False,)
    finally:
        store.dispose()
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
