"""The whole app in a real tray (Xvfb + trayer): ``decision-inbox gui`` as fred on the demo store
puts its icon in the panel after its first sync, drawn with fred's pending count; a real
right-click opens its menu, and choosing *Acknowledge revision 2* under D-1 with real input
records fred's acknowledgment in the store. Where no tray exists the window opens instead, and the
icon still arrives once a tray starts (the app looks again every 10 s).

Everything is observed from outside, as a person would: windows through xdotool (``search
--pid``), pixels through screenshots, the data through the store and the CLI. What the icon should
show comes from ``decision-inbox inbox --json`` on the same store (its own profile), so the test
follows the demo if the demo changes.

Two things a desktop would do that a bare Xvfb does not, done here by hand:

- A window manager keeps a dock above normal windows. Without one the app's window, mapped after
  trayer, covers the panel and would take the click, so the test raises the panel.
- Notifications are pinned to the window's banner: with no notification server Qt draws its own
  balloon pointing at the icon, which covers the icon's lower half for 10 s and takes clicks.

Screenshots go to the test's tmp_path; the open menu is also copied to /tmp/app-tray-menu.png.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from inbox.core.items import REASON_ORDER
from inbox.core.model import Reason
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.ui.tray import PENDING_REASONS
from inbox.ui.tray_icon import ONLINE, STATES, render_tray_icon
from tests.app.child import AppProcess
from tests.app.window import seed_demo
from tests.processes import cli
from tests.x11.screen import (
    TRAYER,
    gui_env,
    inside,
    screenshot,
    stop_process,
    tray_panel,
    x_env,
    xdotool,
)

pytestmark = [pytest.mark.x11, pytest.mark.slow]

FIRST_SYNC = 20.0  # the icon shows once the app has started and synced
TRAY_RETRY = 25.0  # the app looks for a tray every 10 s
MENU_OPENS = 5.0
ACKNOWLEDGED = 10.0
REDRAWN = 15.0
# Counts the icon's picture is told apart from; the expected one is added when larger.
CANDIDATE_COUNTS = range(13)
SCALING_VARS = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR")


@dataclass(frozen=True)
class Window:
    id: str
    x: int
    y: int
    width: int
    height: int

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.width, self.height)

    @property
    def centre(self) -> tuple[int, int]:
        return (self.x + self.width // 2, self.y + self.height // 2)


def window(display: str, window_id: str) -> Window | None:
    """The window's place on the screen, or None once it is gone."""
    shell = xdotool(display, "getwindowgeometry", "--shell", window_id, check=False)
    values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
    if not all(k in values for k in ("X", "Y", "WIDTH", "HEIGHT")):
        return None
    x, y, width, height = (int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
    return Window(window_id, x, y, width, height)


def app_windows(display: str, app: AppProcess) -> dict[str, Window]:
    """The app's mapped windows (_NET_WM_PID), embedded ones included, by id."""
    assert app.process is not None
    found = xdotool(display, "search", "--onlyvisible", "--pid", str(app.process.pid), check=False)
    windows = (window(display, window_id) for window_id in found.split())
    return {w.id: w for w in windows if w is not None}


def wait_for(
    check: Callable[[], Any], what: str | Callable[[], str], app: AppProcess, timeout: float
) -> Any:
    """``check()``'s first true value; fails with the app's log when the app exits or time
    runs out (``what`` may be a callable, to say what was seen by then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        said = what if isinstance(what, str) else what()
        if not app.alive():
            pytest.fail(f"The app exited while waiting for {said}.\n{app.output()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(
                f"Gave up after {timeout:.0f} s waiting for {said}.\n{app.output()}",
                pytrace=False,
            )
        time.sleep(0.1)


def tray_icon(display: str, app: AppProcess, timeout: float = FIRST_SYNC) -> Window:
    """The app's icon window once trayer has taken it in. Qt first maps it at the screen's
    origin, and the panel grows to fit it, so look at both again each time."""

    def embedded() -> Window | None:
        try:
            panel = tray_panel(display)
        except RuntimeError:  # trayer, just started, has no panel yet
            return None
        for w in app_windows(display, app).values():
            if w.width > 1 and w.height > 1 and inside(w.rect, panel):
                return w
        return None

    icon: Window = wait_for(embedded, "the tray icon inside trayer's panel", app, timeout)
    return icon


def raise_panel(display: str) -> None:
    """What a window manager does for a dock: keep it above the app's window."""
    panel = tray_panel(display)
    for candidate in xdotool(display, "search", "--class", "trayer").split():
        found = window(display, candidate)
        if found is not None and found.rect == panel:
            xdotool(display, "windowraise", candidate)
            return
    raise AssertionError("trayer's panel window went away")


def pending(url: str, profile: Path) -> list[dict[str, Any]]:
    """fred's pending items as the CLI computes them on the store, in the tray menu's order
    (reason first; ties keep the inbox's order)."""
    done = cli(
        "inbox",
        "--json",
        store=url,
        user="fred",
        env={**os.environ, "DECISION_INBOX_PROFILE": str(profile)},
    )
    rank = {reason.value: index for index, reason in enumerate(REASON_ORDER)}
    pending_reasons = {reason.value for reason in PENDING_REASONS}
    items = [i for i in done.json()["items"] if i["reason"] in pending_reasons]
    return sorted(items, key=lambda i: rank[i["reason"]])


def fred_acknowledged(url: str, key: str) -> set[int]:
    store = StoreConnection.open(url)
    try:
        with store.read() as session:
            decision = load_decision(session, key)
        return {a.revision for a in decision.acknowledgments if a.person == "fred"}
    finally:
        store.dispose()


def reddish(c: QColor) -> bool:
    return c.red() > 150 and c.green() < 90 and c.blue() < 90


def bluish(c: QColor) -> bool:
    return c.blue() > 150 and c.red() < 90


def difference(shot: QImage, count: int, state: str) -> float:
    """Mean difference per channel (0-255) between ``shot`` and the app's icon for ``count``
    and ``state`` as Qt paints it in a tray window: centred, largest square that fits, on the
    window's background."""
    width, height = shot.width(), shot.height()
    side = min(width, height)
    picture = render_tray_icon(count, state).pixmap(side, side)
    expected = QImage(width, height, QImage.Format.Format_RGB32)
    expected.fill(shot.pixelColor(0, 0))  # the corner is background: the icon is square
    painter = QPainter(expected)
    painter.drawPixmap((width - picture.width()) // 2, (height - picture.height()) // 2, picture)
    painter.end()
    total = 0
    for y in range(height):
        for x in range(width):
            a, b = shot.pixelColor(x, y), expected.pixelColor(x, y)
            total += abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())
    return total / (width * height * 3)


def drawn(path: Path, count: int) -> tuple[int, str, float]:
    """The (count, state) whose picture is nearest to the screenshot at ``path``, and how near."""
    shot = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not shot.isNull(), f"{path} is not an image"
    counts = sorted({*CANDIDATE_COUNTS, count})
    nearest = min((difference(shot, n, state), n, state) for state in STATES for n in counts)
    return nearest[1], nearest[2], nearest[0]


def expect_icon_shows(
    display: str, app: AppProcess, icon: Window, count: int, path: Path, timeout: float
) -> None:
    """The icon on screen is the app's picture for ``count`` pending items, online (the badge
    red included when there is a count). Waits out a sync in progress (the amber mark)."""
    seen: list[tuple[int, str, float]] = []

    def shows_count() -> bool:
        screenshot(display, path, crop=icon.rect)
        seen.append(drawn(path, count))
        return seen[-1][:2] == (count, ONLINE) and seen[-1][2] < 4.0

    wait_for(
        shows_count,
        lambda: f"the icon to show {count} pending, online (nearest pictures seen: {seen[-3:]})",
        app,
        timeout,
    )
    image = QImage(str(path))
    pixels = [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]
    assert any(reddish(c) for c in pixels) == (count > 0), "the count badge's red"


def highlighted_row(path: Path, menu: Window) -> tuple[int, int]:
    """The top and bottom screen rows of the highlighted entry in ``menu`` (the rows painted
    in the selection blue across most of its width)."""
    shot = QImage(str(path))
    rows = [
        y
        for y in range(menu.y, menu.y + menu.height)
        if sum(bluish(shot.pixelColor(x, y)) for x in range(menu.x, menu.x + menu.width))
        > menu.width * 0.6
    ]
    assert rows, f"no highlighted entry in the submenu at {menu.rect} (see {path})"
    return rows[0], rows[-1]


def new_window(display: str, app: AppProcess, shown: dict[str, Window], what: str) -> Window:
    """The first window of the app's to appear that is not in ``shown`` (a menu opening)."""

    def appeared() -> Window | None:
        return next((w for i, w in app_windows(display, app).items() if i not in shown), None)

    found: Window = wait_for(appeared, what, app, MENU_OPENS)
    return found


@contextmanager
def running(app: AppProcess) -> Iterator[AppProcess]:
    app.start()
    try:
        yield app
    finally:
        if app.alive():
            app.stop(crash=True)


@contextmanager
def trayer(display: str, log: Path) -> Iterator[None]:
    with log.open("wb") as out:
        panel = subprocess.Popen(TRAYER, env=x_env(display), stdout=out, stderr=subprocess.STDOUT)
    try:
        yield
    finally:
        stop_process(panel)


@pytest.fixture
def fred_app(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], AppProcess]:
    """The real app as fred on a demo store in tmp_path, for a display."""
    seed_demo(sqlite_url)
    # AppProcess starts from this process's environment and adds ``env`` on top: drop what
    # would move the child off the X screen or scale it here, and pass only the display's
    # variables (a whole gui_env() would also carry this test's DECISION_INBOX_PROFILE over the
    # app's own profile).
    for name in ("WAYLAND_DISPLAY", *SCALING_VARS):
        monkeypatch.delenv(name, raising=False)

    def start(display: str) -> AppProcess:
        return AppProcess(
            tmp_path / "profile",
            sqlite_url,
            "fred",
            notifier="banner",
            env=gui_env(display, base={}),
            platform="xcb",
        )

    return start


def test_acknowledge_from_the_tray_menu_reaches_the_store(
    tray_display: str,
    fred_app: Callable[[str], AppProcess],
    sqlite_url: str,
    tmp_path: Path,
    qapp: QApplication,
) -> None:
    before = pending(sqlite_url, tmp_path / "cli")
    top = before[0]
    assert (top["key"], top["revision"], top["reason"]) == (
        "D-1",
        2,
        Reason.CHANGED_SINCE_ACK.value,
    ), "the demo changed: fred's top pending item is no longer D-1 r2"
    assert 2 not in fred_acknowledged(sqlite_url, "D-1")

    app = fred_app(tray_display)
    with running(app):
        icon = tray_icon(tray_display, app)
        raise_panel(tray_display)
        expect_icon_shows(tray_display, app, icon, len(before), tmp_path / "icon.png", timeout=10.0)

        # A real right-click on the icon opens the menu: a new window of the app's.
        shown = app_windows(tray_display, app)
        xdotool(tray_display, "mousemove", *map(str, icon.centre), "click", "3")
        menu: Window = new_window(tray_display, app, shown, "the tray menu")
        # Out of the menu's way, so hovering cannot select an entry behind the keyboard's back.
        xdotool(tray_display, "mousemove", "0", "799")
        shown = app_windows(tray_display, app)
        assert menu.id in shown, "the tray menu closed by itself"

        # The first entry is the top pending item (D-1); Right opens its submenu on its first
        # entry, Acknowledge.
        xdotool(tray_display, "key", "Down", "Right")
        submenu: Window = new_window(tray_display, app, shown, "D-1's submenu")
        shot = screenshot(tray_display, tmp_path / "app-tray-menu.png")
        top_row, bottom_row = highlighted_row(shot, submenu)
        assert top_row - submenu.y < bottom_row - top_row + 1, "the first entry is not selected"

        # A real click on the selected entry, where the screen shows it.
        xdotool(
            tray_display,
            "mousemove",
            str(submenu.x + submenu.width // 2),
            str((top_row + bottom_row) // 2),
            "click",
            "1",
        )
        wait_for(
            lambda: 2 in fred_acknowledged(sqlite_url, "D-1"),
            "fred's acknowledgment of D-1 r2 in the store",
            app,
            ACKNOWLEDGED,
        )
        assert {menu.id, submenu.id}.isdisjoint(app_windows(tray_display, app))

        # The icon follows: one item fewer, as the CLI computes it on the store now.
        after = pending(sqlite_url, tmp_path / "cli")
        assert len(after) == len(before) - 1
        expect_icon_shows(
            tray_display, app, icon, len(after), tmp_path / "icon-after.png", timeout=REDRAWN
        )

        assert app.stop() == 0, app.output()


def test_without_a_tray_the_window_opens_and_the_icon_comes_with_the_tray(
    x_display: str,
    fred_app: Callable[[str], AppProcess],
    sqlite_url: str,
    tmp_path: Path,
    qapp: QApplication,
) -> None:
    app = fred_app(x_display)
    with running(app):

        def main_window() -> Window | None:
            assert app.process is not None
            named = xdotool(
                x_display, "search", "--onlyvisible", "--name", "Decision Inbox", check=False
            ).split()
            for window_id in named:
                pid = xdotool(x_display, "getwindowpid", window_id, check=False).strip()
                found = window(x_display, window_id)
                if pid == str(app.process.pid) and found is not None and found.width > 200:
                    return found
            return None

        opened: Window = wait_for(main_window, "the app's window", app, FIRST_SYNC)
        screenshot(x_display, tmp_path / "window.png")
        assert list(app_windows(x_display, app)) == [opened.id], "no icon without a tray"

        with trayer(x_display, tmp_path / "trayer.log"):
            icon = tray_icon(x_display, app, timeout=TRAY_RETRY)
            raise_panel(x_display)
            expect_icon_shows(
                x_display,
                app,
                icon,
                len(pending(sqlite_url, tmp_path / "cli")),
                tmp_path / "icon.png",
                timeout=10.0,
            )
            assert main_window() == opened, "the window stays open when the tray arrives"
            assert app.stop() == 0, app.output()
