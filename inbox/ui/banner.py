"""BannerBar: the window's toast — the notifier of last resort, which never fails, and the place
where an action's result ("Acknowledged D-1 r2.") or refusal is said, with Undo where an action
can still be taken back.

It floats over the bottom of its parent instead of taking a place in the layout: a message that
pushed the list and the detail down, and back up when it faded, moved what the person was about
to click. Messages fade after a few seconds (not while the pointer rests on them); errors, which
ask the person to do something, stay until dismissed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

# Colours set in pairs (background and text), so a message reads the same under a light and a
# dark palette; each pair has a contrast of at least 7:1.
_STYLES = {
    "info": "#toast { background: #24292f; border-radius: 6px; } QLabel { color: #ffffff; }",
    "error": "#toast { background: #ffebe9; border: 1px solid #cf222e; border-radius: 6px; }"
    " QLabel { color: #82071e; }",
    "news": "#toast { background: #fff8c5; border: 1px solid #bf8700; border-radius: 6px; }"
    " QLabel { color: #4d2d00; }",
}
MARGIN = 16  # from the parent's edges
MAX_WIDTH = 760


class BannerBar(QFrame):
    open_requested = Signal(str)  # decision key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAccessibleName("Messages")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._undo = QPushButton("&Undo")
        self._undo.setObjectName("toast_undo")
        self._undo.setAccessibleName("Undo")
        self._open = QPushButton("Open")
        self._close = QPushButton("✕")
        self._close.setAccessibleName("Dismiss message")
        self._close.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._undo)
        layout.addWidget(self._open)
        layout.addWidget(self._close)
        self._key: str | None = None
        self._undo_action: Callable[[], None] | None = None
        self._kind = "info"
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._undo.clicked.connect(self._on_undo_clicked)
        self._open.clicked.connect(self._on_open_clicked)
        self._close.clicked.connect(self.dismiss)
        if parent is not None:
            parent.installEventFilter(self)  # follow the parent's size
        self.hide()

    def say(
        self,
        text: str,
        kind: str = "info",
        key: str | None = None,
        seconds: int = 8,
        undo: Callable[[], None] | None = None,
    ) -> None:
        """Show ``text``; errors stay until dismissed, other messages fade after ``seconds``.
        ``undo``: offered as an Undo button for as long as the message shows."""
        self._key = key
        self._kind = kind
        self._undo_action = undo
        self._text.setText(text)
        self.setStyleSheet(_STYLES.get(kind, _STYLES["info"]))
        self._undo.setVisible(undo is not None)
        self._open.setVisible(key is not None)
        self._place()
        self.show()
        if self.parentWidget() is not None:
            self.raise_()  # above the panes it floats over
        if kind == "error":
            self._timer.stop()
        else:
            self._timer.start(seconds * 1000)

    @Slot()
    def dismiss(self) -> None:
        self._timer.stop()
        self._undo_action = None
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text() if self.isVisible() else ""

    @property
    def can_undo(self) -> bool:
        return self.isVisible() and self._undo_action is not None

    def undo(self) -> bool:
        """Run the Undo of the message shown (Ctrl+Z); False when there is none."""
        action = self._undo_action
        if not self.isVisible() or action is None:
            return False
        self.dismiss()
        action()
        return True

    # -- placement ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            self.adjustSize()
            return
        width = max(200, min(MAX_WIDTH, parent.width() - 2 * MARGIN))
        self.setFixedWidth(width)
        layout = self.layout()
        height = layout.heightForWidth(width) if layout is not None else -1
        self.setFixedHeight(max(height, self.sizeHint().height()))
        self.move((parent.width() - width) // 2, parent.height() - self.height() - MARGIN)

    # -- the pointer holds a fading message ------------------------------------------------------

    def enterEvent(self, event: QEnterEvent) -> None:
        if self._kind != "error":
            self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._kind != "error" and self.isVisible():
            self._timer.start(3000)
        super().leaveEvent(event)

    @Slot()
    def _on_undo_clicked(self) -> None:
        self.undo()

    @Slot()
    def _on_open_clicked(self) -> None:
        if self._key:
            self.open_requested.emit(self._key)
