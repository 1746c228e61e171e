"""Human decision keys (``D-12``): formatting and an ordering that puts D-2 before D-10."""

from __future__ import annotations

import re

PREFIX = "D"
_KEY = re.compile(r"^(?P<prefix>.*?)-(?P<number>\d+)$")


def format_key(n: int) -> str:
    return f"{PREFIX}-{n}"


def decision_sort_key(key: str) -> tuple[str, int]:
    """Sort key ``(prefix, number)``; a key without a trailing ``-N`` sorts as ``(key, -1)``.

    Keys come from the store, but a hand-edited or imported one must still sort somewhere
    stable rather than raise, so odd keys fall back to their whole text with number -1.
    """
    match = _KEY.match(key)
    if match is None:
        return (key, -1)
    return (match["prefix"], int(match["number"]))
