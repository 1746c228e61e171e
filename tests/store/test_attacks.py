"""The raw-SQL attack matrix: what a hostile colleague can try with their own login and psql
(docs/decisions/0009-writes-through-database-functions.md).

Runs on a cluster of its own as four logins: ana (owns the decisions), fred (in the ack
audience), mallory (an outsider) and root_ops (a promoted admin), plus the cluster's superuser
for the rules that hold for everyone. Every try must be refused with a refusal's SQLSTATE (not a
typo's: a broken try fails the test) or be harmless, which the try checks; afterwards every
client still reads the store and every member can still write. The matrix prints its counts.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from inbox.core.errors import StoreUnavailableError
from inbox.core.model import CodeValue, Role
from inbox.store import feed, limits, roles
from inbox.store.connection import StoreConnection
from inbox.store.models import ChangeRow
from inbox.store.service import StoreService
from tests import pg
from tests.processes import cli

pytestmark = pytest.mark.postgres

PEOPLE = (("ana", "backend"), ("fred", "frontend"), ("mallory", "ops"), ("root_ops", "ops"))
TABLES = (
    "people", "teams", "memberships", "decisions", "revisions", "assertions", "audience",
    "acknowledgments", "feedback", "change_log", "schema_info",
)  # fmt: skip
# SQLSTATEs that mean "the store refused": privileges, the store's own refusals (class DI),
# check constraints, and a value that is not what the column takes.
REFUSED = ("42501", "23514", "22P02", "23505", "23502")


@dataclass
class World:
    admin_url: str  # libpq URL of the superuser, in this test's database
    database: str
    port: int
    ids: dict[str, int] = field(default_factory=dict)

    def url(self, role: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{self.database}"

    def connect(self, role: str) -> psycopg.Connection:
        url = self.admin_url if role == "postgres" else self.url(role)
        return psycopg.connect(url, autocommit=False)

    def service(self, role: str) -> tuple[StoreConnection, StoreService]:
        store = StoreConnection.open(self.url(role))
        return store, StoreService(store)


@dataclass
class Matrix:
    world: World
    tried: int = 0
    refused: int = 0
    harmless: int = 0
    harmful: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def refuse(self, role: str, label: str, sql: str, *params: object, code: str = "") -> None:
        """Run ``sql`` as ``role`` and commit, as an attacker would; it must be refused."""
        self.tried += 1
        with self.world.connect(role) as conn:
            try:
                conn.execute(sql, params or None)
                conn.commit()  # deferred rules speak here
            except psycopg.Error as exc:
                conn.rollback()
                state = exc.sqlstate or ""
                if (state.startswith("DI") or state in REFUSED) and code in ("", state):
                    self.refused += 1
                else:  # a typo in the try, or a refusal other than the rule meant
                    self.broken.append(f"{role}: {label}: {state} {exc}")
                return
        self.harmful.append(f"{role}: {label}")

    def check(self, label: str, harmless: Callable[[], bool]) -> None:
        """A try that the server lets happen; ``harmless`` says whether it did no harm."""
        self.tried += 1
        try:
            ok = harmless()
        except psycopg.Error as exc:
            self.broken.append(f"{label}: {exc.sqlstate} {exc}")
            return
        if ok:
            self.harmless += 1
        else:
            self.harmful.append(label)


@pytest.fixture
def world(own_pg: pg.ThrowawayCluster) -> Iterator[World]:
    database = pg.create_database(own_pg.admin_url)
    w = World(pg.libpq_url(own_pg.admin_url, database=database), database, own_pg.port)
    store = StoreConnection.open(pg.sqlalchemy_url(own_pg.admin_url, database=database))
    try:
        store.initialise()
        admin = StoreService(store)
        for team in ("backend", "frontend", "ops"):
            admin.add_team(team)
        for handle, team in PEOPLE:
            roles.grant(store, handle, "secret")
            admin.add_person(handle, name=handle.title(), teams=[team])
        roles.promote(store, "root_ops")
    finally:
        store.dispose()
    ana_store, ana = w.service("ana")
    try:
        for title in ("Token refresh policy", "A draft", "Withdrawn", "Open for feedback"):
            ana.create(
                "ana",
                title=title,
                audience=[("team", "frontend", Role.ACK), ("team", "frontend", Role.CONSULT)],
                assertions={"auth.token.refresh_minutes": "15"},
            )
        ana.finalize("ana", "D-1")
        ana.withdraw("ana", "D-3")
        ana.open("ana", "D-4", deadline=datetime.now(UTC) + timedelta(days=1))
    finally:
        ana_store.dispose()
    fred_store, fred = w.service("fred")
    try:
        fred.acknowledge("fred", "D-1")
    finally:
        fred_store.dispose()
    with w.connect("fred") as conn:
        w.ids = {
            f"{key}:r{n}": rid
            for key, n, rid in conn.execute(
                "SELECT d.key, r.number, r.id FROM revisions r JOIN decisions d "
                "ON d.id = r.decision_id"
            )
        }
        w.ids.update(dict(conn.execute("SELECT key, id FROM decisions").fetchall()))
    yield w


def _table_writes(w: World, role: str) -> dict[str, str]:
    d1, r1 = w.ids["D-1"], w.ids["D-1:r1"]
    forged = str(uuid.uuid4())
    return {
        "people": "INSERT INTO people VALUES ('eve', 'Eve', true, now())",
        "teams": "INSERT INTO teams VALUES ('evil', now())",
        "memberships": f"INSERT INTO memberships VALUES ('{role}', 'backend')",
        "decisions": "INSERT INTO decisions (id, number, key, owner, state, current_revision, "
        f"version, created_at) VALUES (999999, 2147483647, 'D-2147483647', '{role}', "
        "'finalized', 1, 1, now())",
        "revisions": f"INSERT INTO revisions (decision_id, number, title, body, summary, minor, "
        f"author, created_at) VALUES ({d1}, 2, 'Mine', '', 'takeover', true, '{role}', now())",
        "assertions": f"INSERT INTO assertions VALUES ({r1}, 'auth.token.grace', '0')",
        "audience": f"INSERT INTO audience (decision_id, person, role) "
        f"VALUES ({d1}, '{role}', 'inform')",
        "acknowledgments": f"INSERT INTO acknowledgments VALUES ('{forged}', {d1}, 20, "
        f"'{role}', now() - interval '1 year')",
        "feedback": f"INSERT INTO feedback VALUES ('{forged}', {d1}, 1, '{role}', 'no', true, "
        "now())",
        "change_log": "INSERT INTO change_log (seq, kind, decision, revision, actor, at, data) "
        "VALUES (100000, 'feedback', 'D-1', 1, 'fred', now(), '{\"objection\": true}')",
        "schema_info": "INSERT INTO schema_info VALUES (2, 3, false)",
    }


def _tables(m: Matrix) -> None:
    for role, _ in PEOPLE:
        for table, insert in _table_writes(m.world, role).items():
            m.refuse(role, f"INSERT {table}", insert, code="42501")
            m.refuse(role, f"UPDATE {table}", f"UPDATE {table} SET {_column(table)}", code="42501")
            m.refuse(role, f"DELETE {table}", f"DELETE FROM {table}", code="42501")
            m.refuse(role, f"TRUNCATE {table}", f"TRUNCATE {table} CASCADE", code="42501")


def _column(table: str) -> str:
    return {
        "people": "is_admin = true",
        "teams": "name = name",
        "memberships": "team = 'backend'",
        "decisions": "state = 'draft', number = 2147483647",
        "revisions": "title = 'Mine'",
        "assertions": "value = '60'",
        "audience": "role = 'inform'",
        "acknowledgments": "revision = 20",
        "feedback": "objection = true",
        "change_log": "seq = seq + 100000",
        "schema_info": "version = 99",
    }[table]


def _functions(m: Matrix) -> None:
    ack = "SELECT * FROM decision_inbox_acknowledge(%s, %s, %s, gen_random_uuid())"
    for n in (0, -1, 2, 7, 20):  # revisions that do not exist (yet)
        m.refuse("fred", f"ack D-1 r{n}", ack, "fred", "D-1", n, code="DI003")
    m.refuse("fred", "ack a draft", ack, "fred", "D-2", 1, code="DI001")
    m.refuse("fred", "ack an open decision", ack, "fred", "D-4", 1, code="DI001")
    m.refuse("fred", "ack a withdrawn decision", ack, "fred", "D-3", 1, code="DI001")
    m.refuse("fred", "ack a look-alike key", ack, "fred", "D-01", 1, code="DI003")
    m.refuse("mallory", "ack as fred", ack, "fred", "D-1", 1, code="DI004")
    feedback = "SELECT * FROM decision_inbox_give_feedback(%s, %s, 'no', true, gen_random_uuid())"
    for key in ("D-1", "D-2", "D-3"):  # finalized, draft, withdrawn: not open
        m.refuse("fred", f"objection on {key}", feedback, "fred", key, code="DI001")
    m.refuse("mallory", "objection as fred", feedback, "fred", "D-4", code="DI004")
    revise = "SELECT decision_inbox_revise(%s, %s, 'x', %s, NULL, %s, %s, NULL, %s, %s)"  # actor, key, title, set keys, set values, minor, expect
    m.refuse("mallory", "revise ana's", revise, "mallory", "D-1", "Mine", None, None, False, None,
             code="DI004")  # fmt: skip
    m.refuse("ana", "minor but material", revise, "ana", "D-1", None,
             ["auth.token.refresh_minutes"], ["60"], True, None, code="DI007")  # fmt: skip
    m.refuse("ana", "stale base", revise, "ana", "D-1", "New", None, None, False, 9, code="DI002")
    m.refuse("ana", "no change", revise, "ana", "D-1", None, None, None, False, None,
             code="DI005")  # fmt: skip
    m.refuse("ana", "revise withdrawn", revise, "ana", "D-3", "Back", None, None, False, None,
             code="DI001")  # fmt: skip
    m.refuse("ana", "bad assertion key", revise, "ana", "D-1", None, ["a b"], ["1"], False, None,
             code="DI006")  # fmt: skip
    moves = {
        "finalize withdrawn": ("SELECT decision_inbox_finalize('ana', 'D-3')", "DI001"),
        "withdraw twice": ("SELECT decision_inbox_withdraw('ana', 'D-3')", "DI001"),
        "open finalized": ("SELECT decision_inbox_open('ana', 'D-1', now() + interval '1 day')",
                           "DI001"),
        "open, past deadline": ("SELECT decision_inbox_open('ana', 'D-2', now() - interval '1 s')",
                                "DI005"),
        "supersede by withdrawn": ("SELECT decision_inbox_supersede('ana', 'D-1', 'D-3')", "DI005"),
        "supersede by itself": ("SELECT decision_inbox_supersede('ana', 'D-1', ' d-1 ')", "DI005"),
        "finalize ana's": ("SELECT decision_inbox_finalize('mallory', 'D-2')", "DI004"),
    }  # fmt: skip
    for label, (sql, code) in moves.items():
        m.refuse("ana" if "ana's" not in label else "mallory", label, sql, code=code)
    create = "SELECT decision_inbox_create('fred', %s, '', %s, %s, %s, %s, %s, %s)"  # title, team, audience kinds, names, roles, assertion keys, values
    bad_creates = {
        "empty title": (" ", None, [], [], [], [], [], "DI006"),
        "long title": ("x" * 201, None, [], [], [], [], [], "DI006"),
        "unknown team": ("T", "nope", [], [], [], [], [], "DI003"),
        "audience kind": ("T", None, ["robot"], ["x"], ["ack"], [], [], "DI000"),
        "audience role": ("T", None, ["team"], ["backend"], ["boss"], [], [], "DI000"),
        "unpaired": ("T", None, ["team"], [], [], [], [], "DI000"),
        "assertion key": ("T", None, [], [], [], ["x\n"], ["1"], "DI006"),
    }
    for label, (*args, code) in bad_creates.items():
        m.refuse("fred", f"create: {label}", create, *args, code=code)
    for role in ("fred", "mallory"):
        m.refuse(role, "add a team", "SELECT decision_inbox_add_team(NULL, 'evil')", code="DI004")
        m.refuse(role, "add a person",
                 "SELECT decision_inbox_add_person(NULL, 'eve', 'Eve', '{}')", code="DI004")  # fmt: skip
        m.refuse(role, "promote oneself", f"SELECT decision_inbox_set_admin('{role}', true)",
                 code="DI004")  # fmt: skip
        m.refuse(role, "mark demo", "SELECT decision_inbox_mark_demo_seeded()", code="DI004")
        m.refuse(role, "take someone out of a team",
                 "SELECT decision_inbox_remove_member(NULL, 'ana', '{backend}')", code="DI004")  # fmt: skip
        helpers = {
            "append a feed row": "SELECT decision_inbox_append('feedback', 'fred', now(), "
            "'D-1', 1, '{\"objection\": true}')",
            "raise a refusal": "SELECT decision_inbox_refuse('DI000', 'x', '{}')",
            "take a number": "SELECT nextval('decision_inbox_number_seq')",
            "move the number": "SELECT setval('decision_inbox_number_seq', 2147483647)",
            "move the feed's seq": "SELECT setval('change_log_seq_seq', 9000000)",
            "become the owner": "SET ROLE decision_inbox_owner",
        }
        for label, sql in helpers.items():
            m.refuse(role, label, sql, code="42501")
    for handle in ("ana\n", "Ana", "ana ", "1ana"):
        m.refuse("root_ops", f"person {handle!r}",
                 "SELECT decision_inbox_add_person(NULL, %s, 'Look-alike', '{}')", handle,
                 code="DI006")  # fmt: skip
    m.refuse("root_ops", "team 'ops\\n'", "SELECT decision_inbox_add_team(NULL, %s)", "ops\n",
             code="DI006")  # fmt: skip


REPORT = (
    "SELECT decision_inbox_report(%s, %s, %s, %s, %s::text[], %s::text[], %s::text[], "
    "%s::text[], %s::integer[])"
)  # actor, team, repo, commit, keys, found, statuses, decisions, revisions
DRIFT = (["auth.token.refresh_minutes"], ["15"], ["drift"], ["D-1"], [1])


def _report(
    actor: str, team: str = "frontend", repo: str = "web", commit: str | None = None,
    values: tuple[list[Any], ...] = DRIFT,
) -> tuple[Any, ...]:  # fmt: skip
    return (actor, team, repo, commit, *values)


def _reports(m: Matrix) -> None:
    """Code checks (schema v4): only a team's members report for it, under their own login,
    through the function; the tables take no write from anyone."""
    w = m.world
    fred_store, fred = w.service("fred")
    try:  # the one real report, which the tries below must leave as it is
        fred.report("fred", team="frontend", repo="web", commit=None, values=(
            CodeValue("auth.token.refresh_minutes", "15", "drift", "D-1", 1),))  # fmt: skip
    finally:
        fred_store.dispose()
    for role, actor in (("mallory", "mallory"), ("mallory", "fred"), ("ana", "ana"),
                        ("root_ops", "root_ops"), ("fred", "mallory")):  # fmt: skip
        m.refuse(role, f"report for frontend as {actor}", REPORT, *_report(actor), code="DI004")
    m.refuse("fred", "report for an unknown team", REPORT, *_report("fred", "evil"), code="DI003")
    keys, found, statuses, decisions, revisions = DRIFT
    bad = {
        "repo outside": (_report("fred", repo="../web"), "DI006"),
        "repo look-alike": (_report("fred", repo="web\n"), "DI006"),
        "commit": (_report("fred", commit="HEAD; DROP"), "DI006"),
        "status": (_report("fred", values=(keys, found, ["fine"], decisions, revisions)), "DI006"),
        "key": (_report("fred", values=(["a b"], found, statuses, decisions, revisions)), "DI006"),
        "unknown decision": (_report("fred", values=(keys, found, statuses, ["D-99"], [1])),
                             "DI003"),
        "look-alike decision": (_report("fred", values=(keys, found, statuses, ["D-01"], [1])),
                                "DI003"),
        "future revision": (_report("fred", values=(keys, found, statuses, decisions, [9])),
                            "DI003"),
        "drift without decision": (_report("fred", values=(keys, found, statuses, [None], [None])),
                                   "DI006"),
        "unpaired": (_report("fred", values=(keys, [], statuses, decisions, revisions)), "DI000"),
        "nothing": (_report("fred", values=([], [], [], [], [])), "DI000"),
        "found too long": (_report("fred", values=(keys, ["1" * 10001], statuses, decisions,
                                                   revisions)), "23514"),
    }  # fmt: skip
    for label, (args, code) in bad.items():
        m.refuse("fred", f"report: {label}", REPORT, *args, code=code)
    writes = {
        "INSERT code_checks": "INSERT INTO code_checks (team, repo, reporter, at) "
        "VALUES ('frontend', 'web', '{role}', now())",
        "INSERT code_check_values": "INSERT INTO code_check_values VALUES "
        "((SELECT max(id) FROM code_checks), 9, 'auth.token.refresh_minutes', '60', 'holds', "
        "'D-1', 1)",
        "UPDATE code_checks": "UPDATE code_checks SET team = 'ops'",
        "UPDATE code_check_values": "UPDATE code_check_values SET status = 'holds'",
        "DELETE code_checks": "DELETE FROM code_checks",
        "DELETE code_check_values": "DELETE FROM code_check_values",
        "TRUNCATE code_checks": "TRUNCATE code_checks CASCADE",
        "take a report id": "SELECT nextval(pg_get_serial_sequence('code_checks', 'id'))",
    }
    for role, _ in PEOPLE:
        for label, sql in writes.items():
            m.refuse(role, label, sql.format(role=role), code="42501")
    for label, sql in writes.items():  # the superuser: the append-only rules hold for it too
        if label.startswith(("UPDATE", "DELETE", "TRUNCATE")):
            m.refuse("postgres", f"superuser {label}", sql, code="DI010")
    m.refuse("postgres", "superuser adds a value to a report", writes["INSERT code_check_values"],
             code="DI010")  # fmt: skip
    # Row-level security stands behind the function: even as the role it runs as (which only
    # a superuser can become, and a superuser may write for a member), a report whose reporter
    # is not in the team is refused.
    m.refuse("postgres", "as the owner role, a report for frontend by mallory",
             "SET ROLE decision_inbox_owner; INSERT INTO code_checks (team, repo, reporter, at) "
             "VALUES ('frontend', 'web', 'mallory', now())", code="42501")  # fmt: skip

    def untouched() -> bool:
        with w.connect("fred") as conn:
            rows = conn.execute(
                "SELECT c.team, c.reporter, v.found, v.status FROM code_checks c "
                "JOIN code_check_values v ON v.check_id = c.id"
            ).fetchall()
        return rows == [("frontend", "fred", "15", "drift")]

    m.check("only fred's report is there, as fred wrote it", untouched)


def _logins(m: Matrix) -> None:
    """Logins are managed by the gatekeeper's functions: a member cannot call them, and an admin
    cannot reach superusers, the server's or the store's own roles, or a foreign role."""
    w = m.world
    with w.connect("postgres") as conn:
        conn.execute("CREATE ROLE dba LOGIN SUPERUSER")
        conn.execute("CREATE ROLE app_reader LOGIN PASSWORD 'theirs'")
        conn.commit()
    before = _role_row(w, "app_reader")
    grant = "SELECT decision_inbox_grant_login(%s, %s, %s)"
    verifier = _verifier(w, "eve")
    for role in ("fred", "mallory"):
        m.refuse(role, "grant a login", grant, "eve", verifier, False, code="DI004")
        m.refuse(role, "adopt a role", grant, "app_reader", None, True, code="DI004")
        m.refuse(role, "revoke ana", "SELECT decision_inbox_revoke_login('ana')", code="DI004")
        m.refuse(role, "promote oneself (login)", "SELECT decision_inbox_promote_login(%s)",
                 role, code="DI004")  # fmt: skip
        for helper in ("login_target('eve', 'grant')", "login_limits('ana')"):
            m.refuse(role, f"call {helper}", f"SELECT decision_inbox_{helper}", code="42501")
        m.refuse(role, "record a role as the store's",
                 "INSERT INTO login_roles (role) VALUES ('app_reader')", code="42501")  # fmt: skip
        m.refuse(role, "become the gatekeeper", "SET ROLE decision_inbox_gatekeeper",
                 code="42501")  # fmt: skip
    protected = ("postgres", "dba", "decision_inbox_owner", "decision_inbox_member",
                 "decision_inbox_admin", "decision_inbox_gatekeeper", "pg_execute_server_program",
                 "pg_read_server_files")  # fmt: skip
    for target in protected:
        m.refuse("root_ops", f"grant {target}", grant, target, verifier, False, code="DI004")
        m.refuse("root_ops", f"adopt {target}", grant, target, None, True, code="DI004")
        m.refuse("root_ops", f"revoke {target}", "SELECT decision_inbox_revoke_login(%s)", target,
                 code="DI004")  # fmt: skip
        m.refuse("root_ops", f"promote {target}", "SELECT decision_inbox_promote_login(%s)",
                 target, code="DI004")  # fmt: skip
    m.refuse("root_ops", "take over a foreign role", grant, "app_reader", verifier, False,
             code="DI005")  # fmt: skip
    m.refuse("root_ops", "adopt with a password", grant, "app_reader", verifier, True,
             code="DI005")  # fmt: skip
    m.refuse("root_ops", "revoke a foreign role", "SELECT decision_inbox_revoke_login(%s)",
             "app_reader", code="DI005")  # fmt: skip
    m.refuse("root_ops", "promote a foreign role", "SELECT decision_inbox_promote_login(%s)",
             "app_reader", code="DI005")  # fmt: skip
    m.refuse("root_ops", "a plaintext password", grant, "eve", "hunter2", False, code="DI000")
    for look in ("Ana", "ana\n", "ana ", 'ana"; DROP ROLE dba; --', "1ana"):
        m.refuse("root_ops", f"grant {look!r}", grant, look, verifier, False, code="DI006")

    def adopted_untouched() -> bool:
        with w.connect("root_ops") as conn:
            conn.execute(grant, ("app_reader", None, True))
            conn.execute("SELECT decision_inbox_revoke_login('app_reader')")
            conn.commit()
        return _role_row(w, "app_reader") == before

    m.check("adopt and revoke a foreign role: its password and login stay", adopted_untouched)

    def created_plain() -> bool:
        with w.connect("root_ops") as conn:
            conn.execute(grant, ("eve", verifier, False))
            conn.commit()
        row = _role_row(w, "eve")
        return row[1:] == (True, False, False, False, False, False) and row[0] == verifier

    m.check("a promoted admin creates a plain login", created_plain)

    def only_gatekeeper_creates_roles() -> bool:
        with w.connect("postgres") as conn:
            found = conn.execute(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolcreaterole AND NOT rolsuper"
            ).fetchall()
        return found == [("decision_inbox_gatekeeper", False)]

    m.check("no login holds CREATEROLE", only_gatekeeper_creates_roles)


def _role_row(w: World, role: str) -> tuple[object, ...]:
    with w.connect("postgres") as conn:
        row = conn.execute(
            "SELECT rolpassword, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, "
            "rolreplication, rolbypassrls FROM pg_authid WHERE rolname = %s",
            (role,),
        ).fetchone()
    assert row is not None
    return tuple(row)


def _verifier(w: World, role: str) -> str:
    with w.connect("postgres") as conn:
        return conn.pgconn.encrypt_password(b"secret", role.encode(), b"scram-sha-256").decode()


def _everyone(m: Matrix) -> None:
    """Rules that hold for the superuser too: a hand edit cannot break every client."""
    w = m.world
    d1, r1 = w.ids["D-1"], w.ids["D-1:r1"]
    tries = {
        "rewrite a revision": f"UPDATE revisions SET title = 'Mine' WHERE id = {r1}",
        "add an assertion to r1": f"INSERT INTO assertions VALUES ({r1}, 'auth.token.grace', '0')",
        "add to the audience": f"INSERT INTO audience (decision_id, team, role) "
        f"VALUES ({d1}, 'ops', 'ack')",
        "finalized back to draft": f"UPDATE decisions SET state = 'draft', version = 9 "
        f"WHERE id = {d1}",
        "skip a revision": f"INSERT INTO revisions (decision_id, number, title, body, summary, "
        f"minor, author, created_at) VALUES ({d1}, 5, 'T', '', 's', false, 'ana', now())",
        "point past the revisions": f"UPDATE decisions SET current_revision = 2, version = 9 "
        f"WHERE id = {d1}",
        "a decision without a revision": "INSERT INTO decisions (number, key, owner, state, "
        "current_revision, version, created_at) VALUES (50, 'D-50', 'ana', 'draft', 1, 1, now())",
        "feed data not JSON": "INSERT INTO change_log (kind, actor, at, data) "
        "VALUES ('created', 'ana', now(), '{oops')",
        "feed data not an object": "INSERT INTO change_log (kind, actor, at, data) "
        "VALUES ('created', 'ana', now(), '[]')",
        "delete the feed": "DELETE FROM change_log",
        "truncate the feed": "TRUNCATE change_log",
        "delete a decision": f"DELETE FROM decisions WHERE id = {d1}",
        "withdraw an acknowledgment": "DELETE FROM acknowledgments",
    }
    for label, sql in tries.items():
        m.refuse("postgres", label, sql)
    lookalike = (
        "INSERT INTO decisions (number, key, owner, state, current_revision, version, "
        "created_at) VALUES (%s, %s, 'ana', 'draft', 1, 1, now())"
    )
    for number, key in ((1, "D-1 "), (1, "d-1"), (1, "D-01"), (0, "D-0"), (60, "D-61")):
        m.refuse("postgres", f"key {key!r}", lookalike, 1000 + number, key, code="23514")
    handle = "INSERT INTO people VALUES (%s, 'Look-alike', false, now())"
    for look in ("ana\n", "Ana", "ana "):
        m.refuse("postgres", f"handle {look!r}", handle, look, code="23514")


def _server(m: Matrix) -> None:
    """Hostage taking: advisory locks, open transactions, NOTIFY, forged times."""
    w = m.world
    with w.connect("mallory") as hostage:
        hostage.execute("SELECT pg_advisory_lock(7142), pg_advisory_lock(7141)")
        hostage.execute("SELECT pg_advisory_xact_lock(k) FROM generate_series(1, 10000) k")
        m.check("advisory locks held", lambda: _writes_within(w, "ana", 20))
        hostage.rollback()
    with w.connect("mallory") as pump:
        pump.execute("LISTEN decision_inbox")
        for n in range(200):
            pump.execute("SELECT pg_notify('decision_inbox', %s)", (str(10**9 + n),))
        # Idle in a transaction as a listener: the NOTIFY queue's tail is held from here.
        m.check("NOTIFY pumped, listener idle in a transaction",
                lambda: _writes_within(w, "ana", 20))  # fmt: skip
        pump.rollback()
    m.check("member sessions carry limits", lambda: _limits_of(w, "mallory"))

    # Fred acknowledges for real, with a forged time: the server's clock wins.
    def forged_time() -> bool:
        ack_id = str(uuid.uuid4())
        with w.connect("root_ops") as conn:
            conn.execute(
                "SELECT * FROM decision_inbox_acknowledge('root_ops', 'D-1', 1, %s, "
                "now() - interval '30 days')",
                (ack_id,),
            )
            conn.commit()
            at = conn.execute("SELECT at FROM acknowledgments WHERE id = %s", (ack_id,))
            return bool(datetime.now(UTC) - at.fetchone()[0] < timedelta(minutes=5))

    m.check("acknowledge with a back-dated time", forged_time)

    # A transaction left open after a write holds that decision's row: another writer gets a
    # sentence within the functions' lock timeout instead of hanging behind it.
    hold = "SELECT * FROM decision_inbox_acknowledge('mallory', 'D-1', 1, gen_random_uuid())"
    with w.connect("mallory") as idle:
        idle.execute(hold)
        m.check("a lock held idle in a transaction", lambda: _refused_in_time(w, 15))
        idle.rollback()
    # And the server closes a session left idle in a transaction (the limit shortened here
    # so that the test need not wait a minute).
    with w.connect("postgres") as conn:
        conn.execute(
            f"ALTER ROLE mallory IN DATABASE {w.database} "
            "SET idle_in_transaction_session_timeout = '2s'"
        )
        conn.commit()
    idle = w.connect("mallory")
    idle.execute(hold)
    m.check("the idle session is closed", lambda: _closed_within(w, idle.info.backend_pid, 20))
    idle.close()


def _refused_in_time(w: World, seconds: float) -> bool:
    store, ana = w.service("ana")
    started = time.monotonic()
    try:
        ana.revise("ana", "D-1", summary="more", title="Token refresh policy, again")
    except StoreUnavailableError as exc:
        return "another session holds" in str(exc) and time.monotonic() - started < seconds
    finally:
        store.dispose()
    return False


def _writes_within(w: World, role: str, seconds: float) -> bool:
    done = threading.Event()

    def write() -> None:
        store, service = w.service(role)
        try:
            service.create(role, title="Written while someone holds the server")
            done.set()
        finally:
            store.dispose()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return done.wait(seconds)


def _limits_of(w: World, role: str) -> bool:
    with w.connect(role) as conn:
        shown = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in limits.SESSION_LIMITS}
    return all(value != "0" for value in shown.values())


def _closed_within(w: World, pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    with w.connect("postgres") as watcher:
        watcher.autocommit = True
        while time.monotonic() < deadline:
            alive = watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
            if alive.fetchone()[0] == 0:
                return True
            time.sleep(0.2)  # polling the server's own timer; the deadline bounds the wait
    return False


def _still_working(w: World) -> None:
    """Every client still reads the store; every member can still write."""
    for who in ("ana", "fred", "mallory"):
        shown = cli("inbox", "--json", store=w.url(who)).json()
        assert shown["user"] == who
        cli("digest", "--format", "json", store=w.url(who))
    cli("show", "D-1", store=w.url("fred"))
    new = cli("new", "--title", "After the attacks", store=w.url("ana")).out.strip()
    assert new.startswith("D-")
    cli("revise", "D-1", "--assert", "auth.token.refresh_minutes=60", "--summary", "60",
        store=w.url("ana"))  # fmt: skip
    assert "D-1 r2" in cli("ack", "D-1", store=w.url("fred")).out
    assert "recorded on D-4" in cli("feedback", "D-4", "--text", "ok", store=w.url("mallory")).out
    cli("team", "add", "after", store=w.url("root_ops"))


def test_the_attack_matrix_is_refused_or_harmless(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    m = Matrix(world)
    _tables(m)
    _functions(m)
    _logins(m)
    _everyone(m)
    _reports(m)
    _server(m)
    with capsys.disabled():
        print(
            f"\nattack matrix: tried {m.tried}, refused {m.refused}, harmless {m.harmless}, "
            f"harmful {len(m.harmful)}, broken {len(m.broken)}"
        )
    assert m.harmful == []
    assert m.broken == []
    assert m.tried == m.refused + m.harmless
    _still_working(world)


def test_a_hint_that_cannot_be_sent_never_fails_the_write(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL reports a full NOTIFY queue at commit; the hint goes after the commit, in a
    transaction of its own, so whatever stops it (here: a channel the server rejects) costs the
    write nothing."""
    store = StoreConnection.open(pg_url)
    try:
        store.initialise()
        service = StoreService(store)
        service.add_team("backend")
        service.add_person("ana", name="Ana", teams=["backend"])
        monkeypatch.setattr(feed, "NOTIFY_CHANNEL", "")  # pg_notify: "channel name cannot be empty"
        change = service.create("ana", title="Written while the hint fails")
        assert change.key == "D-1"
        with store.read() as session:
            kinds = session.scalars(select(ChangeRow.kind).order_by(ChangeRow.seq)).all()
        assert kinds[-1] == "created"
    finally:
        store.dispose()
