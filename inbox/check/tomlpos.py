"""The line of a TOML value: ``tomllib`` gives values only, so the text is scanned for the key.

The scan follows table headers (``[a.b]``, ``[[a]]`` with its index) and dotted or quoted keys,
and skips the inside of multi-line strings. A value inside an inline table or a multi-line
array is reported at the line of the key that holds it.
"""

from __future__ import annotations

import json
import re

_PART = r"(?:[A-Za-z0-9_-]+|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"^\s*(?P<open>\[\[?)\s*(?P<path>{_DOTTED})\s*\]\]?")
_KEY = re.compile(rf"^\s*(?P<path>{_DOTTED})\s*=\s*(?P<rest>.*)$")
_PIECE = re.compile(_PART)


def split_key(text: str) -> list[str]:
    parts = []
    for piece in _PIECE.findall(text):
        if piece.startswith('"'):
            parts.append(_basic_string(piece))
        elif piece.startswith("'"):
            parts.append(piece[1:-1])
        else:
            parts.append(piece)
    return parts


def _basic_string(piece: str) -> str:
    # TOML's basic-string escapes are JSON's plus \U and \e, which keys hardly ever use.
    try:
        value = json.loads(piece)
    except ValueError:
        return piece[1:-1]
    return value if isinstance(value, str) else piece[1:-1]


def line_of(text: str, target: str) -> int | None:
    """The line where the value at the dotted ``target`` is written, or where its holder is;
    else None. Paths compare joined, as the binding names them: ``"a.b" = 1`` is ``a.b``."""
    table: list[str] = []
    arrays: dict[tuple[str, ...], int] = {}
    best: tuple[int, int | None] = (0, None)
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        header = _HEADER.match(line)
        if header:
            parts = split_key(header["path"])
            if header["open"] == "[[":
                arrays[tuple(parts)] = arrays.get(tuple(parts), -1) + 1
            table = _concrete(parts, arrays)
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        full = ".".join(table + split_key(key["path"]))
        closing = _opens_multiline(key["rest"])
        if full == target:
            return number
        if target.startswith(full + ".") and len(full) > best[0]:
            best = (len(full), number)
    return best[1]


def _concrete(parts: list[str], arrays: dict[tuple[str, ...], int]) -> list[str]:
    """``[a.b]`` under ``[[a]]`` is ``a.<index>.b``: insert the current index of each array."""
    concrete: list[str] = []
    for i, part in enumerate(parts):
        concrete.append(part)
        index = arrays.get(tuple(parts[: i + 1]))
        if index is not None:
            concrete.append(str(index))
    return concrete


def _opens_multiline(rest: str) -> str | None:
    for quote in ('"""', "'''"):
        if rest.startswith(quote) and rest.count(quote) == 1:
            return quote
    return None
