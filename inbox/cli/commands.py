"""Which function runs each command (the desktop app starts in ``inbox.cli.gui``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from inbox.cli import answers, check, directory, lifecycle, reading, store_admin
from inbox.cli.context import Context

Handler = Callable[[Context, argparse.Namespace], int]

HANDLERS: dict[str, Handler] = {
    "init": store_admin.cmd_init,
    "demo": store_admin.cmd_demo,
    "admin": store_admin.cmd_admin,
    "login": store_admin.cmd_login,
    "team": directory.cmd_team,
    "person": directory.cmd_person,
    "new": lifecycle.cmd_new,
    "revise": lifecycle.cmd_revise,
    "open": lifecycle.cmd_open,
    "finalize": lifecycle.cmd_finalize,
    "supersede": lifecycle.cmd_supersede,
    "withdraw": lifecycle.cmd_withdraw,
    "ack": answers.cmd_ack,
    "feedback": answers.cmd_feedback,
    "watch": reading.cmd_watch,
    "inbox": reading.cmd_inbox,
    "show": reading.cmd_show,
    "digest": reading.cmd_digest,
    "check": check.cmd_check,
}


def run(args: argparse.Namespace) -> int:
    context = Context(args)
    try:
        return HANDLERS[args.command](context, args)
    finally:
        context.close()
