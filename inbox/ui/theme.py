"""Light and dark: the app follows the desktop's colour scheme, and every colour the app sets
itself (diff marks, alerts) comes in a pair chosen for the palette in effect.

The desktop's scheme is ``QStyleHints.colorScheme()``; ``$DECISION_INBOX_COLOR_SCHEME``
(``light`` or ``dark``) overrides it, for screenshots and for desktops that do not report one.
With neither, the platform's own palette stays untouched.

Every text colour here has a contrast of at least 4.5:1 (WCAG 2.x, normal text) against the
background it is drawn on, in both schemes: tests/ui/test_theme.py computes it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ENV_SCHEME = "DECISION_INBOX_COLOR_SCHEME"


@dataclass(frozen=True)
class DiffColours:
    added_bg: str
    added_ink: str
    removed_bg: str
    removed_ink: str
    changed_bg: str
    changed_ink: str
    alert: str  # overdue deadlines, objections: text on the pane's own background
    base: str  # the pane's background those are checked against


LIGHT = DiffColours(
    added_bg="#dafbe1",
    added_ink="#116329",
    removed_bg="#ffebe9",
    removed_ink="#82071e",
    changed_bg="#fff8c5",
    changed_ink="#4d2d00",
    alert="#b42318",
    base="#ffffff",
)
DARK = DiffColours(
    added_bg="#12361f",
    added_ink="#aff5b4",
    removed_bg="#4c1418",
    removed_ink="#ffcecb",
    changed_bg="#3b2e05",
    changed_ink="#f8e3a1",
    alert="#ff8182",
    base="#1e2227",
)


def wanted_scheme() -> Qt.ColorScheme:
    chosen = os.environ.get(ENV_SCHEME, "").strip().lower()
    if chosen == "dark":
        return Qt.ColorScheme.Dark
    if chosen == "light":
        return Qt.ColorScheme.Light
    return QGuiApplication.styleHints().colorScheme()


def is_dark() -> bool:
    """Whether the palette in effect is a dark one (whatever set it)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128


def colours() -> DiffColours:
    return DARK if is_dark() else LIGHT


def follow_desktop(app: QApplication) -> None:
    """Apply the wanted scheme now and whenever the desktop switches."""
    apply_scheme(app, wanted_scheme())
    app.styleHints().colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    if os.environ.get(ENV_SCHEME, "").strip().lower() in ("dark", "light"):
        scheme = wanted_scheme()  # an explicit choice wins over the desktop's switches
    if scheme == Qt.ColorScheme.Dark:
        app.setStyle("Fusion")  # a style that draws with the palette it is given
        app.setPalette(dark_palette())
    elif scheme == Qt.ColorScheme.Light and is_dark():
        app.setStyle("Fusion")
        app.setPalette(app.style().standardPalette())


def dark_palette() -> QPalette:
    role = QPalette.ColorRole
    palette = QPalette()
    values = {
        role.Window: "#24292e",
        role.WindowText: "#e6edf3",
        role.Base: DARK.base,
        role.AlternateBase: "#262c33",
        role.ToolTipBase: "#2d333b",
        role.ToolTipText: "#e6edf3",
        role.PlaceholderText: "#8b949e",
        role.Text: "#e6edf3",
        role.Button: "#2d333b",
        role.ButtonText: "#e6edf3",
        role.BrightText: "#ffffff",
        role.Highlight: "#2f81f7",
        role.HighlightedText: "#ffffff",
        role.Link: "#58a6ff",
        role.LinkVisited: "#bc8cff",
        role.Light: "#3d444d",
        role.Midlight: "#30363d",
        role.Mid: "#22272e",
        role.Dark: "#15191e",
        role.Shadow: "#000000",
    }
    for name, value in values.items():
        palette.setColor(name, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for name in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(disabled, name, QColor("#6e7681"))
    return palette
