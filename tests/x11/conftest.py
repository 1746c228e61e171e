"""The X screen fixtures (tests/x11/screen.py) for every test in this folder."""

from tests.x11.screen import tray_display, x_display

__all__ = ["tray_display", "x_display"]
