"""TaskRunner: one-shot blocking work (store writes, cache reads, keyring) off the GUI thread.

One plain worker thread runs the jobs in order (Anki's ``taskman`` shape); each result
comes back on the GUI thread through a queued signal, so callbacks may touch widgets. A plain
thread rather than a QThread: PySide6 6.12.0 aborts when a QThread worker sleeps while the GUI
thread processes events (docs/decisions/0005-plain-worker-thread.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from inbox.core.errors import InboxError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class TaskRunner(QObject):
    _finished = Signal(object, object)  # callback, its argument; queued to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-task")
        self._finished.connect(self._on_self_finished)
        self._closed = False

    def submit(
        self,
        work: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> Future[None] | None:
        """Run ``work`` on the worker; ``on_done(result)`` or ``on_error(sentence)`` on the GUI
        thread. An unexpected exception becomes a sentence too, and a log line with its trace."""
        if self._closed:
            return None

        def run() -> None:
            try:
                result = work()
            except InboxError as exc:
                if on_error is not None:
                    self._finished.emit(on_error, exc.message)
                return
            except Exception as exc:
                log.exception("background task failed")
                if on_error is not None:
                    self._finished.emit(
                        on_error,
                        f"That failed unexpectedly ({type(exc).__name__}: {exc}); "
                        "the log has details.",
                    )
                return
            if on_done is not None:
                self._finished.emit(on_done, result)

        return self._executor.submit(run)

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True)

    @Slot(object, object)
    def _on_self_finished(self, callback: Callback, value: Any) -> None:
        callback(value)
