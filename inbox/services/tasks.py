"""TaskRunner: one-shot blocking work (store writes, cache reads, keyring) off the GUI thread.

One plain worker thread runs the jobs in order (Anki's ``taskman`` shape); each outcome comes
back on the GUI thread through a queued signal, so callbacks may touch widgets. A plain thread
rather than a QThread: PySide6 6.12.0 aborts ("deallocating None") when a QThread worker sleeps
while the GUI thread processes events (docs/decisions/0005-plain-worker-thread.md).

Outcomes are typed, as in Anki's ``CollectionOp``/``QueryOp``: success gets the value, failure
gets the exception object (always an :class:`InboxError`, so its fields survive the trip; an
unexpected exception is logged with its traceback and handed over as an :class:`UnexpectedError`
carrying the original). Each front end words the error itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from inbox.core.errors import InboxError, UnexpectedError

log = logging.getLogger(__name__)

T = TypeVar("T")
OnFailure = Callable[[InboxError], None]


def as_inbox_error(exc: Exception) -> InboxError:
    """``exc`` itself when it is an InboxError; otherwise logged and wrapped."""
    if isinstance(exc, InboxError):
        return exc
    log.error("background task failed", exc_info=exc)
    return UnexpectedError(exc)


class TaskRunner(QObject):
    _finished = Signal(object, object)  # callback, its argument; queued to the GUI thread

    def __init__(self, parent: QObject | None = None, *, name: str = "inbox-task") -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._finished.connect(self._on_self_finished)
        self._closed = False

    def submit(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: OnFailure | None = None,
    ) -> Future[None] | None:
        """Run ``work`` on the worker; then ``on_success(value)`` or ``on_failure(error)`` on
        the GUI thread. Without ``on_failure`` a failure is only logged."""
        if self._closed:
            return None

        def run() -> None:
            try:
                result = work()
            except Exception as exc:
                error = as_inbox_error(exc)
                if on_failure is not None:
                    self._finished.emit(on_failure, error)
                elif error is exc:  # an unexpected one is logged already, with its trace
                    log.info("background task refused: %s", error)
                return
            if on_success is not None:
                self._finished.emit(on_success, result)

        return self._executor.submit(run)

    def shutdown(self) -> None:
        self._closed = True
        self._executor.shutdown(wait=True)

    @Slot(object, object)
    def _on_self_finished(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)
