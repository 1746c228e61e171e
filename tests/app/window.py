"""A running window for a test: a real store with the demo, fred's client, the real services and
the MainWindow, with the GUI thread marked so a store or keyring call there raises."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QAbstractItemView, QLabel, QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot

from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.services.decision_service import DecisionService
from inbox.services.sync_service import SyncService
from inbox.store import demo
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings
from inbox.ui.main_window import MainWindow

FAST = EngineSettings(poll_interval=0.05, slow_timer=5.0)


@dataclass
class Running:
    window: MainWindow
    sync: SyncService
    decisions: DecisionService
    client: Client


def seed_demo(url: str) -> None:
    store = StoreConnection.open(url)
    try:
        demo.seed(store)
    finally:
        store.dispose()


@contextmanager
def running_window(qtbot: QtBot, url: str, data_dir: Path, user: str = "fred") -> Iterator[Running]:
    client = Client.open(StoreConnection.open(url), user, data_dir)
    mark_gui_thread()
    sync = SyncService(client, FAST)
    decisions = DecisionService(sync)
    window = MainWindow(sync, decisions)
    qtbot.addWidget(window)
    try:
        with qtbot.waitSignal(sync.delta_ready, timeout=20_000):
            window.show()
            sync.start()
        yield Running(window, sync, decisions, client)
    finally:
        sync.stop()
        window.close()
        unmark_gui_thread()
        client.close()
        client.store.dispose()


def texts(widget: QWidget) -> str:
    """Every piece of text a person can read in ``widget``, joined."""
    parts = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QLabel):
            parts.append(child.text())
        elif isinstance(child, QTextEdit | QPlainTextEdit):
            parts.append(child.toPlainText())
        elif isinstance(child, QAbstractItemView) and child.model() is not None:
            model = child.model()
            for row in range(min(model.rowCount(), 200)):
                for column in range(model.columnCount()):
                    parts.append(str(model.index(row, column).data() or ""))
    return "\n".join(parts)


def as_store(url: str, work: Callable[[StoreService], object]) -> None:
    store = StoreConnection.open(url)
    try:
        work(StoreService(store))
    finally:
        store.dispose()


def elsewhere(work: Callable[[], None]) -> None:
    """Run ``work`` on another thread and wait for it."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]
