"""The inbox table's row arithmetic, without Qt: one record per item (order key, identity,
the fields the filters read), which records a filter shows, reason counts and deadline words,
each built for 10^5 items with C-level maps rather than a Python call per item
(benchmarks/list_100k.py measures them).

Records, order keys and identities are tuples of strings, numbers and None only, never an item
or an enum member: CPython's collector stops tracking such a tuple at its first collection, so
building 10^5 of them starts no full collection. Tuples that held the items stayed tracked, and
at 100k items each rebuild of them was measured at ~130 ms of full collections.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import compress, islice, repeat
from operator import attrgetter, itemgetter, lt, ne
from typing import Any

from inbox.core.delta import ItemId
from inbox.core.items import REASON_ORDER, InboxItem
from inbox.core.keys import decision_sort_key
from inbox.core.model import Reason
from inbox.core.times import as_utc

DEADLINE_COLUMN = 5
REASON_COLUMN = 6
REASON_RANK: dict[str, int] = {reason: n for n, reason in enumerate(REASON_ORDER)}
KEY, TITLE, OWNER, TEAM = (attrgetter(a) for a in ("key", "title", "owner", "team"))
STATE, REVISION = attrgetter("state"), attrgetter("revision")
# The reason as a plain str: Reason is a StrEnum, and its value is the string itself. Tuples
# holding the member would stay tracked by the collector; str() per item is 4x slower.
REASON_TEXT = attrgetter("reason._value_")
_FEEDBACK = Reason.FEEDBACK_REQUESTED.value
CONFLICT_KEY = attrgetter("conflict_key")
FIRST = itemgetter(0)
# Unique per item: it ends on the item's identity, so a bisection finds exactly one row.
OrderKey = tuple[Any, ...]
# One item: (order key, identity, team, owner, own search text, the search index's text), the
# texts casefolded. The item itself is found by its identity.
Record = tuple[OrderKey, ItemId, str | None, str, str, str]
REC_IDENT, REC_TEAM, REC_OWNER, REC_TEXT, REC_EXTRA = (itemgetter(n) for n in range(1, 6))
ID_REASON = itemgetter(1)  # of an identity


def deadline_rank(item: InboxItem) -> float:
    return math.inf if item.deadline is None else as_utc(item.deadline).timestamp()


def column_keys(
    items: Sequence[InboxItem], column: int, reasons: list[str] | None = None
) -> list[list[Any]]:
    """The leading fields of each item's order key for ``column``, one list per field;
    ``reasons``: the items' reasons as plain strings, when the caller has them already."""
    if column == 1:
        return [list(map(str.casefold, map(TITLE, items)))]
    if column == 2:
        return [list(map(OWNER, items))]
    if column == 3:
        return [list(map(str, map(STATE, items)))]
    if column == 4:
        return [list(map(REVISION, items))]
    if column == DEADLINE_COLUMN:
        return [list(map(deadline_rank, items))]
    if column == REASON_COLUMN:
        # The inbox's own order (core.inbox): feedback requests by deadline in their section.
        reasons = list(map(REASON_TEXT, items)) if reasons is None else reasons
        when = [
            deadline_rank(i) if r == _FEEDBACK else 0.0 for i, r in zip(items, reasons, strict=True)
        ]
        return [list(map(REASON_RANK.__getitem__, reasons)), when]
    return []  # the key column: the decision key that follows is the whole order


def order_keys(items: Sequence[InboxItem], column: int) -> list[OrderKey]:
    """Each item's place in the ascending order of ``column``: the column's fields, then the
    decision key (D-2 before D-10), reason rank, conflict key and key text as tie-breaks."""
    return _order_keys(items, column, *_identity_fields(items))


def _identity_fields(items: Sequence[InboxItem]) -> tuple[list[str], list[str], list[str | None]]:
    return list(map(KEY, items)), list(map(REASON_TEXT, items)), list(map(CONFLICT_KEY, items))


def _order_keys(
    items: Sequence[InboxItem],
    column: int,
    keys: list[str],
    reasons: list[str],
    conflicts: list[str | None],
) -> list[OrderKey]:
    prefixes, numbers = decision_parts(keys)
    return list(
        zip(
            *column_keys(items, column, reasons),
            prefixes,
            numbers,
            # The rank, not the reason's text: a decision's records then follow its urgency,
            # so its first record in any column but the deadline's is its most urgent.
            map(REASON_RANK.__getitem__, reasons),
            [c or "" for c in conflicts],
            keys,
            strict=True,
        )
    )


def decision_parts(keys: list[str]) -> tuple[list[str], list[int]]:
    """``decision_sort_key`` of each key as two lists; the usual ``D-<n>`` form without a regex
    per key."""
    parts = list(map(str.rpartition, keys, repeat("-")))
    numbers = [n for _, _, n in parts]
    plain = (
        all(map(str.isdecimal, numbers))
        and "" not in [sep for _, sep, _ in parts]
        and "\n" not in "".join(keys)  # the regex's "." stops at a newline
    )
    if not plain:
        sort_keys = list(map(decision_sort_key, keys))
        return [p for p, _ in sort_keys], [n for _, n in sort_keys]
    return [p for p, _, _ in parts], list(map(int, numbers))


def search_texts(items: Sequence[InboxItem]) -> list[str]:
    """Each item's own searchable text, casefolded (newlines keep fields apart)."""
    return [f"{i.key}\n{i.title}\n{i.owner}\n{i.conflict_key or ''}".casefold() for i in items]


def grouped_counts(items: list[InboxItem]) -> Counter[str]:
    """Items per reason for a list in the inbox's order, where each reason is one run: two
    bisections per reason instead of hashing 10^5 enum members (~25 ms at 100k)."""

    def rank(item: InboxItem) -> int:
        return REASON_RANK[item.reason]

    counts: Counter[str] = Counter()  # Reason is a StrEnum: the same keys as pick's
    for n, reason in enumerate(REASON_ORDER):
        size = bisect.bisect_right(items, n, key=rank) - bisect.bisect_left(items, n, key=rank)
        if size:
            counts[reason] = size
    return counts


def reason_starts(items: list[InboxItem]) -> list[tuple[int, str]]:
    """(index, reason) where each reason's run begins in a list in the inbox's order."""

    def rank(item: InboxItem) -> int:
        return REASON_RANK[item.reason]

    starts = []
    for n, reason in enumerate(REASON_ORDER):
        at = bisect.bisect_left(items, n, key=rank)
        if at < len(items) and rank(items[at]) == n:
            starts.append((at, str(reason)))
    return starts


def changed_texts(old: Mapping[str, str], new: Mapping[str, str]) -> set[str]:
    """The decisions whose search index text differs between ``old`` and ``new``."""
    if list(new) == list(old):  # the usual: the same decisions in the same order
        return set(compress(new, map(ne, new.values(), old.values())))
    changed = {key for key, text in new.items() if old.get(key) != text}
    changed.update(old.keys() - new.keys())
    return changed


@dataclass(frozen=True)
class RowFilter:
    """``search`` casefolded; ``reasons`` None: all; ``team``/``owner`` None: any;
    ``triaged``: only the snoozed and done items instead of the others."""

    search: str = ""
    reasons: frozenset[str] | None = None
    team: str | None = None
    owner: str | None = None
    triaged: bool = False


def records(items: Sequence[InboxItem], column: int, extra: Mapping[str, str]) -> list[Record]:
    """The records of ``items``, in their order (not sorted)."""
    keys, reasons, conflicts = _identity_fields(items)
    return list(
        zip(
            _order_keys(items, column, keys, reasons, conflicts),
            zip(keys, reasons, conflicts, strict=True),
            map(TEAM, items),
            map(OWNER, items),
            search_texts(items),
            map(extra.get, keys, repeat("")),
            strict=True,
        )
    )


def resorted(rows: list[Record], keys: list[OrderKey]) -> list[Record]:
    """``rows`` with new order ``keys`` (one per row, in their order), sorted by them."""
    fresh = list(
        zip(
            keys,
            *(map(field, rows) for field in (REC_IDENT, REC_TEAM, REC_OWNER, REC_TEXT, REC_EXTRA)),
            strict=True,
        )
    )
    fresh.sort(key=FIRST)
    return fresh


def renew_texts(rows: list[Record], keys: set[str], extra: Mapping[str, str]) -> None:
    """The search index's text anew in the records of decisions ``keys``, in place."""
    wanted = map(keys.__contains__, map(FIRST, map(REC_IDENT, rows)))
    for at in compress(range(len(rows)), list(wanted)):
        record = rows[at]
        rows[at] = (*record[:5], extra.get(record[1][0], ""))


def index_records(
    items: list[InboxItem], column: int, extra: Mapping[str, str]
) -> tuple[dict[ItemId, InboxItem], list[Record], bool]:
    """(items by identity, their records ascending, whether ``items`` were in that order
    without duplicates); of the same item twice, the later one wins."""
    built = records(items, column, extra)
    by_id = dict(zip(map(REC_IDENT, built), items, strict=True))
    if len(by_id) != len(items):
        built = records(list(by_id.values()), column, extra)
        built.sort(key=FIRST)
        return by_id, built, False
    orders = list(map(FIRST, built))
    if all(map(lt, orders, islice(orders, 1, None))):
        return by_id, built, True
    built.sort(key=FIRST)
    return by_id, built, False


def key_step(per_key: Counter[str], key: str, step: int) -> int:
    """``per_key[key]`` moved by ``step``; +1 or -1 when ``key`` starts or stops having two
    records or more, else 0."""
    before = per_key[key]
    per_key[key] += step
    if not per_key[key]:
        del per_key[key]
    return (before + step > 1) - (before > 1)


def matches(record: Record, wanted: RowFilter) -> bool:
    """Passes the search, team and owner (the reason and triage come after)."""
    needle = wanted.search
    return (
        (not needle or needle in record[4] or needle in record[5])
        and (wanted.team is None or record[2] == wanted.team)
        and (wanted.owner is None or record[3] == wanted.owner)
    )


def pick(
    everything: list[Record], wanted: RowFilter, hidden: set[ItemId], *, per_key: bool = True
) -> tuple[list[Record], Counter[str], Counter[str], Counter[str] | None]:
    """(visible records, items per reason, snoozed or done items per decision, items per
    decision): what
    :func:`matches` and the per-record rules of ``InboxState`` decide one by one, for every
    record at once. The last counts the decisions of "All" (one row each); without
    ``per_key`` (no decision has two items) it is None: hashing 10^5 keys costs ~10 ms."""
    shown, triaged = _split_triaged(_narrowed(everything, wanted), hidden)
    idents = list(map(REC_IDENT, shown))
    counts = Counter(map(ID_REASON, idents))
    decisions = Counter(map(FIRST, idents)) if per_key else None
    if wanted.triaged:
        rows = triaged
    elif wanted.reasons is not None:
        rows = [r for r in shown if r[1][1] in wanted.reasons]
    else:
        rows = list(shown) if shown is everything else shown  # rows change on their own
    return rows, counts, Counter(map(FIRST, map(REC_IDENT, triaged))), decisions


# Complexity C (radon): three independent optional filters, each one line; splitting them would
# hide that they compose.
def _narrowed(everything: list[Record], wanted: RowFilter) -> list[Record]:
    """The records passing the search, team and owner filters (``everything`` itself if no
    filter is set: the caller copies it before the rows change)."""
    found = everything
    if needle := wanted.search:
        found = [r for r in found if needle in r[4] or needle in r[5]]
    if wanted.team is not None:
        found = [r for r in found if r[2] == wanted.team]
    if wanted.owner is not None:
        found = [r for r in found if r[3] == wanted.owner]
    return found


def _split_triaged(found: list[Record], hidden: set[ItemId]) -> tuple[list[Record], list[Record]]:
    """(shown, snoozed or done) of ``found``, each in order."""
    if not hidden:
        return found, []
    keys = {key for key, _, _ in hidden}  # a cheap first test before hashing the identity
    mask = [r[1][0] in keys and r[1] in hidden for r in found]
    return list(compress(found, [not h for h in mask])), list(compress(found, mask))


def find_key(rows: Sequence[tuple[Any, ...]], key: OrderKey) -> int | None:
    """Where the row whose order key (its first field) is ``key`` sits in ``rows``, if there."""
    at = bisect.bisect_left(rows, key, key=FIRST)
    return at if at < len(rows) and rows[at][0] == key else None


def deadline_text(deadline: datetime, now: datetime) -> str:
    """``in 23 h · 2026-11-29 10:00`` or ``overdue 2 h · …``, in local time."""
    deadline, now = as_utc(deadline), as_utc(now)
    absolute = deadline.astimezone().strftime("%Y-%m-%d %H:%M")
    if deadline > now:
        return f"in {span_text(deadline - now)} · {absolute}"
    return f"overdue {span_text(now - deadline)} · {absolute}"


def span_text(span: timedelta) -> str:
    """``40 min``, ``23 h``, ``3 d``."""
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"
