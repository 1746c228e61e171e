"""The keys config.json may hold, and the sentence for one it does not: which key, and the
known key that was probably meant (a typo such as "notifer" or "quiet_strat")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from inbox.core import spelling

NOTIFICATIONS = "notifications"
SYNC = "sync"
OBSOLETE = frozenset({"start_at_login"})
"""Keys older versions wrote and nothing reads any more (whether the app starts at login is the
autostart entry's business): known, so never warned about, and dropped on the next save."""

TOP_LEVEL: tuple[str, ...] = ("store", "user", "remember_password", NOTIFICATIONS, SYNC)
SECTIONS: dict[str, tuple[str, ...]] = {
    NOTIFICATIONS: ("muted", "quiet_start", "quiet_end", "paused_until", "notifier"),
    SYNC: ("mode", "poll_seconds"),
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the choice closest to ``word``, or "" when none is close."""
    return spelling.did_you_mean(word, choices, quote='"')


def unknown_keys(data: Mapping[str, Any]) -> list[str]:
    """One sentence per key of ``data`` (a loaded config.json) that no version reads."""
    sentences = [
        _unknown(name, None) for name in data if name not in TOP_LEVEL and name not in OBSOLETE
    ]
    for section, names in SECTIONS.items():
        inner = data.get(section)
        if isinstance(inner, Mapping):
            sentences += [_unknown(name, section) for name in inner if name not in names]
    return sentences


def _unknown(name: str, section: str | None) -> str:
    dotted = f"{section}.{name}" if section else name
    # Every known key is a candidate, named in full ("notifications.notifier" for a "notifer" at
    # the top level); on a tie, a key of the same section wins.
    candidates = [(None, key) for key in TOP_LEVEL] + [
        (other, key) for other, keys in SECTIONS.items() for key in keys
    ]
    score, _, shown = max(
        (
            difflib.SequenceMatcher(None, name, key).ratio(),
            other == section,
            f"{other}.{key}" if other else key,
        )
        for other, key in candidates
    )
    if score >= spelling.CLOSE_ENOUGH:
        return f'config.json has an unknown key "{dotted}"; did you mean "{shown}"?'
    return f'config.json has an unknown key "{dotted}", which Decision Inbox does not use.'
