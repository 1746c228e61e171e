"""One child process of the memory case: ``python -m benchmarks.memory floor|inbox N`` shows N
rows offscreen and prints its peak resident set size as JSON (``{"peak_mib": …}``).

floor: a bare QApplication and a QTableView over a model of N string tuples; it imports nothing
of the app (the tuples are the rows list_100k makes, spelled out here). inbox: the inbox list
(InboxListView) with N items and their search index, as the window holds them."""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication, QTableView, QWidget

SIZE = (1200, 800)
COLUMNS = 7
WORDS = (
    *("token", "refresh", "policy", "error", "format", "cache", "rollout", "mobile", "grace"),
    *("window", "retry", "budget", "schema", "pagination", "quota", "locale", "push"),
    *("signing", "release", "audit", "feature", "flag", "latency", "session"),
)
OWNERS = ("ana", "bo", "fred", "fatima", "mo", "kim", "lee", "sam")


def floor_rows(n: int) -> list[tuple[str, ...]]:
    """Rows as long as the list's: key, title, owner, state, revision, deadline, reason."""
    return [
        (
            f"D-{k}",
            " ".join(WORDS[(k * p) % len(WORDS)] for p in (1, 7, 13)).capitalize(),
            OWNERS[k % len(OWNERS)],
            "finalized",
            f"r{1 + k % 4}",
            "2026-11-28 12:00:00+00:00" if k % 3 == 0 else "",
            "needs_ack",
        )
        for k in range(1, n + 1)
    ]


class Rows(QAbstractTableModel):
    def __init__(self, rows: list[tuple[str, ...]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None


class Painted(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def peak_kib_of_this_process() -> int:
    """VmHWM, the peak resident set of this process's own memory. Not ``ru_maxrss``: Linux keeps
    that across exec, so a child would report its parent's peak when the parent was larger."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


def main(kind: str, n: int) -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    view: QWidget
    if kind == "floor":
        table = QTableView()
        table.setModel(Rows(floor_rows(n)))
        table.resize(*SIZE)
        painted = Painted(table.viewport())
        view = table
    else:
        from benchmarks.list_100k import NOW, make_items, make_search_index
        from inbox.core.delta import InboxDelta
        from inbox.ui.inbox_view import InboxListView

        items = make_items(n)
        index = make_search_index(items)
        inbox = InboxListView(now=lambda: NOW)
        inbox.set_search_index(index, casefolded=True)
        inbox.apply(InboxDelta(items=tuple(items), added=tuple(items), first_sync=True))
        del items, index
        inbox.resize(*SIZE)
        painted = Painted(inbox.table.viewport())
        view = inbox
    view.show()
    deadline = time.monotonic() + 60
    while painted.count == 0 and time.monotonic() < deadline:
        app.processEvents()
    for _ in range(10):  # the list's bookkeeping put off until after the first paint
        app.processEvents()
    gc.collect()
    peak_kib = peak_kib_of_this_process()
    print(
        json.dumps({"peak_mib": peak_kib / 1024, "kind": kind, "rows": n, "painted": painted.count})
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
