"""The entry point of the command line: logging, parsing, and the one-sentence error boundary.

Every failure a user can meet leaves as one sentence on stderr and an exit code (2 usage,
3 conflict, 4 permission denied, 1 otherwise); a traceback only with ``--debug``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from inbox.cli import wording
from inbox.cli.parser import build_parser
from inbox.cli.terminal import safe
from inbox.core.errors import InboxError

log = logging.getLogger("inbox")


def main(argv: Sequence[str] | None = None) -> int:
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    # Statements can carry secrets (CREATE ROLE … PASSWORD): never log SQL, even with --debug.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        args = build_parser().parse_args(argv)
        if args.command in (None, "gui"):
            # The desktop app imports what it needs itself, after its window shows; the other
            # commands' modules would pull in SQLAlchemy first.
            from inbox.cli.gui import run_gui

            return run_gui(args)
        from inbox.cli import commands  # deferred: --help must not pay for SQLAlchemy

        return commands.run(args)
    except InboxError as exc:
        if debug:
            log.exception("failed")
        print(f"decision-inbox: {safe(wording.sentence(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("decision-inbox: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # the last line of defence: a sentence, never a traceback
        if debug:
            raise
        print(
            f"decision-inbox: unexpected error ({type(exc).__name__}: {exc}); run again with "
            "--debug and report the traceback.",
            file=sys.stderr,
        )
        return 1
