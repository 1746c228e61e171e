"""macOS: a per-user launch agent, ``~/Library/LaunchAgents/<APP_ID>.plist``, which launchd
loads at login (``RunAtLoad``) and which runs ``ProgramArguments`` without a shell."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from inbox import APP_ID
from inbox.platform.autostart.base import Autostart


class LaunchAgent(Autostart):
    def __init__(self, folder: Path | None = None) -> None:
        """``folder`` defaults to ``~/Library/LaunchAgents``."""
        self._folder = folder

    @property
    def path(self) -> Path:
        return (self._folder or Path.home() / "Library" / "LaunchAgents") / f"{APP_ID}.plist"

    @property
    def location(self) -> str:
        return f"the file {self.path}"

    def is_enabled(self) -> bool:
        return self.path.exists()

    def enable(self, command: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        agent = {
            "Label": APP_ID,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            # Started once per login; quitting from the tray must not make launchd restart it.
            "KeepAlive": False,
            "ProcessType": "Interactive",
        }
        with self.path.open("wb") as out:
            plistlib.dump(agent, out)

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)
