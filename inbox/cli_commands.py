"""What each command of the command line does, on core and store (DESIGN §8)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from inbox import cli_render
from inbox.core import lifecycle
from inbox.core.digest import build_digest
from inbox.core.errors import NotFoundError, StoreUnavailableError, UsageError
from inbox.core.inbox import compute_inbox
from inbox.core.model import Role
from inbox.profile import Profile, choose_store, choose_user
from inbox.store import roles
from inbox.store.clock import utcnow
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url, redact, tls_warning
from inbox.store.reader import load_decision, load_events, load_people, load_snapshot
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.sync.state import ERROR
from inbox.sync.syncer import overlay

Handler = Callable[["Context", argparse.Namespace], int]


class Context:
    """The profile, the chosen store (opened lazily) and the identity of one invocation."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.profile = Profile.locate(args.profile_dir)
        self.choice = choose_store(self.profile, args.store)
        self.given_user = args.user
        self.allow_network_fs = bool(args.allow_network_filesystem)
        self._store: StoreConnection | None = None

    @property
    def store(self) -> StoreConnection:
        if self._store is None:
            if self.choice.embedded:
                self.profile.data_dir.mkdir(parents=True, exist_ok=True)
            self._store = StoreConnection.open(
                self.choice.url,
                allow_network_fs=self.allow_network_fs,
                password=self._saved_password(),
            )
            if self.choice.embedded and self._store.version() is None:
                self._store.initialise()  # the embedded default is created on first use
        return self._store

    def _saved_password(self) -> str | None:
        """The login's password from the OS keyring, for a PostgreSQL URL that has none."""
        url = parse_store_url(self.choice.url)
        if url.get_backend_name() != "postgresql" or url.password or not url.username:
            return None
        from inbox.sync import credentials  # deferred: keyring's import costs start-up time

        return credentials.open_credentials().get(credentials.account_name(url.username, url))

    @property
    def service(self) -> StoreService:
        return StoreService(self.store)

    @contextmanager
    def client(self, user: str | None = None) -> Iterator[Client]:
        """This profile's client of the chosen store: its cache, outbox and syncer; ``user``
        is who :meth:`user` already said, so that it is not checked twice."""
        client = Client.open(self.store, user or self.user(), self.profile.data_dir)
        try:
            yield client
        finally:
            client.close()

    def user(self) -> str:
        user = choose_user(self.profile, self.given_user)
        if parse_store_url(self.choice.url).get_backend_name() == "postgresql":
            try:
                return roles.check_acting_user(self.store, user)
            except StoreUnavailableError:
                if user:  # offline: queue; the store's row-level security has the last word
                    return user
                raise
        if not user:
            raise UsageError("Who are you? Pass --user HANDLE or set DECISION_INBOX_USER.")
        return user

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


def run(args: argparse.Namespace) -> int:
    if args.command in (None, "gui"):
        from inbox import app  # deferred: the command line must not pay for Qt

        return app.run(args)
    context = Context(args)
    try:
        return HANDLERS[args.command](context, args)
    finally:
        context.close()


def _say(text: str) -> None:
    print(text)


def _warn_without_tls(ctx: Context) -> None:
    warning = tls_warning(ctx.choice.url)
    if warning:
        print(f"decision-inbox: warning: {warning}", file=sys.stderr)


def cmd_init(ctx: Context, _: argparse.Namespace) -> int:
    _warn_without_tls(ctx)
    before, after = ctx.store.initialise()
    if before == after:
        _say(f"The store at {ctx.store.shown_url} is already at schema v{after}.")
    elif before is None:
        _say(f"Created the store at {ctx.store.shown_url} (schema v{after}).")
    else:
        _say(f"Upgraded the store at {ctx.store.shown_url} from schema v{before} to v{after}.")
    return 0


def cmd_demo(ctx: Context, _: argparse.Namespace) -> int:
    from inbox.store import demo

    _say(demo.seed(ctx.store))
    if not choose_user(ctx.profile, ctx.given_user):
        ctx.profile.save(user=demo.DEMO_USER)
        _say(
            f"You are now {demo.DEMO_USER} (frontend) in this profile; "
            "`decision-inbox inbox` shows the demo from their side."
        )
    return 0


def cmd_team(ctx: Context, args: argparse.Namespace) -> int:
    _say(ctx.service.add_team(args.name, actor=choose_user(ctx.profile, ctx.given_user)).message)
    return 0


def cmd_person(ctx: Context, args: argparse.Namespace) -> int:
    change = ctx.service.add_person(
        args.handle, name=args.name, teams=args.team, actor=choose_user(ctx.profile, ctx.given_user)
    )
    _say(change.message)
    return 0


def cmd_new(ctx: Context, args: argparse.Namespace) -> int:
    audience = [
        (*_audience(target), Role(role))
        for role in ("ack", "consult", "inform")
        for target in getattr(args, role)
    ]
    assertions = dict(lifecycle.parse_assertion(text) for text in args.asserts)
    change = ctx.service.create(
        ctx.user(),
        title=args.title,
        body=_body(args) or "",
        team=args.team,
        audience=audience,
        assertions=assertions,
    )
    _say(change.key or "")
    return 0


def cmd_revise(ctx: Context, args: argparse.Namespace) -> int:
    for name in args.unassert:
        lifecycle.check_assertion_key(name)
    change = ctx.service.revise(
        ctx.user(),
        args.key,
        summary=args.summary,
        title=args.title,
        body=_body(args),
        set_assertions=dict(lifecycle.parse_assertion(text) for text in args.asserts),
        unset_assertions=args.unassert,
        minor=args.minor,
        expect_revision=args.expect_revision,
    )
    _say(change.message)
    return 0


def cmd_open(ctx: Context, args: argparse.Namespace) -> int:
    _say(ctx.service.open(ctx.user(), args.key, deadline=parse_deadline(args.deadline)).message)
    return 0


def cmd_finalize(ctx: Context, args: argparse.Namespace) -> int:
    _say(ctx.service.finalize(ctx.user(), args.key).message)
    return 0


def cmd_supersede(ctx: Context, args: argparse.Namespace) -> int:
    _say(ctx.service.supersede(ctx.user(), args.key, by=args.by).message)
    return 0


def cmd_withdraw(ctx: Context, args: argparse.Namespace) -> int:
    _say(ctx.service.withdraw(ctx.user(), args.key).message)
    return 0


def cmd_ack(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.client() as client:
        _, message = client.acknowledge(args.key, args.revision)
    _say(message)
    return 0


def cmd_feedback(ctx: Context, args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise UsageError("The feedback is empty; write it with --text.")
    with ctx.client() as client:
        _, message = client.give_feedback(args.key, args.text, args.objection)
    _say(message)
    return 0


def cmd_admin(ctx: Context, args: argparse.Namespace) -> int:
    if args.admin_command == "grant":
        password = _read_password(args.password_stdin)
        _say(roles.grant(ctx.store, args.handle, password))
        with ctx.store.read() as session:
            known = args.handle in load_people(session)
        if not known or args.team:
            if not known and not args.name:
                raise UsageError(f'{args.handle} is not in the store yet; give --name "…".')
            change = ctx.service.add_person(
                args.handle,
                name=args.name or args.handle,
                teams=args.team,
                actor=choose_user(ctx.profile, ctx.given_user),
            )
            _say(change.message)
    elif args.admin_command == "revoke":
        _say(roles.revoke(ctx.store, args.handle))
    else:
        _say(roles.promote(ctx.store, args.handle))
    return 0


def _read_password(from_stdin: bool, *, confirm: bool = True) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise UsageError("No terminal to ask for the password; pass --password-stdin.")
    first = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Again: ") != first:
        raise UsageError("The two passwords differ; try again.")
    return first


def cmd_login(ctx: Context, args: argparse.Namespace) -> int:
    """Test a PostgreSQL login's password and keep it in the OS keyring (never in a file)."""
    from inbox.sync import credentials

    url = parse_store_url(ctx.choice.url)
    if url.get_backend_name() != "postgresql" or not url.username:
        raise UsageError(
            "login is for a PostgreSQL store URL with a user name, like "
            "postgresql://ana@db.example.com/decisions."
        )
    _warn_without_tls(ctx)
    keyring = credentials.CredentialStore()
    if not keyring.available():
        raise credentials.NoTrustedKeyringError(", ".join(keyring.untrusted))
    password = _read_password(args.password_stdin, confirm=False)
    store = StoreConnection.open(ctx.choice.url, password=password)
    try:
        store.version()  # a wrong password fails here, with its own sentence
    finally:
        store.dispose()
    keyring.set(credentials.account_name(url.username, url), password)
    _say(f"Saved the password of {url.username} for {redact(url)} in {keyring.backend_name}.")
    return 0


def cmd_watch(ctx: Context, args: argparse.Namespace) -> int:
    from inbox.cli_watch import watch

    with ctx.client() as client:
        return watch(client, ctx.profile.load(), as_json=args.json)


def cmd_inbox(ctx: Context, args: argparse.Namespace) -> int:
    user = ctx.user()
    stale = None
    with ctx.client(user) as client:
        outbox = client.state.entries()
        try:
            with ctx.store.read() as session:
                snapshot = load_snapshot(session)
        except StoreUnavailableError as exc:
            if client.cache.cursor is None:
                raise
            stale = exc.message
            snapshot = client.cache.snapshot()
    if user not in snapshot.people:
        raise NotFoundError(
            f"There is no person {user!r} in this store; check --user or add "
            f'them with `decision-inbox person add {user} --name "…"`.'
        )
    # What this machine acknowledged but the store has not confirmed yet counts as done.
    snapshot = overlay(snapshot, [e for e in outbox if e.status != ERROR], user)
    if stale:
        print(
            f"decision-inbox: {stale.rstrip('.')}; showing what this profile synced last.",
            file=sys.stderr,
        )
    now = utcnow()
    items = compute_inbox(user, snapshot, now)
    if args.json:
        _print_json(
            {
                "user": user,
                "items": [item.to_json() for item in items],
                "outbox": [cli_render.outbox_json(entry) for entry in outbox],
            }
        )
    else:
        _say(cli_render.inbox_text(user, items, now))
        if outbox:
            _say(cli_render.outbox_text(outbox))
    return 0


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.store.read() as session:
        decision = load_decision(session, args.key)
        people = load_people(session)
    if args.diff_from is not None and not 1 <= args.diff_from <= decision.revision:
        raise NotFoundError(
            f"{decision.key} has no revision {args.diff_from}; its revisions "
            f"are r1 to r{decision.revision}."
        )
    user = choose_user(ctx.profile, ctx.given_user)
    view = cli_render.DecisionView(decision, people, user, args.diff_from)
    if args.json:
        _print_json(view.to_json())
    else:
        _say(view.text())
    return 0


def cmd_digest(ctx: Context, args: argparse.Namespace) -> int:
    if args.days < 1:
        raise UsageError("--days must be 1 or more.")
    until = utcnow()
    since = until - timedelta(days=args.days)
    with ctx.store.read() as session:
        snapshot = load_snapshot(session)
        events = load_events(session, since)
    digest = build_digest(snapshot, events, since, until)
    if args.format == "json":
        _print_json(digest.to_json())
    else:
        sys.stdout.write(digest.to_markdown())
    return 0


HANDLERS: dict[str, Handler] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "team": cmd_team,
    "person": cmd_person,
    "new": cmd_new,
    "revise": cmd_revise,
    "open": cmd_open,
    "finalize": cmd_finalize,
    "supersede": cmd_supersede,
    "withdraw": cmd_withdraw,
    "ack": cmd_ack,
    "feedback": cmd_feedback,
    "watch": cmd_watch,
    "admin": cmd_admin,
    "login": cmd_login,
    "inbox": cmd_inbox,
    "show": cmd_show,
    "digest": cmd_digest,
}


def _print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _audience(text: str) -> tuple[str, str]:
    kind, sep, name = text.partition(":")
    if not sep or kind not in ("team", "person") or not name:
        raise UsageError(f"The audience {text!r} is malformed; write team:NAME or person:HANDLE.")
    return kind, name


def _body(args: argparse.Namespace) -> str | None:
    if args.body_file is None:
        return args.body  # type: ignore[no-any-return]
    if args.body_file == "-":
        return sys.stdin.read()
    try:
        return Path(args.body_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise UsageError(
            f"The body file {args.body_file} cannot be read ({reason}); check the path."
        ) from None


def parse_deadline(text: str) -> datetime:
    """ISO 8601; a time without offset is local time, a bare date means the end of that day."""
    text = text.strip()
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(23, 59))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"The deadline {text!r} is not ISO 8601; write it like "
            "2026-12-01T17:00 or 2026-12-01T17:00+01:00."
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the person's local time zone
    return moment
