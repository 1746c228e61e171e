"""The window on a real demo store, driven as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from inbox.core.errors import StaleRevisionError
from inbox.core.model import Reason
from inbox.core.threads import (
    GuiThreadError,
    mark_gui_thread,
    unmark_gui_thread,
)
from inbox.platform.credentials import CredentialStore
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from tests.app.window import Running, as_store, elsewhere, running_window, texts
from tests.memory_keyring import MemoryKeyring


def _reasons(run: Running, key: str) -> set[Reason]:
    """The reasons the list shows for ``key`` (its row's chips)."""
    model = run.window.inbox.model
    rows = (i for row in range(model.rowCount()) for i in model.items(row))
    return {i.reason for i in rows if i.key == key}


def _show(qtbot: QtBot, run: Running, key: str) -> None:
    run.window.select_key(key)  # may already be the current one (the first row is)
    qtbot.waitUntil(
        lambda: run.window.detail is not None and run.window.detail.decision.key == key,
        timeout=10_000,
    )


def test_the_first_screen_shows_what_changed_since_fred_acknowledged(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert Reason.CHANGED_SINCE_ACK in _reasons(run, "D-1")
        _show(qtbot, run, "D-1")
        shown = texts(run.window.detail_view)
        assert "15" in shown and "60" in shown
        assert "auth.token.refresh_minutes" in shown


def test_acknowledging_from_the_list_updates_the_row_at_once_and_survives_a_restart(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert Reason.CHANGED_SINCE_ACK in _reasons(run, "D-1")
        assert run.window.inbox.select_key("D-1")
        qtbot.waitUntil(lambda: run.window.actions_by_name["ack"].isEnabled(), timeout=10_000)
        with qtbot.waitSignal(run.sync.action_finished, timeout=10_000) as done:
            run.window.inbox.setFocus()
            qtbot.keyClick(run.window, Qt.Key.Key_A)
        assert "D-1" in done.args[0]
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1"), timeout=5000)
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1")
    store = StoreConnection.open(demo_url)
    try:
        with store.read() as session:
            decision = load_decision(session, "D-1")
        assert any(a.person == "fred" and a.revision == 2 for a in decision.acknowledgments)
    finally:
        store.dispose()


def test_owner_actions_are_absent_for_someone_else_and_present_for_the_owner(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        _show(qtbot, run, "D-1")  # ana's decision
        assert not run.window.actions_by_name["revise"].isEnabled()
        assert not run.window.actions_by_name["finalize"].isEnabled()
        assert "Revise" not in texts(run.window.detail_view)
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        _show(qtbot, run, "D-1")
        assert run.window.actions_by_name["revise"].isEnabled()


def test_a_stale_revise_shows_the_conflict_sentence_and_the_current_revision(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    from inbox.core.requests import ReviseDecision

    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        _show(qtbot, run, "D-1")
        seen = run.window.detail.decision.revision
        # ana, on another machine, revises meanwhile (off this test's GUI thread, like a process)
        with qtbot.waitSignal(run.sync.delta_ready, timeout=10_000):
            elsewhere(
                lambda: as_store(
                    demo_url,
                    lambda s: s.revise(
                        "ana", "D-1", summary="typo", body="Refresh every hour.", minor=True
                    ),
                )
            )
        with qtbot.waitSignal(run.decisions.write_failed, timeout=10_000) as failed:
            run.decisions.revise(
                ReviseDecision("D-1", "my change", seen, title="Token refresh, revisited")
            )
        error = failed.args[0]
        # The error arrives as itself, its fields intact: the revision the store is at (this
        # was lost, None, when errors reached the window as sentences).
        assert isinstance(error, StaleRevisionError)
        assert (error.key, error.current_revision, error.based_on) == ("D-1", seen + 1, seen)
        qtbot.waitUntil(lambda: f"based on revision {seen}" in run.window.banner.text)
        sentence = run.window.banner.text
        assert f"the decision now shows r{seen + 1}" in sentence and "--" not in sentence
        qtbot.waitUntil(lambda: run.window.detail.decision.revision == seen + 1, timeout=10_000)


def test_store_and_keyring_calls_raise_on_the_gui_thread(demo_url: str) -> None:
    store = StoreConnection.open(demo_url)
    mark_gui_thread()
    try:
        with pytest.raises(GuiThreadError), store.read():
            pass
        with pytest.raises(GuiThreadError), store.write():
            pass
        with pytest.raises(GuiThreadError):
            CredentialStore(MemoryKeyring(), trusted={"MemoryKeyring"}).get("fred")
        elsewhere(lambda: as_store(demo_url, lambda s: None))  # another thread: no complaint
    finally:
        unmark_gui_thread()
        store.dispose()


def test_a_conflicting_decision_outside_the_scope_opens_whole_from_the_store(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    """mo (mobile) is not asked about D-2 (frontend's), so mo's client keeps only its index;
    the conflict on D-1 still names it, and opening it reads it whole."""
    with running_window(qtbot, demo_url, tmp_path / "mo", user="mo") as run:
        cached = {d.key: d for d in run.client.cache.snapshot().decisions}
        assert cached["D-2"].partial and cached["D-2"].current.body == ""
        assert Reason.CONFLICT in _reasons(run, "D-1")
        _show(qtbot, run, "D-2")
        assert run.window.detail is not None
        assert not run.window.detail.decision.partial
        assert run.window.detail.decision.current.body  # its text, read from the store
        assert run.window.detail_view.findChild(QWidget, "index_note") is None
