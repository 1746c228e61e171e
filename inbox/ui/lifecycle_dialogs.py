"""The owner's lifecycle dialogs (open for feedback, supersede, finalize, withdraw) and the
feedback dialog anyone in a decision's audience uses while it is open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from inbox.core.errors import InboxError
from inbox.core.lifecycle import check_body
from inbox.core.pause import working_days_ahead
from inbox.core.requests import LIFECYCLE_ACTIONS, GiveFeedback, OpenForFeedback, Supersede
from inbox.ui.validated_dialog import ValidatedDialog, gui_sentence

DEADLINE_WORKING_DAYS = 3
DEADLINE_AT = time(17, 0)

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """Now, timezone-aware, in the system's local zone."""
    return datetime.now().astimezone()


def default_deadline(now: datetime) -> datetime:
    """Three working days after ``now``, at 17:00 local time: time to read and answer.

    Counted on the local wall clock, then given the local offset of that day (which differs
    from today's across a daylight-saving change)."""
    wall = now.astimezone().replace(tzinfo=None)
    return working_days_ahead(wall, DEADLINE_WORKING_DAYS, DEADLINE_AT).astimezone()


def _quoted(key: str, title: str) -> str:
    return f"{key} “{title}”" if title else key


class OpenForFeedbackDialog(ValidatedDialog):
    """Open a draft for feedback until a deadline in the future, picked in local time."""

    def __init__(
        self, key: str, title: str = "", parent: QWidget | None = None, *, clock: Clock = local_now
    ) -> None:
        super().__init__(f"Open {key} for feedback", parent)
        self.key = key
        self._clock = clock
        self.deadline_edit = QDateTimeEdit()
        self.deadline_edit.setAccessibleName("Feedback deadline")
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.deadline_edit.setDateTime(_qt_local(default_deadline(clock())))
        self.deadline_edit.dateTimeChanged.connect(self.revalidate)
        note = (
            f"Ask the audience of {_quoted(key, title)} for feedback until the deadline; "
            "you will be told when it passes."
        )
        self.finish(_explained_form(note, ("&Deadline (local time)", self.deadline_edit)))

    def deadline(self) -> datetime:
        """The chosen deadline, timezone-aware UTC."""
        seconds = self.deadline_edit.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(seconds, UTC)

    def problem(self) -> str | None:
        if self.deadline() <= self._clock():
            return "The deadline is not in the future; choose a later date and time."
        return None

    def request(self) -> OpenForFeedback:
        self._valid()
        return OpenForFeedback(self.key, self.deadline())


class SupersedeDialog(ValidatedDialog):
    """Mark ``key`` as replaced by another decision, picked from ``candidates``: keys, or
    (key, title) pairs to show the titles too."""

    def __init__(
        self,
        key: str,
        candidates: Sequence[str | tuple[str, str]],
        parent: QWidget | None = None,
        *,
        title: str = "",
    ) -> None:
        super().__init__(f"Supersede {key}", parent)
        self.key = key
        self.by_box = QComboBox()
        self.by_box.setAccessibleName("Replacing decision")
        for candidate in candidates:
            other, other_title = (candidate, "") if isinstance(candidate, str) else candidate
            if other != key:
                self.by_box.addItem(_quoted(other, other_title), other)
        self.by_box.currentIndexChanged.connect(self.revalidate)
        note = (
            f"{_quoted(key, title)} will point to the decision that replaces it; nobody is "
            "asked to acknowledge it any more."
        )
        self.finish(_explained_form(note, ("&Replaced by", self.by_box)))

    def problem(self) -> str | None:
        if self.by_box.currentData() is None:
            return (
                f"There is no other decision to replace {self.key} with; create the replacing "
                "decision first."
            )
        return None

    def request(self) -> Supersede:
        self._valid()
        return Supersede(self.key, str(self.by_box.currentData()))


_MEANINGS = {
    "finalize": (
        "Finalize",
        "Finalizing {what} makes it the agreed version: feedback closes and everyone who must "
        "acknowledge it is asked to.",
    ),
    "withdraw": (
        "Withdraw",
        "Withdrawing {what} takes it back for good: nobody is asked to acknowledge it or give "
        "feedback any more.",
    ),
}


def lifecycle_confirmation(
    parent: QWidget | None, action: str, key: str, title: str
) -> QMessageBox:
    """The question :func:`confirm_lifecycle` asks, built but not shown."""
    if action not in LIFECYCLE_ACTIONS:
        raise ValueError(f"unknown lifecycle action {action!r}")
    verb, meaning = _MEANINGS[action]
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(f"{verb} {key}")
    box.setText(meaning.format(what=_quoted(key, title)))
    box.setAccessibleName(f"{verb} {key}")
    confirm = box.addButton(f"{verb} {key}", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # a one-way step is never the default
    box.setEscapeButton(cancel)
    box.setProperty("confirm_button", confirm)
    return box


def confirm_lifecycle(parent: QWidget | None, action: str, key: str, title: str) -> bool:
    """Ask before finalizing or withdrawing; True when the owner confirmed."""
    box = lifecycle_confirmation(parent, action, key, title)
    box.exec()
    return box.clickedButton() is box.property("confirm_button")


class FeedbackDialog(ValidatedDialog):
    """A comment, or an objection, on the current revision of an open decision."""

    def __init__(
        self, key: str, title: str = "", objection: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"{'Object to' if objection else 'Feedback on'} {key}", parent)
        self.key = key
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName("Feedback text")
        self.text_edit.setPlaceholderText("What you think, and why (Markdown).")
        self.objection_box = QCheckBox("This is an &objection: I cannot build on it as it is")
        self.objection_box.setAccessibleName("Objection")
        self.objection_box.setChecked(objection)
        self.text_edit.textChanged.connect(self.revalidate)
        note = f"On the current revision of {_quoted(key, title)}."
        self.finish(_explained_form(note, ("&Feedback", self.text_edit), self.objection_box))
        # Enter makes a new line in the text; Ctrl+Enter sends, as in chat and mail apps.
        self.ok_button.setText("Send")
        self.ok_button.setToolTip("Send (Ctrl+Enter)")
        # The text field takes Ctrl+Return as a line break before any shortcut sees it.
        self.text_edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.text_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._on_buttons_accepted()
            return True
        return super().eventFilter(watched, event)

    def problem(self) -> str | None:
        text = self.text_edit.toPlainText()
        if not text.strip():
            return "The feedback is empty; write what you think before sending it."
        try:
            check_body(text)
        except InboxError as exc:
            return gui_sentence(exc)
        return None

    def request(self) -> GiveFeedback:
        self._valid()
        return GiveFeedback(
            self.key, self.text_edit.toPlainText().strip(), self.objection_box.isChecked()
        )


def _explained_form(note: str, *rows: tuple[str, QWidget] | QWidget) -> QFormLayout:
    """A form that says first, in a sentence, what the dialog will do; then its ``rows``
    (label and field, or a widget across the whole row)."""
    form = QFormLayout()
    form.addRow(QLabel(note))
    for row in rows:
        if isinstance(row, QWidget):
            form.addRow(row)
        else:
            form.addRow(*row)
    return form


def _qt_local(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
