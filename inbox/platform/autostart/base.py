"""Starting the app when the person logs in: one interface, one module per operating system."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path


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


class FileAutostart(Autostart):
    """An entry that is one file in a per-user folder (XDG autostart, macOS launch agents):
    enabled while the file exists."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    @abstractmethod
    def path(self) -> Path: ...

    @property
    def location(self) -> str:
        return f"the file {self.path}"

    def is_enabled(self) -> bool:
        return self.path.exists()

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)
