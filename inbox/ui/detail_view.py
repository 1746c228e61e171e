"""DecisionDetailView: one decision as the current user needs to see it, and what they may do.

The pane is one scrolling column. What changed since the user acknowledged, and why, comes first
after the header and the actions, because reading that change is why they are here (see
``detail_changes``); conflicts follow, then the text (bounded: ``detail_body``), the assertions,
the audience with coverage per revision, feedback and history.

It only shows a :class:`DecisionDetail` and emits requests; it never queries or writes. Action
buttons exist only for the actions the detail allows: an owner's actions are absent for anyone
else, not merely disabled.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from inbox.core.detail import DecisionDetail
from inbox.core.model import State
from inbox.core.times import relative
from inbox.ui import detail_sections as sections
from inbox.ui.detail_body import BodyView
from inbox.ui.detail_changes import changes_section
from inbox.ui.markdown_view import SafeMarkdownView

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
QUEUED_NOTE = "queued — waits for the store"
NOTHING_SELECTED = (
    "Nothing selected. Choose a decision in the list (j and k move through it) to see what "
    "changed and why."
)

# action -> (button text with mnemonic, object name); the order is the order on screen
_BUTTONS: tuple[tuple[str, str], ...] = (
    ("acknowledge", "&Acknowledge r{revision}"),
    ("feedback", "&Give feedback…"),
    ("objection", "&Object…"),
    ("revise", "&Revise…"),
    ("open", "&Open for feedback…"),
    ("finalize", "Fi&nalize"),
    ("supersede", "&Supersede…"),
    ("withdraw", "&Withdraw…"),
)
OWNER_ACTIONS = frozenset({"revise", "open", "finalize", "supersede", "withdraw"})

# A decision outside the person's scope is synced as its index (inbox.core.scope); the pane
# reads it whole from the store, and shows this when the store cannot be reached.
INDEX_NOTE = (
    "It does not concern you, so only its title, state and assertions are synced here; its "
    "text, audience and history show when the store can be reached."
)


class DecisionDetailView(QWidget):
    acknowledge_requested = Signal(str, int)  # key, the revision shown
    feedback_requested = Signal(str, bool)  # key, objection
    owner_action_requested = Signal(str, str)  # action, key
    open_decision_requested = Signal(str)  # key of another decision
    retry_requested = Signal(str)  # key whose detail failed to load

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Decision detail")
        # Replaceable so tests need no modal dialog and no browser.
        self.confirm_link: Callable[[QUrl], bool] = self._ask_to_open
        self.refuse_link: Callable[[QUrl], None] = self._say_refused
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self._detail: DecisionDetail | None = None
        self.body_view: SafeMarkdownView | None = None
        self.body: BodyView | None = None
        self.buttons: dict[str, QPushButton] = {}
        self.failed_key: str | None = None  # the key whose failure is shown, if one is

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setAccessibleName("Decision detail sections")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll)
        self.show_detail(None)

    @property
    def detail(self) -> DecisionDetail | None:
        return self._detail

    def show_detail(self, detail: DecisionDetail | None, note: str | None = None) -> None:
        """Show ``detail`` (None: nothing selected); a refresh of the same one keeps the scroll.
        ``note``: where the item stands on this machine (snoozed until when), under the header."""
        same = detail is not None and self._detail is not None and detail.key == self._detail.key
        position = self._scroll.verticalScrollBar().value() if same else 0
        self._detail = detail
        content, column = self._new_content()
        if detail is None:
            empty = sections.plain_label(NOTHING_SELECTED, "No decision")
            empty.setObjectName("detail_empty")
            column.addWidget(empty)
        else:
            self._fill(column, detail, note)
        self._set_content(content, column)
        if same:
            self._scroll.verticalScrollBar().setValue(position)

    def show_failure(self, key: str, sentence: str) -> None:
        """Say why ``key`` could not be shown, with a Retry button. Nothing here asks for the
        detail again by itself: only Retry does, so a load that keeps failing cannot loop."""
        self._detail = None
        content, column = self._new_content()
        self.failed_key = key
        message = sections.plain_label(sentence, "Why the decision is not shown")
        message.setObjectName("detail_failure")
        column.addWidget(message)
        retry = QPushButton("&Retry")
        retry.setObjectName("detail_retry")
        retry.setAccessibleName(f"Retry loading {key}")
        retry.clicked.connect(self._on_retry_clicked)
        row = QHBoxLayout()
        row.addWidget(retry)
        row.addStretch(1)
        column.addLayout(row)
        self.buttons = {"retry": retry}
        self._set_content(content, column)

    def _new_content(self) -> tuple[QWidget, QVBoxLayout]:
        self.buttons = {}
        self.body_view = None
        self.body = None
        self.failed_key = None
        content = QWidget()
        content.setObjectName("detail_content")
        return content, QVBoxLayout(content)

    def _set_content(self, content: QWidget, column: QVBoxLayout) -> None:
        column.addStretch(1)
        self._scroll.setWidget(content)  # deletes the previous content

    # -- building -------------------------------------------------------------------------------

    def _fill(self, column: QVBoxLayout, detail: DecisionDetail, note: str | None) -> None:
        column.addWidget(self._header(detail))
        if note:
            triage = sections.plain_label(note, "Snoozed or done here")
            triage.setObjectName("triage_note")
            column.addWidget(triage)
        if detail.decision.partial:
            index = sections.plain_label(INDEX_NOTE, "Synced as its index only")
            index.setObjectName("index_note")
            column.addWidget(index)
        if detail.ack_queued:
            queued = sections.plain_label(
                f"Your acknowledgment of r{detail.acked_revision} is {QUEUED_NOTE}.",
                "Queued acknowledgment",
            )
            queued.setObjectName("queued_note")
            column.addWidget(queued)
        actions = self._actions(detail)
        if actions is not None:
            column.addWidget(actions)
        if detail.diff is not None:
            column.addWidget(changes_section(detail, detail.diff))
        if detail.conflicts:
            column.addWidget(sections.conflicts_section(detail, self.open_decision_requested.emit))
        box, layout = sections.body_container()
        self.body = BodyView(detail.decision.current.body)
        self.body_view = self.body.markdown
        self.body_view.link_requested.connect(self._on_body_view_link_requested)
        layout.addWidget(self.body)
        column.addWidget(box)
        column.addWidget(sections.assertions_section(detail))
        column.addWidget(sections.audience_section(detail))
        column.addWidget(sections.feedback_section(detail))
        column.addWidget(sections.history_section(detail))

    def _header(self, detail: DecisionDetail) -> QWidget:
        decision = detail.decision
        box = QWidget()
        box.setObjectName("detail_header")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        title = sections.plain_label(f"{decision.key} · {decision.title}", "Decision title")
        title.setObjectName("detail_title")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        facts = [
            f"Owner {decision.owner}",
            f"Team {decision.team or '—'}",
            str(decision.state),
            f"r{decision.revision}",
        ]
        if decision.superseded_by:
            facts.append(f"superseded by {decision.superseded_by}")
        meta = sections.plain_label(" · ".join(facts), "Decision facts")
        meta.setObjectName("detail_meta")
        layout.addWidget(meta)
        if decision.deadline is not None:
            layout.addWidget(self._deadline(detail))
        layout.addWidget(self._standing(detail))
        return box

    def _deadline(self, detail: DecisionDetail) -> QLabel:
        deadline = detail.decision.deadline
        assert deadline is not None
        text = f"Deadline {sections.absolute(deadline)} ({relative(deadline, detail.now)})"
        if detail.overdue:
            text = f"OVERDUE — {text}"
        label = sections.plain_label(text, "Deadline")
        label.setObjectName("detail_deadline")
        if detail.overdue:
            label.setStyleSheet(f"color: {sections.alert_colour()}; font-weight: bold;")
        return label

    def _standing(self, detail: DecisionDetail) -> QLabel:
        """Where the user stands: owner, roles, what they acknowledged."""
        parts = []
        if detail.is_owner:
            parts.append("You own this decision.")
        if detail.roles:
            parts.append("Your roles: " + ", ".join(sorted(r.value for r in detail.roles)) + ".")
        if detail.acked_revision is not None:
            queued = f" ({QUEUED_NOTE})" if detail.ack_queued else ""
            parts.append(f"You acknowledged r{detail.acked_revision}{queued}.")
        if detail.decision.state is State.SUPERSEDED:
            parts.append("Superseded: acknowledging it is no longer asked.")
        label = sections.plain_label(" ".join(parts) or "You are not in its audience.", "You")
        label.setObjectName("detail_standing")
        return label

    def _actions(self, detail: DecisionDetail) -> QWidget | None:
        wanted = set(detail.actions)
        if "feedback" in wanted:
            wanted.add("objection")
        if not wanted:
            return None
        row = QWidget()
        row.setObjectName("detail_actions")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for action, text in _BUTTONS:
            if action not in wanted:
                continue
            button = QPushButton(text.format(revision=detail.revision))
            button.setObjectName(f"action_{action}")
            button.setAccessibleName(button.text().replace("&", ""))
            button.clicked.connect(lambda _checked=False, a=action: self._on_action_clicked(a))
            layout.addWidget(button)
            self.buttons[action] = button
        layout.addStretch(1)
        return row

    # -- slots ----------------------------------------------------------------------------------

    @Slot()
    def _on_retry_clicked(self) -> None:
        if self.failed_key is not None:
            self.retry_requested.emit(self.failed_key)

    def _on_action_clicked(self, action: str) -> None:
        detail = self._detail
        if detail is None:
            return
        if action == "acknowledge":
            self.acknowledge_requested.emit(detail.key, detail.revision)
        elif action in ("feedback", "objection"):
            self.feedback_requested.emit(detail.key, action == "objection")
        elif action in OWNER_ACTIONS:
            self.owner_action_requested.emit(action, detail.key)

    @Slot(QUrl)
    def _on_body_view_link_requested(self, url: QUrl) -> None:
        if url.scheme().lower() not in SAFE_SCHEMES:
            self.refuse_link(url)
            return
        if self.confirm_link(url):
            self.open_url(url)

    def _ask_to_open(self, url: QUrl) -> bool:
        # The encoded form: percent-escapes and punycode hosts stay visible, so a look-alike
        # address cannot pass for the real one.
        shown = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
        answer = QMessageBox.question(
            self,
            "Open link?",
            f"This link in the decision text leads to:\n\n{shown}\n\nOpen it in your browser?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Open

    def _say_refused(self, url: QUrl) -> None:
        shown = bytes(url.toEncoded().data()).decode("ascii", errors="replace")
        QMessageBox.information(
            self,
            "Link not opened",
            f"The link {shown} is not a web or mail address, so Decision Inbox does not open "
            "it; copy it yourself if you trust it.",
        )
