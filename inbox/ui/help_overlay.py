"""HelpOverlay: every action with its shortcut, built from the window's own actions so it can
never disagree with the menus."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    rows = []
    for action in actions:
        keys = ", ".join(s.toString() for s in action.shortcuts())
        if keys:
            rows.append((action.text().replace("&", ""), keys))
    return rows


class HelpOverlay(QDialog):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(actions)
        html = "".join(
            f"<tr><td style='padding-right:24px'><b>{keys}</b></td><td>{text}</td></tr>"
            for text, keys in self.rows
        )
        label = QLabel(f"<table>{html}</table>")
        label.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
