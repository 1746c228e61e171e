"""Timestamps: the application keeps timezone-aware UTC everywhere and prints ISO 8601."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value is taken to be UTC already, never local time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """ISO 8601 with an explicit ``+00:00`` offset, as the JSON outputs promise."""
    return as_utc(moment).isoformat()
