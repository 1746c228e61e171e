"""TaskRunner's typed outcomes: success gets the value, failure the exception object itself, and an
unexpected exception is logged with its traceback and handed over wrapped, never lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from inbox.core.errors import InboxError, StaleRevisionError, UnexpectedError
from inbox.services.tasks import TaskRunner


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


def _outcome(qtbot: QtBot, tasks: TaskRunner, work: object) -> tuple[str, object]:
    got: list[tuple[str, object]] = []
    tasks.submit(
        work,  # type: ignore[arg-type]
        lambda value: got.append(("success", value)),
        lambda error: got.append(("failure", error)),
    )
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    return got[0]


def test_success_gets_the_value(qtbot: QtBot, tasks: TaskRunner) -> None:
    assert _outcome(qtbot, tasks, lambda: 42) == ("success", 42)


def test_an_inbox_error_arrives_as_itself_with_its_fields(qtbot: QtBot, tasks: TaskRunner) -> None:
    raised = StaleRevisionError("D-1", 3, 2)

    def work() -> None:
        raise raised

    kind, error = _outcome(qtbot, tasks, work)
    assert kind == "failure" and error is raised
    assert isinstance(error, StaleRevisionError) and error.current_revision == 3


@pytest.mark.expect_log("inbox.services.tasks", "ERROR")
def test_an_unexpected_error_is_logged_and_wrapped(
    qtbot: QtBot, tasks: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    boom = ZeroDivisionError("division by zero")

    def work() -> None:
        raise boom

    kind, error = _outcome(qtbot, tasks, work)
    assert kind == "failure"
    assert isinstance(error, UnexpectedError) and isinstance(error, InboxError)
    assert error.original is boom
    assert "ZeroDivisionError: division by zero" in error.message
    [record] = [r for r in caplog.records if r.name == "inbox.services.tasks"]
    assert record.exc_info is not None and record.exc_info[1] is boom


def test_the_callbacks_run_on_the_gui_thread(qtbot: QtBot, tasks: TaskRunner) -> None:
    import threading

    threads: list[threading.Thread] = []

    def fail() -> None:
        raise InboxError("no.")

    tasks.submit(lambda: None, lambda _v: threads.append(threading.current_thread()))
    tasks.submit(fail, None, lambda _e: threads.append(threading.current_thread()))
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=5000)
    assert threads == [threading.main_thread()] * 2
