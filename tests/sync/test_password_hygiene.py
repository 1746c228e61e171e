"""After a real session with a password (a scram login on PostgreSQL, the password kept in a
real Secret Service), the password is in no file of the profile (config, logs, cache, state)
and in no output; it never appears in a process's arguments either: it travels on stdin."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests import pg
from tests.processes import Result, Watch, cli
from tests.sync.secret_service import PrivateSecretService

pytestmark = [pytest.mark.postgres, pytest.mark.dbus]

PASSWORD = "Tr0ub4dor-hygiene-8c1f"


def run(env: dict[str, str], *args: str, stdin: str = "") -> Result:
    return cli(*args, env=env, stdin=stdin, check=False)


def test_the_password_stays_in_the_keyring(
    own_pg: pg.ThrowawayCluster,
    secret_service: PrivateSecretService,
    tmp_path: Path,
) -> None:
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    env = dict(secret_service.env)
    env["DECISION_INBOX_PROFILE"] = str(tmp_path / "profile")
    assert run(env, "--store", admin, "init").code == 0
    for args in (
        ("team", "add", "frontend"),
        ("person", "add", "pwuser", "--name", "Pat", "--team", "frontend"),
        ("new", "--title", "Hygiene", "--ack", "team:frontend", "--user", "pwuser"),
        ("finalize", "D-1", "--user", "pwuser"),
    ):
        result = run(env, "--store", admin, *args)
        assert result.code == 0, result.err
    own_pg.require_password("pwuser", PASSWORD)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url, database), autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT decision_inbox_member TO {}").format(sql.Identifier("pwuser")))
    url = f"postgresql://pwuser@127.0.0.1:{own_pg.port}/{database}"
    # The store in the config file, as the app's settings keep it: a URL without a password.
    (tmp_path / "profile").mkdir()
    (tmp_path / "profile" / "config.json").write_text(json.dumps({"store": url}), "utf-8")
    outputs = []

    refused = run(env, "inbox")  # nothing saved yet: libpq has no password
    outputs.append(refused.out + refused.err)
    assert refused.code == 1
    wrong = run(env, "login", "--password-stdin", stdin="not-it\n")
    outputs.append(wrong.out + wrong.err)
    assert wrong.code == 1 and "did not accept the password" in wrong.err
    saved = run(env, "login", "--password-stdin", stdin=PASSWORD + "\n")
    outputs.append(saved.out + saved.err)
    assert saved.code == 0, saved.err
    assert "SecretService" in saved.out
    for args in (("inbox", "--json"), ("--debug", "ack", "D-1"), ("show", "D-1", "--json")):
        result = run(env, *args)
        outputs.append(result.out + result.err)
        assert result.code == 0, result.err
    with Watch(None, None, env=env, debug=True) as watch:
        watch.wait_status("online")
    outputs.append(watch.output())

    assert not any(PASSWORD in text for text in outputs)
    files = [p for p in (tmp_path / "profile").rglob("*") if p.is_file()]
    assert any(p.name == "cache.sqlite" for p in files)
    assert any(p.name == "state.sqlite" for p in files)
    assert any(p.name == "config.json" for p in files)
    for path in files:
        assert PASSWORD.encode() not in path.read_bytes(), path
