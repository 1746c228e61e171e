"""The owner's content dialogs: a new decision, and a new revision of one.

Both return frozen request values (``inbox.core.requests``) that DecisionService carries out; they
validate with the same rules as the store (``inbox.core.lifecycle``), show the first problem as
one sentence and keep OK disabled until there is none.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from inbox.core.errors import InboxError
from inbox.core.lifecycle import check_body, check_title
from inbox.core.model import Decision
from inbox.core.requests import NewDecision, ReviseDecision
from inbox.ui.row_editors import AssertionEditor, AudienceEditor
from inbox.ui.validated_dialog import ValidatedDialog, gui_sentence


class NewDecisionDialog(ValidatedDialog):
    """A new draft owned by the person: title, Markdown body, owning team, audience, assertions."""

    def __init__(
        self,
        teams: Sequence[str] = (),
        people: Sequence[str] = (),
        parent: QWidget | None = None,
        *,
        team: str | None = None,
        owner_teams: Sequence[str] | None = None,
        owner: str = "",
    ) -> None:
        """``owner_teams``: the teams of the person creating it; the owning team must be one of
        them (as the store insists), their only one by default. None: any of ``teams``."""
        super().__init__("New decision", parent)
        self.owner_teams = None if owner_teams is None else sorted(owner_teams)
        self.owner = owner
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Title")
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName("Body (Markdown)")
        self.body_edit.setPlaceholderText("Context, the decision, consequences (Markdown).")
        self.team_box = QComboBox()
        self.team_box.setAccessibleName("Owning team")
        choices = list(teams) if self.owner_teams is None else self.owner_teams
        if self.owner_teams is None:
            self.team_box.addItem("No owning team", None)
        elif len(self.owner_teams) != 1:
            self.team_box.addItem("Choose the owning team…", None)
        for name in choices:
            self.team_box.addItem(name, name)
        self.team_box.currentIndexChanged.connect(self.revalidate)
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
        return self._team_problem() or self.audience.problem() or self.assertions.problem()

    def _team_problem(self) -> str | None:
        if self.owner_teams is None or self.team_box.currentData() is not None:
            return None
        if not self.owner_teams:
            return (
                "You are in no team, and a decision belongs to its owner's team; ask an admin "
                f"to add you to one (`decision-inbox person add {self.owner or 'HANDLE'} "
                "--team NAME`)."
            )
        return f"You are in {', '.join(self.owner_teams)}; choose the team that owns it."

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
