"""Linux and the BSDs: an XDG autostart desktop entry, ``$XDG_CONFIG_HOME/autostart/<APP_ID>.desktop``
(``~/.config/autostart``), which desktop sessions start at login (the XDG Autostart spec)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from inbox import APP_ID, DISPLAY_NAME
from inbox.platform.autostart.base import FileAutostart

_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class XdgAutostart(FileAutostart):
    """``folder`` defaults to ``$XDG_CONFIG_HOME/autostart``, read when the entry is used."""

    @property
    def path(self) -> Path:
        return (self._folder or _config_home() / "autostart") / f"{APP_ID}.desktop"

    def enable(self, command: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(desktop_entry(command), encoding="utf-8")


def desktop_entry(command: Sequence[str]) -> str:
    """A desktop entry that runs ``command`` at login, in the tray."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={DISPLAY_NAME}\n"
        "Comment=Cross-team decisions waiting for your acknowledgment or feedback\n"
        f"Exec={exec_line(command)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def exec_line(command: Sequence[str]) -> str:
    """``command`` as the desktop entry spec's Exec key quotes it: an argument with a reserved
    character goes in double quotes, with double quote, backquote, dollar and backslash escaped;
    ``%`` is doubled (it starts a field code); then every backslash is doubled again, since the
    spec applies a desktop file's string escapes before its quoting rule."""
    quoted = " ".join(_quote(argument.replace("%", "%%")) for argument in command)
    return quoted.replace("\\", "\\\\")


def _quote(argument: str) -> str:
    if argument and not _RESERVED & set(argument):
        return argument
    escaped = "".join(f"\\{c}" if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def _config_home() -> Path:
    configured = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return Path(configured) if configured else Path.home() / ".config"
