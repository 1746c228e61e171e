"""The window cases: the inbox list at 100 000 items (shown, a search keystroke), its peak
memory, and the real app's start-up in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Context, Measurement, median, ms, ratio_case
from benchmarks.stores import seed_varied

ROOT = Path(__file__).resolve().parents[1]


def list_cases(ctx: Context) -> list[Measurement]:
    """window_100k and search_100k, from one run of list_100k (floor first, then the list)."""
    from benchmarks.list_100k import measure

    n = ctx.size(100_000, 5_000)
    reps = ctx.size(7, 2)
    floor, inbox = measure(n, reps)
    extra = {
        "items": n,
        "reps": reps,
        "model_resets_on_one_row_change": inbox.resets_on_one_row_change,
    }
    return [
        ratio_case(
            "window_100k",
            ms(inbox.median("show")),
            ms(floor.median("show")),
            3,
            shown_then_idle=ms(inbox.median("  shown, then idle")),
            one_row_change=ms(inbox.median("one-row change")),
            one_row_change_floor=ms(floor.median("one-row change")),
            **extra,
        ),
        ratio_case(
            "search_100k",
            ms(inbox.median("search keystroke")),
            ms(floor.median("search keystroke")),
            3,
            **extra,
        ),
    ]


# -- memory_100k -----------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("DECISION_INBOX_THREAD_CHECK", None)
    return env


def peak_rss(kind: str, n: int) -> float:
    """MiB at the peak of a child process that shows ``n`` rows (benchmarks.memory)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", kind, str(n)],
        capture_output=True,
        text=True,
        env=_child_env(),
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"benchmarks.memory {kind} failed: {out.stderr.strip()[-2000:]}")
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mib"])


def memory_100k(ctx: Context) -> list[Measurement]:
    n = ctx.size(100_000, 5_000)
    floor, inbox = peak_rss("floor", n), peak_rss("inbox", n)
    empty = peak_rss("floor", 0)
    return [
        ratio_case(
            "memory_100k",
            round(inbox, 1),
            round(floor, 1),
            2,
            unit="MiB",
            items=n,
            bare_app_mib=round(empty, 1),
        )
    ]


# -- startup ---------------------------------------------------------------------------------

FLOOR_APP = """
import json, os, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            with open(os.environ["DECISION_INBOX_STARTUP_LOG"], "a") as log:
                log.write(json.dumps({"event": "shown", "monotonic": time.monotonic()}) + "\\n")
            app.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Decision Inbox"))
window.resize(1280, 800)
watch = Watch()
app.installEventFilter(watch)
window.show()
app.exec()
"""


def _time_marks(
    args: list[str], env: dict[str, str], wanted: set[str], timeout: float
) -> dict[str, float]:
    """Start ``args`` with a fresh start-up log (the app's ``DECISION_INBOX_STARTUP_LOG``, one JSON
    line per moment with a CLOCK_MONOTONIC stamp); the seconds from the start to each wanted
    event; then stop the process."""
    log = Path(env["DECISION_INBOX_STARTUP_LOG"])
    log.unlink(missing_ok=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    got: dict[str, float] = {}
    try:
        deadline = started + timeout
        while not wanted <= got.keys() and time.monotonic() < deadline and proc.poll() is None:
            if log.exists():
                for line in log.read_text().splitlines():
                    event = json.loads(line)
                    got.setdefault(event["event"], event["monotonic"] - started)
            time.sleep(0.005)  # polling a file the child appends to; the stamps are the child's
    finally:
        proc.terminate()
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    if not wanted <= got.keys():
        raise RuntimeError(f"{args[1:3]} never logged {sorted(wanted - got.keys())}: {err[-2000:]}")
    return got


def startup(ctx: Context) -> list[Measurement]:
    n = ctx.size(1_000, 100)
    reps = ctx.size(5, 1)
    folder = ctx.folder("startup")
    store = folder / "store.sqlite"
    seed_varied(f"sqlite:///{store}", n).dispose()
    profile = folder / "profile"
    profile.mkdir(exist_ok=True)
    (profile / "config.json").write_text(
        json.dumps({"sync": {"mode": "listen", "poll_seconds": 30}})
    )
    env = {
        **_child_env(),
        "DECISION_INBOX_PROFILE": str(profile),
        "DECISION_INBOX_STARTUP_LOG": str(folder / "startup.jsonl"),
        # Both processes start as an installed copy does: with their modules' bytecode cached
        # (a wheel or a package is compiled when installed). A machine that sets
        # PYTHONDONTWRITEBYTECODE otherwise has the app compile its ~200 modules on every start
        # from this source tree, while PySide6's came compiled from its wheel; the first start
        # below writes the cache, outside the tree.
        "PYTHONPYCACHEPREFIX": str(folder / "bytecode"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    app = [
        sys.executable,
        "-m",
        "inbox.cli",
        "--store",
        f"sqlite:///{store}",
        "--user",
        "fred",
        "gui",
    ]
    # the first start fills the caches (the profile's, the bytecode); the measured ones use them
    _time_marks(app, env, {"synced"}, 120)
    floors, shown, synced = [], [], []
    for _ in range(reps):
        floors.append(_time_marks([sys.executable, "-c", FLOOR_APP], env, {"shown"}, 60)["shown"])
        marks = _time_marks(app, env, {"shown", "synced"}, 120)
        shown.append(marks["shown"])
        synced.append(marks["synced"])
    return [
        ratio_case(
            "startup",
            ms(median(shown)),
            ms(median(floors)),
            2.5,
            first_sync_applied=ms(median(synced)),
            first_sync_ratio=median(synced) / median(floors),
            decisions=n,
            reps=reps,
        )
    ]
