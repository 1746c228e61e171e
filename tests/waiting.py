"""Waiting for a condition, for the tests that have no signal or event to wait on (a file another
process appends to, a thread of the code under test): poll with a deadline, never a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")

INTERVAL = 0.02  # between two looks: short against every timeout, long against a busy loop


def until(
    condition: Callable[[], _T | None],
    timeout: float,
    what: str,
    *,
    still: Callable[[], str | None] | None = None,
) -> _T:
    """The first true value of ``condition``, looked at until ``timeout`` seconds passed (then
    an AssertionError naming ``what``). ``still``, if given, is asked between looks: a sentence
    when waiting is pointless (the process that would do it exited), which fails at once."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if still is not None and (gone := still()) is not None:
            raise AssertionError(f"{gone} while waiting for {what}")
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(INTERVAL)
