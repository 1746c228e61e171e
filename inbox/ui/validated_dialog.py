"""ValidatedDialog: the base of every dialog that takes input, with OK enabled only while the
input is valid and the first problem shown above the buttons as one sentence."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inbox.core.errors import InboxError
from inbox.services.wording import sentence


def gui_sentence(error: InboxError) -> str:
    """A core rule's sentence as the window words it (no command-line flag)."""
    return sentence(error)


class ValidatedDialog(QDialog):
    """A dialog whose OK button is enabled only while :meth:`problem` returns None; the problem
    is shown above the buttons as one sentence. Subclasses build their form, then call
    :meth:`finish` with it and call :meth:`revalidate` whenever an input changes."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setStyleSheet("color: palette(highlight);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setAccessibleName("Dialog buttons")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def problem(self) -> str | None:
        raise NotImplementedError

    def finish(self, content: QWidget | QFormLayout | QVBoxLayout) -> None:
        outer = QVBoxLayout(self)
        if isinstance(content, QWidget):
            outer.addWidget(content)
        else:
            outer.addLayout(content)
        outer.addWidget(self.problem_label)
        outer.addWidget(self.buttons)
        self.revalidate()

    @Slot()
    def revalidate(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)
        self.ok_button.setEnabled(problem is None)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.revalidate()  # a deadline may have passed since the last edit
        if self.ok_button.isEnabled():
            self.accept()

    def _valid(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise ValueError(problem)
