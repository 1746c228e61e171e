"""Actions that always answer, on a real demo store: Undo for acknowledge, snooze and done (and
an acknowledgment held back from the store meanwhile, yet delivered when the app quits), the
snooze's return time, a status-bar sentence for every key that cannot act, the detail kept in
step with the list, the toast floating over the panes, Ctrl+Enter in the feedback dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter
from pytestqt.qtbot import QtBot

from inbox.core.model import Reason
from inbox.ui.detail_view import NOTHING_SELECTED
from inbox.ui.lifecycle_dialogs import FeedbackDialog
from inbox.ui.main_window import window_title
from tests.app.actions import WAIT, Key, press, reasons, section, show, stored_decision
from tests.app.window import running_window, texts


def _fred_acks(url: str) -> list[int]:
    return sorted(
        a.revision for a in stored_decision(url, "D-1").acknowledgments if a.person == "fred"
    )


def test_undo_of_an_acknowledgment_sends_nothing_and_brings_the_row_back(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        run.window.undo_seconds = 30  # longer than the test: only Undo can end it
        show(qtbot, run, "D-1")
        press(qtbot, run, Key.Key_A)
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK not in reasons(run, "D-1"), timeout=WAIT)
        assert run.window.banner.text == "Acknowledged D-1 r2."
        assert run.window.banner.can_undo and run.sync.held_count == 1
        undo = run.window.banner.findChild(QPushButton, "toast_undo")
        assert undo is not None and undo.isVisible()
        undo.click()
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK in reasons(run, "D-1"), timeout=WAIT)
        assert "undone; nothing was sent" in run.window.banner.text
        assert run.sync.held_count == 0
        assert _fred_acks(demo_url) == [1]  # the store never heard of it


def test_an_acknowledgment_reaches_the_store_only_after_its_undo_window(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        run.window.undo_seconds = 2
        show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT) as done:
            press(qtbot, run, Key.Key_A)
            qtbot.waitUntil(lambda: run.sync.held_count == 1, timeout=WAIT)
            assert _fred_acks(demo_url) == [1]  # held back, not sent yet
        assert "D-1" in done.args[0]
        assert _fred_acks(demo_url) == [1, 2]


def test_quitting_during_the_undo_window_still_delivers_the_acknowledgment(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        run.window.undo_seconds = 60
        show(qtbot, run, "D-1")
        press(qtbot, run, Key.Key_A)
        qtbot.waitUntil(lambda: run.sync.held_count == 1, timeout=WAIT)
        run.sync.stop()  # what quitting the app does
        assert run.sync.held_count == 0
    assert _fred_acks(demo_url) == [1, 2]


def test_snooze_names_its_return_time_and_undo_brings_the_item_back(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-1")
        press(qtbot, run, Key.Key_S)  # until tomorrow 9:00
        assert run.window.banner.text.startswith("Snoozed D-1 until tomorrow 09:00;")
        assert section(run, "Snoozed / done") == "Snoozed / done  (1)"
        # the snoozed section's item says when it comes back
        from tests.app.actions import choose_section

        choose_section(run, "Snoozed / done")
        show(qtbot, run, "D-1")
        qtbot.waitUntil(
            lambda: run.window.detail_view.findChild(QLabel, "triage_note") is not None,
            timeout=WAIT,
        )
        note = run.window.detail_view.findChild(QLabel, "triage_note")
        assert note.text().startswith("You snoozed D-1 until tomorrow 09:00")
        choose_section(run, "All")
        assert run.window.banner.undo()
        assert section(run, "Snoozed / done") == "Snoozed / done  (0)"
        assert Reason.CHANGED_SINCE_ACK in reasons(run, "D-1")


def test_done_can_be_undone(qtbot: QtBot, demo_url: str, tmp_path: Path) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-5")
        press(qtbot, run, Key.Key_E)
        assert not reasons(run, "D-5")
        assert run.window.banner.can_undo
        press(qtbot, run, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert reasons(run, "D-5") == {Reason.INFORMED}


def test_keys_that_cannot_act_say_why_in_the_status_bar(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        bar = run.window.statusBar()
        show(qtbot, run, "D-1")  # finalized
        press(qtbot, run, Key.Key_F)
        assert bar.currentMessage() == (
            "D-1 is finalized; feedback is taken only while a decision is open."
        )
        press(qtbot, run, Key.Key_U)
        assert bar.currentMessage() == (
            "D-1 is neither snoozed nor done, so there is nothing to restore."
        )
        press(qtbot, run, Key.Key_E)
        assert bar.currentMessage().startswith("Done is for what you are only told about; D-1")
        press(qtbot, run, Key.Key_R)  # revise: ana's decision
        assert bar.currentMessage() == "Only the owner of D-1 (ana) can do that."
        show(qtbot, run, "D-5")  # for information: nothing to acknowledge
        press(qtbot, run, Key.Key_A)
        assert "D-5" in bar.currentMessage()


def test_the_detail_follows_the_list_and_says_when_nothing_is_selected(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-1")
        run.window.inbox.search_field.setText("no decision says this")
        qtbot.waitUntil(lambda: run.window.detail is None, timeout=WAIT)
        assert NOTHING_SELECTED in texts(run.window.detail_view)
        assert "Token refresh policy" not in texts(run.window.detail_view)
        assert run.window.inbox.current_item() is None


def test_a_decision_opened_by_key_outside_the_list_highlights_no_other_row(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-1")
        show(qtbot, run, "D-2")  # fatima's decision, not in fred's inbox
        assert not reasons(run, "D-2")
        assert run.window.inbox.current_item() is None
        assert not run.window.inbox.table.selectionModel().hasSelection()
        assert run.window.detail.key == "D-2"


def test_the_toast_floats_over_the_panes_without_moving_them(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        splitter = run.window.centralWidget().findChild(QSplitter)
        before = splitter.geometry()
        run.window.banner.say("Something to read.")
        assert run.window.banner.isVisible()
        assert splitter.geometry() == before
        assert run.window.banner.geometry().bottom() <= run.window.centralWidget().height()
        run.window.banner.say("Fix this.", "error")
        assert run.window.banner.text == "Fix this."  # errors wait for the person


def test_ctrl_enter_sends_feedback(qtbot: QtBot) -> None:
    dialog = FeedbackDialog("D-9", "Errors as problem details")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.text_edit.setPlainText("Looks right to me.")
    dialog.text_edit.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.request().text == "Looks right to me."


def test_one_window_title(qtbot: QtBot, demo_url: str, tmp_path: Path) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        title = run.window.windowTitle()
    # Qt appends the display name unless the title ends with it: it must appear once.
    assert title == window_title("fred") == "fred — Decision Inbox"
    assert title.count("Decision Inbox") == 1
