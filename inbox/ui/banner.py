"""BannerBar: messages inside the window — the notifier of last resort, which never fails, and
the place where an action's result ("Acknowledged D-1 r2.") or refusal is said."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_STYLES = {
    "info": "background: #ddf4ff; color: #0a3069;",
    "error": "background: #ffebe9; color: #82071e;",
    "news": "background: #fff8c5; color: #4d2d00;",
}


class BannerBar(QFrame):
    open_requested = Signal(str)  # decision key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Messages")
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._open = QPushButton("Open")
        self._close = QPushButton("✕")
        self._close.setAccessibleName("Dismiss message")
        self._close.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._open)
        layout.addWidget(self._close)
        self._key: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self._open.clicked.connect(self._on_open_clicked)
        self._close.clicked.connect(self.hide)
        self.hide()

    def say(self, text: str, kind: str = "info", key: str | None = None, seconds: int = 8) -> None:
        """Show ``text``; errors stay until dismissed, other messages fade after ``seconds``."""
        self._key = key
        self._text.setText(text)
        self.setStyleSheet(_STYLES.get(kind, _STYLES["info"]))
        self._open.setVisible(key is not None)
        self.show()
        if kind == "error":
            self._timer.stop()
        else:
            self._timer.start(seconds * 1000)

    @property
    def text(self) -> str:
        return self._text.text() if self.isVisible() else ""

    @Slot()
    def _on_open_clicked(self) -> None:
        if self._key:
            self.open_requested.emit(self._key)
