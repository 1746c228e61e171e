"""Human decision keys (``D-12``): formatting and an ordering that puts D-2 before D-10."""

from __future__ import annotations

PREFIX = "D"


def format_key(n: int) -> str:
    return f"{PREFIX}-{n}"


def decision_sort_key(key: str) -> tuple[str, int]:
    """Sort key ``(prefix, number)``; a key without a trailing ``-N`` sorts as ``(key, -1)``.

    Keys come from the store, but a hand-edited or imported one must still sort somewhere
    stable rather than raise, so odd keys fall back to their whole text with number -1.
    """
    prefix, number, _ = decision_order(key)
    return (prefix, number)


def decision_order(key: str) -> tuple[str, int, str]:
    """:func:`decision_sort_key` with the key itself as the tie-break (``D-01`` and ``D-1``
    share a sort key), flat: sorting a large store's decisions calls it once per decision."""
    # rpartition rather than a regular expression: asked for every decision and item of an
    # inbox, where matching a pattern cost a tenth of the rules.
    prefix, dash, number = key.rpartition("-")
    if not dash or not number.isdecimal():
        return (key, -1, key)
    return (prefix, int(number), key)
