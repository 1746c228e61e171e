"""How the window takes the outcome of its background work: a detail that cannot load is said
once, in the pane, with a Retry button (it used to re-trigger itself hundreds of times a second),
and a write this client made refreshes the decision it touched from its own change value, without
waiting for a sync round."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from inbox.core.errors import UnexpectedError
from inbox.core.model import Change
from inbox.core.requests import ReviseDecision
from inbox.services import decision_service
from tests.app.actions import WAIT, show, tasks_settled
from tests.app.window import Running, running_window, texts


def _failures(run: Running) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    run.decisions.detail_failed.connect(lambda key, error: seen.append((key, error)))
    return seen


def _no_second_failure(qtbot: QtBot, run: Running) -> None:
    """Another ``detail_failed`` must not come. A load that retried by itself would be queued
    on the one-worker task runner by the time the failure reached the window, so marker tasks
    submitted now come back after it, and after whatever its own answer queued again."""
    again: list[str] = []

    def count(key: str, _error: object) -> None:
        again.append(key)

    run.decisions.detail_failed.connect(count)
    try:
        for _ in range(3):
            tasks_settled(qtbot, run)
    finally:
        run.decisions.detail_failed.disconnect(count)
    assert not again, "the failed load ran again by itself"


def _shown(run: Running) -> str:
    return texts(run.window.banner) + "\n" + texts(run.window.detail_view)


def _retry_button(run: Running) -> QPushButton:
    button = run.window.detail_view.findChild(QPushButton, "detail_retry")
    assert button is not None and button.isVisibleTo(run.window.detail_view)
    return button


def test_an_unknown_key_fails_once_with_a_retry_button(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        failures = _failures(run)
        run.window.select_key("D-99")
        # Where the sentence shows (the pane now, the banner before): a condition, not a sleep.
        qtbot.waitUntil(lambda: "no decision D-99" in _shown(run), timeout=WAIT)
        _no_second_failure(qtbot, run)
        assert [key for key, _ in failures] == ["D-99"]
        assert "no decision D-99" in texts(run.window.detail_view)
        assert run.window.detail is None

        with qtbot.waitSignal(run.decisions.detail_failed, timeout=WAIT):
            qtbot.mouseClick(_retry_button(run), Qt.MouseButton.LeftButton)
        _no_second_failure(qtbot, run)
        assert [key for key, _ in failures] == ["D-99", "D-99"]  # once more, on request only


@pytest.mark.expect_log("inbox.services.tasks", "ERROR")
def test_a_detail_load_that_raises_fails_once_and_retry_recovers(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = decision_service.build_detail
    broken = {"D-1"}

    def build(snapshot: Any, key: str, *args: Any) -> Any:
        if key in broken:
            raise RuntimeError("disk on fire")
        return real(snapshot, key, *args)

    monkeypatch.setattr(decision_service, "build_detail", build)
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-3")  # every load queued before this one has answered by now
        failures = _failures(run)
        run.window.select_key("D-1")
        qtbot.waitUntil(lambda: "disk on fire" in texts(run.window.detail_view), timeout=WAIT)
        _no_second_failure(qtbot, run)
        [(key, error)] = failures
        assert key == "D-1" and isinstance(error, UnexpectedError)
        assert isinstance(error.original, RuntimeError)
        assert "RuntimeError: disk on fire" in texts(run.window.detail_view)

        broken.clear()
        qtbot.mouseClick(_retry_button(run), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == "D-1",
            timeout=WAIT,
        )
        assert len(failures) == 1


def test_a_write_refreshes_the_detail_it_touched_without_a_sync_round(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, "D-1")
        assert run.window.detail is not None
        seen = run.window.detail.decision.revision
        # No more sync rounds: the cache stays at r{seen}, so only the write's own change value
        # can bring the new revision into the pane.
        run.sync.engine.stop()
        assert run.sync._thread is not None
        run.sync._thread.join(10)
        assert not run.sync._thread.is_alive()
        asker = object()
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT) as changed:
            run.decisions.revise(
                ReviseDecision("D-1", "clearer", seen, body="Refresh every 60 minutes."),
                initiator=asker,
            )
        change, initiator = changed.args
        assert isinstance(change, Change) and initiator is asker
        assert (change.key, change.revision, change.events) == ("D-1", seen + 1, ("revised",))
        qtbot.waitUntil(
            lambda: (
                run.window.detail is not None and run.window.detail.decision.revision == seen + 1
            ),
            timeout=WAIT,
        )
        assert "Refresh every 60 minutes." in texts(run.window.detail_view)
