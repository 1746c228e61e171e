"""DigestDialog: the weekly cross-team dependency agenda (``digest``), rendered for reading and
copyable as the Markdown people paste into their meeting notes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from inbox.core.errors import InboxError
from inbox.services.wording import During, sentence
from inbox.ui.markdown_view import SafeMarkdownView


class DigestDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Weekly dependency digest")
        self.resize(760, 600)
        # Rendered, and safe (titles come from anyone who writes to the store); the Markdown
        # itself is what Copy puts on the clipboard.
        self._markdown = ""
        self._text = SafeMarkdownView()
        self._text.setAccessibleName("Digest")
        self._text.setPlainText("Loading the last 7 days from the store…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self._copy = buttons.addButton("Copy as Markdown", QDialogButtonBox.ButtonRole.ActionRole)
        self._copy.setEnabled(False)
        self._copy.clicked.connect(self._on_copy_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._text)
        layout.addWidget(buttons)

    def show_digest(self, digest: Any) -> None:
        self._markdown = digest.to_markdown()
        self._text.show_markdown(self._markdown)
        self._copy.setEnabled(True)

    def show_error(self, error: InboxError) -> None:
        self._markdown = ""
        self._text.setPlainText(sentence(error, During.DIGEST))

    @property
    def markdown(self) -> str:
        return self._markdown

    @property
    def shown_text(self) -> str:
        """What a person reads: the rendered text."""
        return self._text.toPlainText()

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self._markdown)
