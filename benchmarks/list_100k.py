"""The inbox list at 100 000 items, against the floor of a bare QTableView over a trivial model
with the same rows and columns, measured in the same run.

    .venv/bin/python -m benchmarks.list_100k [--items 100000] [--reps 7]

Measured, each as the median of several repetitions, with its ratio to the floor:
- window shown: construct, fill, show, and process events until the table has painted;
- a search keystroke: one character typed into the search field until the filtered table has
  painted (the floor filters its rows by the same substring and resets);
- a one-row change: one changed item applied (``InboxListView.apply``) until painted, with no
  model reset (the floor emits one ``dataChanged``);
- without a floor: the window shown and then idle (the bookkeeping put off until after the
  first paint), and a new search index that changes one decision's text.
Offscreen unless QT_QPA_PLATFORM says otherwise. ``make bench`` reports the first two as
``window_100k`` and ``search_100k``; tests/perf/test_inbox_100k_smoke.py runs the same code once
with generous bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QMessageLogContext,
    QModelIndex,
    QObject,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTableView, QWidget

from inbox.core.delta import InboxDelta
from inbox.core.items import REASON_ORDER, InboxItem
from inbox.core.keys import decision_sort_key
from inbox.core.model import Reason
from inbox.ui.inbox_model import COLUMNS
from inbox.ui.inbox_view import InboxListView

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
SIZE = (1200, 800)
NEEDLES = ("k", "q", "7", "g", "p", "u", "2", "h", "9")  # 8–61 % of the rows match
_WORDS = (
    *("token", "refresh", "policy", "error", "format", "cache", "rollout", "mobile", "grace"),
    *("window", "retry", "budget", "schema", "pagination", "quota", "locale", "push"),
    *("signing", "release", "audit", "feature", "flag", "latency", "session"),
)
_TEAMS = ("backend", "frontend", "mobile", "platform", "data")
_OWNERS = ("ana", "bo", "fred", "fatima", "mo", "kim", "lee", "sam")


def make_items(n: int) -> list[InboxItem]:
    """``n`` varied, deterministic inbox items (every reason, team, owner, some deadlines), in
    the display order ``compute_inbox`` hands them over in."""
    return sorted((make_item(k) for k in range(1, n + 1)), key=_display_order)


def make_item(k: int) -> InboxItem:
    reason = REASON_ORDER[k % len(REASON_ORDER)]
    words = " ".join(_WORDS[(k * p) % len(_WORDS)] for p in (1, 7, 13))
    deadline = None
    if reason in (Reason.FEEDBACK_REQUESTED, Reason.DEADLINE_PASSED):
        deadline = NOW + timedelta(minutes=(k % 5000) - 1000)
    return InboxItem(
        key=f"D-{k}",
        title=words.capitalize(),
        reason=reason,
        revision=1 + k % 4,
        state="open" if deadline else "finalized",
        owner=_OWNERS[k % len(_OWNERS)],
        team=_TEAMS[k % len(_TEAMS)],
        deadline=deadline,
        conflict_key="auth.token.refresh_minutes" if reason is Reason.CONFLICT else None,
    )


def _display_order(item: InboxItem) -> tuple[int, float, tuple[str, int]]:
    # core.inbox's order: by reason, feedback requests by deadline, then by decision key.
    when = 0.0
    if item.reason is Reason.FEEDBACK_REQUESTED and item.deadline is not None:
        when = item.deadline.timestamp()
    return (REASON_ORDER.index(item.reason), when, decision_sort_key(item.key))


def make_search_index(items: list[InboxItem]) -> dict[str, str]:
    """A body and an assertion per decision, casefolded, as the service provides it (on its
    worker thread: DecisionService.search_index)."""
    return {
        i.key: f"Body of {i.key}: we {_WORDS[len(i.key) % len(_WORDS)]}.\nsvc.{i.team}.limit = {i.revision * 10}".casefold()
        for i in items
    }


def row_texts(items: Iterable[InboxItem]) -> list[tuple[str, ...]]:
    return [row_text(i) for i in items]


def row_text(i: InboxItem) -> tuple[str, ...]:
    return (
        i.key,
        i.title,
        i.owner,
        str(i.state),
        f"r{i.revision}",
        str(i.deadline or ""),
        i.reason,
    )


class TrivialTableModel(QAbstractTableModel):
    """The floor: a list of string tuples, nothing else."""

    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Any, role: int = 0) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()


class PaintCounter(QObject):
    """Counts paint events of a widget, so a measurement ends when the user would see it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def wait_painted(app: QApplication, painted: PaintCounter, before: int, limit: float = 30) -> None:
    deadline = time.perf_counter() + limit
    while painted.count <= before:
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the table did not repaint")


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=dict)
    resets_on_one_row_change: int = 0

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])


# -- the floor: a bare QTableView over a trivial model ----------------------------------------


def floor_runs(app: QApplication, items: list[InboxItem], reps: int, results: Results) -> None:
    rows = row_texts(items)
    extra = make_search_index(items)
    texts = [f"{i.key}\n{i.title}\n{i.owner}\n{i.conflict_key or ''}\n" for i in items]
    texts = [t.casefold() + extra[i.key].casefold() for t, i in zip(texts, items, strict=True)]
    for _ in range(reps):
        holder: list[QTableView] = []

        def show(holder: list[QTableView] = holder) -> None:
            view = QTableView()
            view.setModel(TrivialTableModel(list(rows)))
            view.resize(*SIZE)
            painted = PaintCounter(view.viewport())
            view.show()
            wait_painted(app, painted, 0)
            holder.append(view)

        results.add("show", timed(show))
        holder[0].close()
        holder[0].deleteLater()
        settle(app)

    view = QTableView()
    model = TrivialTableModel(list(rows))
    view.setModel(model)
    view.resize(*SIZE)
    painted = PaintCounter(view.viewport())
    view.show()
    wait_painted(app, painted, 0)
    for needle in _needles(reps):
        model.set_rows(list(rows))
        settle(app)
        before = painted.count

        def keystroke(needle: str = needle, before: int = before) -> None:
            model.set_rows([r for r, t in zip(rows, texts, strict=True) if needle in t])
            wait_painted(app, painted, before)

        results.add("search keystroke", timed(keystroke))
    model.set_rows(list(rows))
    settle(app)
    for n in range(reps * 3):
        before = painted.count

        def one_row(n: int = n, before: int = before) -> None:
            model.rows[2] = (*model.rows[2][:1], f"changed {n}", *model.rows[2][2:])
            model.dataChanged.emit(model.index(2, 0), model.index(2, len(COLUMNS) - 1))
            wait_painted(app, painted, before)

        results.add("one-row change", timed(one_row))
    view.close()
    view.deleteLater()
    settle(app)


# -- the inbox list ----------------------------------------------------------------------------


def inbox_runs(app: QApplication, items: list[InboxItem], reps: int, results: Results) -> None:
    index = make_search_index(items)
    first_sync = InboxDelta(items=tuple(items), added=tuple(items), first_sync=True)
    for _ in range(reps):
        holder: list[InboxListView] = []

        def show(holder: list[InboxListView] = holder) -> None:
            # the window's path: the first sync's delta, in the core's order
            view = InboxListView(now=lambda: NOW)
            view.set_search_index(index, casefolded=True)
            results.add("  of which set_items", timed(lambda: view.apply(first_sync)))
            view.resize(*SIZE)
            painted = PaintCounter(view.table.viewport())
            view.show()
            wait_painted(app, painted, 0)
            holder.append(view)

        started = time.perf_counter()
        show()
        results.add("show", time.perf_counter() - started)
        # the bookkeeping put off until idle (InboxTableModel.set_items), then the loop is free
        settle(app)
        results.add("  shown, then idle", time.perf_counter() - started)
        holder[0].close()
        holder[0].deleteLater()
        settle(app)

    view = InboxListView(now=lambda: NOW)
    view.set_search_index(index, casefolded=True)
    view.set_items(items)
    view.resize(*SIZE)
    painted = PaintCounter(view.table.viewport())
    view.show()
    wait_painted(app, painted, 0)
    for needle in _needles(reps):
        view.search_field.clear()
        settle(app)
        before = painted.count

        def keystroke(needle: str = needle, before: int = before) -> None:
            QTest.keyClick(view.search_field, needle)
            wait_painted(app, painted, before)

        results.add("search keystroke", timed(keystroke))
        assert view.search_field.text() == needle
        assert view.model.rowCount() < len(items)
    view.search_field.clear()
    settle(app)
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    view.move_selection(1)
    current = list(items)
    for n in range(reps * 3):
        old = view.model.item(2)
        new = old._replace(title=f"{old.title} (edited {n})")
        at = current.index(old) if n == 0 else _position(current, old)
        current[at] = new
        delta = InboxDelta(items=tuple(current), changed=(new,))
        before = painted.count

        def one_row(delta: InboxDelta = delta, before: int = before) -> None:
            view.apply(delta)
            wait_painted(app, painted, before)

        results.add("one-row change", timed(one_row))
        assert view.model.item(2) == new
    results.resets_on_one_row_change += len(resets)
    # The service sends the whole search index after each sync round that changed decisions;
    # here one decision's text differs each time.
    for n in range(reps):
        fresh_index = {**index, items[n].key: f"{index[items[n].key]} (edited {n})"}
        results.add(
            "  new search index",
            timed(lambda i=fresh_index: view.set_search_index(i, casefolded=True)),
        )
    view.close()
    view.deleteLater()
    settle(app)


def _position(items: list[InboxItem], wanted: InboxItem) -> int:
    # Identity first: the list holds the very objects handed to the view.
    for n, item in enumerate(items):
        if item is wanted:
            return n
    return items.index(wanted)


def _needles(reps: int) -> Iterator[str]:
    for n in range(reps):
        yield NEEDLES[n % len(NEEDLES)]


def _quiet_offscreen_noise(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # The offscreen platform cannot resize a window to its size hints and says so for every
    # window shown (as the app's own handler in inbox.app.startup, which would pull the store
    # stack into this process and into the memory case's).
    if "does not support propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def measure(n: int, reps: int) -> tuple[Results, Results]:
    """(floor, inbox list) samples for ``n`` items, each operation ``reps`` times (changes 3×)."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    qInstallMessageHandler(_quiet_offscreen_noise)
    items = make_items(n)
    # Warm-up, not counted: the first view of a process pays for Qt's lazy set-up (fonts, style,
    # the platform plugin), which would otherwise land on whichever side runs first.
    floor_runs(app, items, 1, Results())
    floor, inbox = Results(), Results()
    floor_runs(app, items, reps, floor)
    inbox_runs(app, items, reps, inbox)
    return floor, inbox


def report(floor: Results, inbox: Results) -> str:
    lines = [f"{'operation':<18} {'floor (ms)':>11} {'inbox (ms)':>11} {'ratio':>7}"]
    for name in ("show", "search keystroke", "one-row change"):
        f, i = floor.median(name) * 1000, inbox.median(name) * 1000
        lines.append(f"{name:<18} {f:>11.1f} {i:>11.1f} {i / f:>6.1f}x")
    for extra in ("  of which set_items", "  shown, then idle", "  new search index"):
        if extra in inbox.samples:
            lines.append(f"{extra:<18} {'':>11} {inbox.median(extra) * 1000:>11.1f}")
    if "  shown, then idle" in inbox.samples:
        idle = inbox.median("  shown, then idle") / floor.median("show")
        lines.append(f"(shown, then idle: {idle:.1f}x the floor's show)")
    lines.append(f"model resets during one-row changes: {inbox.resets_on_one_row_change}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    floor, inbox = measure(args.items, args.reps)
    print(f"{args.items} items, medians of {args.reps} (one-row change: {args.reps * 3})")
    print(report(floor, inbox))
    return 1 if inbox.resets_on_one_row_change else 0


if __name__ == "__main__":
    sys.exit(main())
