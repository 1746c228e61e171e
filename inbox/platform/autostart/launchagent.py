"""macOS: a per-user launch agent, ``~/Library/LaunchAgents/<APP_ID>.plist``, which launchd
loads at login (``RunAtLoad``) and which runs ``ProgramArguments`` without a shell."""

from __future__ import annotations

import plistlib
from collections.abc import Sequence
from pathlib import Path

from inbox import APP_ID
from inbox.platform.autostart.base import FileAutostart


class LaunchAgent(FileAutostart):
    """``folder`` defaults to ``~/Library/LaunchAgents``."""

    @property
    def path(self) -> Path:
        return (self._folder or Path.home() / "Library" / "LaunchAgents") / f"{APP_ID}.plist"

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
