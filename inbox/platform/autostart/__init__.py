"""Starting the app at login behind one interface (:class:`Autostart`), one module per
operating system; :func:`for_this_platform` picks the one that runs here."""

from __future__ import annotations

import sys

from inbox.platform.autostart.base import Autostart


def for_this_platform(platform: str | None = None) -> Autostart:
    """The autostart entry of this operating system (``platform``: a ``sys.platform`` value)."""
    chosen = platform or sys.platform
    if chosen == "darwin":
        from inbox.platform.autostart.launchagent import LaunchAgent

        return LaunchAgent()
    if chosen == "win32":
        from inbox.platform.autostart.runkey import RunKey

        return RunKey()
    from inbox.platform.autostart.xdg import XdgAutostart

    return XdgAutostart()


__all__ = ["Autostart", "for_this_platform"]
