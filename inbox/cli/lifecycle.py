"""The owner's commands: ``new``, ``revise``, ``open``, ``finalize``, ``supersede``, ``withdraw``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from inbox.cli.context import Context
from inbox.cli.output import say
from inbox.core import lifecycle
from inbox.core.errors import UsageError
from inbox.core.fields import DEADLINE_YEARS_AHEAD
from inbox.core.model import Role
from inbox.core.times import from_local


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
    say(change.key or "")
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
    say(change.message)
    return 0


def cmd_open(ctx: Context, args: argparse.Namespace) -> int:
    say(ctx.service.open(ctx.user(), args.key, deadline=parse_deadline(args.deadline)).message)
    return 0


def cmd_finalize(ctx: Context, args: argparse.Namespace) -> int:
    say(ctx.service.finalize(ctx.user(), args.key).message)
    return 0


def cmd_supersede(ctx: Context, args: argparse.Namespace) -> int:
    say(ctx.service.supersede(ctx.user(), args.key, by=args.by).message)
    return 0


def cmd_withdraw(ctx: Context, args: argparse.Namespace) -> int:
    say(ctx.service.withdraw(ctx.user(), args.key).message)
    return 0


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


"""A feedback deadline lies days or weeks ahead; ten years leaves room for any real one and keeps
every deadline representable in every time zone (9999-12-31 in UTC-12 is past year 9999)."""


def parse_deadline(text: str, now: datetime | None = None) -> datetime:
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
    now = now or datetime.now(UTC)
    limit = now.replace(tzinfo=None) + timedelta(days=366 * DEADLINE_YEARS_AHEAD)
    if moment.replace(tzinfo=None) > limit:
        raise UsageError(
            f"The deadline {text} is more than {DEADLINE_YEARS_AHEAD} years away; give a date "
            "in the next few weeks or months."
        )
    if moment.tzinfo is None:
        try:
            moment = from_local(moment)  # the person's local time zone
        except ValueError:
            raise UsageError(
                f"The deadline {text} does not exist in your time zone (the clocks skip that "
                "hour for daylight saving time); pick another time or give an offset, like "
                f"{text}+01:00."
            ) from None
    return moment
