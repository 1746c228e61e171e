"""Row-level security on PostgreSQL, tested with raw SQL through each person's own login, and
through the app's code paths (docs/decisions/0003-row-level-security.md).

Runs on a cluster of its own: login roles are cluster-wide, and this test names them ana, fred
and mallory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from inbox.core.errors import PermissionDeniedError
from inbox.store.connection import StoreConnection
from inbox.store.schema import SCHEMA_VERSION
from inbox.store.service import StoreService
from tests import pg
from tests.processes import cli

pytestmark = pytest.mark.postgres


@dataclass
class World:
    admin_url: str  # SQLAlchemy URL, superuser
    database: str
    port: int
    decision_id: int

    def url(self, role: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{self.database}"

    def raw(self, role: str) -> psycopg.Connection:
        return psycopg.connect(self.url(role), autocommit=False)


@pytest.fixture
def world(own_pg: pg.ThrowawayCluster) -> Iterator[World]:
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    cli("init", store=admin)
    for team in ("backend", "frontend"):
        cli("team", "add", team, store=admin)
    for handle, team in (("ana", "backend"), ("fred", "frontend"), ("mallory", "frontend")):
        granted = cli(
            "admin",
            "grant",
            handle,
            "--name",
            handle.title(),
            "--team",
            team,
            "--password-stdin",
            store=admin,
            stdin="secret\n",
        )
        assert f"{handle} may now log in" in granted.out
    w = World(admin, database, own_pg.port, 0)
    ana = w.url("ana")
    key = cli(
        "new",
        "--title",
        "Token refresh policy",
        "--ack",
        "team:frontend",
        "--assert",
        "auth.token.refresh_minutes=15",
        store=ana,
    ).out.strip()
    cli("finalize", key, store=ana)
    with w.raw("ana") as conn:
        w.decision_id = conn.execute("SELECT id FROM decisions WHERE key = %s", (key,)).fetchone()[
            0
        ]
    yield w


DENIED = "42501"  # insufficient_privilege: grants, and row-level security WITH CHECK


def attempt(world: World, role: str, sql: str, *params: object) -> str:
    """'denied' (an error 42501), 'no rows' (an UPDATE the policy hid), or 'done'."""
    with world.raw(role) as conn:
        try:
            cursor = conn.execute(sql, params)
        except psycopg.Error as exc:
            assert exc.sqlstate == DENIED, (sql, exc.sqlstate, exc)
            return "denied"
        finally:
            conn.rollback()
        return "no rows" if cursor.rowcount == 0 else "done"


TABLES = (
    "people",
    "teams",
    "memberships",
    "decisions",
    "revisions",
    "assertions",
    "audience",
    "acknowledgments",
    "feedback",
    "change_log",
    "schema_info",
)


def test_mallory_cannot_write_as_fred_or_change_anas_decision(world: World) -> None:
    d = world.decision_id
    as_fred = {
        "ack": (
            "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
            "VALUES (%s, %s, 1, 'fred', now())",
            str(uuid.uuid4()),
            d,
        ),
        "feedback": (
            "INSERT INTO feedback (id, decision_id, revision, person, body, objection,"
            " at) VALUES (%s, %s, 1, 'fred', 'x', false, now())",
            str(uuid.uuid4()),
            d,
        ),
        "feed": (
            "INSERT INTO change_log (kind, actor, at, data) "
            "VALUES ('acknowledged', 'fred', now(), '{}')",
        ),
    }
    for name, (sql, *params) in as_fred.items():
        assert attempt(world, "mallory", sql, *params) == "denied", name
    changes = {
        "finalize": "UPDATE decisions SET state = 'withdrawn', version = version + 1 WHERE id = %s",
        "supersede": "UPDATE decisions SET state = 'superseded', superseded_by = 'D-9' "
        "WHERE id = %s",
        "current revision": "UPDATE decisions SET current_revision = 2 WHERE id = %s",
    }
    for name, sql in changes.items():
        # Since v3 nobody but the owner role writes the tables: an error, not a hidden row.
        assert attempt(world, "mallory", sql, d) == "denied", name
    assert (
        attempt(world, "mallory", "UPDATE decisions SET owner = 'mallory' WHERE id = %s", d)
        == "denied"
    )
    revise = (
        "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author,"
        " created_at) VALUES (%s, 2, 'Mine', '', 'takeover', false, %s, now())"
    )
    assert attempt(world, "mallory", revise, d, "mallory") == "denied"
    assert attempt(world, "mallory", revise, d, "ana") == "denied"
    assert (
        attempt(
            world,
            "mallory",
            "INSERT INTO audience (decision_id, person, role) VALUES (%s, 'mallory', 'inform')",
            d,
        )
        == "denied"
    )


@pytest.mark.parametrize("role", ["mallory", "ana", "fred"])
def test_nobody_but_an_admin_updates_or_deletes_history(world: World, role: str) -> None:
    for table in TABLES:
        assert attempt(world, role, f"DELETE FROM {table}") == "denied", table
    for table, column in (
        ("revisions", "title"),
        ("acknowledgments", "revision"),
        ("feedback", "body"),
        ("change_log", "kind"),
        ("people", "name"),
        ("assertions", "value"),
        ("memberships", "team"),
    ):
        assert attempt(world, role, f"UPDATE {table} SET {column} = {column}") == "denied", table


def test_people_act_for_themselves(world: World) -> None:
    d = world.decision_id
    own_ack = (
        "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
        "VALUES (%s, %s, 1, 'fred', now())"
    )
    # Since v3 even one's own rows are written through the store's functions only.
    assert attempt(world, "fred", own_ack, str(uuid.uuid4()), d) == "denied"
    ack = "SELECT * FROM decision_inbox_acknowledge('fred', 'D-1', 1, %s)"
    assert attempt(world, "fred", ack, str(uuid.uuid4())) == "done"
    revise = (
        "SELECT decision_inbox_revise('ana', 'D-1', 'typo', 'Token refresh policy!', "
        "NULL, NULL, NULL, NULL, true, 1)"
    )
    assert attempt(world, "ana", revise) == "done"
    assert attempt(world, "ana", "UPDATE decisions SET version = version WHERE id = %s", d) == (
        "denied"
    )
    with world.raw("fred") as conn:  # everyone reads everything: the inbox needs it
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 1


def test_the_app_turns_both_kinds_of_refusal_into_permission_denied(world: World) -> None:
    store = StoreConnection.open(world.url("mallory"))
    service = StoreService(store)
    try:
        # The client cannot be trusted: pretend to be ana or fred; the database says no.
        acting = "logged in to the store as mallory; only an admin can act as"
        with pytest.raises(PermissionDeniedError, match=f"{acting} ana"):
            service.withdraw("ana", "D-1")
        with pytest.raises(PermissionDeniedError, match=f"{acting} fred"):
            service.acknowledge("fred", "D-1")
        with pytest.raises(PermissionDeniedError, match=f"{acting} ana"):
            service.revise("ana", "D-1", summary="takeover", title="Mine")
        with pytest.raises(PermissionDeniedError, match="Only ana, the owner of D-1"):
            service.withdraw("mallory", "D-1")
    finally:
        store.dispose()
    as_fred = cli("ack", "D-1", "--user", "fred", store=world.url("mallory"), check=False)
    assert as_fred.code == 4
    assert "logged in to the store as mallory" in as_fred.err
    finalize = cli("finalize", "D-1", store=world.url("mallory"), check=False)
    assert finalize.code == 4 and "Only ana" in finalize.err


def test_an_admin_may_act_for_a_person_and_the_feed_says_who(world: World) -> None:
    cli(
        "admin",
        "grant",
        "root_ops",
        "--name",
        "Ops",
        "--password-stdin",
        store=world.admin_url,
        stdin="secret\n",
    )
    cli("admin", "promote", "root_ops", store=world.admin_url)
    done = cli("ack", "D-1", "--user", "fred", store=world.url("root_ops"))
    assert "Acknowledged D-1 r1" in done.out
    with world.raw("fred") as conn:
        row = conn.execute(
            "SELECT actor, login FROM change_log WHERE kind = 'acknowledged'"
        ).fetchone()
    assert row == ("fred", "root_ops")


def test_a_revoked_person_can_no_longer_log_in(world: World) -> None:
    cli("admin", "revoke", "mallory", store=world.admin_url)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(world.url("mallory"))
    on_sqlite = cli("admin", "promote", "ana", store="local.sqlite", check=False)
    assert on_sqlite.code == 2 and "only on a PostgreSQL store" in on_sqlite.err


def test_admin_status_shows_clients_the_oldest_transaction_and_the_notify_queue(
    own_pg: pg.ThrowawayCluster,
) -> None:
    database = pg.create_database(own_pg.admin_url)
    url = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    cli("init", store=url)
    raw = pg.libpq_url(own_pg.admin_url, database=database)
    with (
        psycopg.connect(raw, application_name="decision-inbox", autocommit=True) as client,
        psycopg.connect(raw) as blocker,
    ):
        client.execute("LISTEN decision_inbox")
        blocker.execute("SELECT pg_current_xact_id()")  # a transaction left open
        shown = cli("admin", "status", store=url).out.splitlines()
        blocker.rollback()
    assert f"Schema: v{SCHEMA_VERSION}" in shown and "Feed: 0 events" in shown
    assert "Connected clients: 1" in shown
    [oldest] = [line for line in shown if line.startswith("Oldest open transaction: ")]
    assert oldest.endswith("s (postgres)"), oldest
    assert "NOTIFY queue usage: 0.0%" in shown
    after = cli("admin", "status", store=url).out
    assert "Oldest open transaction: none" in after


def test_no_password_reaches_the_server_log_or_the_debug_output(
    own_pg: pg.ThrowawayCluster,
) -> None:
    own_pg.require_password("pwuser", "0ld-Pass-1")
    with psycopg.connect(pg.libpq_url(own_pg.admin_url), autocommit=True) as conn:
        # The password line of pg_hba.conf stays; admin grant creates the role anew (a role it
        # did not create keeps its password: test_attacks).
        conn.execute("DROP ROLE pwuser")
        conn.execute("ALTER SYSTEM SET log_statement = 'all'")
        conn.execute("SELECT pg_reload_conf()")
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    cli("init", store=admin)
    secret = "N3w-Secret-Pw-42"
    granted = cli(
        "--debug", "admin", "grant", "pwuser", "--name", "P", "--password-stdin",
        store=admin, stdin=f"{secret}\n",
    )  # fmt: skip
    refused = cli(
        "--debug", "admin", "grant", "postgres", "--name", "P", "--password-stdin",
        store=admin, stdin=f"{secret}\n", check=False,
    )  # fmt: skip
    assert refused.code == 4 and "admin grant leaves it alone" in refused.err
    assert cli("admin", "revoke", "decision_inbox_owner", store=admin, check=False).code == 4
    # The verifier the server stored is the one for this password: the login works.
    url = f"postgresql://pwuser:{secret}@127.0.0.1:{own_pg.port}/{database}"
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("pwuser",)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url), autocommit=True) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'pwuser'")
        assert str(stored.fetchone()[0]).startswith("SCRAM-SHA-256$")
        conn.execute("ALTER SYSTEM RESET log_statement")
        conn.execute("SELECT pg_reload_conf()")
    log = own_pg.log_file.read_text(encoding="utf-8", errors="replace")
    assert "decision_inbox_grant_login" in log  # the statements were logged …
    for output in (log, granted.out, granted.err, refused.out, refused.err):
        assert secret not in output  # … but never the password


def test_only_an_admin_takes_someone_out_of_a_team(world: World) -> None:
    """``person remove`` runs the database's function, which asks for an admin, whoever calls it
    (the raw DELETE is refused above)."""
    refused = cli("person", "remove", "fred", "--team", "frontend", store=world.url("mallory"),
                  check=False)  # fmt: skip
    assert refused.code == 4, refused
    assert "Only a store admin can change the directory; ask one." in refused.err
    done = cli("person", "remove", "fred", "--team", "frontend", store=world.admin_url)
    assert done.out.strip() == "fred left frontend."
    with world.raw("ana") as conn:
        rows = conn.execute(
            "SELECT kind, data::jsonb->>'person', data::jsonb->>'team' FROM change_log "
            "ORDER BY seq DESC LIMIT 1"
        ).fetchall()
        assert rows == [("member_removed", "fred", "frontend")]
        teams = conn.execute("SELECT team FROM memberships WHERE person = 'fred'").fetchall()
        assert teams == []
