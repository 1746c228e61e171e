"""SafeMarkdownView: shows Markdown written by other people without trusting it.

A decision body comes from anyone who may write to the store. Showing it must not make this
machine reach out anywhere: no image, stylesheet or other resource is ever loaded, remote or
local, and a link does nothing until the user clicks it, and then only asks (``link_requested``)
so the caller can confirm with the full URL shown.

Raw HTML inside the Markdown is shown as text, not rendered: Qt's HTML subset can hide text
(white on white, zero-size fonts) in a decision people acknowledge as read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

MAX_BYTES = 1_000_000
TRUNCATED_NOTE = "\n\n---\n\n*The rest of this text is longer than 1 MB and is not shown.*\n"
_FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | (
    QTextDocument.MarkdownFeature.MarkdownNoHTML
)


def _blank_image() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    return image


class SafeMarkdownView(QTextBrowser):
    """Read-only Markdown; every resource is refused and every link is only a request."""

    link_requested = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        # Also keep the relative-path lookups of QTextBrowser from pointing anywhere.
        self.setSearchPaths([])
        self.setAccessibleName("Decision text")
        self.anchorClicked.connect(self._on_self_anchor_clicked)

    def show_markdown(self, text: str) -> None:
        """Render ``text``; only its first 1 MB (the store refuses more, this is a backstop)."""
        data = text.encode("utf-8")
        if len(data) > MAX_BYTES:
            text = data[:MAX_BYTES].decode("utf-8", errors="ignore") + TRUNCATED_NOTE
        self.document().setMarkdown(text, _FEATURES)

    def loadResource(self, type: int, name: QUrl | str, /) -> Any:
        """Refuse every resource, remote or local.

        The value must be empty but not null: for a null value QTextDocument falls back to
        reading the URL as a local file, and for an image that is not a valid one Qt's image
        handler loads the file by name itself. Both were seen loading ``file:`` and relative
        images here; a blank 1×1 image and an empty stylesheet stop both.
        """
        if type == QTextDocument.ResourceType.ImageResource:
            return _blank_image()
        if type == QTextDocument.ResourceType.StyleSheetResource:
            return ""
        return QByteArray()

    def setSource(
        self,
        name: QUrl | str,
        /,
        type: QTextDocument.ResourceType = QTextDocument.ResourceType.UnknownResource,
    ) -> None:
        """Never navigate: a source would load through the same resource path as a link."""
        del name, type

    @Slot(QUrl)
    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        self.link_requested.emit(url)
