"""The limits of what the store keeps, checked before any write, the same on both backends.

PostgreSQL refuses a string longer than its column or one holding a NUL character, and it
refuses it late, as a driver error about a column type; SQLite keeps whatever it is given. Both
must take and refuse the same input with the same sentence, naming the field and the limit, so
every write of the store service checks its text here first (``inbox.store.service``,
``inbox.store.directory``, ``inbox.store.responses``), and the dialogs use the same checks.

Text may hold newlines and tabs (a carriage return too, for text pasted from Windows) where it
may span lines; a one-line field (a title, a name, a key) holds none, and no field holds any
other control character: a NUL cannot be stored on PostgreSQL, and the others only hide in a
terminal or a notification.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from inbox.core.errors import FieldError

TITLE_MAX = 200  # characters
BODY_MAX = 1_000_000  # bytes of UTF-8, for a body and for feedback
SUMMARY_MAX = 2_000  # characters
ASSERTION_KEY_MAX = 200  # characters
ASSERTION_VALUE_MAX = 1_000  # characters
NAME_MAX = 200  # characters, a person's display name
HANDLE_MAX = 63  # characters, also of a team name (the patterns in inbox.core.lifecycle)
DEADLINE_YEARS_AHEAD = 10  # a deadline further ahead is a typo for a year
DEADLINE_MAX_AHEAD = timedelta(days=366 * DEADLINE_YEARS_AHEAD)

_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


def check_characters(field: str, what: str, text: str, *, one_line: bool = False) -> str:
    """``text`` unchanged, or a FieldError naming the first control character and where."""
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL_MULTILINE
    found = pattern.search(text)
    if found is not None:
        allowed = "it must be one line" if one_line else "only newlines and tabs are kept"
        raise FieldError(
            field,
            "control_character",
            f"The {what} contains the control character U+{ord(found.group()):04X} at "
            f"character {found.start() + 1}; {allowed}, so remove it.",
        )
    return text


def check_length(field: str, what: str, text: str, limit: int, *, one_line: bool = False) -> str:
    """``text`` unchanged, or a FieldError saying how long it is and the limit."""
    if len(text) > limit:
        raise FieldError(
            field,
            "too_long",
            f"The {what} has {len(text):,} characters; shorten it to {limit:,} or fewer.",
            limit=limit,
        )
    return check_characters(field, what, text, one_line=one_line)


def check_summary(summary: str) -> str:
    return check_length("summary", "summary of the change", summary, SUMMARY_MAX)


def check_assertion_value(key: str, value: str) -> str:
    return check_length("assertion", f"value of the assertion {key}", value, ASSERTION_VALUE_MAX)


def check_name(name: str) -> str:
    return check_length("name", "display name", name, NAME_MAX, one_line=True)


def check_handle_length(field: str, what: str, name: str) -> str:
    """Before a pattern check, so a very long handle is not quoted back whole."""
    if len(name) > HANDLE_MAX:
        raise FieldError(
            field,
            "too_long",
            f"The {what} has {len(name):,} characters; use {HANDLE_MAX} or fewer.",
            limit=HANDLE_MAX,
        )
    return name


def check_deadline(deadline: datetime, now: datetime) -> datetime:
    if deadline - now > DEADLINE_MAX_AHEAD:
        raise FieldError(
            "deadline",
            "too_far",
            f"The deadline {deadline.isoformat(timespec='minutes')} is more than "
            f"{DEADLINE_YEARS_AHEAD} years away; give a date in the next few weeks or months.",
        )
    return deadline
