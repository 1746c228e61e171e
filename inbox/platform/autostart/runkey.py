"""Windows: a value named after the app under
``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``, which Explorer runs at login.

``winreg`` exists on Windows only, so it is imported when the entry is used. Not tested here:
the suite runs on Linux, where there is no registry; the Linux and macOS entries are tested."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from typing import Any

from inbox import APP_NAME
from inbox.platform.autostart.base import Autostart

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class RunKey(Autostart):
    def __init__(self, value_name: str = APP_NAME) -> None:
        self._name = value_name

    @property
    def location(self) -> str:
        return f"the registry value HKCU\\{RUN_KEY}\\{self._name}"

    def is_enabled(self) -> bool:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.QueryValueEx(key, self._name)
        except FileNotFoundError:
            return False
        return True

    def enable(self, command: Sequence[str]) -> None:
        winreg = _winreg()
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            # The Run key holds one command line, quoted as CreateProcess parses it.
            winreg.SetValueEx(key, self._name, 0, winreg.REG_SZ, subprocess.list2cmdline(command))

    def disable(self) -> None:
        winreg = _winreg()
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, self._name)
        except FileNotFoundError:
            return


def _winreg() -> Any:
    import winreg  # Windows only

    return winreg
