"""The owner's content dialogs: a new decision, and a new revision of one.

Both return frozen request values (``inbox.core.requests``) that DecisionService carries out; they
validate with the same rules and sentences as the command line (``inbox.core.lifecycle``), show
the first problem as one sentence and keep OK disabled until there is none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox.core.errors import InboxError
from inbox.core.lifecycle import (
    check_assertion_key,
    check_body,
    check_handle,
    check_team_name,
    check_title,
)
from inbox.core.model import Decision, Role
from inbox.core.requests import AudienceChoice, NewDecision, ReviseDecision

ROLE_LABELS = {
    Role.ACK: "must acknowledge",
    Role.CONSULT: "asked for feedback",
    Role.INFORM: "informed",
}
KIND_LABELS = {"team": "Team", "person": "Person"}


def gui_sentence(error: InboxError) -> str:
    """A core rule's sentence, without the command-line flag it names for the CLI's sake."""
    return error.message.replace(" with --title", "").replace("; pass --summary", "")


class ValidatedDialog(QDialog):
    """A dialog whose OK button is enabled only while :meth:`problem` returns None; the problem
    is shown above the buttons as one sentence. Subclasses build their form, then call
    :meth:`finish` with it and call :meth:`revalidate` whenever an input changes."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.setStyleSheet("color: palette(highlight);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setAccessibleName("Dialog buttons")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def problem(self) -> str | None:
        raise NotImplementedError

    def finish(self, content: QWidget | QFormLayout | QVBoxLayout) -> None:
        outer = QVBoxLayout(self)
        if isinstance(content, QWidget):
            outer.addWidget(content)
        else:
            outer.addLayout(content)
        outer.addWidget(self.problem_label)
        outer.addWidget(self.buttons)
        self.revalidate()

    @Slot()
    def revalidate(self) -> None:
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.problem_label.setVisible(problem is not None)
        self.ok_button.setEnabled(problem is None)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.revalidate()  # a deadline may have passed since the last edit
        if self.ok_button.isEnabled():
            self.accept()

    def _valid(self) -> None:
        problem = self.problem()
        if problem is not None:
            raise ValueError(problem)


Row = TypeVar("Row", bound=tuple[QWidget, ...])


class RowsEditor(QWidget, Generic[Row]):
    """Rows of inputs, each with its Remove button, above an "Add …" button. ``rows`` holds
    each row's widget first, then its inputs; ``changed`` on any edit, addition or removal."""

    changed = Signal()

    def __init__(self, name: str, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self._noun = noun
        self.rows: list[Row] = []
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        add = QPushButton(f"Add {noun}")
        add.setAccessibleName(f"Add {noun}")
        add.clicked.connect(self._on_add_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._rows_layout)
        layout.addWidget(add)

    def remove_row(self, row: QWidget) -> None:
        self.rows = [r for r in self.rows if r[0] is not row]
        self._rows_layout.removeWidget(row)
        row.deleteLater()
        self.changed.emit()

    def _new_row(self, cells: Sequence[tuple[QWidget, int]]) -> QWidget:
        """A row of ``cells`` (widget, stretch) and its Remove button, shown below the others;
        the caller appends it to ``rows`` and emits ``changed``."""
        row = QWidget(self)
        remove = QToolButton()
        remove.setText("Remove")
        remove.setAccessibleName(f"Remove {self._noun}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in (*cells, (remove, 0)):
            line.addWidget(widget, stretch)
        self._rows_layout.addWidget(row)
        remove.clicked.connect(lambda: self.remove_row(row))
        return row

    @Slot()
    def _on_add_clicked(self) -> None:
        raise NotImplementedError


class AssertionEditor(RowsEditor[tuple[QWidget, QLineEdit, QLineEdit]]):
    """Rows of ``key = value``; a row with neither is ignored."""

    def __init__(
        self, assertions: Mapping[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Assertions", "assertion", parent)
        for key, value in sorted((assertions or {}).items()):
            self.add_row(key, value)

    def add_row(self, key: str = "", value: str = "") -> tuple[QLineEdit, QLineEdit]:
        key_edit = QLineEdit(key)
        key_edit.setPlaceholderText("auth.token.refresh_minutes")
        key_edit.setAccessibleName("Assertion key")
        value_edit = QLineEdit(value)
        value_edit.setPlaceholderText("value")
        value_edit.setAccessibleName("Assertion value")
        row = self._new_row(((key_edit, 2), (QLabel("="), 0), (value_edit, 3)))
        self.rows.append((row, key_edit, value_edit))
        key_edit.textChanged.connect(self.changed)
        value_edit.textChanged.connect(self.changed)
        self.changed.emit()
        return key_edit, value_edit

    def entries(self) -> list[tuple[str, str]]:
        pairs = ((k.text().strip(), v.text().strip()) for _, k, v in self.rows)
        return [(key, value) for key, value in pairs if key or value]

    def problem(self) -> str | None:
        seen: set[str] = set()
        for key, _value in self.entries():
            if not key:
                return (
                    "An assertion has a value but no key; give it a dotted key like auth.token.ttl."
                )
            try:
                check_assertion_key(key)
            except InboxError as exc:
                return gui_sentence(exc)
            if key in seen:
                return f"The assertion key {key!r} appears twice; keep one row for it."
            seen.add(key)
        return None

    def assertions(self) -> dict[str, str]:
        return dict(self.entries())

    @Slot()
    def _on_add_clicked(self) -> None:
        key_edit, _ = self.add_row()
        key_edit.setFocus()


class AudienceEditor(RowsEditor[tuple[QWidget, QComboBox, QComboBox, QComboBox]]):
    """Rows of kind (team or person), name (picked from the given lists, or typed) and role."""

    def __init__(
        self, teams: Sequence[str], people: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__("Audience", "audience", parent)
        self._names = {"team": list(teams), "person": list(people)}

    def add_row(
        self, kind: str = "team", name: str = "", role: Role = Role.ACK
    ) -> tuple[QComboBox, QComboBox, QComboBox]:
        kind_box = QComboBox()
        kind_box.setAccessibleName("Audience kind")
        for value, label in KIND_LABELS.items():
            kind_box.addItem(label, value)
        kind_box.setCurrentIndex(kind_box.findData(kind))
        name_box = QComboBox()
        name_box.setEditable(True)
        name_box.setAccessibleName("Audience name")
        role_box = QComboBox()
        role_box.setAccessibleName("Audience role")
        for value, label in ROLE_LABELS.items():
            role_box.addItem(label, value)
        role_box.setCurrentIndex(role_box.findData(role))
        row = self._new_row(((kind_box, 0), (name_box, 2), (role_box, 1)))
        self.rows.append((row, kind_box, name_box, role_box))
        self._fill_names(kind_box, name_box, name)
        kind_box.currentIndexChanged.connect(lambda: self._fill_names(kind_box, name_box, ""))
        name_box.currentTextChanged.connect(self.changed)
        role_box.currentIndexChanged.connect(self.changed)
        self.changed.emit()
        return kind_box, name_box, role_box

    def choices(self) -> tuple[AudienceChoice, ...]:
        return tuple(
            AudienceChoice(kind.currentData(), name.currentText().strip(), Role(role.currentData()))
            for _, kind, name, role in self.rows
        )

    def problem(self) -> str | None:
        seen: set[tuple[str, str]] = set()
        for choice in self.choices():
            if not choice.name:
                return "An audience row has no name; choose a team or a person, or remove the row."
            try:
                if choice.kind == "team":
                    check_team_name(choice.name)
                else:
                    check_handle(choice.name)
            except InboxError as exc:
                return gui_sentence(exc)
            known = self._names[choice.kind]
            if known and choice.name not in known:
                return f"There is no {choice.kind} {choice.name!r} in the store; pick one from the list."
            if (choice.kind, choice.name) in seen:
                return f"{choice.kind}:{choice.name} is in the audience twice; keep one row for it."
            seen.add((choice.kind, choice.name))
        return None

    def _fill_names(self, kind_box: QComboBox, name_box: QComboBox, name: str) -> None:
        name_box.blockSignals(True)  # one `changed` for the whole refill, below
        name_box.clear()
        name_box.addItems(self._names[kind_box.currentData()])
        name_box.setCurrentText(name)
        name_box.blockSignals(False)
        self.changed.emit()

    @Slot()
    def _on_add_clicked(self) -> None:
        _, name_box, _ = self.add_row()
        name_box.setFocus()


class NewDecisionDialog(ValidatedDialog):
    """A new draft owned by the person: title, Markdown body, owning team, audience, assertions."""

    def __init__(
        self,
        teams: Sequence[str] = (),
        people: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        team: str | None = None,
    ) -> None:
        super().__init__("New decision", parent)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Body (Markdown)")
        self.body_edit.setPlaceholderText("Context, the decision, consequences (Markdown).")
        self.team_box = QComboBox()
        self.team_box.setAccessibleName("Owning team")
        self.team_box.addItem("No owning team", None)
        for name in teams:
            self.team_box.addItem(name, name)
        if team is not None and self.team_box.findData(team) >= 0:
            self.team_box.setCurrentIndex(self.team_box.findData(team))
        self.audience = AudienceEditor(teams, people)
        self.assertions = AssertionEditor()

        form = QFormLayout()
        form.addRow("&Title", self.title_edit)
        form.addRow("&Body", self.body_edit)
        form.addRow("Owning t&eam", self.team_box)
        form.addRow("Audience", self.audience)
        form.addRow("Assertions", self.assertions)
        self.title_edit.textChanged.connect(self.revalidate)
        self.body_edit.textChanged.connect(self.revalidate)
        self.audience.changed.connect(self.revalidate)
        self.assertions.changed.connect(self.revalidate)
        self.finish(form)
        self.resize(640, 560)

    def problem(self) -> str | None:
        try:
            check_title(self.title_edit.text())
            check_body(self.body_edit.toPlainText())
        except InboxError as exc:
            return gui_sentence(exc)
        return self.audience.problem() or self.assertions.problem()

    def request(self) -> NewDecision:
        self._valid()
        return NewDecision(
            title=self.title_edit.text().strip(),
            body=self.body_edit.toPlainText(),
            team=self.team_box.currentData(),
            audience=self.audience.choices(),
            assertions=self.assertions.assertions(),
        )


class ReviseDialog(ValidatedDialog):
    """A new revision of ``decision``, based on the revision the dialog was opened on."""

    def __init__(self, decision: Decision, parent: QWidget | None = None) -> None:
        super().__init__(f"Revise {decision.key}", parent)
        self.decision = decision
        self.base = decision.current
        self.title_edit = QLineEdit(self.base.title)
        self.title_edit.setAccessibleName("Title")
        self.body_edit = QPlainTextEdit(self.base.body)
        self.body_edit.setAccessibleName("Body (Markdown)")
        self.assertions = AssertionEditor(self.base.assertions)
        self.summary_edit = QLineEdit()
        self.summary_edit.setAccessibleName("Summary of the change")
        self.summary_edit.setPlaceholderText("What changed, in one line")
        self.minor_box = QCheckBox("&Minor (wording only: nobody is asked to acknowledge again)")
        self.minor_box.setAccessibleName("Minor revision")
        self.minor_note = QLabel()
        self.minor_note.setWordWrap(True)
        self.minor_note.setAccessibleName("Why minor is unavailable")

        form = QFormLayout()
        form.addRow(QLabel(f"Based on r{self.base.number} of {decision.key}."))
        form.addRow("&Title", self.title_edit)
        form.addRow("&Body", self.body_edit)
        form.addRow("Assertions", self.assertions)
        form.addRow("&Summary", self.summary_edit)
        form.addRow(self.minor_box)
        form.addRow(self.minor_note)
        for edit in (self.title_edit, self.summary_edit):
            edit.textChanged.connect(self.revalidate)
        self.body_edit.textChanged.connect(self.revalidate)
        self.assertions.changed.connect(self.revalidate)
        self.finish(form)
        self.resize(640, 600)

    def assertions_changed(self) -> bool:
        return self.assertions.assertions() != dict(self.base.assertions)

    def revalidate(self) -> None:
        # A change of any assertion is always material: minor is not offered then.
        changed = self.assertions_changed()
        if changed:
            self.minor_box.setChecked(False)
        self.minor_box.setEnabled(not changed)
        self.minor_note.setText(
            "A minor revision cannot change assertions; everyone who must acknowledge is asked "
            "again."
            if changed
            else ""
        )
        self.minor_note.setVisible(changed)
        super().revalidate()

    def problem(self) -> str | None:
        try:
            title = check_title(self.title_edit.text())
            body = check_body(self.body_edit.toPlainText())
        except InboxError as exc:
            return gui_sentence(exc)
        problem = self.assertions.problem()
        if problem is not None:
            return problem
        if (title, body) == (self.base.title, self.base.body) and not self.assertions_changed():
            return (
                f"This revision would change nothing in {self.decision.key}; give a new title, "
                "body or assertion."
            )
        if not self.summary_edit.text().strip():
            return "A revision needs a summary of the change; say in one line what changed."
        return None

    def request(self) -> ReviseDecision:
        self._valid()
        title = self.title_edit.text().strip()
        body = self.body_edit.toPlainText()
        new = self.assertions.assertions()
        old = dict(self.base.assertions)
        return ReviseDecision(
            key=self.decision.key,
            summary=self.summary_edit.text().strip(),
            expect_revision=self.base.number,
            title=None if title == self.base.title else title,
            body=None if body == self.base.body else body,
            set_assertions={k: v for k, v in new.items() if old.get(k) != v},
            unset_assertions=tuple(sorted(set(old) - set(new))),
            minor=self.minor_box.isEnabled() and self.minor_box.isChecked(),
        )
