"""Text from the store cannot steer the terminal: escape sequences, bells and line breaks in
titles, values and bodies are shown as escapes in every human-readable output."""

from __future__ import annotations

import json
import re

import pytest

from inbox.cli.terminal import inline, safe
from inbox.core import fields
from inbox.core.model import Role
from tests.processes import cli
from tests.store.helpers import open_store

HOSTILE_TITLE = "Innocent\x1b[2J\x1b]0;pwned\x07"
FAKE_LINE = "Real title\nD-99   needs your acknowledgment"
HIDING_VALUE = "15\x1b[8m (really 60)"
CONTROL = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, 0x9B)]


def test_safe_shows_every_control_character_but_newline_and_tab() -> None:
    for char in CONTROL:
        assert char not in safe(f"a{char}b")
    assert safe("line one\n\tline two") == "line one\n\tline two"
    assert safe("\x1b[2J") == "\\x1b[2J"


def test_inline_also_shows_line_breaks() -> None:
    assert inline("a\nb\rc\td") == "a\\nb\\rc\\td"
    assert "\n" not in inline("x\u2028y\x85z")


@pytest.fixture
def hostile_store(sqlite_url: str) -> str:
    """A store holding control characters, as one written before the store checked for them
    (or by hand) does: the output must neutralise them whatever the store holds."""
    never = re.compile(r"(?!)")
    store, service = open_store(sqlite_url)
    patch = pytest.MonkeyPatch()
    patch.setattr(fields, "_CONTROL_MULTILINE", never)
    patch.setattr(fields, "_CONTROL_ONE_LINE", never)
    try:
        for title in (HOSTILE_TITLE, FAKE_LINE):
            change = service.create(
                "ana",
                title=title,
                body="Body with a bell\x07 and a clear\x1b[2J",
                team="backend",
                audience=[("team", "frontend", Role.ACK)],
                assertions={"auth.token.refresh_minutes": HIDING_VALUE},
            )
            service.finalize("ana", change.key or "")
    finally:
        patch.undo()
        store.dispose()
    return sqlite_url


def _no_control(text: str) -> None:
    for char in CONTROL:
        assert char not in text, (char, text)


@pytest.mark.parametrize(
    "args",
    [
        ("inbox",),
        ("show", "D-1"),
        ("show", "D-2"),
        ("digest",),
        ("show", "D-1", "--diff-from", "1"),
    ],
)
def test_human_output_neutralises_what_came_from_the_store(
    hostile_store: str, args: tuple[str, ...]
) -> None:
    result = cli(*args, store=hostile_store, user="fred")
    _no_control(result.out)
    _no_control(result.err)
    assert not any(line.startswith("D-99") for line in result.out.splitlines()), result.out


def test_the_fake_line_stays_inside_its_title(hostile_store: str) -> None:
    out = cli("inbox", store=hostile_store, user="fred").out
    assert "Real title\\nD-99   needs your acknowledgment" in out
    assert "Innocent\\x1b[2J\\x1b]0;pwned\\x07" in out


def test_json_output_keeps_the_exact_text(hostile_store: str) -> None:
    shown = json.loads(cli("show", "D-1", "--json", store=hostile_store, user="fred").out)
    assert shown["title"] == HOSTILE_TITLE
    assert shown["assertions"]["auth.token.refresh_minutes"] == HIDING_VALUE
