"""The command line contract of docs/cli.md, beyond the acceptance script.

Mostly in-process through ``inbox.cli.main`` (fast); a few checks run the real process where the
contract is about the process itself: its exit code, its stderr, a traceback or none.
"""

from __future__ import annotations

import io
import json
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox import cli
from inbox.cli import commands as cli_commands
from inbox.cli.parser import build_parser
from inbox.config import Config
from inbox.config.profile import Profile
from inbox.core.model import Role
from inbox.store.connection import StoreConnection
from inbox.store.models import AcknowledgmentRow, ChangeRow, DecisionRow
from inbox.store.service import StoreService
from tests.processes import Result
from tests.processes import cli as subprocess_cli
from tests.sentences import one_sentence

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads stdin only when it provides it."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


class Out(Result):
    def ok(self) -> Out:
        assert (self.code, self.err) == (0, ""), self.err
        return self

    def fails(self, code: int, *words: str) -> str:
        """Exit ``code`` with one sentence on stderr (and nothing on stdout) naming ``words``."""
        assert self.code == code, (self.code, self.err)
        assert self.out == ""
        return one_sentence(self.err, *words)


Run = Callable[..., Out]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(*args)``: the command line in this process."""

    def call(*args: str) -> Out:
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return Out(code, captured.out, captured.err)

    return call


def populate(url: str) -> None:
    """Initialise the store with teams backend and frontend; ana (backend), fred and fatima
    (frontend)."""
    store = StoreConnection.open(url)
    try:
        store.initialise()
        service = StoreService(store)
        service.add_team("backend")
        service.add_team("frontend")
        service.add_person("ana", name="Ana", teams=["backend"])
        service.add_person("fred", name="Fred", teams=["frontend"])
        service.add_person("fatima", name="Fatima", teams=["frontend"])
    finally:
        store.dispose()


@pytest.fixture
def store(store_url: str) -> str:
    populate(store_url)
    return store_url


@pytest.fixture
def sqlite_store(sqlite_url: str) -> str:
    populate(sqlite_url)
    return sqlite_url


class Store:
    """The command line bound to one store: ``di("ack", "D-1", user="fred")``."""

    def __init__(self, run: Run, url: str) -> None:
        self.run = run
        self.url = url

    def __call__(self, *args: str, user: str | None = None) -> Out:
        return self.run("--store", self.url, *(("--user", user) if user else ()), *args)

    def show(self, key: str, *extra: str, user: str | None = None) -> dict[str, Any]:
        return self("show", key, "--json", *extra, user=user).ok().json()  # type: ignore[no-any-return]

    def inbox(self, user: str) -> list[dict[str, Any]]:
        return self("inbox", "--json", user=user).ok().json()["items"]  # type: ignore[no-any-return]

    def reasons(self, user: str) -> list[tuple[str, str]]:
        return [(i["key"], i["reason"]) for i in self.inbox(user)]

    def count(self, model: Any, *where: Any) -> int:
        connection = StoreConnection.open(self.url)
        try:
            with connection.read() as session:
                query = select(func.count()).select_from(model).where(*where)
                return int(session.scalar(query) or 0)
        finally:
            connection.dispose()

    def token_decision(self, *, finalize: bool = True) -> str:
        key = (
            self(
                "new",
                "--title",
                "Token refresh policy",
                "--team",
                "backend",
                "--ack",
                "team:frontend",
                "--consult",
                "person:fred",
                "--assert",
                "auth.token.refresh_minutes=15",
                user="ana",
            )
            .ok()
            .out.strip()
        )
        if finalize:
            self("finalize", key, user="ana").ok()
        return key


@pytest.fixture
def di(run: Run, store: str) -> Store:
    return Store(run, store)


@pytest.fixture
def di_sqlite(run: Run, sqlite_store: str) -> Store:
    return Store(run, sqlite_store)


# --- usage errors, exit 2 ----------------------------------------------------------------------

USAGE_ERRORS: list[tuple[tuple[str, ...], str]] = [
    (("frobnicate",), "frobnicate"),
    (("new",), "--title"),
    (("revise", "D-1"), "--summary"),
    (("open", "D-1"), "--deadline"),
    (("supersede", "D-1"), "--by"),
    (("feedback", "D-1"), "--text"),
    (("person", "add", "zoe"), "--name"),
    (("team",), "ACTION"),
    (("show",), "key"),
    (("new", "--title", "T", "--assert", "refresh minutes 15"), "KEY=VALUE"),
    (("new", "--title", "T", "--assert", "=15"), "KEY=VALUE"),
    (("new", "--title", "T", "--assert", "auth..x=1"), "KEY=VALUE"),
    (("new", "--title", "T", "--ack", "frontend"), "team:NAME or person:HANDLE"),
    (("new", "--title", "T", "--consult", "group:frontend"), "team:NAME or person:HANDLE"),
    (("new", "--title", "T", "--inform", "team:"), "team:NAME or person:HANDLE"),
    (("new", "--title", "T", "--body", "b", "--body-file", "f.md"), "--body"),
    (("new", "--title", "   "), "title"),
    (("revise", "D-1", "--summary", "s", "--unassert", "no spaces allowed"), "assertion key"),
    (("revise", "D-1", "--summary", "s", "--expect-revision", "two"), "two"),
    (("ack", "D-1", "--revision", "two"), "two"),
    (("open", "D-1", "--deadline", "tomorrow"), "ISO 8601"),
    (("open", "D-1", "--deadline", "2030-13-01"), "ISO 8601"),
    (("digest", "--days", "0"), "--days"),
    (("digest", "--days", "-3"), "--days"),
    (("digest", "--format", "html"), "html"),
    (("team", "add", "bad name!"), "team name"),
    (("person", "add", "Fred", "--name", "Fred"), "handle"),
    (("--store", "sqlite://", "inbox"), "in-memory"),
    (("--store", "mysql://db/x", "inbox"), "mysql"),
]


def test_usage_errors_exit_2_with_one_sentence(di_sqlite: Store) -> None:
    for args, word in USAGE_ERRORS:
        result = di_sqlite(*args, user="ana")
        try:
            result.fails(2, word)
        except AssertionError as exc:
            raise AssertionError(f"{args}: {exc}") from None
    # None of them wrote anything.
    assert di_sqlite.count(DecisionRow) == 0


def test_usage_errors_in_the_real_process(sqlite_store: str) -> None:
    for args in (
        ("frobnicate",),
        ("new", "--title", "T", "--ack", "frontend"),
        ("new", "--title", "T", "--assert", "refresh minutes 15"),
    ):
        result = subprocess_cli(*args, store=sqlite_store, user="ana", check=False)
        assert result.code == 2 and result.out == ""
        assert "usage:" not in one_sentence(result.err)


# --- conflict 3, permission 4, not found 1 ------------------------------------------------------


def test_conflict_permission_and_not_found_exit_codes(di: Store) -> None:
    key = di.token_decision()
    di(
        "revise",
        key,
        "--assert",
        "auth.token.refresh_minutes=60",
        "--summary",
        "60",
        "--expect-revision",
        "1",
        user="ana",
    ).ok()

    stale = di(
        "revise",
        key,
        "--title",
        "Token refresh",
        "--summary",
        "stale",
        "--expect-revision",
        "1",
        user="ana",
    )
    stale.fails(3, "revision 2", "--expect-revision 2")
    assert di.show(key)["revision"] == 2

    other = di("new", "--title", "Other", user="ana").ok().out.strip()
    for args in (
        ("finalize", key),
        ("withdraw", key),
        ("supersede", key, "--by", other),
        ("revise", key, "--title", "Mine now", "--summary", "x"),
    ):
        di(*args, user="fred").fails(4, "ana")
    assert di.show(key)["state"] == "finalized" and di.show(key)["title"] == (
        "Token refresh policy"
    )

    di("show", "D-99").fails(1, "D-99")
    di("ack", "D-99", user="fred").fails(1, "D-99")
    di("feedback", "D-99", "--text", "hm", user="fred").fails(1, "D-99")
    di("finalize", "D-99", user="ana").fails(1, "D-99")
    di("inbox", user="nobody").fails(1, "nobody")
    di("new", "--title", "T", user="nobody").fails(1, "nobody")
    di("new", "--title", "T", "--team", "nosuch", user="ana").fails(1, "nosuch")
    di("new", "--title", "T", "--ack", "team:nosuch", user="ana").fails(1, "nosuch")
    di("new", "--title", "T", "--consult", "person:ghost", user="ana").fails(1, "ghost")
    di("person", "add", "zoe", "--name", "Zoe", "--team", "nosuch").fails(1, "nosuch")
    di("team", "add", "backend").fails(1, "backend")
    draft = di("new", "--title", "Later", user="ana").ok().out.strip()
    di("open", draft, "--deadline", "2020-01-01T10:00:00+00:00", user="ana").fails(1, "past")
    assert di.count(DecisionRow) == 3


# --- errors, tracebacks and --debug -------------------------------------------------------------


def _boom(ctx: object, args: object) -> int:
    raise RuntimeError("boom in the handler")


def test_unexpected_error_is_one_sentence_and_debug_raises(
    di_sqlite: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(cli_commands.HANDLERS, "digest", _boom)
    di_sqlite("digest").fails(1, "unexpected error", "RuntimeError: boom in the handler", "--debug")
    with pytest.raises(RuntimeError, match="boom in the handler"):
        di_sqlite("digest", "--debug")
    with pytest.raises(RuntimeError, match="boom in the handler"):
        di_sqlite.run("--debug", "--store", di_sqlite.url, "digest")


UNEXPECTED = textwrap.dedent("""\
    import sys
    from inbox import cli
    from inbox.cli import commands as cli_commands

    def boom(ctx, args):
        raise RuntimeError("boom in the handler")

    cli_commands.HANDLERS["digest"] = boom
    sys.exit(cli.main(sys.argv[1:]))
""")


def _python(*args: str) -> Result:
    return subprocess_cli(*args, entry=("-c", UNEXPECTED), check=False)


def test_debug_shows_a_traceback_in_the_real_process(sqlite_store: str) -> None:
    quiet = _python("--store", sqlite_store, "digest")
    assert quiet.code == 1
    one_sentence(quiet.err, "RuntimeError: boom in the handler")

    loud = _python("--store", sqlite_store, "digest", "--debug")
    assert loud.code == 1
    assert "Traceback (most recent call last)" in loud.err
    assert loud.err.strip().splitlines()[-1] == "RuntimeError: boom in the handler"

    # A known error with --debug: its traceback, then the same one sentence.
    known = subprocess_cli("--debug", "show", "D-99", store=sqlite_store, check=False)
    assert known.code == 1 and "Traceback" in known.err
    assert known.err.strip().splitlines()[-1].startswith("decision-inbox: There is no decision")
    plain = subprocess_cli("show", "D-99", store=sqlite_store, check=False)
    assert plain.code == 1
    one_sentence(plain.err)


# --- help and global options --------------------------------------------------------------------


def _commands() -> list[tuple[str, ...]]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.choices and "init" in a.choices)
    names = [(name,) for name in subparsers.choices]
    return [*names, ("team", "add"), ("person", "add")]


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_works_for_every_command(command: tuple[str, ...], run: Run) -> None:
    with pytest.raises(SystemExit) as exited:
        run(*command, "--help")
    assert exited.value.code == 0


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for command in _commands():
        with pytest.raises(SystemExit):
            cli.main([*command, "--help"])
        out = capsys.readouterr().out
        assert out.startswith(f"usage: decision-inbox {' '.join(command)}"), out
        for option in ("--store", "--user", "--profile-dir", "--debug"):
            assert option in out, (command, option)
    with pytest.raises(SystemExit) as exited:
        cli.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for name in (
        "init",
        "demo",
        "team",
        "person",
        "new",
        "revise",
        "open",
        "finalize",
        "supersede",
        "withdraw",
        "ack",
        "feedback",
        "inbox",
        "show",
        "digest",
    ):
        assert name in out


def test_help_in_the_real_process(tmp_path: Path) -> None:
    result = subprocess_cli("revise", "--help", store=str(tmp_path / "unused.sqlite"))
    assert result.code == 0 and result.err == ""
    assert "--expect-revision" in result.out and "--unassert" in result.out
    assert not (tmp_path / "unused.sqlite").exists()


def test_global_options_before_and_after_the_command(run: Run, store: str, tmp_path: Path) -> None:
    for args in (
        ("--store", store, "--user", "fred", "inbox", "--json"),
        ("inbox", "--json", "--store", store, "--user", "fred"),
        ("--store", store, "inbox", "--user", "fred", "--json"),
        ("--user", "fred", "inbox", "--store", store, "--json", "--debug"),
    ):
        shown = run(*args).ok().json()
        assert (shown["user"], shown["items"], shown["outbox"]) == ("fred", [], []), args
    run("team", "add", "mobile", "--store", store).ok()
    run("person", "add", "mia", "--name", "Mia", "--team", "mobile", "--store", store).ok()
    run("--store", store, "person", "add", "mo", "--name", "Mo", "--team", "mobile").ok()
    key = (
        run("new", "--title", "Mobile release cadence", "--store", store, "--user", "mia")
        .ok()
        .out.strip()
    )
    assert run("--store", store, "show", key, "--json").ok().json()["team"] == "mobile"
    # --profile-dir after the command, too.
    profile = tmp_path / "after"
    run("team", "add", "web", "--profile-dir", str(profile)).ok()
    assert (profile / "store.sqlite").exists()


def test_store_precedence(
    run: Run, tmp_path: Path, isolated_profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--store, then $DECISION_INBOX_STORE, then the configured store, then the embedded one.
    An explicit store is never initialised behind the user's back, so each says so, by path."""
    flag, env, configured = (tmp_path / f"{n}.sqlite" for n in ("flag", "env", "configured"))
    Profile.locate(str(isolated_profile)).save(Config(store=str(configured)))
    monkeypatch.setenv("DECISION_INBOX_STORE", str(env))

    def store_named() -> str:
        line = run(*args).fails(1, "There is no store file at")
        named = {p for p in (flag, env, configured) if f"at {p};" in line}
        assert len(named) == 1, line
        return named.pop().stem

    args: tuple[str, ...] = ("--store", str(flag), "digest")
    assert store_named() == "flag"
    args = ("digest",)
    assert store_named() == "env"
    monkeypatch.delenv("DECISION_INBOX_STORE")
    assert store_named() == "configured"
    Profile.locate(str(isolated_profile)).config_file.write_text("{}", encoding="utf-8")
    embedded = isolated_profile / "store.sqlite"
    assert not embedded.exists()
    out = run("digest", "--format", "json").ok().json()  # created on first use, no init
    assert out["pairs"] == []
    assert embedded.exists()


def test_user_precedence(
    run: Run, store: str, isolated_profile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def who(*extra: str) -> str:
        return run("--store", store, *extra, "inbox", "--json").ok().json()["user"]  # type: ignore[no-any-return]

    Profile.locate(str(isolated_profile)).save(Config(user="fatima"))
    monkeypatch.setenv("DECISION_INBOX_USER", "fred")
    assert who("--user", "ana") == "ana"
    assert who() == "fred"
    monkeypatch.delenv("DECISION_INBOX_USER")
    assert who() == "fatima"
    Profile.locate(str(isolated_profile)).config_file.write_text("{}", encoding="utf-8")
    if store.startswith("postgresql"):
        # On PostgreSQL the identity is the login role when nothing else names one.
        run("--store", store, "inbox").fails(1, "no person 'postgres'")
    else:
        run("--store", store, "inbox").fails(2, "--user", "DECISION_INBOX_USER")


def test_missing_identity_is_one_sentence_naming_user(di: Store) -> None:
    key = di.token_decision()
    for args in (
        ("new", "--title", "T"),
        ("ack", key),
        ("inbox",),
        ("feedback", key, "--text", "x"),
        ("revise", key, "--title", "X", "--summary", "s"),
    ):
        if di.url.startswith("postgresql"):
            di(*args).fails(1, "no person 'postgres'")  # the login role, not in the directory
        else:
            di(*args).fails(2, "--user")
    assert di.count(DecisionRow) == 1


def test_profile_dir_moves_the_embedded_store_and_creates_it(
    run: Run, tmp_path: Path, isolated_profile: Path
) -> None:
    profile = tmp_path / "not" / "yet" / "there"
    run("--profile-dir", str(profile), "team", "add", "backend").ok()
    run(
        "--profile-dir", str(profile), "person", "add", "ana", "--name", "Ana", "--team", "backend"
    ).ok()
    assert (profile / "store.sqlite").exists()
    assert not (isolated_profile / "store.sqlite").exists()
    # The same store next time; and the profile's own config gives the identity.
    run("--profile-dir", str(profile), "team", "add", "backend").fails(1, "already exists")
    (profile / "config.json").write_text(json.dumps({"user": "ana"}), encoding="utf-8")
    assert run("--profile-dir", str(profile), "inbox", "--json").ok().json()["user"] == "ana"
    # Without the flag, $DECISION_INBOX_PROFILE (this test's profile) holds another store.
    run("team", "add", "backend").ok()
    assert (isolated_profile / "store.sqlite").exists()


def test_invalid_config_file_is_one_sentence(run: Run, isolated_profile: Path) -> None:
    config = Profile.locate(str(isolated_profile)).config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('{"user": "fred",', encoding="utf-8")
    run("inbox").fails(2, str(config), "JSON")
    config.write_text('["fred"]', encoding="utf-8")
    run("inbox").fails(2, str(config), "JSON object")
    # --help needs no configuration.
    with pytest.raises(SystemExit) as exited:
        run("inbox", "--help")
    assert exited.value.code == 0


# --- authoring ---------------------------------------------------------------------------------

BODY = "# Tokens\n\nRefresh **every 15 minutes** — für alle Clients.\n\n- one\n- two\n"


def test_body_file_and_stdin(di: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body_file = tmp_path / "body.md"
    body_file.write_text(BODY, encoding="utf-8")
    key = di("new", "--title", "From a file", "--body-file", str(body_file), user="ana").ok()
    assert di.show(key.out.strip())["body"] == BODY

    monkeypatch.setattr(sys, "stdin", io.StringIO("From *stdin*\n"))
    key2 = di("new", "--title", "From stdin", "--body-file", "-", user="ana").ok().out.strip()
    assert di.show(key2)["body"] == "From *stdin*\n"

    body_file.write_text(BODY + "\nAnd a grace period.\n", encoding="utf-8")
    di("revise", key2, "--body-file", str(body_file), "--summary", "from file", user="ana").ok()
    shown = di.show(key2)
    assert shown["body"] == BODY + "\nAnd a grace period.\n" and shown["revision"] == 2


def test_unreadable_body_file(di: Store, tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    di("new", "--title", "T", "--body-file", str(missing), user="ana").fails(2, str(missing))
    di("new", "--title", "T", "--body-file", str(tmp_path), user="ana").fails(2, str(tmp_path))
    latin = tmp_path / "latin1.md"
    latin.write_bytes("Grüße".encode("latin-1"))
    di("new", "--title", "T", "--body-file", str(latin), user="ana").fails(2, "UTF-8")
    assert di.count(DecisionRow) == 0


def test_unassert_removes_an_assertion(di: Store) -> None:
    key = (
        di(
            "new",
            "--title",
            "Flags",
            "--assert",
            "flags.source=config",
            "--assert",
            "flags.ttl=60",
            user="ana",
        )
        .ok()
        .out.strip()
    )
    di("revise", key, "--unassert", "flags.ttl", "--summary", "no ttl", user="ana").ok()
    shown = di.show(key, "--diff-from", "1")
    assert shown["assertions"] == {"flags.source": "config"}
    assert shown["diff"]["assertions"] == [{"key": "flags.ttl", "old": "60", "new": None}]
    assert shown["revisions"][0]["assertions"] == {"flags.source": "config", "flags.ttl": "60"}

    di("revise", key, "--unassert", "flags.ttl", "--summary", "again", user="ana").fails(
        1, "flags.ttl"
    )
    # Removing one key and setting another in the same revision.
    di(
        "revise",
        key,
        "--unassert",
        "flags.source",
        "--assert",
        "flags.service=shared",
        "--summary",
        "move",
        user="ana",
    ).ok()
    assert di.show(key)["assertions"] == {"flags.service": "shared"}
    assert di.show(key)["revision"] == 3


def test_minor_revisions(di: Store) -> None:
    key = di.token_decision()
    di("ack", key, user="fred").ok()

    refused = di(
        "revise",
        key,
        "--assert",
        "auth.token.refresh_minutes=60",
        "--minor",
        "--summary",
        "sneaky",
        user="ana",
    )
    refused.fails(1, "material", "--minor")
    refused = di(
        "revise",
        key,
        "--unassert",
        "auth.token.refresh_minutes",
        "--minor",
        "--summary",
        "sneaky",
        user="ana",
    )
    refused.fails(1, "material")
    assert di.show(key)["revision"] == 1

    # A minor body edit of a finalized decision asks nobody to re-acknowledge …
    di("revise", key, "--body", "Typo fixed.", "--minor", "--summary", "typo", user="ana").ok()
    shown = di.show(key)
    assert shown["revision"] == 2 and shown["revisions"][1]["minor"] is True
    assert shown["revisions"][1]["material"] is False
    assert di.reasons("fred") == []
    # … a material one does.
    di("revise", key, "--body", "Now it matters.", "--summary", "real change", user="ana").ok()
    assert di.reasons("fred") == [(key, "changed_since_ack")]


def test_revise_that_changes_nothing_is_refused(di: Store) -> None:
    key = di.token_decision(finalize=False)
    for extra in (
        (),
        ("--title", "Token refresh policy"),
        ("--assert", "auth.token.refresh_minutes=15"),
        ("--body", ""),
    ):
        di("revise", key, *extra, "--summary", "nothing", user="ana").fails(1, "change nothing")
    di("revise", key, "--title", "T", "--summary", "   ", user="ana").fails(2, "--summary")
    assert di.show(key)["revision"] == 1


# --- acknowledgments and feedback ----------------------------------------------------------------


def test_ack_an_old_revision_then_changed_since_ack(di: Store) -> None:
    key = di.token_decision()
    di(
        "revise", key, "--assert", "auth.token.refresh_minutes=60", "--summary", "60", user="ana"
    ).ok()
    assert di.reasons("fred") == [(key, "needs_ack")]

    assert "r1" in di("ack", key, "--revision", "1", user="fred").ok().out
    [item] = di.inbox("fred")
    assert (item["reason"], item["acked_revision"], item["revision"]) == ("changed_since_ack", 1, 2)
    assert item["diff"]["assertions"] == [
        {"key": "auth.token.refresh_minutes", "old": "15", "new": "60"}
    ]
    assert di.show(key, user="fred")["your_acked_revision"] == 1

    di("ack", key, "--revision", "3", user="fred").fails(1, "no revision 3", "r1 to r2")
    di("ack", key, "--revision", "0", user="fred").fails(1, "no revision 0")
    di("ack", key, user="fred").ok()
    assert di.reasons("fred") == []
    assert di.show(key, user="fred")["your_acked_revision"] == 2


def test_acknowledging_twice_is_idempotent(di: Store) -> None:
    key = di.token_decision()
    first = di("ack", key, user="fred").ok().out
    second = di("ack", key, user="fred").ok().out
    assert "Acknowledged" in first and "already acknowledged" in second
    assert di.count(AcknowledgmentRow) == 1
    assert di.count(ChangeRow, ChangeRow.kind == "acknowledged") == 1
    coverage = di.show(key)["coverage"]
    assert coverage["acked"] == ["fred"] and coverage["missing"] == ["fatima"]


def test_feedback_and_objection(di: Store) -> None:
    key = di.token_decision(finalize=False)
    di("feedback", key, "--text", "Too early", user="fred").fails(1, "open")
    di("open", key, "--deadline", TOMORROW, user="ana").ok()
    assert di.reasons("fred") == [(key, "feedback_requested")]

    assert (
        "Objection"
        in di("feedback", key, "--text", "15 min breaks mobile", "--objection", user="fred")
        .ok()
        .out
    )
    di("feedback", key, "--text", "Fine by me", user="fatima").ok()
    di("feedback", key, "--text", "   ", user="fatima").fails(2, "--text")
    feedback = di.show(key)["feedback"]
    assert [(f["person"], f["body"], f["objection"], f["revision"]) for f in feedback] == [
        ("fred", "15 min breaks mobile", True, 1),
        ("fatima", "Fine by me", False, 1),
    ]
    assert di.reasons("fred") == []  # gave feedback on the current revision
    assert "OBJECTION fred" in di("show", key).ok().out


def test_supersede_and_withdraw_then_ack_refused(di: Store) -> None:
    old = di.token_decision()
    new = (
        di("new", "--title", "Token refresh policy v2", "--ack", "team:frontend", user="ana")
        .ok()
        .out.strip()
    )
    di("finalize", new, user="ana").ok()
    di("supersede", old, "--by", new, user="ana").ok()
    shown = di.show(old)
    assert (shown["state"], shown["superseded_by"]) == ("superseded", new)
    di("ack", old, user="fred").fails(1, "superseded", new)
    assert (old, "needs_ack") not in di.reasons("fred")
    assert (new, "needs_ack") in di.reasons("fred")

    gone = (
        di("new", "--title", "Withdrawn one", "--ack", "team:frontend", user="ana").ok().out.strip()
    )
    di("finalize", gone, user="ana").ok()
    di("withdraw", gone, user="ana").ok()
    assert di.show(gone)["state"] == "withdrawn"
    di("ack", gone, user="fred").fails(1, "withdrawn")
    di("supersede", new, "--by", gone, user="ana").fails(1, "withdrawn")
    assert di.count(AcknowledgmentRow) == 0


# --- show and digest ----------------------------------------------------------------------------


def test_show_diff_from(di: Store) -> None:
    key = di.token_decision()
    di(
        "revise",
        key,
        "--title",
        "Token refresh",
        "--assert",
        "auth.token.refresh_minutes=60",
        "--assert",
        "auth.token.grace_minutes=5",
        "--summary",
        "60 with grace",
        user="ana",
    ).ok()
    diff = di.show(key, "--diff-from", "1")["diff"]
    assert (diff["from_revision"], diff["to_revision"]) == (1, 2)
    assert diff["title"] == {"old": "Token refresh policy", "new": "Token refresh"}
    assert diff["assertions"] == [
        {"key": "auth.token.grace_minutes", "old": None, "new": "5"},
        {"key": "auth.token.refresh_minutes", "old": "15", "new": "60"},
    ]
    assert "diff" not in di.show(key)
    text = di("show", key, "--diff-from", "1").ok().out
    assert "Changes r1 → r2" in text and "15" in text and "60" in text

    di("show", key, "--diff-from", "9").fails(1, "no revision 9", "r1 to r2")
    di("show", key, "--json", "--diff-from", "0").fails(1, "no revision 0")


def test_digest(di: Store) -> None:
    # An old decision, finalized five weeks ago, stays out of a one-week digest.
    five_weeks_ago = datetime.now(UTC) - timedelta(days=35)
    store = StoreConnection.open(di.url)
    try:
        old = StoreService(store, clock=lambda: five_weeks_ago)
        old_key = old.create(
            "ana",
            title="Ancient history",
            team="backend",
            audience=[("team", "frontend", Role.ACK)],
        ).key
        assert old_key is not None
        old.finalize("ana", old_key)
    finally:
        store.dispose()
    key = di.token_decision()
    di(
        "revise", key, "--assert", "auth.token.refresh_minutes=60", "--summary", "60", user="ana"
    ).ok()

    digest = di("digest", "--format", "json").ok().json()
    keys = {d["key"] for pair in digest["pairs"] for d in pair["decisions"]}
    assert keys == {key}
    [pair] = [p for p in digest["pairs"] if p["from_team"] == "backend"]
    assert pair["to_team"] == "frontend"
    [entry] = pair["decisions"]
    assert [h["kind"] for h in entry["happened"]] == ["created", "finalized", "revised"]
    assert sorted(entry["waiting_for"]) == ["fatima", "fred"]

    markdown = di("digest").ok().out
    assert markdown.startswith("# Decision digest")
    assert "## backend → frontend" in markdown
    assert f"**{key}** Token refresh policy" in markdown
    assert "Ancient history" not in markdown

    wide = di("digest", "--days", "60", "--format", "json").ok().json()
    assert {d["key"] for p in wide["pairs"] for d in p["decisions"]} == {key, old_key}
    di("digest", "--days", "0").fails(2, "--days")


def test_inbox_text_output(di: Store) -> None:
    key = di.token_decision()
    out = di("inbox", user="fred").ok().out
    assert out.startswith("Inbox of fred: 1 item")
    assert key in out and f"decision-inbox ack {key}" in out
    di("ack", key, user="fred").ok()
    assert di("inbox", user="fred").ok().out.strip() == "Inbox of fred: nothing needs you."


def test_errors_never_show_a_traceback_in_process(di: Store, tmp_path: Path) -> None:
    """A sample of every failure class in one store, all one sentence: usage, validation,
    not found, conflict, permission, schema."""
    key = di.token_decision()
    di("open", key, "--deadline", TOMORROW, user="ana").fails(1, "finalized")
    di("finalize", key, user="ana").fails(1, "finalized")
    di("ack", key, user="ana").ok()  # the owner may acknowledge; harmless
    di.run("--store", str(tmp_path / "fresh.sqlite"), "show", key).fails(1, "init")
    di.run("--store", str(tmp_path / "no" / "such" / "dir" / "s.sqlite"), "show", key).fails(
        1, "does not exist"
    )
