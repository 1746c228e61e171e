"""Starting the app when the person logs in: one interface, one module per operating system."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence


class Autostart(ABC):
    """The entry the operating system reads at login to start ``command`` (a program and its
    arguments). What is on disk (or in the registry) is the truth: a person may remove the
    entry by hand, so nothing caches it."""

    @abstractmethod
    def is_enabled(self) -> bool: ...

    @abstractmethod
    def enable(self, command: Sequence[str]) -> None:
        """Start ``command`` at login, replacing an entry written before."""

    @abstractmethod
    def disable(self) -> None:
        """Start nothing at login; no entry is not an error."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the entry lives, for a sentence ("the file …", "the registry value …")."""
