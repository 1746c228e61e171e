"""ConnectionStatusWidget: the sync state, always visible in the window's status bar (a sync
that silently stops is the worst bug), with what waits in the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

_COLOURS = {"online": "#1a7f37", "syncing": "#9a6700", "offline": "#9a6700", "error": "#cf222e"}


def describe(state: str, message: str = "", retry_at: Any = None) -> str:
    """The status line's words for a sync state."""
    if state == "online":
        return "Online"
    if state == "syncing":
        return "Syncing…"
    retry = f" · retrying at {retry_at.astimezone():%H:%M:%S}" if retry_at is not None else ""
    if state == "offline":
        return f"Offline{retry}"
    return f"Error: {message}"


class ConnectionStatusWidget(QWidget):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dot = QLabel("●")
        self._text = QLabel("Connecting…")
        self._text.setAccessibleName("Connection state")
        self._queued = QLabel("")
        self._queued.setAccessibleName("Queued responses")
        self._unreadable = QLabel("")
        self._unreadable.setAccessibleName("What this version could not read")
        self._details = QPushButton("Details")
        self._details.setAccessibleName("Connection error details")
        self._retry = QPushButton("Retry")
        self._retry.setAccessibleName("Retry the connection now")
        self._details.clicked.connect(self._on_details_clicked)
        self._retry.clicked.connect(self.retry_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for widget in (self._dot, self._text, self._details, self._retry):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self._unreadable)
        layout.addWidget(self._queued)
        self._message = ""
        self.state = "syncing"
        self.show_status("syncing")

    def show_status(self, state: str, message: str = "", retry_at: Any = None) -> None:
        self.state = state
        self._message = message
        text = describe(state, message, retry_at)
        # the error sentence can be long: the line shows the start, Details the whole
        shown = text if len(text) <= 90 else text[:89] + "…"
        self._text.setText(shown)
        self._text.setToolTip(message or text)
        self._dot.setStyleSheet(f"color: {_COLOURS.get(state, '#57606a')}")
        self._details.setVisible(state in ("offline", "error") and bool(message))
        self._retry.setVisible(state in ("offline", "error"))

    def show_outbox(self, entries: Sequence[Any]) -> None:
        """Offline acknowledgments stay visibly queued until the store confirms them."""
        waiting = [e for e in entries if e.status != "error"]
        refused = [e for e in entries if e.status == "error"]
        parts = []
        if waiting:
            parts.append(f"{len(waiting)} queued")
        if refused:
            parts.append(f"{len(refused)} refused")
        self._queued.setText(" · ".join(parts))
        lines = [f"{e.kind} {e.decision} r{e.revision}: waiting for the store" for e in waiting]
        lines += [f"{e.kind} {e.decision} r{e.revision}: {e.error}" for e in refused]
        self._queued.setToolTip("\n".join(lines))

    def show_readability(self, unreadable: Mapping[str, str], skipped: int) -> None:
        """What the store holds that this version could not read: each decision by its key and
        cause, and how many change-feed events it skipped (both are in the log too)."""
        parts = []
        if unreadable:
            parts.append(f"{len(unreadable)} unreadable")
        if skipped:
            parts.append(f"{skipped} event{'s' if skipped != 1 else ''} skipped")
        self._unreadable.setText(" · ".join(parts))
        lines = [f"{key} could not be read: {cause}" for key, cause in sorted(unreadable.items())]
        if skipped:
            lines.append(
                f"{skipped} change-feed event{'s' if skipped != 1 else ''} of a kind or shape "
                "this version cannot read were skipped; a newer Decision Inbox may read them."
            )
        self._unreadable.setToolTip("\n".join(lines))

    @property
    def text(self) -> str:
        return f"{self._unreadable.text()} {self._queued.text()} {self._text.text()}".strip()

    @property
    def readability_details(self) -> str:
        return self._unreadable.toolTip()

    @Slot()
    def _on_details_clicked(self) -> None:
        QMessageBox.information(self, "Connection", self._message)
