"""argparse made to follow the command line's rules: a usage error is one sentence and exit 2,
an unknown option is named (with the option probably meant), and help shows defaults and exit
codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from inbox.core.errors import UsageError
from inbox.core.spelling import did_you_mean

EXIT_CODES = """exit codes:
  0  success
  1  failure: an unknown key, a wrong state, an unreachable store
  2  usage: a bad option or value, a missing identity
  3  conflict: the decision moved on (the message names its current revision)
  4  permission denied"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows an option's default when it has a meaningful one (not None, off or empty)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            text
            and "%(default)" not in text
            and "(default" not in text
            and default not in (None, False, [], argparse.SUPPRESS)
        ):
            text += " (default: %(default)s)"
        return text


class Parser(argparse.ArgumentParser):
    """The parser of the command line and of each command."""

    # The innermost parser that took arguments in this parse: an unknown option belongs to the
    # command being parsed, not to the top level that reports leftovers.
    _innermost: Parser | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("epilog", EXIT_CODES)
        super().__init__(*args, **kwargs)
        self._given: list[str] = []

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)
        Parser._innermost = self
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        parser = Parser._innermost or self
        unknown = parser.unknown_option()
        if unknown is not None:
            raise UsageError(unknown)
        raise UsageError(f"{message[0].upper()}{message[1:]}; see `{self.prog} --help`.")

    def unknown_option(self) -> str | None:
        """The sentence for the first option given that this parser does not know, if any:
        argparse would otherwise report a required option as missing (``--titel X`` says
        "--title is required")."""
        known = list(self._option_string_actions)
        for token in self._given:
            if token == "--":
                break
            name = token.split("=", 1)[0]
            if not name.startswith("-") or name in known or _is_number(name):
                continue
            if any(option.startswith(name) for option in known if option.startswith("--")):
                continue  # an abbreviation argparse accepts
            meant = did_you_mean(name, known)
            return f"Unknown option {name} for `{self.prog}`{meant}; see `{self.prog} --help`."
        return None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
