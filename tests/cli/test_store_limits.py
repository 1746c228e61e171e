"""What the store cannot keep, and why a store cannot be used, each in a sentence of its own.

Oversized or control-character input is refused before the store, with the same sentence on
both backends (PostgreSQL used to fail late with a column-type error, while SQLite stored it).
A disabled login, ``init`` by a login that may not create tables and a full disk under a SQLite
store each name their own cause and next step, never "check that it is running".
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests import pg
from tests.processes import cli
from tests.sentences import one_sentence

NOT_RUNNING = "check that it is running"


@pytest.fixture
def store(store_url: str) -> str:
    cli("init", store=store_url)
    cli("team", "add", "backend", store=store_url)
    cli("person", "add", "ana", "--name", "Ana", "--team", "backend", store=store_url)
    return store_url


def _refused(store: str, *args: str, code: int = 2) -> str:
    result = cli(*args, store=store, user="ana", check=False)
    assert result.code == code, result
    line = one_sentence(result.err)
    assert NOT_RUNNING not in line and "character varying" not in line, line
    return line


def test_oversized_and_control_character_input_is_refused_alike_on_both_backends(
    store: str, tmp_path: Path
) -> None:
    key = "a" * 10_000
    assert "has 10,000 characters; use 200 or fewer" in _refused(
        store, "new", "--title", "T", "--assert", f"{key}=1"
    )
    nul = tmp_path / "nul.md"
    nul.write_bytes(b"before\0after")
    line = _refused(store, "new", "--title", "T", "--body-file", str(nul))
    assert "The body contains the control character U+0000" in line, line
    assert "title has 201 characters; shorten it to 200" in _refused(
        store, "new", "--title", "t" * 201
    )
    assert "value of the assertion x has 1,001 characters; shorten it to 1,000" in _refused(
        store, "new", "--title", "T", "--assert", "x=" + "v" * 1001
    )
    assert "display name has 201 characters; shorten it to 200" in _refused(
        store, "person", "add", "bob", "--name", "n" * 201
    )
    assert "handle has 300 characters; use 63 or fewer" in _refused(
        store, "person", "add", "b" * 300, "--name", "B"
    )
    key = cli("new", "--title", "Fine", store=store, user="ana").out.strip()
    assert "summary of the change has 2,001 characters; shorten it to 2,000" in _refused(
        store, "revise", key, "--summary", "s" * 2001, "--title", "Other"
    )
    assert "title contains the control character U+000A" in _refused(
        store, "revise", key, "--summary", "s", "--title", "two\nlines"
    )
    cli("open", key, "--deadline", "2030-01-01T00:00+00:00", store=store, user="ana")
    assert "feedback contains the control character U+0007" in _refused(
        store, "feedback", key, "--text", "bell \x07 here"
    )
    # Nothing of the refused input reached the store: the one decision is still r1.
    shown = cli("show", key, "--json", store=store, user="ana").json()
    assert shown["revision"] == 1, shown
    # Multi-line text keeps its newlines and tabs.
    body = tmp_path / "body.md"
    body.write_text("line one\n\tindented\r\nline three\n")
    cli("new", "--title", "Kept", "--body-file", str(body), store=store, user="ana")


@contextlib.contextmanager
def _role(admin_url: str, *options: str) -> Iterator[str]:
    """A login role of a unique name (roles are cluster-wide), dropped afterwards."""
    name = f"di_role_{secrets.token_hex(4)}"
    with psycopg.connect(pg.libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN " + " ".join(options)).format(sql.Identifier(name))
        )
    try:
        yield name
    finally:
        with psycopg.connect(pg.libpq_url(admin_url), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


@pytest.mark.postgres
def test_init_by_a_login_that_may_not_create_tables_says_who_may(
    pg_url: str, pg_server_url: str
) -> None:
    with _role(pg_server_url) as role:
        result = cli("init", store=_as(pg_url, role), check=False)
        line = one_sentence(result.err, "may not create the store's tables")
        assert "`init` needs a superuser or the database's owner" in line, line
        assert NOT_RUNNING not in line, line
        assert result.code != 0


@pytest.mark.postgres
def test_a_disabled_login_is_told_to_ask_the_admin(pg_url: str, pg_server_url: str) -> None:
    cli("init", store=pg_url)
    with _role(pg_server_url) as role:
        assert cli("inbox", store=_as(pg_url, role), user="ana", check=False).code != 0
        with psycopg.connect(pg.libpq_url(pg_server_url), autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(role)))
        result = cli("inbox", store=_as(pg_url, role), user="ana", check=False)
        line = one_sentence(result.err, f"does not let {role} log in any more")
        assert "ask the store's admin" in line and NOT_RUNNING not in line, line
        assert result.code != 0


@pytest.fixture
def small_folder(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of its own (root only), for a SQLite store on a disk that fills up."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a tmpfs mount, which needs root")
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount failed ({mounted.stderr.strip()}): needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True, timeout=30)


def test_a_full_disk_under_a_sqlite_store_names_the_folder(
    small_folder: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{small_folder / 'store.sqlite'}"
    cli("init", store=url)
    cli("person", "add", "ana", "--name", "Ana", store=url)
    with (small_folder / "filler").open("wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    body = tmp_path / "large.md"
    body.write_text("word " * 150_000)
    result = cli("new", "--title", "Large", "--body-file", str(body), store=url, user="ana",
                 check=False)  # fmt: skip
    assert result.code == 1, result
    line = one_sentence(result.err, f"The disk holding {small_folder} is full")
    assert NOT_RUNNING not in line, line
