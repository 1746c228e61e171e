"""A real X screen for tests (docs/testing.md), and the tools to drive
a GUI child process on it.

Fixtures (made available to tests/x11 by its conftest.py):

- ``x_display``: a fresh Xvfb (1280x800x24, no TCP) for the test; yields its display name
  (``":7"``). Xvfb picks a free display number itself (``-displayfd``), so parallel runs and a
  developer's own X servers never collide, and there is no race between choosing and binding.
- ``tray_display``: the same with ``trayer`` running at the top right, so Qt finds a system tray.

Both kill what they started. Where Xvfb, trayer, xdotool or ImageMagick is missing they skip
(tests/conftest.py turns that skip into a failure in CI).

Helpers: :func:`gui_env` (the environment for a Qt child on the display), :func:`xdotool`,
:func:`screenshot`, :func:`tray_panel`, and :class:`EventReader`, which reads a child's stdout as JSON lines.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import pytest

from tests.processes import stop_process

GEOMETRY = "1280x800x24"
XVFB = ("Xvfb", "-screen", "0", GEOMETRY, "-nolisten", "tcp", "-noreset")
TRAYER = ("trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "32")
START_TIMEOUT = 10.0
X_TOOLS = ("Xvfb", "xdotool", "import")
INSTALL_HINT = (
    "Debian: apt-get install xvfb xauth trayer xdotool imagemagick, and Qt's xcb libraries "
    "(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 "
    "libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)."
)
# Variables that would make a Qt child scale its coordinates or leave the X server.
_SCALING_VARS = ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS", "QT_AUTO_SCREEN_SCALE_FACTOR")


def require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed. {INSTALL_HINT}")


def wait_for(check: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Gave up after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.05)


def x_env(display: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) pointed at ``display``."""
    env = dict(os.environ if base is None else base)
    env["DISPLAY"] = display
    env.pop("WAYLAND_DISPLAY", None)
    return env


def gui_env(display: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a Qt child drawing on ``display``: xcb, unscaled, so the
    coordinates it reports are the X screen's."""
    env = x_env(display, base)
    env["QT_QPA_PLATFORM"] = "xcb"
    for name in _SCALING_VARS:
        env.pop(name, None)
    return env


def xdotool(display: str, *args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["xdotool", *args],
        env=x_env(display),
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def screenshot(display: str, path: Path, crop: tuple[int, int, int, int] | None = None) -> Path:
    """The root window (or the ``crop`` = x, y, width, height part of it) as a PNG."""
    args = ["import", "-window", "root"]
    if crop is not None:
        x, y, width, height = crop
        args += ["-crop", f"{width}x{height}+{x}+{y}", "+repage"]
    subprocess.run([*args, str(path)], env=x_env(display), check=True, timeout=START_TIMEOUT)
    return path


def tray_panel(display: str) -> tuple[int, int, int, int]:
    """Where trayer's panel is now (x, y, width, height); it grows as icons embed."""
    panels = []
    for window in xdotool(display, "search", "--class", "trayer").split():
        shell = xdotool(display, "getwindowgeometry", "--shell", window)
        values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
        geometry = tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))
        panels.append((geometry[3], geometry))
    if not panels:
        raise RuntimeError("trayer has no window on the screen.")
    # trayer's leader window is a hidden 10x10 square; the panel is the tall one.
    return max(panels)[1]  # type: ignore[return-value]


def inside(inner: Sequence[int], outer: Sequence[int]) -> bool:
    x, y, width, height = inner
    ox, oy, owidth, oheight = outer
    return ox <= x and oy <= y and x + width <= ox + owidth and y + height <= oy + oheight


def _screen_answers(display: str) -> bool:
    return bool(xdotool(display, "getdisplaygeometry", check=False).strip())


def _read_display_number(fd: int, server: subprocess.Popen[bytes]) -> str:
    data = b""
    deadline = time.monotonic() + START_TIMEOUT
    while not data.endswith(b"\n"):
        if server.poll() is not None:
            raise RuntimeError(f"Xvfb exited with status {server.returncode} before it started.")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("Xvfb did not report its display number.")
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
        if ready:
            chunk = os.read(fd, 64)
            if not chunk:
                raise RuntimeError("Xvfb closed its display pipe without a display number.")
            data += chunk
    return f":{int(data.strip())}"


@pytest.fixture
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh Xvfb screen for this test; yields its display name."""
    require(*X_TOOLS)
    log = tmp_path_factory.mktemp("xvfb") / "xvfb.log"
    read_fd, write_fd = os.pipe()
    with log.open("wb") as out:
        server = subprocess.Popen(
            # -noreset: by default X resets when its last client leaves, and a client that
            # connects during the reset (trayer, right after xdotool's probe) is refused.
            [*XVFB, "-displayfd", str(write_fd)],
            pass_fds=(write_fd,),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        display = _read_display_number(read_fd, server)
        wait_for(lambda: _screen_answers(display), f"Xvfb on {display} to answer")
    except (RuntimeError, TimeoutError) as exc:
        stop_process(server)
        pytest.fail(f"{exc} Xvfb's log:\n{log.read_text(errors='replace')}", pytrace=False)
    finally:
        os.close(read_fd)
    try:
        yield display
    finally:
        stop_process(server)


@pytest.fixture
def tray_display(x_display: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``x_display`` with a system tray (trayer, 32 px high, top right); yields the display."""
    require("trayer")
    log = tmp_path_factory.mktemp("trayer") / "trayer.log"
    with log.open("wb") as out:
        panel = subprocess.Popen(
            TRAYER,
            env=x_env(x_display),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: (
                panel.poll() is None
                and bool(xdotool(x_display, "search", "--class", "trayer", check=False).strip())
            ),
            "trayer's panel window",
        )
    except TimeoutError as exc:
        stop_process(panel)
        pytest.fail(f"{exc} trayer's log:\n{log.read_text(errors='replace')}", pytrace=False)
    try:
        yield x_display
    finally:
        stop_process(panel)


class EventReader:
    """Reads a child process's stdout as JSON lines (one event per line) on a thread, so a test
    can wait for the event it expects while the child keeps running. Lines that are not JSON
    are kept for the failure message."""

    def __init__(self, process: subprocess.Popen[str], stderr_path: Path | None = None) -> None:
        self.process = process
        self.stderr_path = stderr_path
        self.seen: list[dict[str, Any]] = []
        self.other_lines: list[str] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._ended = False
        assert process.stdout is not None, "start the child with stdout=subprocess.PIPE"
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            try:
                event = json.loads(line)
            except ValueError:
                self.other_lines.append(line.rstrip("\n"))
                continue
            if isinstance(event, dict):
                self._queue.put(event)
        self._queue.put(None)  # end of output: the child exited

    def poll(
        self, match: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any] | None:
        """The next event for which ``match`` is true, or ``None`` if none comes within
        ``timeout`` seconds (or the child exits). Events before it are skipped (and kept in
        :attr:`seen`)."""
        deadline = time.monotonic() + timeout
        while not self._ended:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                event = self._queue.get(timeout=remaining)
            except queue.Empty:
                return None
            if event is None:
                self._ended = True
                return None
            self.seen.append(event)
            if match(event):
                return event
        return None

    def expect(
        self, what: str, match: Callable[[dict[str, Any]], bool], timeout: float = 15.0
    ) -> dict[str, Any]:
        """Like :meth:`poll`, but fails with the child's output when the event does not come."""
        event = self.poll(match, timeout)
        if event is None:
            pytest.fail(f"The child never reported {what}.\n{self.report()}", pytrace=False)
        return event

    def report(self) -> str:
        status = self.process.poll()
        lines = [f"child: {'running' if status is None else f'exited with {status}'}"]
        lines += ["events:"] + [f"  {json.dumps(e)}" for e in self.seen]
        lines += ["other output:"] + [f"  {line}" for line in self.other_lines]
        if self.stderr_path is not None and self.stderr_path.exists():
            lines += ["stderr:", self.stderr_path.read_text(errors="replace")[-4000:]]
        return "\n".join(lines)

    def stop(self) -> None:
        stop_process(self.process)
        self._thread.join(timeout=5)
