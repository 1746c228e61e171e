"""The directory commands: ``team add`` and ``person add``."""

from __future__ import annotations

import argparse

from inbox.cli.context import Context
from inbox.cli.output import say
from inbox.config.profile import choose_user


def cmd_team(ctx: Context, args: argparse.Namespace) -> int:
    say(ctx.service.add_team(args.name, actor=choose_user(ctx.profile, ctx.given_user)).message)
    return 0


def cmd_person(ctx: Context, args: argparse.Namespace) -> int:
    actor = choose_user(ctx.profile, ctx.given_user)
    if args.person_command == "remove":
        change = ctx.service.remove_from_teams(args.handle, args.team, actor=actor)
    else:
        change = ctx.service.add_person(args.handle, name=args.name, teams=args.team, actor=actor)
    say(change.message)
    return 0
