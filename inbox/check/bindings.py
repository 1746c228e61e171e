"""The bindings file, ``decisions.toml``: which value in which file follows which decision key.

Parsing refuses anything it cannot check for sure (a typo in a field name, two locators, a
regex without a group) with one sentence naming the file and line, because a CI gate that
silently skips a binding is worse than one that fails: the contract is in docs/check.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from inbox.core.errors import InboxError
from inbox.core.spelling import did_you_mean

FILENAME = "decisions.toml"
LOCATORS = ("json", "toml", "yaml", "ini", "env", "regex")
_TOP_FIELDS = ("team", "repo", "bind")
_BIND_FIELDS = ("key", "file", *LOCATORS, "scale", "decision")
_BIND_HEADER = re.compile(r"^\s*\[\[\s*bind\s*\]\]")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


class BindingsError(InboxError):
    """The bindings file is not valid: exit 2, as for any other malformed request."""

    exit_code = 2


@dataclass(frozen=True)
class Binding:
    """One ``[[bind]]`` table: ``file`` is relative to the bindings file's folder."""

    key: str
    file: str
    locator: str
    target: str
    scale: str | None
    decision: str | None
    line: int

    @property
    def locator_text(self) -> str:
        """How the docs and the messages show the locator, e.g. ``json /auth/refreshMinutes``."""
        return f"{self.locator} {self.target}"


@dataclass(frozen=True)
class BindingsFile:
    path: Path
    team: str | None
    repo: str | None
    bindings: tuple[Binding, ...]

    @property
    def root(self) -> Path:
        return self.path.parent


def find_bindings(start: Path) -> Path | None:
    """The nearest ``decisions.toml`` in ``start`` or one of its parents."""
    for folder in (start, *start.parents):
        candidate = folder / FILENAME
        if candidate.is_file():
            return candidate
    return None


def load_bindings(path: Path, shown: str) -> BindingsFile:
    """Read and validate ``path``; ``shown`` is how messages name it (relative when possible)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BindingsError(f"{shown} does not exist; check --bindings.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BindingsError(f"{shown} cannot be read ({exc}); check the file.") from None
    return parse_bindings(text, path, shown)


def parse_bindings(text: str, path: Path, shown: str) -> BindingsFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = match.group(1) if match and match.group(1) else str(text.count("\n") + 1)
        cause = _TOML_POSITION.sub("", message).rstrip(".")
        raise BindingsError(
            f"{shown}:{line}: this is not valid TOML ({cause}); fix the file."
        ) from None
    lines = _Lines(text, shown)
    _unknown_fields(data, _TOP_FIELDS, lines, 1, "the top level")
    team = _optional_text(data, "team", lines, 1)
    repo = _optional_text(data, "repo", lines, 1)
    tables = data.get("bind")
    if isinstance(tables, dict):
        raise lines.error(1, "bind", "bind must be an array of tables; write [[bind]]")
    if not isinstance(tables, list) or not tables:
        raise BindingsError(
            f"{shown}:1: this file binds nothing; add a [[bind]] table with key, file and a "
            "locator (docs/check.md)."
        )
    headers = lines.headers()
    bindings = []
    for index, table in enumerate(tables):
        start = headers[index] if len(headers) == len(tables) else lines.field_line("bind", 1)
        if not isinstance(table, dict):
            raise BindingsError(f"{shown}:{start}: each bind must be a table; use [[bind]].")
        bindings.append(_binding(table, lines, start))
    return BindingsFile(path, team, repo, tuple(bindings))


# Complexity C (radon): one check per field of a [[bind]] table, each with its own sentence and
# line.
def _binding(table: Mapping[str, Any], lines: _Lines, start: int) -> Binding:
    _unknown_fields(table, _BIND_FIELDS, lines, start, "a [[bind]] table")
    for name in ("key", "file"):
        if not isinstance(table.get(name), str) or not table[name].strip():
            raise lines.error(start, name, f'this binding has no {name}; give {name} = "…"')
    key = table["key"].strip()
    file = _relative_file(table["file"].strip(), lines, start)
    given = [name for name in LOCATORS if name in table]
    if len(given) != 1:
        found = f"{len(given)} ({', '.join(given)})" if given else "none"
        raise lines.error(
            start,
            None,
            f"binding {key} needs exactly one locator of {', '.join(LOCATORS)}, and has {found}",
        )
    locator = given[0]
    target = table[locator]
    if not isinstance(target, str):
        raise lines.error(start, locator, f"{locator} must be a string")
    _check_target(locator, target, key, lines, start)
    scale = table.get("scale")
    if scale is not None and (isinstance(scale, bool) or not isinstance(scale, int | float)):
        raise lines.error(start, "scale", "scale must be a number, e.g. scale = 60")
    if scale is not None and not scale > 0:
        raise lines.error(start, "scale", "scale must be greater than 0")
    decision = table.get("decision")
    if decision is not None and (not isinstance(decision, str) or not decision.strip()):
        raise lines.error(start, "decision", 'decision must be a decision key, e.g. "D-1"')
    return Binding(
        key=key,
        file=file,
        locator=locator,
        target=target,
        scale=None if scale is None else str(scale),
        decision=None if decision is None else decision.strip().upper(),
        line=start,
    )


# Complexity C (radon): one branch per locator kind's syntax rule.
def _check_target(locator: str, target: str, key: str, lines: _Lines, start: int) -> None:
    if locator == "json":
        if target and not target.startswith("/"):
            raise lines.error(
                start, locator, f'the JSON pointer {target!r} must start with "/" (RFC 6901)'
            )
        if re.search(r"~(?![01])", target):
            raise lines.error(
                start, locator, f"the JSON pointer {target!r} has a ~ that is not ~0 or ~1"
            )
    elif locator == "regex":
        try:
            pattern = re.compile(target)
        except re.error as exc:
            raise lines.error(start, locator, f"the regex of {key} is not valid ({exc})") from None
        if pattern.groups < 1:
            raise lines.error(
                start, locator, f"the regex of {key} needs a group around the value, e.g. (\\d+)"
            )
    elif not target.strip() or any(not part for part in target.split(".")):
        raise lines.error(start, locator, f"{locator} = {target!r} is not a dotted path")


def _relative_file(file: str, lines: _Lines, start: int) -> str:
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", file):
        raise lines.error(
            start,
            "file",
            f"file = {file!r} must be a path inside the repository, relative to {lines.shown}",
        )
    return str(path)


def _unknown_fields(
    table: Mapping[str, Any], known: tuple[str, ...], lines: _Lines, start: int, where: str
) -> None:
    for name in table:
        if name not in known:
            meant = did_you_mean(name, known)
            raise lines.error(start, name, f"{where} has an unknown field {name}{meant}")


def _optional_text(data: Mapping[str, Any], name: str, lines: _Lines, start: int) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise lines.error(start, name, f"{name} must be a non-empty string")
    return value.strip()


class _Lines:
    """Line numbers for messages: tomllib reports none for values, so the text is scanned."""

    def __init__(self, text: str, shown: str) -> None:
        self.lines = text.splitlines()
        self.shown = shown
        self._headers = [i + 1 for i, line in enumerate(self.lines) if _BIND_HEADER.match(line)]

    def headers(self) -> list[int]:
        return self._headers

    def field_line(self, name: str, start: int) -> int:
        """The line of ``name = …`` in the table that starts at ``start``, else ``start``."""
        pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        following = [h for h in self._headers if h > start]
        end = following[0] if following else len(self.lines) + 1
        for number in range(start, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def error(self, start: int, name: str | None, problem: str) -> BindingsError:
        line = self.field_line(name, start) if name else start
        return BindingsError(f"{self.shown}:{line}: {problem}; fix the file (docs/check.md).")
