"""SafeMarkdownView renders untrusted Markdown without loading anything and opens nothing itself.

Each "nothing was loaded" check has a control: the same content in a plain QTextBrowser does
load the local file, so the check would notice if the protection went away.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextBrowser
from pytestqt.qtbot import QtBot

from inbox.ui.markdown_view import MAX_BYTES, SafeMarkdownView

RED = QColor(255, 0, 0)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"p { color: #ff0000 }" if self.path.endswith(".css") else b""
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A web server on 127.0.0.1 that records every request it gets."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def red_files(tmp_path: Path) -> Path:
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(RED)
    assert image.save(str(tmp_path / "red.png"))
    (tmp_path / "red.css").write_text("p { color: #ff0000; background-color: #ff0000 }")
    return tmp_path


def shown(qtbot: QtBot, view: QTextBrowser) -> QImage:
    """Show the view, let Qt lay out and paint, and return what is on screen."""
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view.viewport().grab().toImage()


def red_pixels(image: QImage) -> int:
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y) == RED
    )


def test_remote_images_and_stylesheets_are_never_fetched(
    qtbot: QtBot, server: tuple[str, list[str]]
) -> None:
    base, requests = server
    view = SafeMarkdownView()
    qtbot.addWidget(view)
    view.show_markdown(
        f"# Title\n\n![tracker]({base}/pixel.png)\n\n"
        f'<link rel="stylesheet" href="{base}/style.css">\n\n'
        f'<img src="{base}/raw.png">\n\n[a link]({base}/page)\n'
    )
    shown(qtbot, view)
    # the protection must hold even for HTML, which show_markdown never renders
    view.setHtml(
        f'<html><head><link rel="stylesheet" type="text/css" href="{base}/style.css"></head>'
        f'<body><p>text</p><img src="{base}/raw.png"></body></html>'
    )
    shown(qtbot, view)
    assert requests == []


def test_local_images_are_never_loaded(
    qtbot: QtBot, red_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(red_files)  # so that a relative "red.png" would resolve
    url = QUrl.fromLocalFile(str(red_files / "red.png")).toString()
    markdown = f"Look: ![a]({url}) ![b](red.png) ![c]({red_files / 'red.png'})\n"

    control = QTextBrowser()
    qtbot.addWidget(control)
    control.setMarkdown(markdown)
    assert red_pixels(shown(qtbot, control)) > 100  # a plain browser does load them

    view = SafeMarkdownView()
    qtbot.addWidget(view)
    view.show_markdown(markdown)
    assert red_pixels(shown(qtbot, view)) == 0


def test_local_stylesheets_are_never_loaded(qtbot: QtBot, red_files: Path) -> None:
    html = (
        f'<html><head><link rel="stylesheet" type="text/css" '
        f'href="{QUrl.fromLocalFile(str(red_files / "red.css")).toString()}"></head>'
        f"<body><p>{'paint me red ' * 20}</p></body></html>"
    )
    control = QTextBrowser()
    qtbot.addWidget(control)
    control.setHtml(html)
    assert red_pixels(shown(qtbot, control)) > 100

    view = SafeMarkdownView()
    qtbot.addWidget(view)
    view.setHtml(html)
    assert red_pixels(shown(qtbot, view)) == 0


def test_a_click_on_a_link_only_requests_it(qtbot: QtBot) -> None:
    view = SafeMarkdownView()
    qtbot.addWidget(view)
    with qtbot.assertNotEmitted(view.link_requested):
        view.show_markdown("Read [the spec](https://example.com/spec?a=1) first.\n")
        shown(qtbot, view)
    before = view.toPlainText()

    # a real mouse click on the link text
    cursor = view.document().find("the spec")
    assert not cursor.isNull()
    cursor.setPosition(cursor.selectionStart() + 2)
    spot = view.cursorRect(cursor).center() + QPoint(1, 0)
    with qtbot.waitSignal(view.link_requested) as clicked:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert clicked.args == [QUrl("https://example.com/spec?a=1")]

    # and the signal QTextBrowser raises for any activation (keyboard too)
    with qtbot.waitSignal(view.link_requested) as activated:
        view.anchorClicked.emit(QUrl("https://example.com/other"))
    assert activated.args == [QUrl("https://example.com/other")]
    assert view.toPlainText() == before  # the view did not navigate anywhere
    assert view.source() == QUrl()


def test_raw_html_is_shown_as_text(qtbot: QtBot) -> None:
    view = SafeMarkdownView()
    qtbot.addWidget(view)
    view.show_markdown('Plain **bold** and <span style="color:white">hidden</span>\n')
    text = view.toPlainText()
    assert "**" not in text and "bold" in text  # Markdown is rendered
    assert '<span style="color:white">hidden</span>' in text  # HTML is not


def test_only_the_first_megabyte_is_rendered(qtbot: QtBot) -> None:
    view = SafeMarkdownView()
    qtbot.addWidget(view)
    line = "word " * 19 + "\n\n"  # 100 bytes
    view.show_markdown(line * (MAX_BYTES // len(line) + 5000))
    text = view.toPlainText()
    assert len(text.encode("utf-8")) <= MAX_BYTES
    assert text.rstrip().endswith("The rest of this text is longer than 1 MB and is not shown.")
    view.show_markdown("short\n")
    assert view.toPlainText() == "short"
