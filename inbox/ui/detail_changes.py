"""The first section of the detail pane: what changed since the person acknowledged, and why.

It leads with the why (author, time and summary of every revision since the acknowledged one),
then the title, the assertions old → new, and the text as rendered Markdown with the changed
words marked inline (added: green and underlined; removed: red and struck through, so the
marks read without colour too). The raw unified diff is one click away, behind a toggle.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QGroupBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from inbox.core.detail import DecisionDetail
from inbox.core.diff import RevisionDiff
from inbox.ui import detail_sections as sections
from inbox.ui import theme
from inbox.ui.detail_body import PREVIEW_CHARS, FittedMarkdownView
from inbox.ui.word_diff import DEL_END, DEL_START, INS_END, INS_START, marked_markdown

RAW_MAX_CHARS = 40_000  # the raw diff shown; the rest is said, not laid out
LEGEND = "Added words are green and underlined; removed words are red and struck through."


def changes_section(detail: DecisionDetail, diff: RevisionDiff) -> QGroupBox:
    box, layout = sections.group(
        f"Changed since you acknowledged r{diff.from_revision} (now r{diff.to_revision})",
        "diff_section",
    )
    _why(layout, detail, diff)
    if detail.revision > detail.material_revision:
        layout.addWidget(
            sections.plain_label("The newest revisions are marked minor by the owner.")
        )
    if diff.is_empty():
        layout.addWidget(
            sections.plain_label("Nothing changed in the title, the text or the assertions.")
        )
        return box
    if diff.title is not None:
        title = sections.plain_label(
            f"Title: {sections.MINUS} {diff.title[0]}  →  + {diff.title[1]}", "Title change"
        )
        title.setObjectName("diff_title")
        layout.addWidget(title)
    if diff.assertions:
        layout.addWidget(sections.assertion_changes(diff))
    if diff.body:
        _text_changes(layout, detail, diff)
    return box


def _why(layout: QVBoxLayout, detail: DecisionDetail, diff: RevisionDiff) -> None:
    """One entry per revision since the acknowledged one, newest first: who, when, why."""
    for rev in reversed(detail.decision.revisions):
        if not diff.from_revision < rev.number <= diff.to_revision:
            continue
        minor = " (minor)" if rev.minor else ""
        head = sections.plain_label(
            f"r{rev.number}{minor} · {rev.author} · {sections.absolute(rev.created_at)}",
            f"Revision {rev.number} by {rev.author}",
            bold=True,
        )
        head.setObjectName(f"change_r{rev.number}")
        layout.addWidget(head)
        summary = sections.plain_label(
            rev.summary or "No summary of the change was given.", f"Why r{rev.number} changed"
        )
        summary.setObjectName(f"change_summary_r{rev.number}")
        summary.setIndent(12)
        layout.addWidget(summary)


def _text_changes(layout: QVBoxLayout, detail: DecisionDetail, diff: RevisionDiff) -> None:
    old = detail.decision.revision_number(diff.from_revision).body
    new = detail.decision.revision_number(diff.to_revision).body
    layout.addWidget(sections.plain_label("Text:", "Text changes heading", bold=True))
    marked = marked_markdown(old, new) if len(new) <= PREVIEW_CHARS else None
    if marked is not None:
        rendered = FittedMarkdownView()
        rendered.setObjectName("diff_rendered")
        rendered.setAccessibleName("Text changes, word by word")
        render_marked(rendered, marked)
        layout.addWidget(rendered)
        legend = sections.plain_label(LEGEND, "How changes are marked")
        legend.setObjectName("diff_legend")
        layout.addWidget(legend)
    else:
        note = sections.plain_label(
            "The text is too long to compare word by word here; the line-by-line diff is below.",
            "Text too long to compare",
        )
        note.setObjectName("diff_too_long")
        layout.addWidget(note)
    raw = raw_diff(diff.body)
    toggle = QPushButton("Show the raw text diff")
    toggle.setObjectName("diff_raw_toggle")
    toggle.setCheckable(True)
    toggle.setAccessibleName("Show the raw text diff")

    def flip(on: bool) -> None:
        raw.setVisible(on)
        toggle.setText("Hide the raw text diff" if on else "Show the raw text diff")

    toggle.toggled.connect(flip)
    toggle.setChecked(marked is None)
    flip(marked is None)
    layout.addWidget(toggle)
    layout.addWidget(raw)


def render_marked(view: FittedMarkdownView, marked: str) -> None:
    """Render ``marked`` (from :func:`inbox.ui.word_diff.marked_markdown`), then turn its marks
    into character formats and remove them, so no HTML is ever parsed."""
    view.show_markdown(marked)
    colours = theme.colours()
    added = QTextCharFormat()
    added.setBackground(QColor(colours.added_bg))
    added.setForeground(QColor(colours.added_ink))
    added.setFontUnderline(True)
    removed = QTextCharFormat()
    removed.setBackground(QColor(colours.removed_bg))
    removed.setForeground(QColor(colours.removed_ink))
    removed.setFontStrikeOut(True)
    document = view.document()
    for start, end, fmt in ((INS_START, INS_END, added), (DEL_START, DEL_END, removed)):
        cursor = QTextCursor(document)
        while True:
            opening = document.find(start, cursor)
            if opening.isNull():
                break
            closing = document.find(end, opening)
            opening.removeSelectedText()
            if closing.isNull():
                break
            closing.removeSelectedText()
            span = QTextCursor(document)
            span.setPosition(opening.position())
            span.setPosition(closing.position(), QTextCursor.MoveMode.KeepAnchor)
            span.mergeCharFormat(fmt)
            cursor = closing


def raw_diff(text: str) -> QPlainTextEdit:
    """The unified diff of the text, added lines green and removed ones red, with a sign."""
    colours = theme.colours()
    view = QPlainTextEdit()
    view.setObjectName("diff_body")
    view.setAccessibleName("Text changes")
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    cursor = QTextCursor(view.document())
    shown = text[:RAW_MAX_CHARS]
    lines = shown.split("\n")
    if len(text) > RAW_MAX_CHARS:
        lines.append(f"… {len(text) - RAW_MAX_CHARS:,} more characters of diff not shown.")
    for number, line in enumerate(lines):
        fmt = QTextCharFormat()
        if line.startswith("+") and not line.startswith("+++"):
            fmt.setBackground(QColor(colours.added_bg))
            fmt.setForeground(QColor(colours.added_ink))
        elif line.startswith("-") and not line.startswith("---"):
            fmt.setBackground(QColor(colours.removed_bg))
            fmt.setForeground(QColor(colours.removed_ink))
        elif line.startswith("@@"):
            fmt.setFontWeight(QFont.Weight.Bold)
        cursor.insertText(line, fmt)
        if number < len(lines) - 1:
            cursor.insertBlock()
    metrics = view.fontMetrics()
    view.setFixedHeight(min(18, len(lines) + 1) * metrics.lineSpacing() + 12)
    view.moveCursor(QTextCursor.MoveOperation.Start)
    return view


def changed_words(view: QLabel | FittedMarkdownView) -> tuple[list[str], list[str]]:
    """(added, removed) runs of text in a rendered diff, for tests and accessibility checks."""
    assert isinstance(view, FittedMarkdownView)
    added_bg = QColor(theme.colours().added_bg)
    added: list[str] = []
    removed: list[str] = []
    block = view.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.fontUnderline() and fmt.background().color() == added_bg:
                added.append(fragment.text())
            elif fmt.fontStrikeOut():
                removed.append(fragment.text())
            iterator += 1
        block = block.next()
    return added, removed
