"""JSON with positions: RFC 6901 pointers resolved to a value and the line it sits on.

``json`` reports no positions for values, so after ``json.loads`` has accepted the text (and
given its own good message when it does not), this small scanner walks the same text once and
records where each value starts. Strings are decoded by ``json``'s own ``scanstring``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": "true", "false": "false", "null": "null"}


class PointerError(Exception):
    """The pointer names nothing in the document; the message says which part is missing."""


@dataclass
class Node:
    """A JSON value: ``text`` for a scalar (a number as written), else children."""

    offset: int
    text: str | None = None
    members: dict[str, Node] = field(default_factory=dict)
    items: list[Node] = field(default_factory=list)
    kind: str = "scalar"


def parse(text: str) -> Node:
    """The tree of ``text``; raises ``ValueError`` (``json``'s message) when it is not JSON."""
    json.loads(text, parse_constant=_not_json)
    return _Scanner(text).document()


def resolve(root: Node, pointer: str) -> Node:
    node = root
    walked = ""
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        walked += "/" + raw
        if node.kind == "object":
            if token not in node.members:
                raise PointerError(f"nothing at {walked}")
            node = node.members[token]
        elif node.kind == "array":
            if not re.fullmatch(r"0|[1-9]\d*", token) or int(token) >= len(node.items):
                raise PointerError(f"no array item {token!r} at {walked}")
            node = node.items[int(token)]
        else:
            raise PointerError(f"{walked} goes inside a value that is not an object or array")
    return node


def _not_json(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def document(self) -> Node:
        self._skip()
        return self._value()

    def _skip(self) -> None:
        match = _WHITESPACE.match(self.text, self.pos)
        assert match is not None
        self.pos = match.end()

    def _value(self) -> Node:
        start = self.pos
        char = self.text[start]
        if char == "{":
            return self._object(start)
        if char == "[":
            return self._array(start)
        if char == '"':
            value, self.pos = scanstring(self.text, start + 1)
            return Node(start, text=value)
        for word, shown in _LITERALS.items():
            if self.text.startswith(word, start):
                self.pos = start + len(word)
                return Node(start, text=shown)
        match = _NUMBER.match(self.text, start)
        assert match is not None  # json.loads accepted the text
        self.pos = match.end()
        return Node(start, text=match.group())

    def _object(self, start: int) -> Node:
        node = Node(start, kind="object")
        self.pos += 1
        self._skip()
        if self.text[self.pos] == "}":
            self.pos += 1
            return node
        while True:
            self._skip()
            name, self.pos = scanstring(self.text, self.pos + 1)
            self._skip()
            self.pos += 1  # the colon
            self._skip()
            node.members[name] = self._value()  # a repeated name: the last wins, as in json
            self._skip()
            separator = self.text[self.pos]
            self.pos += 1
            if separator == "}":
                return node

    def _array(self, start: int) -> Node:
        node = Node(start, kind="array")
        self.pos += 1
        self._skip()
        if self.text[self.pos] == "]":
            self.pos += 1
            return node
        while True:
            self._skip()
            node.items.append(self._value())
            self._skip()
            separator = self.text[self.pos]
            self.pos += 1
            if separator == "]":
                return node
