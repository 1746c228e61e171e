"""The main window's menus and shortcuts, and the answer a shortcut gives when its action cannot
act: every action gets a twin shortcut, enabled exactly while the action is disabled, that says
why in the status bar (a disabled QAction swallows its key press without a word)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow

from inbox.ui.owner_menu import MENU as OWNER_MENU

STATUS_SECONDS = 6


def add_action(
    window: Any, name: str, text: str, keys: list[str], slot: Callable[..., Any]
) -> QAction:
    action = QAction(text, window)
    sequences = [QKeySequence(k) for k in keys]
    action.setShortcuts(sequences)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    window.addAction(action)
    window.actions_by_name[name] = action
    if sequences:
        _answer_when_disabled(window, name, action, sequences)
    return action


def _answer_when_disabled(
    window: QMainWindow, name: str, action: QAction, sequences: list[QKeySequence]
) -> None:
    refusal = QShortcut(window)
    refusal.setKeys(sequences)
    refusal.setContext(Qt.ShortcutContext.WindowShortcut)
    refusal.setObjectName(f"why_not_{name}")
    refusal.activated.connect(lambda: window.say_why_not(name))  # type: ignore[attr-defined]

    def follow() -> None:
        # Never both enabled: two enabled shortcuts on one key are ambiguous and neither fires.
        refusal.setEnabled(not action.isEnabled())

    action.changed.connect(follow)
    follow()


def build_menus(window: Any) -> None:
    act = window  # its slots
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(add_action(window, "new", "&New decision…", ["Ctrl+N"], act._on_new))
    file_menu.addAction(
        add_action(window, "digest", "Weekly &digest…", ["Ctrl+Shift+D"], act._on_digest)
    )
    file_menu.addAction(
        add_action(window, "settings", "&Settings…", ["Ctrl+,"], window.settings_requested.emit)
    )
    file_menu.addSeparator()
    file_menu.addAction(add_action(window, "quit", "&Quit", ["Ctrl+Q"], window.quit_requested.emit))

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(add_action(window, "undo", "&Undo", ["Ctrl+Z"], act._on_undo))

    item_menu = bar.addMenu("&Decision")
    item_menu.addAction(add_action(window, "ack", "&Acknowledge", ["A"], act._on_acknowledge))
    item_menu.addAction(
        add_action(window, "feedback", "Give &feedback…", ["F"], lambda: act._feedback(False))
    )
    item_menu.addAction(
        add_action(window, "object", "&Object…", ["Shift+F"], lambda: act._feedback(True))
    )
    snooze = item_menu.addMenu("&Snooze")
    for name, text, keys, choice in (
        ("snooze", "Until tomorrow 9:00", ["S"], "tomorrow"),
        ("snooze_hour", "For 1 hour", ["H"], "1h"),
        ("snooze_week", "Until next Monday", ["W"], "week"),
        ("snooze_change", "Until it changes", ["Shift+S"], None),
    ):
        snooze.addAction(
            add_action(window, name, text, keys, lambda _=False, c=choice: act._snooze(c))
        )
    item_menu.addAction(add_action(window, "done", "&Done", ["E"], act._on_done))
    item_menu.addAction(add_action(window, "restore", "&Restore", ["U"], act._on_restore))
    item_menu.addSeparator()
    for name, text, keys in OWNER_MENU:
        item_menu.addAction(
            add_action(window, name, text, keys, lambda _=False, n=name: act._owner(n))
        )

    view_menu = bar.addMenu("&View")
    view_menu.addAction(
        # J/K everywhere; the arrow keys stay with whichever list has the focus
        add_action(window, "next", "&Next item", ["J"], lambda: window.inbox.move_selection(1))
    )
    view_menu.addAction(
        add_action(
            window, "previous", "&Previous item", ["K"], lambda: window.inbox.move_selection(-1)
        )
    )
    view_menu.addAction(add_action(window, "search", "&Search", ["/", "Ctrl+F"], act._on_search))
    view_menu.addAction(add_action(window, "sync", "Sync &now", ["F5"], window.sync.sync_now))
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(
        add_action(window, "help", "&Keyboard shortcuts", ["?", "F1"], act._on_help)
    )
