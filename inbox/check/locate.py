"""Finding a binding's value in its file, with the line it sits on, for every locator kind.

Each file is read once and parsed once per format however many bindings point into it. Any
locator that does not resolve raises :class:`UnresolvedError` with the reason as a phrase
("src/app.yaml has nothing at auth.refresh"), which the status wraps into its sentence.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from inbox.check import envfile, jsonpos, tomlpos
from inbox.check.bindings import Binding


class UnresolvedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Found:
    value: str
    line: int


class _Text:
    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self._newlines, offset - 1) + 1


class Files:
    """The files of one repository, read on first use; ``display`` names a file in messages."""

    def __init__(self, root: Path, display: Callable[[str], str]) -> None:
        self.root = root
        self.display = display
        self._texts: dict[str, _Text | UnresolvedError] = {}
        self._parsed: dict[tuple[str, str], Any] = {}

    def locate(self, binding: Binding) -> Found:
        locate = _LOCATORS[binding.locator]
        return locate(self, binding)

    def text(self, file: str) -> _Text:
        if file not in self._texts:
            self._texts[file] = self._read(file)
        got = self._texts[file]
        if isinstance(got, UnresolvedError):
            raise got
        return got

    def _read(self, file: str) -> _Text | UnresolvedError:
        path = self.root / file
        shown = self.display(file)
        try:
            # utf-8-sig: a byte-order mark some editors write is not part of the first key.
            return _Text(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            return UnresolvedError(f"{shown} does not exist")
        except IsADirectoryError:
            return UnresolvedError(f"{shown} is a folder, not a file")
        except UnicodeDecodeError:
            return UnresolvedError(f"{shown} is not UTF-8 text")
        except OSError as exc:
            return UnresolvedError(f"{shown} cannot be read ({exc.strerror or exc})")

    def parsed(self, file: str, kind: str, parse: Callable[[str], Any]) -> Any:
        """``parse(text)`` of ``file``, once; a failure is the file's reason for every binding."""
        key = (file, kind)
        if key not in self._parsed:
            try:
                self._parsed[key] = parse(self.text(file).text)
            except UnresolvedError as exc:
                self._parsed[key] = exc
            except Exception as exc:  # each parser raises its own kinds; all mean "not valid"
                self._parsed[key] = UnresolvedError(
                    f"{self.display(file)} is not valid {kind.upper()} ({_first_line(exc)})"
                )
        got = self._parsed[key]
        if isinstance(got, UnresolvedError):
            raise got
        return got


def _json(files: Files, b: Binding) -> Found:
    root = files.parsed(b.file, "json", jsonpos.parse)
    try:
        node = jsonpos.resolve(root, b.target)
    except jsonpos.PointerError as exc:
        raise UnresolvedError(
            f"{files.display(b.file)} has no value at JSON pointer {b.target} ({exc})"
        ) from None
    if node.text is None:
        raise UnresolvedError(
            f"JSON pointer {b.target} in {files.display(b.file)} points at an {node.kind}, "
            "not a value"
        )
    return Found(node.text, files.text(b.file).line_of(node.offset))


def _toml(files: Files, b: Binding) -> Found:
    data = files.parsed(b.file, "toml", tomllib.loads)
    value = _walk(data, b.target.split("."))
    if value is None:
        raise UnresolvedError(f"{files.display(b.file)} has no TOML key {b.target}")
    if isinstance(value, dict | list):
        raise UnresolvedError(
            f"TOML key {b.target} in {files.display(b.file)} is a table or array, not a value"
        )
    line = tomlpos.line_of(files.text(b.file).text, b.target)
    return Found(_toml_text(value), line or 1)


def _toml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _walk(data: Any, parts: list[str]) -> Any:
    """Follow a dotted path through tables and arrays; a key may itself hold dots."""
    if not parts:
        return data
    if isinstance(data, list):
        head = parts[0]
        if re.fullmatch(r"\d+", head) and int(head) < len(data):
            return _walk(data[int(head)], parts[1:])
        return None
    if isinstance(data, dict):
        for size in range(len(parts), 0, -1):
            name = ".".join(parts[:size])
            if name in data:
                found = _walk(data[name], parts[size:])
                if found is not None:
                    return found
    return None


def _yaml(files: Files, b: Binding) -> Found:
    root = files.parsed(b.file, "yaml", _compose_yaml)
    node = _yaml_walk(root, b.target.split("."))
    if node is None:
        raise UnresolvedError(f"{files.display(b.file)} has nothing at YAML path {b.target}")
    if not isinstance(node, yaml.ScalarNode):
        raise UnresolvedError(
            f"YAML path {b.target} in {files.display(b.file)} is a mapping or list, not a value"
        )
    return Found(str(node.value), node.start_mark.line + 1)


def _compose_yaml(text: str) -> yaml.Node | None:
    # SafeLoader: a repository's YAML must never construct Python objects; compose builds only
    # nodes, which carry their line.
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ValueError(f"{where}{exc.problem or exc.context}") from None


# Complexity C (radon): one branch per YAML node kind (mapping, sequence, scalar) and its miss.
def _yaml_walk(node: yaml.Node | None, parts: list[str]) -> yaml.Node | None:
    if node is None or not parts:
        return node
    if isinstance(node, yaml.SequenceNode):
        head = parts[0]
        if re.fullmatch(r"\d+", head) and int(head) < len(node.value):
            return _yaml_walk(node.value[int(head)], parts[1:])
        return None
    if isinstance(node, yaml.MappingNode):
        keys = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        for size in range(len(parts), 0, -1):
            name = ".".join(parts[:size])
            if name in keys:
                found = _yaml_walk(keys[name], parts[size:])
                if found is not None:
                    return found
    return None


def _ini(files: Files, b: Binding) -> Found:
    parser = files.parsed(b.file, "ini", _parse_ini)
    for section, option in _splits(b.target):
        known = section == parser.default_section or parser.has_section(section)
        if known and parser.has_option(section, option):
            value = parser.get(section, option, raw=True)
            line = _ini_line(files.text(b.file).text, section, option, parser)
            return Found(str(value), line)
    raise UnresolvedError(f"{files.display(b.file)} has no INI key {b.target} (section.key)")


def _parse_ini(text: str) -> configparser.ConfigParser:
    # No interpolation: %(x)s must compare as written, not expanded.
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def _splits(target: str) -> Iterator[tuple[str, str]]:
    """``a.b.c`` as (a.b, c) then (a, b.c): section names hold dots more often than keys."""
    dots = [i for i, char in enumerate(target) if char == "."]
    for i in reversed(dots):
        yield target[:i], target[i + 1 :]


_INI_SECTION = re.compile(r"^\[(?P<name>[^\]]+)\]")
_INI_KEY = re.compile(r"^(?P<name>[^\s=:#;][^=:]*?)\s*[=:]")


def _ini_line(text: str, section: str, option: str, parser: configparser.ConfigParser) -> int:
    """The line of ``option`` in ``section``, or in the default section it falls back to."""
    current: str | None = None
    fallback = 1
    for number, line in enumerate(text.splitlines(), 1):
        header = _INI_SECTION.match(line.strip())
        if header:
            current = header["name"].strip()
            continue
        key = _INI_KEY.match(line)  # an indented line continues a value
        if key is None or parser.optionxform(key["name"].strip()) != parser.optionxform(option):
            continue
        if current == section:
            return number
        if current == parser.default_section and fallback == 1:
            fallback = number
    return fallback


def _env(files: Files, b: Binding) -> Found:
    values = files.parsed(b.file, "env", envfile.parse)
    if b.target not in values:
        raise UnresolvedError(f"{files.display(b.file)} sets no variable {b.target}")
    value, line = values[b.target]
    return Found(value, line)


def _regex(files: Files, b: Binding) -> Found:
    text = files.text(b.file)
    pattern = re.compile(b.target, re.MULTILINE)
    found = list(pattern.finditer(text.text))
    shown = files.display(b.file)
    if not found:
        raise UnresolvedError(f"the regex {b.target!r} matches nothing in {shown}")
    if len(found) > 1:
        lines = ", ".join(str(text.line_of(m.start())) for m in found[:5])
        more = ", …" if len(found) > 5 else ""
        raise UnresolvedError(
            f"the regex {b.target!r} matches {len(found)} times in {shown} (lines {lines}{more}), "
            "and must match exactly once"
        )
    match = found[0]
    if match.group(1) is None:
        raise UnresolvedError(f"the first group of the regex {b.target!r} matched nothing")
    return Found(match.group(1), text.line_of(match.start(1)))


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in lines[:3]).rstrip(".") or type(exc).__name__


_LOCATORS: dict[str, Callable[[Files, Binding], Found]] = {
    "json": _json,
    "toml": _toml,
    "yaml": _yaml,
    "ini": _ini,
    "env": _env,
    "regex": _regex,
}
