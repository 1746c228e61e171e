"""Timestamps: the application keeps timezone-aware UTC everywhere and prints ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value is taken to be UTC already, never local time."""
    tz = moment.tzinfo
    if tz is UTC:  # values from the store and the cache are UTC already: no copy
        return moment
    if tz is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 with an explicit ``+00:00`` offset, as the JSON outputs promise."""
    if moment.tzinfo is UTC:  # the usual case, and a cache write makes hundreds of thousands
        return moment.isoformat()
    return as_utc(moment).isoformat()


def relative(moment: datetime, now: datetime) -> str:
    """``in 3 h`` / ``2 days ago``: coarse on purpose, the absolute time stands beside it."""
    seconds = (as_utc(moment) - as_utc(now)).total_seconds()
    span = abs(seconds)
    if span < 3600:
        amount = f"{max(1, round(span / 60))} min"
    elif span < 48 * 3600:
        amount = f"{round(span / 3600)} h"
    else:
        amount = f"{round(span / 86400)} days"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"


def from_local(naive: datetime) -> datetime:
    """A wall-clock time in the person's time zone, as an aware datetime.

    Raises ``ValueError`` for a time the clocks skip (the hour lost when daylight saving time
    starts): converting it silently would move it by an hour. A time the clocks pass twice (the
    hour repeated when it ends) is taken at its first occurrence.
    """
    moment = naive.replace(fold=0).astimezone()
    if moment.replace(tzinfo=None) != naive.replace(fold=0):
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in this time zone")
    return moment
