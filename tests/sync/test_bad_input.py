"""Bad input: a store URL with a typo, a wrong password, a store on a
network filesystem, a cache file that is not SQLite. Each is one sentence (one line on stderr,
``decision-inbox: …``, no traceback), a non-zero exit for the command line, and no data lost.

For ``watch`` the line is drawn between a store that can never work as given (unknown scheme,
unreadable URL, wrong password, missing database or folder, uninitialised store, network
filesystem): it exits at once with the sentence; and a server that does not answer, which is an
outage like any other: it keeps running, reports ``offline`` and retries.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from inbox import cli as inbox_cli
from inbox.store import engine as engine_module
from inbox.store.connection import StoreConnection, StoreRefusedError
from inbox.store.reader import load_snapshot
from inbox.sync.cache import Cache
from inbox.sync.client import Client
from inbox.sync.state import PENDING, ClientState, OutboxEntry
from tests import pg
from tests.processes import CliProcess, Watch, cli
from tests.sentences import one_sentence
from tests.store.helpers import open_store, token_decision
from tests.sync.helpers import client_paths, publish

COMMANDS = (
    pytest.param(("inbox",), id="inbox"),
    pytest.param(("ack", "D-1"), id="ack"),
    pytest.param(("ack", "D-1", "--revision", "1"), id="ack-revision"),
    pytest.param(("watch", "--json"), id="watch"),
)
WATCH_EXITS_WITHIN = 20.0  # seconds; "at once", with room for a slow machine


# --- helpers ----------------------------------------------------------------------------------


def run(url: str, *args: str) -> tuple[int, str, str]:
    """The command line as fred, in a child process; a ``watch`` that keeps running fails."""
    [result] = run_each(url, [args])
    return result


def run_each(
    url: str, commands: list[tuple[str, ...]], profiles: list[Path] | None = None
) -> list[tuple[int, str, str]]:
    """Several commands at once, each in its own child process (and, given ``profiles``, each
    with its own profile): (exit code, stdout, stderr) of each, in order."""
    procs = []
    for n, args in enumerate(commands):
        env = os.environ.copy()
        if profiles is not None:
            env["DECISION_INBOX_PROFILE"] = str(profiles[n])
        procs.append(CliProcess(*args, store=url, user="fred", env=env))
    results = []
    deadline = time.monotonic() + WATCH_EXITS_WITHIN
    try:
        for proc in procs:
            done = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            results.append((done.code, done.out, done.err))
    finally:
        for proc in procs:
            proc.stop(signal.SIGKILL)
    return results


def outbox(profile: Path) -> list[OutboxEntry]:
    """Every outbox entry of every client of this test's profile."""
    entries: list[OutboxEntry] = []
    for path in sorted(profile.glob("clients/*/state.sqlite")):
        state = ClientState(path)
        try:
            entries += state.entries()
        finally:
            state.close()
    return entries


def acks(url: str) -> list[tuple[str, str, int]]:
    store = StoreConnection.open(url)
    try:
        with store.read() as session:
            decisions = load_snapshot(session).decisions
    finally:
        store.dispose()
    return sorted((d.key, a.person, a.revision) for d in decisions for a in d.acknowledgments)


def wait_until_empty(profile: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while outbox(profile) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert outbox(profile) == []


# --- a store URL with a typo --------------------------------------------------------------------


NEVER_WORKS = (
    # (URL, exit code, words the sentence must hold); {tmp} is this test's folder
    pytest.param("postgresq://postgres@127.0.0.1:5432/test", 2, "'postgresq'", id="scheme"),
    pytest.param(
        "postgresql://postgres:pw-typo-7@127.0.0.1:54x32/test", 2, "not understood", id="port-text"
    ),
    pytest.param(
        "postgresql://postgres@127.0.0.1:543210/test", 1, "invalid port number", id="port-range"
    ),
    pytest.param("{tmp}/no/such/folder/store.sqlite", 1, "does not exist", id="sqlite-folder"),
    # No such file: opening never creates one, and says how to (docs/cli.md, "Store URLs").
    pytest.param("{tmp}/empty.sqlite", 1, "There is no store file at", id="sqlite-missing-file"),
)


@pytest.mark.parametrize(("url", "code", "words"), NEVER_WORKS)
def test_a_store_that_can_never_work_is_one_sentence_and_an_exit(
    url: str, code: int, words: str, tmp_path: Path
) -> None:
    url = url.format(tmp=tmp_path)
    profiles = [tmp_path / f"profile-{n}" for n in range(len(COMMANDS))]
    results = run_each(url, [p.values[0] for p in COMMANDS], profiles)
    for command, (exit_code, out, err) in zip(COMMANDS, results, strict=True):
        line = one_sentence(err)
        assert (exit_code, out) == (code, ""), (command.id, err)
        assert words in line, (command.id, line)
        assert "pw-typo-7" not in line  # a password is never repeated
    for profile in profiles:
        assert outbox(profile) == []  # nothing queued for a store that cannot work


def test_a_database_name_with_a_typo_is_one_sentence_and_an_exit(
    pg_server_url: str, tmp_path: Path
) -> None:
    missing = f"di_missing_{secrets.token_hex(4)}"
    url = pg.libpq_url(pg_server_url, database=missing)
    profiles = [tmp_path / f"profile-{n}" for n in range(len(COMMANDS))]
    results = run_each(url, [p.values[0] for p in COMMANDS], profiles)
    for command, (exit_code, out, err) in zip(COMMANDS, results, strict=True):
        line = one_sentence(err)
        assert (exit_code, out) == (1, ""), (command.id, err)
        assert f"has no database {missing}" in line, line
    for profile in profiles:
        assert outbox(profile) == []
    assert not pg.database_exists(pg_server_url, missing)


def test_a_port_where_nothing_listens_is_an_outage_for_watch_and_a_sentence_otherwise(
    isolated_profile: Path,
) -> None:
    port = pg.free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/test"
    for args in (("inbox",), ("ack", "D-1"), ("ack", "D-1", "--revision", "1")):
        exit_code, out, err = run(url, *args)
        line = one_sentence(err)
        assert (exit_code, out) == (1, ""), (args, err)
        assert "unreachable" in line or "check that it is running and the URL is right" in line
    # This profile never reached that store: more likely a typo than an outage, so nothing is
    # queued where no sync of a corrected URL would ever look.
    assert "nothing was queued" in line
    assert outbox(isolated_profile) == []

    watch = Watch(url, "fred")
    try:
        offline = watch.wait_status("offline", timeout=30)
        assert str(offline["message"]).endswith(".") and offline["retry_at"]
        # Still running, retrying: its next attempt knocks on the port (now listening, never
        # answering like a server), which proves the retry without a sleep.
        with socket.create_server(("127.0.0.1", port)) as listener:
            listener.settimeout(30)
            try:
                knock, _ = listener.accept()
            except TimeoutError:
                raise AssertionError(f"watch never retried: {''.join(watch.stderr)}") from None
            knock.close()
        assert watch.alive(), "".join(watch.stderr)
    finally:
        assert watch.stop() == 0
    assert "Traceback" not in "".join(watch.stderr)


# --- a wrong password ---------------------------------------------------------------------------


RIGHT, WRONG = "right-horse-battery", "wrong-staple-1234"


@pytest.fixture
def password_store(own_pg: pg.ThrowawayCluster) -> Iterator[tuple[str, str, str]]:
    """(admin URL, URL with the right password, with a wrong one) of an initialised store on a
    cluster where the role ``pwuser`` must give its password."""
    own_pg.require_password("pwuser", RIGHT)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url), autocommit=True) as conn:
        conn.execute("ALTER ROLE pwuser SUPERUSER")  # may do everything, with its password
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    base = f"postgresql://pwuser:{{}}@127.0.0.1:{own_pg.port}/{database}"
    yield admin, base.format(RIGHT), base.format(WRONG)


def test_a_wrong_password_is_one_sentence_without_the_password_and_loses_nothing(
    password_store: tuple[str, str, str], isolated_profile: Path
) -> None:
    admin, right, wrong = password_store
    store, service = open_store(admin)
    key = token_decision(service)
    store.dispose()
    # An acknowledgment fred made earlier while offline, still waiting in his outbox. The
    # profile's folder is the same for both URLs: it is named by the URL without its password.
    assert client_paths(isolated_profile, right) == client_paths(isolated_profile, wrong)
    paths = client_paths(isolated_profile, right)
    state = ClientState(paths.state)
    queued = state.queue_ack(key, 1)
    state.close()

    for args in (("inbox",), ("ack", key), ("ack", key, "--revision", "1"), ("watch", "--json")):
        exit_code, out, err = run(wrong, *args)
        line = one_sentence(err)
        assert (exit_code, out) == (1, ""), (args, err)
        assert "did not accept the password of pwuser" in line, line
        assert WRONG not in err and RIGHT not in err
        assert outbox(isolated_profile) == [queued]  # kept, pending, and nothing added

    # A sync with the wrong password stops at the store's sentence; the entry stays pending,
    # not marked as refused (the store never saw it).
    client = Client.open(StoreConnection.open(wrong), "fred", isolated_profile.resolve())
    try:
        with pytest.raises(StoreRefusedError, match="did not accept the password"):
            client.syncer.sync()
        assert [e.status for e in client.state.entries()] == [PENDING]
    finally:
        client.close()
        client.store.dispose()

    # The right password: the acknowledgment arrives, once.
    watch = Watch(right, "fred")
    try:
        watch.wait_status("online", timeout=30)
        wait_until_empty(isolated_profile)
    finally:
        assert watch.stop() == 0
    assert acks(admin) == [(key, "fred", 1)]


# --- a store on a network filesystem ------------------------------------------------------------


def test_a_sqlite_store_on_a_network_filesystem_is_refused_in_one_sentence(
    sqlite_url: str,
    isolated_profile: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store, service = open_store(sqlite_url)
    key = token_decision(service)
    store.dispose()
    before = acks(sqlite_url)
    # In process: a child process cannot be made to see a network mount.
    monkeypatch.setattr(engine_module, "network_filesystem", lambda path, mountinfo=None: "nfs4")
    capsys.readouterr()
    for args in (["watch", "--json"], ["ack", key], ["inbox"]):
        started = time.monotonic()
        code = inbox_cli.main(["--store", sqlite_url, "--user", "fred", *args])
        out, err = capsys.readouterr()
        line = one_sentence(err)
        assert (code, out) == (1, ""), (args, err)
        assert "network filesystem (nfs4)" in line and "--allow-network-filesystem" in line
        assert time.monotonic() - started < WATCH_EXITS_WITHIN
    assert outbox(isolated_profile) == []
    # The override, for a store only one machine ever opens: the acknowledgment goes through.
    code = inbox_cli.main(
        ["--store", sqlite_url, "--user", "fred", "--allow-network-filesystem", "ack", key]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    monkeypatch.undo()
    assert acks(sqlite_url) == [*before, (key, "fred", 1)]


# --- a cache file that is not SQLite ------------------------------------------------------------


def moved_aside_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "moved it to cache.sqlite.unreadable-" in line]


def test_a_cache_file_that_is_not_sqlite_is_moved_aside_and_nothing_is_lost(
    store_url: str, isolated_profile: Path
) -> None:
    store, service = open_store(store_url)
    first = token_decision(service)
    second = publish(service, "Error format")
    store.dispose()
    paths = client_paths(isolated_profile, store_url)
    state = ClientState(paths.state)  # fred acknowledged `first` earlier, while offline
    queued = state.queue_ack(first, 1)
    state.close()
    garbage = b"this is not a database at all\n" * 200

    paths.cache.write_bytes(garbage)
    result = cli("inbox", "--json", store=store_url, user="fred")  # reads the store itself
    assert len(moved_aside_lines(result.err)) == 1, result.err
    assert len(result.err.splitlines()) == 1, result.err
    # The queued acknowledgment of `first` already counts: only `second` is owed.
    assert {item["key"] for item in result.json()["items"]} == {second}
    assert [e["key"] for e in result.json()["outbox"]] == [first]

    paths.cache.write_bytes(garbage)
    result = cli("ack", second, store=store_url, user="fred")
    assert "Acknowledged" in result.out, result.out
    assert len(moved_aside_lines(result.err)) == 1, result.err
    assert len(result.err.splitlines()) == 1, result.err
    assert queued in outbox(isolated_profile)  # the outbox lives in its own file

    paths.cache.write_bytes(garbage)
    watch = Watch(store_url, "fred")
    try:
        watch.wait_status("online", timeout=30)
        wait_until_empty(isolated_profile)  # `first` delivered, `second` confirmed
    finally:
        assert watch.stop() == 0  # the round under way ends first, then it quits
    lines = watch.collected()
    assert len(moved_aside_lines("".join(watch.stderr))) == 1, watch.stderr
    assert lines == []  # both acknowledged: nothing to pop up
    assert (
        len(list(paths.folder.glob("cache.sqlite.unreadable-*"))) == 3
    )  # inbox, ack, watch: none replaced
    assert [(k, p, r) for k, p, r in acks(store_url) if p == "fred"] == [
        (first, "fred", 1),
        (second, "fred", 1),
    ]


@pytest.mark.expect_log("inbox.sync.localdb", "WARNING")
def test_two_bad_cache_files_in_the_same_second_are_both_kept_aside(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    for n in range(2):
        path.write_bytes(f"garbage number {n}\n".encode() * 100)
        Cache(path).close()  # moved aside, then a new empty cache in its place
    aside = sorted(tmp_path.glob("cache.sqlite.unreadable-*"))
    assert sorted(p.read_bytes()[:16] for p in aside) == [b"garbage number 0", b"garbage number 1"]
    assert len([r for r in caplog.records if "moved it to" in r.getMessage()]) == 2
