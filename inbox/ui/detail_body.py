"""The decision's text in the detail pane: rendered Markdown as tall as it is (the pane scrolls,
not a box inside it), and bounded, so no text can freeze the window.

Laying out text costs the GUI thread time that grows with the text, and badly with long lines
(a 100 kB line without spaces took a second here). So the pane lays out the first
:data:`PREVIEW_CHARS` characters; "Show all" lays out the rest in chunks of
:data:`CHUNK_CHARS`, one per turn of the event loop, so the window keeps answering meanwhile.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSizeF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inbox.ui.markdown_view import SafeMarkdownView

PREVIEW_CHARS = 20_000
CHUNK_CHARS = 20_000
# As SafeMarkdownView renders: raw HTML inside the Markdown stays text.
FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | (
    QTextDocument.MarkdownFeature.MarkdownNoHTML
)


class FittedMarkdownView(SafeMarkdownView):
    """A SafeMarkdownView exactly as tall as its document: it never scrolls by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(
            self._on_layout_document_size_changed
        )
        self.setFixedHeight(24)

    @Slot(QSizeF)
    def _on_layout_document_size_changed(self, size: QSizeF) -> None:
        self.setFixedHeight(max(24, math.ceil(size.height()) + 2 * self.frameWidth() + 2))


def split_chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """``text`` in pieces of about ``size`` characters, cut at a paragraph or line end where
    there is one near the limit (so a list or a paragraph stays whole), else at a space."""
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            window = text[start:end]
            for separator in ("\n\n", "\n", " "):
                cut = window.rfind(separator)
                if cut > size // 2:
                    end = start + cut + len(separator)
                    break
        chunks.append(text[start:end])
        start = end
    return chunks


class BodyView(QWidget):
    """The current revision's text; ``markdown`` is the view tests and links talk to."""

    fully_shown = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("body_view")
        self.markdown = FittedMarkdownView()
        self._rest = split_chunks(text[PREVIEW_CHARS:]) if len(text) > PREVIEW_CHARS else []
        self._total = len(text)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.markdown)
        self.markdown.show_markdown(text[:PREVIEW_CHARS])
        self.more = QPushButton("Show &all")
        self.more.setObjectName("body_show_all")
        self.note = QLabel()
        self.note.setObjectName("body_truncated")
        self.note.setWordWrap(True)
        if self._rest:
            self.note.setText(f"Showing the first {PREVIEW_CHARS:,} of {self._total:,} characters.")
            self.more.setAccessibleName("Show all of the text")
            self.more.clicked.connect(self._on_more_clicked)
            row = QHBoxLayout()
            row.addWidget(self.note, 1)
            row.addWidget(self.more)
            layout.addLayout(row)

    @property
    def truncated(self) -> bool:
        return bool(self._rest)

    @Slot()
    def _on_more_clicked(self) -> None:
        self.more.setEnabled(False)
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if not self._rest:
            self._timer.stop()
            return
        chunk = self._rest.pop(0)
        cursor = QTextCursor(self.markdown.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        # A block of its own: appended to the last paragraph, every chunk would lay out that
        # whole growing paragraph again (a text without line breaks took minutes that way).
        cursor.insertBlock()
        cursor.insertMarkdown(chunk, FEATURES)
        shown = self._total - sum(len(c) for c in self._rest)
        self.note.setText(f"Laying out the rest… {shown:,} of {self._total:,} characters.")
        if not self._rest:
            self._timer.stop()
            self.note.setText(f"All {self._total:,} characters are shown.")
            self.more.hide()
            self.fully_shown.emit()
