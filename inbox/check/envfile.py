"""A ``.env`` file's variables with the line each is set on.

The format python-dotenv and docker compose read: ``NAME=value``, an optional ``export``,
``#`` comments, single quotes literal, double quotes with backslash escapes and possibly over
several lines. The last assignment of a name wins, as when the file is loaded. python-dotenv
itself is not used because its parser reports no line numbers in its public interface.
"""

from __future__ import annotations

import re

_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<rest>.*)$"
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$"}


def parse(text: str) -> dict[str, tuple[str, int]]:
    """``{name: (value, line)}``; lines that are not assignments are ignored, as dotenv does."""
    values: dict[str, tuple[str, int]] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        match = _ASSIGNMENT.match(lines[index])
        index += 1
        if match is None:
            continue
        rest = match["rest"]
        if rest.startswith(("'", '"')):
            quote = rest[0]
            body = rest[1:]
            while _closing(body, quote) < 0 and index < len(lines):
                body += "\n" + lines[index]
                index += 1
            end = _closing(body, quote)
            raw = body if end < 0 else body[:end]
            value = raw if quote == "'" else _unescape(raw)
        else:
            value = re.split(r"\s+#", rest, maxsplit=1)[0].strip()
        values[match["name"]] = (value, number)
    return values


def _closing(body: str, quote: str) -> int:
    """The index of the quote that ends ``body``, or -1; a double quote may be escaped."""
    i = 0
    while i < len(body):
        if quote == '"' and body[i] == "\\":
            i += 2
            continue
        if body[i] == quote:
            return i
        i += 1
    return -1


def _unescape(raw: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), raw)
