"""Read marks: which revision of each decision this person last opened on this machine.

The inbox list shows a decision as unread while its current revision is newer than the one
last opened, as a mail client marks what arrived since it was last read. Kept locally, like
triage (``inbox.core.triage``): nobody else needs to know what someone looked at. Pure; the
client keeps the JSON form in its profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

FORMAT_VERSION = 1


@dataclass(frozen=True)
class ReadMarks:
    """Decision key → the revision last opened."""

    opened_at: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A read-only copy: a caller's dict changing later must not change this value.
        object.__setattr__(self, "opened_at", MappingProxyType(dict(self.opened_at)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReadMarks):
            return NotImplemented
        return dict(self.opened_at) == dict(other.opened_at)

    def __hash__(self) -> int:
        return hash(frozenset(self.opened_at.items()))

    def unread(self, key: str, revision: int) -> bool:
        """Whether decision ``key`` at ``revision`` has changed since it was last opened (or was
        never opened here)."""
        return self.opened_at.get(key, 0) < revision

    def opened(self, key: str, revision: int) -> ReadMarks:
        """``key`` opened at ``revision``; an older revision never lowers the mark."""
        if not self.unread(key, revision):
            return self
        return ReadMarks({**self.opened_at, key: revision})

    def prune(self, keys: Iterable[str]) -> ReadMarks:
        """Only the marks of ``keys`` (the decisions still in the inbox), so the file stays
        as small as the inbox."""
        wanted = set(keys)
        return ReadMarks({k: v for k, v in self.opened_at.items() if k in wanted})

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "opened": dict(sorted(self.opened_at.items()))}

    @classmethod
    def from_json(cls, data: object) -> ReadMarks:
        """Tolerant: a malformed entry is dropped, not raised; losing a read mark only shows a
        decision as unread again."""
        opened = data.get("opened") if isinstance(data, dict) else None
        if not isinstance(opened, dict):
            return cls()
        return cls(
            {
                key: revision
                for key, revision in opened.items()
                if isinstance(key, str)
                and key
                and isinstance(revision, int)
                and not isinstance(revision, bool)
                and revision >= 1
            }
        )
