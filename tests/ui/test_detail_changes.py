"""The detail pane leads with what changed and why: the revisions since the acknowledged one, a
rendered word-level diff (raw diff behind a toggle), Markdown kept safe, and a bounded layout
so a 1 MB text cannot freeze the window; the diff colours are legible in light and dark."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from inbox.core.detail import build_detail
from inbox.ui import theme
from inbox.ui.detail_body import PREVIEW_CHARS, BodyView
from inbox.ui.detail_changes import changed_words
from inbox.ui.detail_view import NOTHING_SELECTED
from inbox.ui.word_diff import marked_markdown
from tests.ui.test_detail_view import changed, child, decision_of, demo, detail_of, make_view

__all__ = ["demo"]  # the module-scoped fixture, shared
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_the_pane_leads_with_who_changed_what_and_why(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    d1 = decision_of(demo, "D-1")
    head = child(view, QLabel, "change_r2").text()
    assert head.startswith("r2 · ana · ")
    assert child(view, QLabel, "change_summary_r2").text() == d1.current.summary
    section = child(view, QGroupBox, "diff_section")
    why = child(view, QLabel, "change_summary_r2")
    body = child(view, QGroupBox, "body_section")
    # the why inside the change section, and the change before the text itself
    assert section.isAncestorOf(why)
    assert section.y() < body.y()


def test_the_text_diff_is_rendered_with_the_changed_words_marked(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
    rendered = child(view, type(view.body_view), "diff_rendered")
    text = rendered.toPlainText()
    for raw in ("@@", "+++", "---", "**", "No newline"):
        assert raw not in text
    added, removed = changed_words(rendered)
    assert "60" in added and "15" in removed
    assert any("grace period" in run for run in added)
    raw = child(view, QPlainTextEdit, "diff_body")
    toggle = child(view, QPushButton, "diff_raw_toggle")
    assert not raw.isVisible()  # behind the toggle
    toggle.click()
    assert raw.isVisible() and "@@" in raw.toPlainText()
    assert toggle.text() == "Hide the raw text diff"


def test_the_word_diff_keeps_markdown_safe(qtbot: QtBot, demo) -> None:
    d1 = decision_of(demo, "D-1")
    old, new = d1.revisions[0], d1.revisions[1]
    hostile = new.body + '\n\n<b style="color:white">hidden</b> ![x](https://example.com/t.png)\n'
    snap = changed(demo, "D-1", revisions=(old, replace(new, body=hostile)))
    loaded: list[str] = []
    view = make_view(qtbot, build_detail(snap, "D-1", "fred", demo[1]))
    rendered = child(view, type(view.body_view), "diff_rendered")
    original = rendered.loadResource
    rendered.loadResource = lambda kind, name: loaded.append(str(name)) or original(kind, name)
    rendered.viewport().repaint()
    assert '<b style="color:white">hidden</b>' in rendered.toPlainText()  # shown as text
    assert "\ue000" not in rendered.toPlainText() and "\ue001" not in rendered.toPlainText()
    assert loaded == [] or all("example.com" in name for name in loaded)


def test_marked_markdown_marks_words_not_structure() -> None:
    marked = marked_markdown("- one two\n", "- one three\n- four\n")
    assert marked is not None
    assert marked.startswith("- one ")  # the bullet stays a bullet
    assert "\n- \ue000four\ue001" in marked
    assert marked_markdown("x" * 70_000, "y") is None  # too long: no quadratic matcher


def test_a_1_mb_single_line_body_shows_at_once_and_the_rest_in_chunks(qtbot: QtBot, demo) -> None:
    d9 = decision_of(demo, "D-9")
    body = "wordy" * 200_000  # 1 MB, one line, not a single space
    snap = changed(demo, "D-9", revisions=(replace(d9.current, body=body),))
    started = time.perf_counter()
    view = make_view(qtbot, build_detail(snap, "D-9", "fred", demo[1]))
    assert time.perf_counter() - started < 5.0  # generous; unbounded it took minutes
    assert view.body is not None and view.body.truncated
    assert len(view.body_view.toPlainText()) <= PREVIEW_CHARS + 10
    note = child(view, QLabel, "body_truncated").text()
    assert note == f"Showing the first {PREVIEW_CHARS:,} of {len(body):,} characters."
    ticks: list[float] = []
    with qtbot.waitSignal(view.body.fully_shown, timeout=120_000):
        child(view, QPushButton, "body_show_all").click()
        while not view.body._timer.isActive() or view.body.truncated:
            before = time.perf_counter()
            QApplication.processEvents()
            ticks.append(time.perf_counter() - before)
            if not view.body.truncated:
                break
    assert len(view.body_view.toPlainText().replace("\n", "").replace("\u2029", "")) >= len(body)
    assert max(ticks) < 5.0  # each chunk is bounded: the window keeps answering


def test_a_1_mb_table_is_bounded_too(qtbot: QtBot) -> None:
    table = "| a | b |\n|---|---|\n" + "| cell | value |\n" * 62_500  # about 1 MB
    started = time.perf_counter()
    view = BodyView(table)
    qtbot.addWidget(view)
    view.show()
    assert time.perf_counter() - started < 5.0
    assert view.truncated


def test_nothing_selected_says_so(qtbot: QtBot, demo) -> None:
    view = make_view(qtbot, None)
    assert child(view, QLabel, "detail_empty").text() == NOTHING_SELECTED


# -- the colours: WCAG 2.x contrast, computed here ----------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_wcag_formula_matches_known_values() -> None:
    assert _contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("scheme", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_diff_colours_have_a_contrast_of_at_least_4_5(scheme: theme.DiffColours) -> None:
    for kind in ("added", "removed", "changed"):
        ink, background = getattr(scheme, f"{kind}_ink"), getattr(scheme, f"{kind}_bg")
        assert _contrast(ink, background) >= 4.5, (kind, ink, background)
    assert _contrast(scheme.alert, scheme.base) >= 4.5


def test_a_dark_palette_gets_the_dark_diff_colours(qtbot: QtBot, demo) -> None:
    app = QApplication.instance()
    before = app.palette()
    app.setPalette(theme.dark_palette())
    try:
        assert theme.is_dark()
        view = make_view(qtbot, detail_of(demo, "D-1", "fred"))
        raw = child(view, QPlainTextEdit, "diff_body")
        block = raw.document().begin()
        backgrounds = set()
        while block.isValid():
            if block.text().startswith("+") and not block.text().startswith("+++"):
                backgrounds.add(block.begin().fragment().charFormat().background().color().name())
            block = block.next()
        assert backgrounds == {theme.DARK.added_bg}
        assert _contrast(theme.DARK.added_ink, theme.DARK.added_bg) >= 4.5
        assert app.palette().color(QPalette.ColorRole.Base).name() == theme.DARK.base
    finally:
        app.setPalette(before)
