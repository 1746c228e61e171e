"""A guard for the rule "no SQL and no keyring call on the GUI thread" (docs/architecture.md).

The app marks its GUI thread at start. The store and credential layers call
:func:`check_off_gui_thread` before they touch the database or the keyring; when
``DECISION_INBOX_THREAD_CHECK=1`` (the test suite sets it) a call from the marked thread raises,
so a test that drives the window fails on the first blocking call in the wrong place. Without the
flag the check costs one comparison.
"""

from __future__ import annotations

import os
import threading

_gui_thread: int | None = None


class GuiThreadError(AssertionError):
    """Blocking work ran on the GUI thread; move it to the task runner."""


def mark_gui_thread() -> None:
    global _gui_thread
    _gui_thread = threading.get_ident()


def unmark_gui_thread() -> None:
    global _gui_thread
    _gui_thread = None


def check_off_gui_thread(what: str) -> None:
    if _gui_thread is None or threading.get_ident() != _gui_thread:
        return
    if os.environ.get("DECISION_INBOX_THREAD_CHECK") == "1":
        raise GuiThreadError(f"{what} ran on the GUI thread")
