"""Pausing Python's cycle collector while a large, acyclic value is built.

CPython runs its cycle collector after a fixed number of allocations, whatever they are, and a
full collection walks every tracked object of the process. A client holding a large store keeps
hundreds of thousands of them (the decisions, revisions and assertions), so one full collection
triggered halfway through building an inbox of 100 000 items cost more than the rules that built
it; and the objects of the previous inbox, freed by their reference counts, still count towards
the next full collection (https://github.com/python/cpython/issues/122569). What is built
under the pause are tuples and records that refer to values, never to each other in cycles, so
reference counting frees all of it and nothing waits for the collector; the collector runs again
as usual afterwards. Mercurial's ``util.nogc`` does the same while it builds its large indexes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cycle collector off, and turn it back on after it only if it was
    on before: a block inside another one, or in another thread while one runs, leaves it to
    the outermost to turn it back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
