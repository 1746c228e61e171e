"""The tray on a real X screen with a real tray (Xvfb + trayer): the icon is embedded and drawn
with its count, a real right-click opens the menu built from the items, and a real click on
*Acknowledge* emits ``acknowledge_requested`` with that item's key and revision.

The app under test is a child process (tests/x11/tray_app.py) that prints what it shows and
what it emits as JSON lines; screenshots go to the test's tmp_path (tray-menu.png is the menu
open with the first item's submenu).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from tests.x11.screen import EventReader, gui_env, inside, screenshot, tray_panel, xdotool

pytestmark = pytest.mark.x11

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tray_app(tray_display: str, tmp_path: Path) -> Iterator[EventReader]:
    stderr_path = tmp_path / "tray_app.stderr"
    with stderr_path.open("w") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.x11.tray_app"],
            cwd=ROOT,
            env=gui_env(tray_display),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    reader = EventReader(child, stderr_path)
    try:
        yield reader
    finally:
        reader.stop()


def centre(rect: list[int]) -> tuple[str, str]:
    x, y, width, height = rect
    return str(x + width // 2), str(y + height // 2)


def click(display: str, rect: list[int], button: str) -> None:
    xdotool(display, "mousemove", *centre(rect), "click", button)


def colours(path: Path) -> list[QColor]:
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not an image"
    return [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]


def reddish(c: QColor) -> bool:
    return c.red() > 150 and c.green() < 90 and c.blue() < 90


def bluish(c: QColor) -> bool:
    return c.blue() > 150 and c.red() < 60


def embedded(display: str, reader: EventReader, timeout: float = 15.0) -> dict[str, Any]:
    """The child's last report of its icon, once that icon is inside trayer's panel (the panel
    grows to fit the icon around the time the child reports it, so look again while waiting)."""
    latest: dict[str, Any] | None = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = reader.poll(lambda e: e["event"] == "icon", timeout=0.2) or latest
        if latest is not None and inside(latest["geometry"], tray_panel(display)):
            return latest
    pytest.fail(f"The icon never showed inside the tray.\n{reader.report()}", pytrace=False)


def menu_titled(prefix: str) -> Any:
    return lambda e: e["event"] == "menu_shown" and e["title"].startswith(prefix)


def action(menu: dict[str, Any], prefix: str) -> dict[str, Any]:
    (found,) = [a for a in menu["actions"] if a["text"].startswith(prefix)]
    return found


def test_right_click_opens_the_menu_and_acknowledge_pins_the_revision(
    tray_display: str, tray_app: EventReader, tmp_path: Path
) -> None:
    ready = embedded(tray_display, tray_app)
    assert ready["count"] == 3
    assert ready["tooltip"] == ("Decision Inbox — 2 to acknowledge, 1 feedback due · online")
    x, y, width, height = ready["geometry"]

    # The icon is really drawn there: the app icon's blue and the count badge's red.
    icon = screenshot(tray_display, tmp_path / "tray-icon.png", crop=(x, y, width, height))
    pixels = colours(icon)
    assert len({c.rgb() for c in pixels}) > 10, "the tray icon's area is blank"
    assert any(bluish(c) for c in pixels) and any(reddish(c) for c in pixels)

    click(tray_display, ready["geometry"], "3")
    menu = tray_app.expect("the tray menu", menu_titled(""))
    assert [a["text"].split()[0] for a in menu["actions"] if a["submenu"]][:3] == [
        "D-12",
        "D-7",
        "D-15",
    ]
    assert [a["text"] for a in menu["actions"]][3:] == [
        "Open inbox",
        "Sync now",
        "Pause notifications",
        "Quit",
    ]
    screenshot(tray_display, tmp_path / "tray-menu-top.png")

    click(tray_display, action(menu, "D-12")["rect"], "1")  # a click opens the submenu at once
    submenu = tray_app.expect("D-12's submenu", menu_titled("D-12"))
    assert [a["text"] for a in submenu["actions"]] == ["Acknowledge revision 2", "Open D-12"]
    # Really on screen: the submenu's entry is painted on the menu's light background over
    # Xvfb's black root window.
    shot = QImage(str(screenshot(tray_display, tmp_path / "tray-menu.png")))
    ack_x, ack_y = (int(v) for v in centre(action(submenu, "Acknowledge")["rect"]))
    assert shot.pixelColor(submenu["geometry"][0] + 2, ack_y).lightness() > 150
    assert shot.pixelColor(ack_x, ack_y).lightness() > 100

    click(tray_display, action(submenu, "Acknowledge")["rect"], "1")
    signal = tray_app.expect(
        "acknowledge_requested", lambda e: e["event"] == "signal" and e["name"] != "tray_appeared"
    )
    assert signal == {"event": "signal", "name": "acknowledge_requested", "args": ["D-12", 2]}


def test_left_click_asks_for_the_window(tray_display: str, tray_app: EventReader) -> None:
    ready = embedded(tray_display, tray_app)
    click(tray_display, ready["geometry"], "1")
    signal = tray_app.expect(
        "show_window_requested",
        lambda e: e["event"] == "signal" and e["name"] != "tray_appeared",
    )
    assert signal["name"] == "show_window_requested"
