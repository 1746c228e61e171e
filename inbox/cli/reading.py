"""The reading commands: ``inbox``, ``show``, ``digest`` and ``watch``."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from inbox.cli import render
from inbox.cli.context import Context
from inbox.cli.output import print_json, say
from inbox.cli.terminal import safe
from inbox.config.profile import choose_user
from inbox.core.digest import build_digest
from inbox.core.errors import NotFoundError, StoreUnavailableError, UsageError
from inbox.core.inbox import compute_inbox
from inbox.core.model import Snapshot
from inbox.store import validate
from inbox.store.clock import utcnow
from inbox.store.code_checks import load_code_checks
from inbox.store.reader import load_events, load_people
from inbox.sync.overlay import overlay, recorded
from inbox.sync.state import SENT, OutboxEntry


def cmd_watch(ctx: Context, args: argparse.Namespace) -> int:
    from inbox.cli.watch import watch

    # Strict before anything opens: a setting that can never work is one sentence and exit 2,
    # not a retry loop (unknown keys were already said, by the context).
    config = ctx.profile.load(strict=True).config
    with ctx.client() as client:
        return watch(client, config, as_json=args.json)


def cmd_inbox(ctx: Context, args: argparse.Namespace) -> int:
    user = ctx.user()
    stale = None
    with ctx.client(user) as client:
        outbox = client.state.entries()
        skipped = client.cache.skipped_events
        try:
            with ctx.store.read() as session:
                snapshot = validate.load_snapshot(session)
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
    if not stale:
        outbox = _still_waiting(outbox, snapshot, user)
    # What this machine acknowledged but the store has not confirmed yet counts as done.
    snapshot = overlay(snapshot, outbox, user)
    if stale:
        print(
            f"decision-inbox: {stale.rstrip('.')}; showing what this profile synced last.",
            file=sys.stderr,
        )
    _print_inbox(user, snapshot, outbox, skipped, as_json=args.json)
    return 0


def _print_inbox(
    user: str, snapshot: Snapshot, outbox: list[OutboxEntry], skipped: int, *, as_json: bool
) -> None:
    now = utcnow()
    items = compute_inbox(user, snapshot, now)
    if as_json:
        print_json(
            {
                "user": user,
                "items": [item.to_json() for item in items],
                "outbox": [render.outbox_json(entry) for entry in outbox],
                "unreadable": [
                    {"key": key, "cause": cause}
                    for key, cause in sorted(snapshot.unreadable.items())
                ],
                "skipped_events": skipped,
            }
        )
    else:
        say(render.inbox_text(user, items, now))
        if outbox:
            say(render.outbox_text(outbox))
        for line in validate.unreadable_lines(dict(snapshot.unreadable)):
            say(f"{line}.")
        if skipped:
            say(render.skipped_text(skipped))


def _still_waiting(outbox: list[OutboxEntry], snapshot: Snapshot, user: str) -> list[OutboxEntry]:
    """``outbox`` without what was sent and is in the store already: done, whether or not a
    sync of this profile has confirmed it yet."""
    by_key = {d.key: d for d in snapshot.decisions}
    return [
        e for e in outbox if not (e.status == SENT and recorded(e, by_key.get(e.decision), user))
    ]


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.store.read() as session:
        decision = validate.load_decision(session, args.key)
        people = load_people(session)
        code_checks = load_code_checks(session)
    if args.diff_from is not None and not 1 <= args.diff_from <= decision.revision:
        raise NotFoundError(
            f"{decision.key} has no revision {args.diff_from}; its revisions "
            f"are r1 to r{decision.revision}."
        )
    user = choose_user(ctx.profile, ctx.given_user, ctx.config)
    view = render.DecisionView(decision, people, user, args.diff_from, code_checks)
    if args.json:
        print_json(view.to_json())
    else:
        say(view.text())
    return 0


def cmd_digest(ctx: Context, args: argparse.Namespace) -> int:
    if args.days < 1:
        raise UsageError("--days must be 1 or more.")
    until = utcnow()
    since = until - timedelta(days=args.days)
    with ctx.store.read() as session:
        snapshot = validate.load_snapshot(session)
        events, _ = validate.usable_events(load_events(session, since))
    digest = build_digest(snapshot, events, since, until)
    if args.format == "json":
        print_json(digest.to_json())
    else:
        sys.stdout.write(safe(digest.to_markdown()))
    return 0
