"""What the command line asks of the desktop app, as one typed value."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AppOptions:
    store: str | None = None
    user: str | None = None
    profile_dir: str | None = None
    allow_network_fs: bool = False
    demo: bool = False
    screenshot: str | None = None
    """Render the window to this PNG after one sync and exit, instead of running the app."""
    select: str | None = None
    size: str | None = None
    """``WxH`` for the screenshot; 1280x800 when unset."""
