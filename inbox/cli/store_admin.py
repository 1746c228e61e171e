"""Commands that set up a store and its logins: ``init``, ``demo``, ``admin``, ``login``."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from pathlib import Path

from inbox.cli.context import Context
from inbox.cli.output import say, warn_without_tls
from inbox.config.profile import choose_user
from inbox.core.errors import UsageError
from inbox.store import roles
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url, redact
from inbox.store.reader import load_people


def cmd_init(ctx: Context, _: argparse.Namespace) -> int:
    warn_without_tls(ctx)
    before, after = ctx.store.initialise()
    if before == after:
        say(f"The store at {ctx.store.shown_url} is already at schema v{after}.")
    elif before is None:
        say(f"Created the store at {ctx.store.shown_url} (schema v{after}).")
    else:
        say(f"Upgraded the store at {ctx.store.shown_url} from schema v{before} to v{after}.")
    return 0


def cmd_demo(ctx: Context, args: argparse.Namespace) -> int:
    from inbox.cli.check import copy_demo_repo, demo_repo_target
    from inbox.store import demo

    repo = demo_repo_target(Path(args.repo)) if args.repo else None  # refused before seeding
    say(demo.seed(ctx.store))
    if repo is not None:
        say(copy_demo_repo(repo))
    if not choose_user(ctx.profile, ctx.given_user, ctx.config):
        ctx.profile.save(replace(ctx.config, user=demo.DEMO_USER))
        say(
            f"You are now {demo.DEMO_USER} (frontend) in this profile; "
            "`decision-inbox inbox` shows the demo from their side."
        )
    return 0


def cmd_admin(ctx: Context, args: argparse.Namespace) -> int:
    if args.admin_command == "grant":
        _admin_grant(ctx, args)
    elif args.admin_command == "status":
        from inbox.store import health

        say(f"Store: {ctx.store.shown_url}")
        for line in health.status(ctx.store).lines():
            say(line)
    elif args.admin_command == "revoke":
        say(roles.revoke(ctx.store, args.handle))
    else:
        say(roles.promote(ctx.store, args.handle))
    return 0


def _admin_grant(ctx: Context, args: argparse.Namespace) -> None:
    with ctx.store.read() as session:
        known = args.handle in load_people(session)
    if not known and not args.name:  # said before any login is made
        raise UsageError(f'{args.handle} is not in the store yet; give --name "…".')
    # An adopted role keeps the password its server administrator gave it: none is asked.
    password = None if args.adopt else _read_password(args.password_stdin)
    say(roles.grant(ctx.store, args.handle, password, adopt=args.adopt))
    if not known or args.team:
        change = ctx.service.add_person(
            args.handle,
            name=args.name or args.handle,
            teams=args.team,
            actor=choose_user(ctx.profile, ctx.given_user, ctx.config),
        )
        say(change.message)


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
    from inbox.platform import credentials
    from inbox.store.urls import account_name

    url = parse_store_url(ctx.choice.url)
    if url.get_backend_name() != "postgresql" or not url.username:
        raise UsageError(
            "login is for a PostgreSQL store URL with a user name, like "
            "postgresql://ana@db.example.com/decisions."
        )
    warn_without_tls(ctx)
    keyring = credentials.CredentialStore()
    if not keyring.available():
        raise credentials.NoTrustedKeyringError(", ".join(keyring.untrusted))
    password = _read_password(args.password_stdin, confirm=False)
    store = StoreConnection.open(ctx.choice.url, password=password)
    try:
        store.version()  # a wrong password fails here, with its own sentence
    finally:
        store.dispose()
    keyring.set(account_name(url.username, url), password)
    say(f"Saved the password of {url.username} for {redact(url)} in {keyring.backend_name}.")
    return 0
