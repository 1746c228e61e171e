"""Logins managed through the database's functions (migration v4,
docs/decisions/0010-logins-through-database-functions.md): a promoted admin grants, promotes and
revokes through the real command line; a foreign server role is adopted only when asked, and
keeps its password and login; superusers and the store's own roles are refused in one sentence.

Runs on a cluster of its own: roles belong to the server, not to one test's database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from tests import pg
from tests.processes import cli
from tests.sentences import one_sentence

pytestmark = pytest.mark.postgres


@dataclass
class Server:
    admin: str  # the superuser's libpq URL, in this test's database
    port: int
    database: str

    def url(self, role: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{self.database}"

    def role(self, name: str) -> tuple[bool, bool, str | None] | None:
        """(can log in, member of the store, stored password) or None if there is no role."""
        with psycopg.connect(self.admin) as conn:
            row = conn.execute(
                "SELECT rolcanlogin, pg_has_role(rolname, 'decision_inbox_member', 'MEMBER'), "
                "rolpassword FROM pg_authid WHERE rolname = %s",
                (name,),
            ).fetchone()
        return None if row is None else (bool(row[0]), bool(row[1]), row[2])


@pytest.fixture
def server(own_pg: pg.ThrowawayCluster) -> Iterator[Server]:
    database = pg.create_database(own_pg.admin_url)
    s = Server(pg.libpq_url(own_pg.admin_url, database=database), own_pg.port, database)
    root = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    cli("init", store=root)
    cli("team", "add", "ops", store=root)
    cli("team", "add", "frontend", store=root)
    cli("admin", "grant", "root_ops", "--name", "Root", "--team", "ops", "--password-stdin",
        store=root, stdin="pw\n")  # fmt: skip
    cli("admin", "promote", "root_ops", store=root)
    yield s


def test_a_promoted_admin_grants_promotes_and_revokes(server: Server) -> None:
    admin = server.url("root_ops")
    granted = cli("admin", "grant", "fred", "--name", "Fred", "--team", "frontend",
                  "--password-stdin", store=admin, stdin="Fr3d-pw\n")  # fmt: skip
    assert "fred may now log in" in granted.out
    can_login, member, password = server.role("fred") or (False, False, None)
    assert can_login and member and str(password).startswith("SCRAM-SHA-256$")
    assert "fred is now an admin" in cli("admin", "promote", "fred", store=admin).out
    # fred, an admin now, may manage logins too; then loses it all.
    cli("admin", "grant", "gina", "--name", "Gina", "--team", "ops", "--password-stdin",
        store=server.url("fred"), stdin="G1na-pw\n")  # fmt: skip
    revoked = cli("admin", "revoke", "fred", store=admin)
    assert "fred can no longer log in" in revoked.out
    assert server.role("fred") == (False, False, password)
    # revoked, fred's login no longer works at all; granted again, it does
    cli("admin", "grant", "fred", "--password-stdin", store=admin, stdin="Fr3d-pw2\n")
    assert server.role("fred")[:2] == (True, True)  # type: ignore[index]


def test_a_member_cannot_manage_logins(server: Server) -> None:
    cli("admin", "grant", "fred", "--name", "Fred", "--team", "frontend", "--password-stdin",
        store=server.url("root_ops"), stdin="pw\n")  # fmt: skip
    for args in (("grant", "eve", "--name", "Eve", "--password-stdin"), ("promote", "fred"),
                 ("revoke", "root_ops")):  # fmt: skip
        refused = cli("admin", *args, store=server.url("fred"), stdin="pw\n", check=False)
        assert refused.code == 4, refused
        one_sentence(refused.err, "Only a store admin can manage logins")
    assert server.role("eve") is None


def test_superusers_and_the_stores_own_roles_are_refused(server: Server) -> None:
    admin = server.url("root_ops")
    refused = cli("admin", "revoke", "postgres", store=admin, check=False)
    assert refused.code == 4
    one_sentence(refused.err, "postgres", "admin revoke leaves it alone")
    with psycopg.connect(server.admin, autocommit=True) as conn:
        conn.execute("CREATE ROLE dba LOGIN SUPERUSER")
    for action in ("revoke", "promote"):
        refused = cli("admin", action, "dba", store=admin, check=False)
        assert refused.code == 4
        one_sentence(refused.err, "dba is a superuser", f"admin {action} leaves superusers alone")
    for own in ("decision_inbox_owner", "decision_inbox_member", "decision_inbox_admin"):
        refused = cli("admin", "grant", own, "--name", "X", "--password-stdin", store=admin,
                      stdin="x\n", check=False)  # fmt: skip
        assert refused.code == 4
        one_sentence(refused.err, own, "admin grant leaves it alone")
    assert server.role("dba")[:1] == (True,)  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "code", "said"),
    [("Ana", 2, "'Ana' is not valid"), ("ana\n", 2, "is not valid"),
     ("pg_monitor", 4, "admin grant leaves it alone")],
)  # fmt: skip
def test_look_alikes_and_reserved_names_are_refused(
    server: Server, name: str, code: int, said: str
) -> None:
    refused = cli("admin", "grant", name, "--name", "X", "--password-stdin",
                  store=server.url("root_ops"), stdin="x\n", check=False)  # fmt: skip
    assert refused.code == code
    one_sentence(refused.err, said)


def test_a_new_person_without_a_name_gets_no_login(server: Server) -> None:
    refused = cli("admin", "grant", "newbie", "--password-stdin", store=server.url("root_ops"),
                  stdin="x\n", check=False)  # fmt: skip
    assert refused.code == 2
    one_sentence(refused.err, "newbie is not in the store yet", "--name")
    assert server.role("newbie") is None


def test_an_existing_server_role_is_adopted_only_when_asked(server: Server) -> None:
    with psycopg.connect(server.admin, autocommit=True) as conn:
        conn.execute("CREATE ROLE legacy LOGIN PASSWORD 'theirs'")
    before = server.role("legacy")
    admin = server.url("root_ops")
    refused = cli("admin", "grant", "legacy", "--name", "Leg", "--password-stdin", store=admin,
                  stdin="mine\n", check=False)  # fmt: skip
    assert refused.code == 1
    one_sentence(refused.err, "legacy is already a role on this server", "--adopt")
    assert server.role("legacy") == before
    adopted = cli("admin", "grant", "legacy", "--adopt", "--name", "Leg", "--team", "ops",
                  store=admin)  # fmt: skip
    assert "its password is unchanged" in adopted.out
    assert server.role("legacy") == (True, True, before[2])  # type: ignore[index]
    # Adopted, it still cannot have its password set by a store admin …
    refused = cli("admin", "grant", "legacy", "--password-stdin", store=admin, stdin="mine\n",
                  check=False)  # fmt: skip
    one_sentence(refused.err, "this store did not create", "--adopt")
    # … and revoking it takes it out of the store but leaves its login alone.
    revoked = cli("admin", "revoke", "legacy", store=admin)
    assert "keeps its login" in revoked.out
    assert server.role("legacy") == (True, False, before[2])  # type: ignore[index]
    refused = cli("admin", "revoke", "legacy", store=admin, check=False)
    one_sentence(refused.err, "not a login of this store")
