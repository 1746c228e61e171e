"""Driving the main window in tests as a person would: key presses where the focus is, dialogs
filled in and accepted, and the store read or written from another thread (the test's own thread
is the marked GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget
from pytestqt.qtbot import QtBot

from inbox.core.model import Decision, Reason
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from tests.app.window import Running, elsewhere

Key = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WAIT = 10_000


def store_work(url: str, work: Callable[[StoreService], Any]) -> Any:
    store = StoreConnection.open(url)
    try:
        return work(StoreService(store))
    finally:
        store.dispose()


def upstream(url: str, work: Callable[[StoreService], Any]) -> Any:
    """``work`` on the store from another thread, as another person's client would do it (this
    test's thread is the marked GUI thread while a window runs)."""
    result: list[Any] = []
    elsewhere(lambda: result.append(store_work(url, work)))
    return result[0]


def stored_decision(url: str, key: str) -> Decision:
    """``key`` as the store has it now, read off the GUI thread."""

    def read(service: StoreService) -> Decision:
        with service.store.read() as session:
            return load_decision(session, key)

    decision: Decision = upstream(url, read)
    return decision


def shown_rows(run: Running) -> list[tuple[str, Reason]]:
    model = run.window.inbox.model
    # every item of every row (a row is a decision with its reasons; headers have none)
    return [(i.key, i.reason) for r in range(model.rowCount()) for i in model.items(r)]


def reasons(run: Running, key: str) -> set[Reason]:
    return {reason for k, reason in shown_rows(run) if k == key}


def show(qtbot: QtBot, run: Running, key: str) -> None:
    """Make ``key`` current (its row, or only its detail) and wait until its detail is shown."""
    run.window.select_key(key)
    qtbot.waitUntil(
        lambda: run.window.detail is not None and run.window.detail.decision.key == key,
        timeout=WAIT,
    )
    run.window.inbox.table.setFocus()  # where a person's keys go after clicking a row


def press(
    qtbot: QtBot, run: Running, key: Key, modifier: Any = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key press where focus is: the window's shortcuts see it first, as on a desktop."""
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus if focus is not None else run.window, key, modifier)


def section(run: Running, title: str) -> str:
    """The text of the inbox section whose title starts with ``title``, with its count."""
    sections = run.window.inbox.findChild(QListWidget)
    assert sections is not None and sections.accessibleName() == "Inbox sections"
    found = [sections.item(r).text() for r in range(sections.count())]
    return next(t for t in found if t.startswith(title))


def choose_section(run: Running, title: str) -> None:
    sections = run.window.inbox.findChild(QListWidget)
    assert sections is not None
    row = next(r for r in range(sections.count()) if sections.item(r).text().startswith(title))
    sections.setCurrentRow(row)


def filled(fill: Callable[[Any], None]) -> Callable[[Any], int]:
    """An ``exec`` that fills the dialog like a person, then presses OK as they would."""

    def exec_(dialog: Any) -> int:
        fill(dialog)
        assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
        dialog.ok_button.click()
        return int(dialog.result())

    return exec_


def candidates(run: Running, key: str) -> list[str]:
    """Keys the supersede dialog would offer for ``key``."""
    return [k for k, _title in run.window.supersede_candidates(key)]


def tasks_settled(qtbot: QtBot, run: Running) -> None:
    """Until all work already handed to the task runner (a write, a load) has run and its answer
    reached the GUI thread: the runner has one worker, so a marker task submitted now comes back
    after them. What a negative check waits on instead of a sleep."""
    back: list[object] = []
    run.decisions.tasks.submit(lambda: None, back.append)
    qtbot.waitUntil(lambda: bool(back), timeout=WAIT)


def next_round(qtbot: QtBot, run: Running) -> None:
    """Until a sync round asked for now has reached the window: the deltas before it, and what
    the window did about them, are behind it."""
    with qtbot.waitSignal(run.sync.delta_ready, timeout=WAIT):
        run.sync.sync_now()
