"""Answers to a careless user, through the real command: a decision finalized twice, a
person added twice under another name, and every subcommand option described in --help."""

from __future__ import annotations

import argparse

import pytest

from inbox.cli.parser import build_parser
from tests.processes import cli
from tests.sentences import one_sentence


@pytest.fixture
def store(store_url: str) -> str:
    cli("init", store=store_url)
    cli("team", "add", "web", store=store_url)  # a decision belongs to one of its owner's teams
    cli("person", "add", "ana", "--name", "Ana", "--team", "web", store=store_url)
    return store_url


def test_finalizing_a_finalized_decision_says_so_and_what_one_can_do(store: str) -> None:
    key = cli("new", "--title", "T", store=store, user="ana").out.strip()
    cli("finalize", key, store=store, user="ana")
    again = cli("finalize", key, store=store, user="ana", check=False)
    assert again.code == 1, again
    line = one_sentence(again.err, f"{key} is already finalized at r1", "revise", "supersede")
    assert "cannot be finalized" not in line, line


def test_adding_a_known_person_under_another_name_says_the_name_is_kept(store: str) -> None:
    cli("team", "add", "backend", store=store)
    same = cli("person", "add", "ana", "--name", "Other", store=store, check=False)
    assert same.code == 1, same
    one_sentence(same.err, "nothing to add", "the name stays 'Ana'", "never renames")
    joined = cli("person", "add", "ana", "--name", "Other", "--team", "backend", store=store)
    assert "member of backend" in joined.out and "the name stays 'Ana'" in joined.out, joined
    shown = cli("person", "add", "ana", "--name", "Ana", store=store, check=False)
    assert "name stays" not in shown.err, shown  # the same name: nothing to say about it


def _subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(((*path, name), sub))
                found.extend(_subcommands(sub, (*path, name)))
    return found


def test_every_option_of_every_subcommand_has_help_text() -> None:
    missing = [
        f"{' '.join(path)} {'/'.join(action.option_strings) or action.dest}"
        for path, sub in _subcommands(build_parser())
        for action in sub._actions
        if not isinstance(action, argparse._SubParsersAction)
        and action.help != argparse.SUPPRESS
        and not (action.help or "").strip()
    ]
    assert not missing, f"options without help text: {missing}"


@pytest.mark.parametrize("command", ["new", "ack", "check", "revise", "open", "feedback"])
def test_subcommand_help_shows_the_exit_codes(command: str) -> None:
    shown = cli(command, "--help").out
    assert "exit" in shown.lower() and "2" in shown, shown
