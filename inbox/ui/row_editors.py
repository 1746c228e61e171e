"""Row editors of the owner's dialogs: assertions (``key = value``) and the audience (kind, name,
role), each row with its Remove button, checked with the same rules as the store."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from inbox.core.errors import InboxError
from inbox.core.lifecycle import check_assertion_key, check_handle, check_team_name
from inbox.core.model import Role
from inbox.core.requests import AudienceChoice
from inbox.ui.validated_dialog import gui_sentence

ROLE_LABELS = {
    Role.ACK: "must acknowledge",
    Role.CONSULT: "asked for feedback",
    Role.INFORM: "informed",
}
KIND_LABELS = {"team": "Team", "person": "Person"}


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
