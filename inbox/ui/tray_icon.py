"""The tray icon's picture: the app icon with the pending count in a badge and a mark for the
sync state (the state is always visible in the tray icon: docs/architecture.md, "Sync states").

Layout on a square canvas: the count badge top right (hidden at 0, ``9+`` above 9: two glyphs
at most, so the count stays legible in a 16–24 px panel, where the badge takes most of the
icon and its digits are at least :data:`MIN_DIGIT_PX` pixels tall), the state
mark bottom right — green dot online, amber dot syncing, grey dot with a slash offline (and the
whole icon greyed), red dot with ``!`` on error. Each picture is drawn at several pixel sizes into
one QIcon, so the panel picks a sharp one at any size and device pixel ratio instead of scaling.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QIcon, QPainter, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer

ONLINE = "online"
SYNCING = "syncing"
OFFLINE = "offline"
ERROR = "error"
STATES: tuple[str, ...] = (ONLINE, SYNCING, OFFLINE, ERROR)

# Pixel sizes put into every QIcon: the usual panel sizes at 1x, 1.25x, 1.5x and 2x.
PIXEL_SIZES: tuple[int, ...] = (16, 20, 22, 24, 28, 32, 40, 44, 48, 64)

BADGE_COLOUR = QColor("#cf222e")
SMALL = 24  # pixels: up to here the badge grows so that its digits stay readable
MIN_DIGIT_PX = 9  # the smallest font pixel size whose "1" does not read as "!" here
_MARK_COLOURS = {
    ONLINE: QColor("#1a7f37"),
    SYNCING: QColor("#bf8700"),
    OFFLINE: QColor("#6e7781"),
    ERROR: QColor("#cf222e"),
}
_GREY_WASH = QColor(110, 118, 129, 210)
_WHITE = QColor("#ffffff")


def badge_text(count: int) -> str:
    """What the badge says: nothing for 0, the number up to 9, then ``9+``."""
    if count <= 0:
        return ""
    return str(count) if count <= 9 else "9+"


def badge_geometry(text: str, side: float) -> tuple[QRectF, QFont]:
    """Where the badge for ``text`` goes on a ``side``-pixel icon, and its font."""
    height = side * (0.66 if side <= SMALL else 0.5)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(MIN_DIGIT_PX if side <= SMALL else 6, round(height * 0.8)))
    advance = QFontMetricsF(font).horizontalAdvance(text)
    width = min(side, max(height, advance + height * (0.3 if side <= SMALL else 0.45)))
    return QRectF(side - width, 0, width, height), font


@cache
def _app_svg() -> QByteArray:
    return QByteArray(files("inbox.ui").joinpath("icons/app.svg").read_bytes())


def render_tray_pixmap(count: int, state: str, size: int = 64, ratio: float = 1.0) -> QPixmap:
    """One picture ``size`` logical pixels square, drawn at device pixel ratio ``ratio``.

    An unknown ``state`` draws no mark (the caller's tooltip still says it in words).
    """
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        side = float(pixels)
        QSvgRenderer(_app_svg()).render(painter, QRectF(0, 0, side, side))
        if state == OFFLINE:
            # Tint only where the icon is drawn, keeping its shape: "not connected" at a glance.
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceAtop)
            painter.fillRect(QRectF(0, 0, side, side), _GREY_WASH)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        _draw_state_mark(painter, state, side)
        _draw_badge(painter, badge_text(count), side)
    finally:
        painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def render_tray_icon(count: int, state: str, size: int = 64) -> QIcon:
    """The tray icon for ``count`` pending items in sync ``state``, at every usual pixel size up
    to twice ``size``."""
    icon = QIcon()
    for pixels in sorted({*PIXEL_SIZES, size, 2 * size}):
        icon.addPixmap(render_tray_pixmap(count, state, pixels))
    return icon


def _outline(side: float) -> QPen:
    pen = QPen(_WHITE)
    pen.setWidthF(max(1.0, side / 32))
    return pen


def _draw_badge(painter: QPainter, text: str, side: float) -> None:
    if not text:
        return
    rect, font = badge_geometry(text, side)
    painter.setFont(font)
    pen = _outline(side)
    inset = pen.widthF() / 2
    painter.setPen(pen)
    painter.setBrush(BADGE_COLOUR)
    shape = rect.adjusted(inset, inset, -inset, -inset)
    painter.drawRoundedRect(shape, shape.height() / 2, shape.height() / 2)
    painter.setPen(_WHITE)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _draw_state_mark(painter: QPainter, state: str, side: float) -> None:
    colour = _MARK_COLOURS.get(state)
    if colour is None:
        return
    diameter = side * 0.42
    rect = QRectF(side - diameter, side - diameter, diameter, diameter)
    pen = _outline(side)
    inset = pen.widthF() / 2
    painter.setPen(pen)
    painter.setBrush(colour)
    painter.drawEllipse(rect.adjusted(inset, inset, -inset, -inset))
    inner = rect.adjusted(diameter * 0.28, diameter * 0.28, -diameter * 0.28, -diameter * 0.28)
    if state == OFFLINE:
        slash = QPen(_WHITE)
        slash.setWidthF(max(1.0, diameter * 0.14))
        slash.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(slash)
        painter.drawLine(QPointF(inner.left(), inner.bottom()), QPointF(inner.right(), inner.top()))
    elif state == ERROR:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(diameter * 0.8)))
        painter.setFont(font)
        painter.setPen(_WHITE)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "!")
