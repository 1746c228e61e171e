"""Lifecycle dialogs: the deadline picker (local time in, UTC out, only in the future), the
supersede picker, the finalize/withdraw confirmation and the feedback dialog."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from inbox.core.requests import GiveFeedback, OpenForFeedback, Supersede
from inbox.ui.lifecycle_dialogs import (
    FeedbackDialog,
    OpenForFeedbackDialog,
    SupersedeDialog,
    confirm_lifecycle,
    default_deadline,
    lifecycle_confirmation,
)


def local(*args: int) -> datetime:
    """A wall-clock time in the machine's zone, timezone-aware."""
    return datetime(*args).astimezone()  # type: ignore[misc]


FRIDAY_MORNING = local(2026, 11, 27, 10, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (FRIDAY_MORNING, local(2026, 12, 2, 17, 0)),  # Mon, Tue, Wed
        (local(2026, 11, 23, 18, 30), local(2026, 11, 26, 17, 0)),  # Monday evening → Thursday
        (local(2026, 11, 28, 12, 0), local(2026, 12, 2, 17, 0)),  # Saturday → Wednesday
    ],
)
def test_default_deadline_is_three_working_days_ahead_at_five(
    now: datetime, expected: datetime
) -> None:
    assert default_deadline(now) == expected


def test_open_for_feedback_defaults_and_returns_utc(qtbot: QtBot) -> None:
    dialog = OpenForFeedbackDialog("D-4", "API versioning", clock=lambda: FRIDAY_MORNING)
    qtbot.addWidget(dialog)
    assert dialog.deadline_edit.dateTime() == QDateTime(QDate(2026, 12, 2), QTime(17, 0))
    assert dialog.ok_button.isEnabled()
    request = dialog.request()
    assert request == OpenForFeedback("D-4", local(2026, 12, 2, 17, 0))
    assert request.deadline.tzinfo is UTC


def test_a_deadline_in_the_past_disables_ok(qtbot: QtBot) -> None:
    now = [FRIDAY_MORNING]
    dialog = OpenForFeedbackDialog("D-4", clock=lambda: now[0])
    qtbot.addWidget(dialog)
    dialog.deadline_edit.setDateTime(QDateTime(QDate(2026, 11, 27), QTime(9, 59)))
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "The deadline is not in the future; choose a later date and time."
    )
    with pytest.raises(ValueError, match="not in the future"):
        dialog.request()
    dialog.deadline_edit.setDateTime(QDateTime(QDate(2026, 11, 27), QTime(10, 1)))
    assert dialog.ok_button.isEnabled()
    # The deadline passes while the dialog is open: OK checks again and refuses.
    now[0] = local(2026, 11, 27, 10, 2)
    dialog.buttons.accepted.emit()
    assert dialog.result() != OpenForFeedbackDialog.DialogCode.Accepted
    assert not dialog.ok_button.isEnabled()


def test_supersede_picks_another_decision(qtbot: QtBot) -> None:
    dialog = SupersedeDialog("D-1", [("D-1", "Old"), ("D-7", "Token refresh v2"), ("D-9", "")])
    qtbot.addWidget(dialog)
    items = [dialog.by_box.itemData(i) for i in range(dialog.by_box.count())]
    assert items == ["D-7", "D-9"]  # never itself
    assert dialog.by_box.itemText(0) == "D-7 “Token refresh v2”"
    dialog.by_box.setCurrentIndex(1)
    assert dialog.request() == Supersede("D-1", "D-9")


def test_supersede_accepts_bare_keys_and_needs_a_candidate(qtbot: QtBot) -> None:
    dialog = SupersedeDialog("D-1", ["D-3"])
    qtbot.addWidget(dialog)
    assert dialog.request() == Supersede("D-1", "D-3")
    empty = SupersedeDialog("D-1", ["D-1"])
    qtbot.addWidget(empty)
    assert not empty.ok_button.isEnabled()
    assert empty.problem_label.text() == (
        "There is no other decision to replace D-1 with; create the replacing decision first."
    )


@pytest.mark.parametrize(
    ("action", "verb"), [("finalize", "Finalizing"), ("withdraw", "Withdrawing")]
)
def test_the_confirmation_says_what_the_action_means(qtbot: QtBot, action: str, verb: str) -> None:
    box = lifecycle_confirmation(None, action, "D-2", "Pagination")
    qtbot.addWidget(box)
    assert box.text().startswith(f"{verb} D-2 “Pagination”")
    assert box.text().count(".") == 1  # one sentence
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="open"):
        lifecycle_confirmation(None, "open", "D-2", "Pagination")


# Showing a QMessageBox on the offscreen platform logs "This plugin does not support
# propagateSizeHints()": offscreen's QPlatformWindow lacks it; on a real screen nothing is logged.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
@pytest.mark.parametrize("confirm", [True, False])
def test_confirm_lifecycle_answers_what_was_clicked(qtbot: QtBot, confirm: bool) -> None:
    clicked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        button = (
            box.property("confirm_button")
            if confirm
            else box.button(QMessageBox.StandardButton.Cancel)
        )
        clicked.append(button.text())
        button.click()

    QTimer.singleShot(0, answer)
    assert confirm_lifecycle(None, "finalize", "D-2", "Pagination") is confirm
    assert len(clicked) == 1
    assert (clicked[0] == "Finalize D-2") is confirm


def test_feedback_needs_text_and_carries_the_objection(qtbot: QtBot) -> None:
    dialog = FeedbackDialog("D-3", "Error format", objection=True)
    qtbot.addWidget(dialog)
    assert dialog.objection_box.isChecked()
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "The feedback is empty; write what you think before sending it."
    )
    dialog.text_edit.setPlainText("  Mobile cannot parse this.  ")
    assert dialog.request() == GiveFeedback("D-3", "Mobile cannot parse this.", objection=True)
    dialog.objection_box.setChecked(False)
    assert dialog.request().objection is False
