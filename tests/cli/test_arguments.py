"""The parser's own sentences: an unknown option is named with the option probably meant (not
reported as a missing required one), and every command's help describes each option, its
default and the exit codes."""

from __future__ import annotations

import argparse

import pytest

from inbox import cli
from inbox.cli.parser import build_parser


@pytest.mark.parametrize(
    ("args", "unknown", "meant"),
    [
        (("new", "--titel", "X"), "--titel", "--title"),
        (("new", "--title", "X", "--bdy", "y"), "--bdy", "--body"),
        (("inbox", "--jsn"), "--jsn", "--json"),
        (("revise", "D-1", "--sumary", "s"), "--sumary", "--summary"),
    ],
)
def test_an_unknown_option_is_named_with_the_one_meant(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], unknown: str, meant: str
) -> None:
    assert cli.main(["--store", "unused.sqlite", "--user", "ana", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"Unknown option {unknown} for `decision-inbox {args[0]}`" in err, err
    assert f"did you mean {meant}?" in err and "required" not in err, err


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.append(sub)
                found += _commands(sub)
    return found


def test_every_option_of_every_command_is_described() -> None:
    for command in _commands(build_parser()):
        text = command.format_help()
        assert "exit codes:" in text and "3  conflict" in text, command.prog
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"{command.prog}: {action.option_strings or action.dest}"


def test_help_shows_meaningful_defaults_only() -> None:
    digest = next(c for c in _commands(build_parser()) if c.prog.endswith(" digest"))
    text = digest.format_help()
    assert "(default: 7)" in text and "(default: markdown)" in text
    assert "(default: None)" not in text and "(default: False)" not in text
