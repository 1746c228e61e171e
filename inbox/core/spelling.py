"""The known name a mistyped one probably meant, for every "did you mean …?" the front ends say
(config.json keys and values, command-line options, decisions.toml fields)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CLOSE_ENOUGH = 0.6
"""difflib's own default cutoff: "notifer" is 0.93 from "notifier", "usr" 0.86 from "user"."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, or None when none is close enough to suggest."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=CLOSE_ENOUGH)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], *, quote: str = "") -> str:
    """``' (did you mean X?)'`` for the choice closest to ``word``, or "" when none is close: it
    goes right after the word it is about, so the message stays one sentence."""
    meant = closest(word, choices)
    return f" (did you mean {quote}{meant}{quote}?)" if meant is not None else ""
