"""FirstRunDialog: with nothing configured, start on the embedded store (with the demo, to look
around) or go to the settings to connect to a shared store."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

FirstRunChoice = tuple[Literal["embedded"], bool] | tuple[Literal["settings"], Literal[False]]


class FirstRunDialog(QDialog):
    def __init__(self, embedded_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Decision Inbox")
        intro = QLabel(
            "Decision Inbox keeps cross-team decisions in a store and tells you what needs your "
            "acknowledgment or feedback. Where should it start?"
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("Introduction")
        self.embedded_radio = QRadioButton(f"Use the &embedded store at {embedded_path}")
        self.embedded_radio.setAccessibleName("Use the embedded store")
        self.demo_box = QCheckBox("Load the &demo (a made-up team, to look around)")
        self.demo_box.setAccessibleName("Load the demo")
        self.demo_box.setChecked(True)
        self.shared_radio = QRadioButton("&Connect to a shared store…")
        self.shared_radio.setAccessibleName("Connect to a shared store")
        group = QButtonGroup(self)
        group.addButton(self.embedded_radio)
        group.addButton(self.shared_radio)
        self.embedded_radio.setChecked(True)
        self.embedded_radio.toggled.connect(self._on_embedded_toggled)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setAccessibleName("Dialog buttons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.embedded_radio)
        demo_row = QVBoxLayout()
        demo_row.setContentsMargins(24, 0, 0, 0)  # the demo belongs to the embedded choice
        demo_row.addWidget(self.demo_box)
        layout.addLayout(demo_row)
        layout.addWidget(self.shared_radio)
        layout.addWidget(buttons)

    def choice(self) -> FirstRunChoice:
        if self.embedded_radio.isChecked():
            return ("embedded", self.demo_box.isChecked())
        return ("settings", False)

    @Slot(bool)
    def _on_embedded_toggled(self, on: bool) -> None:
        self.demo_box.setEnabled(on)
