"""When a pause of notifications ends, and other working-day arithmetic: pure time helpers
the tray and the dialogs share."""

from __future__ import annotations

from datetime import datetime, time, timedelta

PAUSE_OFF = "off"
PAUSE_HOUR = "hour"
PAUSE_TOMORROW = "tomorrow"
TOMORROW_AT = time(8, 0)
"""A pause "until tomorrow" ends at this local time: the start of a working day."""


def pause_until(choice: str, now: datetime) -> datetime | None:
    """When a pause chosen now ends: ``now`` is timezone-aware (local, for "tomorrow")."""
    if choice == PAUSE_OFF:
        return None
    if choice == PAUSE_HOUR:
        return now + timedelta(hours=1)
    if choice == PAUSE_TOMORROW:
        tomorrow = (now + timedelta(days=1)).date()
        return datetime.combine(tomorrow, TOMORROW_AT, tzinfo=now.tzinfo)
    raise ValueError(f"unknown pause choice {choice!r}")


def working_days_ahead(start: datetime, days: int, at: time) -> datetime:
    """``days`` working days (Monday to Friday) after ``start``, at the time of day ``at``."""
    moment = start
    left = days
    while left:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
