"""InboxRowDelegate: paints a decision's row of the inbox list in two lines, and the section
headers between the rows.

Line 1: the unread mark, the key, the title (all the width that is left) and the owner's name
on the right. Line 2: the reasons as chips, most urgent first, then when it last changed and
its deadline. Nothing is a column, so nothing empty takes width; the key, the title and the
first chip always get room (the owner and the times give way first), from 1024×700 up. Every
row has the same height, so Qt never asks 10^5 rows for their size; the texts come from one
``RowRole`` call per painted row (``InboxTableModel``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from inbox.core.model import Reason
from inbox.ui.inbox_row_text import RowText

Index = QModelIndex | QPersistentModelIndex
PAD = 6  # around the lines and between the parts of a line
CHIP_PAD = 5  # inside a chip, left and right
MARK = 8  # the unread dot's diameter
OWNER_SHARE = 0.3  # at most this much of line 1 for the owner, so the title keeps the rest
_ITEM_ROLE = Qt.ItemDataRole.UserRole + 2  # InboxTableModel.RowRole (no import: no cycle)
_SECTION_ROLE = Qt.ItemDataRole.UserRole + 3  # InboxTableModel.SectionRole
# Chip colours by urgency, each readable with the palette's text on light and dark bases.
_URGENT = QColor(198, 40, 40)
_CHIP = {
    str(Reason.NEEDS_ACK): _URGENT,
    str(Reason.CHANGED_SINCE_ACK): QColor(230, 120, 0),
    str(Reason.FEEDBACK_REQUESTED): QColor(40, 110, 200),
    str(Reason.CONFLICT): QColor(150, 60, 170),
    str(Reason.CODE_DRIFT): QColor(190, 70, 40),
    str(Reason.DEADLINE_PASSED): _URGENT,
    str(Reason.AWAITING_ACKS): QColor(110, 110, 110),
    str(Reason.INFORMED): QColor(110, 110, 110),
}


@dataclass(frozen=True)
class RowLayout:
    """Where each part of a row goes, in the view's coordinates; an empty rect is not shown."""

    mark: QRect
    key: QRect
    title: QRect
    owner: QRect
    chips: tuple[QRect, ...]
    times: QRect
    texts: tuple[str, ...]  # title, owner, times as they fit (elided)

    @property
    def why(self) -> QRect:
        """The chips together."""
        united = QRect()
        for chip in self.chips:
            united = united.united(chip)
        return united


def _width(metrics: QFontMetrics, text: str) -> int:
    # horizontalAdvance rounds, elidedText does not: one pixel more, or a text that just fits
    # would be elided.
    return metrics.horizontalAdvance(text) + 1 if text else 0


def row_height(metrics: QFontMetrics) -> int:
    return 2 * metrics.height() + 3 * PAD


def lay_out(rect: QRect, text: RowText, metrics: QFontMetrics, bold: QFontMetrics) -> RowLayout:
    """The parts of ``text`` in a row at ``rect``: ``bold`` measures the key (and, unread, the
    title), ``metrics`` the rest."""
    left, right = rect.left() + PAD, rect.right() - PAD
    height = metrics.height()
    top1, top2 = rect.top() + PAD, rect.top() + 2 * PAD + height
    mark = QRect(left, top1 + (height - MARK) // 2, MARK, MARK)
    x = left + MARK + PAD
    key = QRect(x, top1, _width(bold, text.key), height)
    x = key.right() + 1 + PAD
    width = max(right - x, 0)
    owner_width = min(_width(metrics, text.owner), int(width * OWNER_SHARE))
    owner_text = metrics.elidedText(text.owner, Qt.TextElideMode.ElideRight, owner_width)
    owner_width = _width(metrics, owner_text)
    title_font = bold if text.unread else metrics
    title_width = max(width - owner_width - PAD, 0)
    title_text = title_font.elidedText(text.title, Qt.TextElideMode.ElideRight, title_width)
    title = QRect(x, top1, min(_width(title_font, title_text), title_width), height)
    owner = QRect(right - owner_width + 1, top1, owner_width, height)
    chips, x = [], left
    for n, chip in enumerate(text.chips):
        wanted = _width(metrics, chip) + 2 * CHIP_PAD
        if n and x + wanted > right + 1:
            break  # the first chip always shows, elided if it must; the rest while they fit
        chips.append(QRect(x, top2, min(wanted, right + 1 - x), height))
        x += wanted + PAD
    rest = " · ".join(part for part in (text.triage, text.changed, text.deadline) if part)
    room = max(right + 1 - x, 0)
    times_text = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, room) if rest else ""
    times = QRect(x, top2, _width(metrics, times_text), height)
    return RowLayout(
        mark, key, title, owner, tuple(chips), times, (title_text, owner_text, times_text)
    )


class InboxRowDelegate(QStyledItemDelegate):
    """Two-line decision rows and section headers for the inbox list's one visible column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None

    @classmethod
    def install(cls, table: QTableView, columns: int, sorted_by: int) -> InboxRowDelegate:
        """``table`` shows its model's rows through a new delegate: one column painted whole,
        the others (``columns`` in all) kept in the model for sorting and screen readers but
        taking no width, no header, and rows of one fixed height."""
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setShowGrid(False)
        delegate = cls(table)
        table.setItemDelegateForColumn(0, delegate)
        rows = table.verticalHeader()
        # Uniform rows: Qt never asks each of 100k rows for its size.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(row_height(table.fontMetrics()))
        rows.hide()
        header = table.horizontalHeader()
        for column in range(1, columns):
            table.setColumnHidden(column, True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(sorted_by, Qt.SortOrder.AscendingOrder)
        header.hide()
        table.setSortingEnabled(True)  # a sort indicator change → the model's sort
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return delegate

    def fonts(self, base: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        """(plain, bold, their metrics) for ``base``, kept while the font stays the same."""
        if self._fonts is None or self._fonts[0] != base:
            bold = QFont(base)
            bold.setBold(True)
            self._fonts = (QFont(base), bold, QFontMetrics(base), QFontMetrics(bold))
        return self._fonts

    def layout(self, rect: QRect, text: RowText, font: QFont) -> RowLayout:
        _plain, _bold, metrics, bold = self.fonts(font)
        return lay_out(rect, text, metrics, bold)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        rect, palette = option.rect, option.palette  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        plain, bold, metrics, bold_metrics = self.fonts(option.font)  # type: ignore[attr-defined]
        painter.save()
        try:
            section = index.data(_SECTION_ROLE)
            if section is not None:
                self._paint_header(painter, rect, palette, str(index.data()), bold)
                return
            text = index.data(_ITEM_ROLE)
            if not isinstance(text, RowText):
                return
            group = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
            painter.fillRect(rect, palette.color(group))
            parts = lay_out(rect, text, metrics, bold_metrics)
            ink = palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
            self._paint_line1(painter, text, parts, ink, plain, bold)
            self._paint_line2(painter, text, parts, ink, plain, metrics)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        size.setHeight(row_height(self.fonts(option.font)[2]))  # type: ignore[attr-defined]
        return size

    # -- inside ----------------------------------------------------------------------------------

    def _paint_header(
        self, painter: QPainter, rect: QRect, palette: QPalette, title: str, bold: QFont
    ) -> None:
        # A header is not enabled (the cursor passes it by): its option's palette is the
        # disabled one, too faint for a title, so the active colours are read.
        active = QPalette.ColorGroup.Active
        painter.fillRect(rect, palette.color(active, QPalette.ColorRole.Window))
        painter.setFont(bold)
        painter.setPen(palette.color(active, QPalette.ColorRole.WindowText))
        inner = rect.adjusted(PAD, PAD, -PAD, -PAD // 2)
        painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, title)

    def _paint_line1(
        self,
        painter: QPainter,
        text: RowText,
        parts: RowLayout,
        ink: QColor,
        plain: QFont,
        bold: QFont,
    ) -> None:
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if text.unread:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_CHIP[str(Reason.FEEDBACK_REQUESTED)])
            painter.drawEllipse(parts.mark)
        painter.setPen(ink)
        painter.setFont(bold)
        painter.drawText(parts.key, left, text.key)
        title, owner, _times = parts.texts
        painter.setFont(bold if text.unread else plain)
        painter.drawText(parts.title, left, title)
        painter.setFont(plain)
        painter.drawText(
            parts.owner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, owner
        )

    def _paint_line2(
        self,
        painter: QPainter,
        text: RowText,
        parts: RowLayout,
        ink: QColor,
        plain: QFont,
        metrics: QFontMetrics,
    ) -> None:
        painter.setFont(plain)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for rect, chip, reason in zip(parts.chips, text.chips, text.reasons, strict=False):
            colour = _CHIP.get(reason, _CHIP[str(Reason.INFORMED)])
            fill = QColor(colour)
            fill.setAlpha(40)
            painter.setPen(colour)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setPen(ink)
            inner = rect.adjusted(CHIP_PAD, 0, -CHIP_PAD, 0)
            label = metrics.elidedText(chip, Qt.TextElideMode.ElideRight, inner.width())
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, label)
        times = parts.texts[2]
        if times:
            painter.setPen(_URGENT if text.overdue else ink)
            painter.drawText(
                parts.times, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, times
            )
