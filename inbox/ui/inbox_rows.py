"""The inbox table's row arithmetic, kept apart from the Qt model: order keys per column,
casefolded search text, reason counts and deadline words, each built for 10^5 items with
C-level maps rather than a Python call per item (tests/perf/inbox_100k.py measures them)."""

from __future__ import annotations

import bisect
import gc
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from inbox.core.inbox import REASON_ORDER, InboxItem
from inbox.core.keys import decision_sort_key
from inbox.core.model import Reason
from inbox.core.times import as_utc

DEADLINE_COLUMN = 5
REASON_COLUMN = 6
REASON_RANK = {reason: n for n, reason in enumerate(REASON_ORDER)}
KEY, TITLE, OWNER, TEAM = (attrgetter(a) for a in ("key", "title", "owner", "team"))
STATE, REVISION, REASON = (attrgetter(a) for a in ("state", "revision", "reason"))
CONFLICT_KEY = attrgetter("conflict_key")
KEY_REASON = itemgetter(2)  # the reason's place in an order key (_order_keys)
ITEM_ID = attrgetter("key", "reason", "conflict_key")  # inbox.core.delta.item_id, in one C call


def deadline_rank(item: InboxItem) -> float:
    return math.inf if item.deadline is None else as_utc(item.deadline).timestamp()


def column_keys(items: list[InboxItem], column: int) -> list[Any]:
    """The sort key of each item for ``column``, built with C-level maps (100k items)."""
    if column == 1:
        return list(map(str.casefold, map(TITLE, items)))
    if column == 2:
        return list(map(OWNER, items))
    if column == 3:
        return list(map(str, map(STATE, items)))
    if column == 4:
        return list(map(REVISION, items))
    if column == DEADLINE_COLUMN:
        return list(map(deadline_rank, items))
    if column == REASON_COLUMN:
        # The inbox's own order (core.inbox): feedback requests by deadline in their section.
        reasons = list(map(REASON, items))
        when = [
            deadline_rank(i) if r is Reason.FEEDBACK_REQUESTED else 0.0
            for i, r in zip(items, reasons, strict=True)
        ]
        return list(zip(map(REASON_RANK.__getitem__, reasons), when, strict=True))
    return [0] * len(items)  # the key column: the tie-break below is the key order already


def decision_keys(keys: list[str]) -> list[tuple[str, int]]:
    """``decision_sort_key`` of each key; the usual ``D-<n>`` form without a regex per key."""
    parts = list(map(str.rpartition, keys, repeat("-")))
    numbers = [n for _, _, n in parts]
    plain = (
        all(map(str.isdecimal, numbers))
        and "" not in [sep for _, sep, _ in parts]
        and "\n" not in "".join(keys)  # the regex's "." stops at a newline
    )
    if not plain:
        return list(map(decision_sort_key, keys))
    return list(zip([p for p, _, _ in parts], map(int, numbers), strict=True))


def search_texts(items: list[InboxItem]) -> list[str]:
    """Each item's own searchable text, casefolded (newlines keep fields apart)."""
    fields = map(
        "\n".join,
        zip(
            map(KEY, items),
            map(TITLE, items),
            map(OWNER, items),
            (c or "" for c in map(CONFLICT_KEY, items)),
            strict=True,
        ),
    )
    texts = "\x00".join(fields).casefold().split("\x00")  # one casefold, not 100k
    if len(texts) != len(items):  # a field held a NUL: do it one by one
        texts = [search_text(i) for i in items]
    return texts


def search_text(item: InboxItem) -> str:
    return f"{item.key}\n{item.title}\n{item.owner}\n{item.conflict_key or ''}".casefold()


def grouped_counts(items: list[InboxItem]) -> Counter[str]:
    """Items per reason for a list in the inbox's order, where each reason is one run: two
    bisections per reason instead of hashing 10^5 enum members (~25 ms at 100k)."""

    def rank(item: InboxItem) -> int:
        return REASON_RANK[item.reason]

    counts: Counter[str] = Counter()  # Reason is a StrEnum: the same keys as _filter's
    for n, reason in enumerate(REASON_ORDER):
        size = bisect.bisect_right(items, n, key=rank) - bisect.bisect_left(items, n, key=rank)
        if size:
            counts[reason] = size
    return counts


@contextmanager
def bulk() -> Iterator[None]:
    """No garbage collection while building 10^5 tuples: each automatic full collection walks
    every item again (measured at 100k: set_items 250 ms with it, 120 ms without)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def find_key(keys: list[Any], key: Any) -> int | None:
    at = bisect.bisect_left(keys, key)
    return at if at < len(keys) and keys[at] == key else None


def deadline_text(deadline: datetime, now: datetime) -> str:
    """``in 23 h · 2026-11-29 10:00`` or ``overdue 2 h · …``, in local time."""
    deadline, now = as_utc(deadline), as_utc(now)
    absolute = deadline.astimezone().strftime("%Y-%m-%d %H:%M")
    if deadline > now:
        return f"in {_span(deadline - now)} · {absolute}"
    return f"overdue {_span(now - deadline)} · {absolute}"


def _span(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"
