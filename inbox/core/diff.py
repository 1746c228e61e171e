"""What changed between two revisions of one decision: title, Markdown body and assertions.

This is what a person who acknowledged revision a reads before acknowledging revision c, so
assertion changes come first and are exact; the body is a plain unified diff.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from inbox.core.model import Decision, Revision

NO_NEWLINE = "\\ No newline at end of file"


class AssertionChange(NamedTuple):
    """One assertion key whose value differs; ``None`` means the key is absent on that side."""

    key: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "old": self.old, "new": self.new}


class BodyChange:
    """Two different bodies; their unified diff is computed when first read, then kept.

    An inbox item carries the diff of every decision that changed since the person acknowledged
    it, and items are rebuilt whenever their decision is touched: computing each body diff
    then, for items nobody opens, cost more than the rest of the item. Two of these are equal
    when their bodies are, so comparing items never computes one. A plain class with slots,
    not a frozen dataclass: one is built for every such item (inbox.core.items says why that
    matters)."""

    __slots__ = ("_text", "new", "new_number", "old", "old_number")

    def __init__(self, old_number: int, old: str, new_number: int, new: str) -> None:
        self.old_number, self.old, self.new_number, self.new = old_number, old, new_number, new
        self._text: str | None = None

    def _fields(self) -> tuple[int, str, int, str]:
        return (self.old_number, self.old, self.new_number, self.new)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BodyChange) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"BodyChange(r{self.old_number} → r{self.new_number})"

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = _unified(self.old_number, self.old, self.new_number, self.new)
        return self._text


def _unified(old_number: int, old: str, new_number: int, new: str) -> str:
    lines = difflib.unified_diff(
        # keepends so that a body differing only in its final newline still yields a diff
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"r{old_number}",
        tofile=f"r{new_number}",
    )
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line[:-1])
        else:
            out.append(line)
            out.append(NO_NEWLINE)
    return "\n".join(out)


class RevisionDiff(NamedTuple):
    from_revision: int
    to_revision: int
    title: tuple[str, str] | None
    body_change: str | BodyChange  # the diff as text, or the two bodies to diff when read
    assertions: tuple[AssertionChange, ...]

    @property
    def body(self) -> str:
        """The body's unified diff; empty when the body did not change."""
        change = self.body_change
        return change if isinstance(change, str) else change.text

    @property
    def body_changed(self) -> bool:
        """Without computing the diff."""
        return bool(self.body_change)

    def without_body(self) -> RevisionDiff:
        """The title and assertion changes only."""
        return self._replace(body_change="")

    def is_empty(self) -> bool:
        return self.title is None and not self.body_changed and not self.assertions

    def to_json(self) -> dict[str, Any]:
        return {
            "from_revision": self.from_revision,
            "to_revision": self.to_revision,
            "title": (None if self.title is None else {"old": self.title[0], "new": self.title[1]}),
            "body": self.body,
            "assertions": [change.to_json() for change in self.assertions],
        }


def diff_revisions(old: Revision, new: Revision) -> RevisionDiff:
    title = None if old.title == new.title else (old.title, new.title)
    return RevisionDiff(
        old.number,
        new.number,
        title,
        _body_diff(old, new),
        diff_assertions(old.assertions, new.assertions),
    )


def diff_since(decision: Decision, acked: int) -> RevisionDiff | None:
    """What changed from revision ``acked`` to the current one, or None without revision
    ``acked`` in this snapshot: no diff beats a wrong one."""
    try:
        old = decision.revision_number(acked)
    except KeyError:
        return None
    return diff_revisions(old, decision.current)


def diff_assertions(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[AssertionChange, ...]:
    """Changed, added and removed keys, sorted by key."""
    if old == new:  # the usual case for an item's diff: only the body changed
        return ()
    changes = []
    for key in sorted({*old, *new}):
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(AssertionChange(key, before, after))
    return tuple(changes)


def apply_assertion_changes(
    assertions: Mapping[str, str], changes: Iterable[AssertionChange]
) -> dict[str, str]:
    """The assertions after ``changes``: the inverse of :func:`diff_assertions`."""
    result = dict(assertions)
    for change in changes:
        if change.new is None:
            result.pop(change.key, None)
        else:
            result[change.key] = change.new
    return result


def _body_diff(old: Revision, new: Revision) -> str | BodyChange:
    if old.body == new.body:
        return ""
    return BodyChange(old.number, old.body, new.number, new.body)


def format_diff(diff: RevisionDiff) -> list[str]:
    """Human-readable lines: title, then assertions (the facts people build on), then body."""
    lines: list[str] = []
    if diff.title is not None:
        lines.append(f"Title: {_quote(diff.title[0])} → {_quote(diff.title[1])}")
    for change in diff.assertions:
        if change.old is None:
            lines.append(f"+ {change.key} = {change.new}")
        elif change.new is None:
            lines.append(f"- {change.key} (was {change.old})")
        else:
            lines.append(f"{change.key}: {change.old} → {change.new}")
    if diff.body_changed:
        lines.extend(diff.body.split("\n"))
    return lines


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'
