"""The command line's parser: every command, option and default of the documented contract."""

from __future__ import annotations

import argparse

from inbox import __version__
from inbox.cli.arguments import Parser

KEY_HELP = "the decision's key, e.g. D-12"
JSON_HELP = "print JSON instead of text"
ASSERT_HELP = (
    "assert that the dotted key K has the value V, e.g. auth.token.refresh_minutes=60 (repeatable)"
)


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # Accepted before and after the command; SUPPRESS keeps a later default from erasing an
    # earlier value.
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--store",
        metavar="URL",
        default=default,
        help="SQLite file path or postgresql:// URL "
        "(default: $DECISION_INBOX_STORE, the configured store, or the "
        "embedded SQLite store)",
    )
    parser.add_argument(
        "--user",
        metavar="HANDLE",
        default=default,
        help="who you are (default: $DECISION_INBOX_USER or the configured identity)",
    )
    parser.add_argument(
        "--profile-dir",
        metavar="DIR",
        default=default,
        help="keep config, cache and logs in DIR ($DECISION_INBOX_PROFILE)",
    )
    parser.add_argument(
        "--allow-network-filesystem",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="open a SQLite store on a network filesystem anyway (unsafe when two machines use it)",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show tracebacks and debug logs",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="decision-inbox",
        description="Cross-team decisions with owners, deadlines and acknowledgments.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="seed the demo into the store first if it is empty"
    )
    _global_options(parser, suppress=False)
    common = Parser(add_help=False)
    _global_options(common, suppress=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, parents=[common], description=help_text)

    gui = command("gui", "start the desktop app")
    gui.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="seed the demo into the store first if it is empty",
    )
    gui.add_argument(
        "--screenshot",
        metavar="FILE",
        help="sync once, render the main window to a PNG and exit",
    )
    gui.add_argument("--select", metavar="KEY", help="show this decision")
    gui.add_argument("--size", metavar="WxH", help="window size for --screenshot (1280x800)")
    command("init", "create or upgrade the store schema")
    command("demo", "seed the demo scenario into the store").add_argument(
        "--repo", metavar="DIR", help="also copy the demo's sample repository to DIR (new or empty)"
    )

    team = command("team", "the team directory")
    team_commands = team.add_subparsers(
        dest="team_command", metavar="ACTION", parser_class=Parser, required=True
    )
    team_add = team_commands.add_parser("add", help="add a team", parents=[common])
    team_add.add_argument("name", metavar="NAME", help="the team's name, e.g. backend")

    person = command("person", "the people directory")
    person_commands = person.add_subparsers(
        dest="person_command", metavar="ACTION", parser_class=Parser, required=True
    )
    person_add = person_commands.add_parser(
        "add", help="add a person (or add them to teams)", parents=[common]
    )
    person_add.add_argument("handle", metavar="HANDLE", help="their handle, e.g. ana")
    person_add.add_argument("--name", required=True, help="display name")
    person_add.add_argument(
        "--team", action="append", default=[], metavar="NAME", help="a team to join (repeatable)"
    )
    person_remove = person_commands.add_parser(
        "remove", help="take a person out of teams", parents=[common]
    )
    person_remove.add_argument("handle", metavar="HANDLE", help="their handle, e.g. ana")
    person_remove.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="NAME",
        required=True,
        help="a team to leave (repeatable)",
    )

    new = command("new", "create a draft decision owned by --user; prints its key")
    new.add_argument("--title", required=True, help="a short title")
    _body_options(new)
    new.add_argument("--team", metavar="NAME", help="owning team (default: your only team)")
    for role in ("ack", "consult", "inform"):
        new.add_argument(
            f"--{role}", action="append", default=[], metavar="W", help="team:NAME or person:HANDLE"
        )
    new.add_argument(
        "--assert", dest="asserts", action="append", default=[], metavar="K=V", help=ASSERT_HELP
    )

    revise = command("revise", "add a revision")
    revise.add_argument("key", metavar="KEY", help=KEY_HELP)
    revise.add_argument("--title", help="a new title (default: unchanged)")
    _body_options(revise)
    revise.add_argument(
        "--assert", dest="asserts", action="append", default=[], metavar="K=V", help=ASSERT_HELP
    )
    revise.add_argument(
        "--unassert",
        action="append",
        default=[],
        metavar="K",
        help="drop the assertion K (repeatable)",
    )
    revise.add_argument(
        "--summary", required=True, help="what changed and why, for the people who acknowledge it"
    )
    revise.add_argument(
        "--minor",
        action="store_true",
        help="no re-acknowledgment needed (not allowed when assertions change)",
    )
    revise.add_argument(
        "--expect-revision",
        type=int,
        metavar="N",
        help="fail with exit 3 unless the decision is still at revision N",
    )

    open_ = command("open", "open a draft for feedback until a deadline")
    open_.add_argument("key", help=KEY_HELP)
    open_.add_argument(
        "--deadline",
        required=True,
        metavar="ISO-8601",
        help="feedback due by then; local time unless an offset is given; a date means 23:59",
    )
    command("finalize", "mark a decision finalized").add_argument("key", help=KEY_HELP)
    supersede = command("supersede", "replace a decision by another")
    supersede.add_argument("key", help="the decision that is replaced")
    supersede.add_argument(
        "--by", required=True, metavar="KEY2", help="the decision that replaces it"
    )
    command("withdraw", "withdraw a decision").add_argument("key", metavar="KEY", help=KEY_HELP)

    ack = command("ack", "acknowledge a revision (the current one by default)")
    ack.add_argument("key", help=KEY_HELP)
    ack.add_argument(
        "--revision", type=int, metavar="N", help="the revision you read (default: the current one)"
    )
    feedback = command("feedback", "comment on, or object to, the current revision")
    feedback.add_argument("key", help=KEY_HELP)
    feedback.add_argument("--text", required=True, help="your comment")
    feedback.add_argument(
        "--objection", action="store_true", help="mark it as an objection the owner must answer"
    )

    command("watch", "sync continuously and print each notification, one line each").add_argument(
        "--json", action="store_true", help="one JSON object per line"
    )
    admin = command("admin", "login roles on a PostgreSQL store (run as an admin or superuser)")
    admin_commands = admin.add_subparsers(
        dest="admin_command", metavar="ACTION", parser_class=Parser, required=True
    )
    admin_grant = admin_commands.add_parser(
        "grant", help="create a person's login role and add them", parents=[common]
    )
    admin_grant.add_argument("handle", metavar="HANDLE", help="the login role and handle")
    admin_grant.add_argument("--name", help="display name (needed for a new person)")
    admin_grant.add_argument(
        "--team", action="append", default=[], metavar="NAME", help="a team to join (repeatable)"
    )
    admin_grant.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    admin_grant.add_argument(
        "--adopt",
        action="store_true",
        help="make an existing server role (not a superuser) a member of this store; it keeps "
        "its own password and attributes and gets the store's session limits",
    )
    for action, text in (("revoke", "stop a login role"), ("promote", "make a person an admin")):
        admin_commands.add_parser(action, help=text, parents=[common]).add_argument(
            "handle", metavar="HANDLE", help="the login role and handle"
        )
    admin_commands.add_parser(
        "status",
        help="the store's health: clients, oldest open transaction, NOTIFY queue, feed size",
        parents=[common],
    )
    command("login", "check a PostgreSQL password and keep it in the OS keyring").add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    command("inbox", "what you owe or should see").add_argument(
        "--json", action="store_true", help=JSON_HELP
    )
    show = command("show", "one decision")
    show.add_argument("key", help=KEY_HELP)
    show.add_argument("--json", action="store_true", help=JSON_HELP)
    show.add_argument(
        "--diff-from",
        type=int,
        metavar="N",
        help="also show what changed from revision N to the current one",
    )
    digest = command("digest", "agenda for the weekly cross-team dependency sync")
    digest.add_argument("--days", type=int, default=7, metavar="N", help="look back N days")
    digest.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="output format"
    )
    _check_command(command("check", "fail when this repository's code contradicts a decision"))
    return parser


def _check_command(check: argparse.ArgumentParser) -> None:
    check.add_argument(
        "--bindings",
        metavar="FILE",
        help="the bindings file (default: decisions.toml here or in a folder above)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="output format; github prints workflow commands that annotate a pull request",
    )
    check.add_argument(
        "--output", metavar="FILE", help="write the output to FILE (default: standard output)"
    )
    check.add_argument(
        "--strict", action="store_true", help="a bound key no live decision asserts is an error"
    )
    check.add_argument(
        "--require-store",
        action="store_true",
        help="fail when the store cannot be reached instead of using this profile's cache",
    )
    check.add_argument(
        "--report",
        action="store_true",
        help="also record what the code says in the store, for the bindings file's team "
        "(needs the store, never the cache)",
    )


def _body_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--body", help="Markdown text")
    group.add_argument(
        "--body-file", metavar="F", help="read the Markdown body from F (- for stdin)"
    )
