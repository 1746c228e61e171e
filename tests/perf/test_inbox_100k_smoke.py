"""The inbox list benchmark (benchmarks/list_100k.py) once at 100 000 items, with generous bounds:
it catches an operation gone quadratic or a one-row sync that resets the model, not ordinary
slowness. The numbers themselves come from ``make bench`` (BENCHMARKS.md)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from benchmarks.list_100k import measure

# Offscreen's QPlatformWindow lacks propagateSizeHints() and says so when a window is shown.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints"),
]

BOUND_S = 5.0


def test_the_inbox_list_at_100k_items(qapp: QApplication) -> None:
    floor, inbox = measure(100_000, reps=1)
    assert inbox.resets_on_one_row_change == 0
    for name in ("show", "search keystroke", "one-row change"):
        assert len(inbox.samples[name]) >= 1 and len(floor.samples[name]) >= 1
        assert inbox.median(name) < BOUND_S, (name, inbox.samples[name])
