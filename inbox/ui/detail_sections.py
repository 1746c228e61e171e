"""The sections of the decision detail pane, each built from a :class:`DecisionDetail`.

Every text that came from another person goes into a plain-text widget (a table cell, a
plain-text label or a plain-text document): nothing here parses it as HTML. Changes are marked
by a sign (+ added, − removed, ± changed) as well as by colour, so they read without colour too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inbox.core.detail import DecisionDetail
from inbox.core.diff import RevisionDiff
from inbox.core.model import Role
from inbox.core.times import as_utc
from inbox.ui import theme
from inbox.ui.detail_code import add_code_lines

MINUS = "−"
ROLE_TITLES = {
    Role.ACK: "Must acknowledge (ack)",
    Role.CONSULT: "Asked for feedback (consult)",
    Role.INFORM: "Informed (inform)",
}


def absolute(moment: datetime) -> str:
    return as_utc(moment).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def plain_label(text: str, name: str = "", *, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(True)
    label.setAccessibleName(name or text[:60])
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def group(title: str, object_name: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setObjectName(object_name)
    box.setAccessibleName(title)
    layout = QVBoxLayout(box)
    return box, layout


class FittedTable(QTableWidget):
    """A read-only table as tall as its rows, so the pane scrolls rather than each table.

    Rows wrap in the stretched column, so their height depends on the width: it is fitted again
    on every resize.
    """

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(row) for row in range(self.rowCount()))
        if self.height() != height + 2:
            self.setFixedHeight(height + 2)


def table(
    headers: list[str], rows: list[list[str]], name: str, stretch: int | None = None
) -> FittedTable:
    """A read-only table; column ``stretch`` (default: the last) takes the spare width."""
    widget = FittedTable(len(rows), len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.setAccessibleName(name)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setWordWrap(True)
    widget.verticalHeader().setVisible(False)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(
        len(headers) - 1 if stretch is None else stretch, QHeaderView.ResizeMode.Stretch
    )
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            widget.setItem(row, column, QTableWidgetItem(value))
    widget.fit()
    return widget


def _bold(font: QFont) -> QFont:
    font.setBold(True)
    return font


def alert_colour() -> str:
    """Overdue deadlines and objections: readable on the pane under either palette."""
    return theme.colours().alert


def paint_row(widget: QTableWidget, row: int, kind: str) -> None:
    """Colour a row as ``added``, ``removed`` or ``changed``, its text in the matching ink."""
    colours = theme.colours()
    background = QColor(getattr(colours, f"{kind}_bg"))
    ink = QColor(getattr(colours, f"{kind}_ink"))
    for column in range(widget.columnCount()):
        item = widget.item(row, column)
        if item is not None:
            item.setBackground(QBrush(background))
            item.setForeground(QBrush(ink))


# --- the diff since the user's acknowledgment (the rest is in detail_changes) ----------------


def assertion_changes(diff: RevisionDiff) -> QTableWidget:
    was, now = f"Was (r{diff.from_revision})", f"Now (r{diff.to_revision})"
    rows: list[list[str]] = []
    colours: list[str] = []
    for change in diff.assertions:
        if change.old is None:
            rows.append(["+", change.key, "", change.new or ""])
            colours.append("added")
        elif change.new is None:
            rows.append([MINUS, change.key, change.old, "(removed)"])
            colours.append("removed")
        else:
            rows.append(["±", change.key, f"{MINUS} {change.old}", f"+ {change.new}"])
            colours.append("changed")
    widget = table(["", "Assertion", was, now], rows, "Assertion changes")
    widget.setObjectName("diff_assertions")
    for row, colour in enumerate(colours):
        paint_row(widget, row, colour)
    return widget


# --- conflicts, side by side ----------------------------------------------------------------


def conflicts_section(detail: DecisionDetail, open_decision: Callable[[str], None]) -> QGroupBox:
    box, layout = group("Conflicting assertions", "conflicts_section")
    layout.addWidget(
        plain_label(
            "Other live decisions assert a different value for the same key; one of them "
            "must change.",
            "Conflicts explanation",
        )
    )
    # One small table per assertion key: this decision's value on top, each other decision's
    # below it, so the two values sit side by side whatever the pane's width.
    for n, conflict in enumerate(detail.conflicts):
        heading = plain_label(
            conflict.assertion_key, f"Conflicting assertion {conflict.assertion_key}"
        )
        heading.setFont(_bold(heading.font()))
        layout.addWidget(heading)
        rows = [[f"{detail.key} · {detail.decision.title} (this decision)", conflict.value, ""]]
        rows += [
            [f"{o.key} · {o.title} ({o.owner}, {o.state})", o.value, ""] for o in conflict.others
        ]
        widget = table(["Decision", "Value", ""], rows, "Conflicts side by side", stretch=0)
        widget.setObjectName("conflicts_table" if n == 0 else f"conflicts_table_{n}")
        for row, other in enumerate(conflict.others, start=1):
            paint_row(widget, row, "changed")
            button = QPushButton(f"Open {other.key}")
            button.setObjectName(f"open_{other.key}")
            button.setAccessibleName(f"Open {other.key}")
            button.clicked.connect(lambda _checked=False, k=other.key: open_decision(k))
            widget.setCellWidget(row, 2, button)
        widget.fit()
        layout.addWidget(widget)
    return box


# --- the rest: what the decision says and who has read it -------------------------------------


def assertions_section(detail: DecisionDetail) -> QGroupBox:
    box, layout = group(f"Assertions (r{detail.revision})", "assertions_section")
    assertions = detail.decision.current.assertions
    if not assertions:
        layout.addWidget(plain_label("This revision asserts nothing.", "No assertions"))
        return box
    rows = [[key, assertions[key]] for key in sorted(assertions)]
    widget = table(["Key", "Value"], rows, "Assertions")
    widget.setObjectName("assertions_table")
    layout.addWidget(widget)
    return box


def audience_section(detail: DecisionDetail) -> QGroupBox:
    box, layout = group("Audience and acknowledgments", "audience_section")
    entries = detail.decision.audience
    if entries:
        for role in Role:
            names = [e.label for e in entries if e.role is role]
            if names:
                label = plain_label(f"{ROLE_TITLES[role]}: {', '.join(names)}")
                label.setObjectName(f"audience_{role.value}")
                layout.addWidget(label)
    else:
        layout.addWidget(plain_label("No audience yet.", "No audience"))
    add_code_lines(detail, layout)  # who relies on the keys, and what their code says
    if not detail.coverage or detail.coverage[0].total == 0:
        layout.addWidget(plain_label("Nobody has to acknowledge this decision.", "No ack audience"))
        return box
    for row in reversed(detail.coverage):  # the revision that matters now first
        label = plain_label(row.label(), f"Coverage r{row.revision}")
        label.setObjectName(f"coverage_r{row.revision}")
        layout.addWidget(label)
    return box


def feedback_section(detail: DecisionDetail) -> QGroupBox:
    count = len(detail.feedback)
    objections = f", {detail.objections} objection{'s' if detail.objections != 1 else ''}"
    box, layout = group(
        f"Feedback ({count}{objections if detail.objections else ''})", "feedback_section"
    )
    if not detail.feedback:
        layout.addWidget(plain_label("No feedback yet.", "No feedback"))
        return box
    for number, item in enumerate(detail.feedback):
        mark = "⚠ OBJECTION — " if item.objection else ""
        head = plain_label(
            f"{mark}{item.person} on r{item.revision}, {absolute(item.at)}",
            f"Feedback {number + 1} by {item.person}",
            bold=True,
        )
        head.setObjectName(f"feedback_{number}")
        if item.objection:
            head.setStyleSheet(f"color: {alert_colour()};")
        layout.addWidget(head)
        body = plain_label(item.body, f"Feedback {number + 1} text")
        body.setIndent(16)
        layout.addWidget(body)
    return box


def history_section(detail: DecisionDetail) -> QGroupBox:
    """Every revision, newest first, as a short entry whose summary wraps to the pane's width
    (a table squeezed the summary into a column a word wide)."""
    box, layout = group("Revision history", "history_section")
    for rev in reversed(detail.decision.revisions):
        notes = []
        if rev.number == detail.revision:
            notes.append("current")
        if rev.number == detail.acked_revision:
            notes.append("you acknowledged")
        if rev.minor:
            notes.append("minor")
        marks = f" ({', '.join(notes)})" if notes else ""
        head = plain_label(
            f"r{rev.number}{marks} · {rev.author} · {absolute(rev.created_at)}",
            f"Revision {rev.number}",
            bold=True,
        )
        head.setObjectName(f"history_r{rev.number}")
        layout.addWidget(head)
        summary = plain_label(
            rev.summary or ("Created." if rev.number == 1 else "No summary given."),
            f"Summary of revision {rev.number}",
        )
        summary.setObjectName(f"history_summary_r{rev.number}")
        summary.setIndent(12)
        layout.addWidget(summary)
    return box


def body_container() -> tuple[QGroupBox, QVBoxLayout]:
    return group("Text", "body_section")
