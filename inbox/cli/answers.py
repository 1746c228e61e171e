"""The audience's answers: ``ack`` and ``feedback``, through the profile's outbox."""

from __future__ import annotations

import argparse

from inbox.cli.context import Context
from inbox.cli.output import say
from inbox.core.errors import UsageError


def cmd_ack(ctx: Context, args: argparse.Namespace) -> int:
    with ctx.client() as client:
        _, message = client.acknowledge(args.key, args.revision)
    say(message)
    return 0


def cmd_feedback(ctx: Context, args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise UsageError("The feedback is empty; write it with --text.")
    with ctx.client() as client:
        _, message = client.give_feedback(args.key, args.text, args.objection)
    say(message)
    return 0
