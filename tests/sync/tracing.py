"""What a store connection really sent: every statement and, on PostgreSQL, every round trip.

Counted below SQLAlchemy, at the driver, because the full load runs its statements on the
driver's cursors: SQLite's own trace callback, and on PostgreSQL libpq's protocol trace
(``PQtrace``), where each ``ReadyForQuery`` the server sends ends one round trip.
"""

from __future__ import annotations

import ctypes
import os
import re
from pathlib import Path
from typing import Any

from psycopg import pq
from sqlalchemy import Engine, event

# Paging a server-side cursor: how many fetches a stream takes grows with the rows, by design.
_PAGING = re.compile(r"\s*(FETCH|CLOSE)\b", re.IGNORECASE)
_PARSE = re.compile(r'^F\t\d+\t(?:Parse\t "[^"]*" |Query\t )"(.*)"')


class Traced:
    """Attach to an engine before it opens its first connection."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self._folder = folder
        self._sqlite: list[str] = []
        self._files: list[Path] = []
        self._marks: tuple[int, dict[Path, int]] = (0, {})
        event.listen(engine, "connect", self._on_connect)

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        if hasattr(dbapi_connection, "set_trace_callback"):
            dbapi_connection.set_trace_callback(self._sqlite.append)
            return
        path = self._folder / f"trace-{len(self._files)}.txt"
        # A bare descriptor: libpq's stream owns it, no Python object closes it under libpq.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._files.append(path)
        pgconn = dbapi_connection.pgconn
        pgconn.trace(fd)
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def mark(self) -> None:
        """Count from here on."""
        self._marks = (len(self._sqlite), {path: len(self._lines(path)) for path in self._files})

    def statements(self) -> list[str]:
        """Every statement sent since the mark, but the paging of server-side cursors."""
        if self._sqlite:
            return self._sqlite[self._marks[0] :]
        found = []
        for line in self._new_lines():
            match = _PARSE.search(line)
            if match and not _PAGING.match(match.group(1)):
                found.append(match.group(1))
        return found

    def round_trips(self) -> int:
        """PostgreSQL: round trips since the mark, on every connection."""
        return sum(line.startswith("B\t5\tReadyForQuery") for line in self._new_lines())

    def _new_lines(self) -> list[str]:
        lines = []
        for path in self._files:
            lines += self._lines(path)[self._marks[1].get(path, 0) :]
        return lines

    @staticmethod
    def _lines(path: Path) -> list[str]:
        ctypes.CDLL(None).fflush(None)  # libpq writes through a buffered C stream
        return path.read_text().splitlines()
