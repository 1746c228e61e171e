"""The person's settings as one frozen value, and its mapping to and from config.json.

config.json holds ``store`` (a URL or path; absent or empty: the embedded store), ``user``,
``start_at_login``, ``remember_password`` and a ``notifications`` section (``muted``: reason
names; ``quiet_start``/``quiet_end``: "HH:MM"; ``paused_until``: ISO 8601). It never holds a
password. Reading is lenient: a value that does not parse falls back to its default, so the
settings dialog can always open and fix it (``decision-inbox watch`` reports such values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from inbox.core.model import Reason

PAUSE_OFF = "off"
PAUSE_HOUR = "hour"
PAUSE_TOMORROW = "tomorrow"
TOMORROW_AT = time(8, 0)
"""A pause "until tomorrow" ends at this local time: the start of a working day."""


@dataclass(frozen=True)
class NotificationPrefs:
    muted: frozenset[Reason] = frozenset()
    quiet_start: time | None = None
    quiet_end: time | None = None
    paused_until: datetime | None = None  # timezone-aware


@dataclass(frozen=True)
class AppSettings:
    """``store_url`` "" means the embedded SQLite store in the profile's data folder."""

    store_url: str = ""
    user: str = ""
    notifications: NotificationPrefs = field(default_factory=NotificationPrefs)
    start_at_login: bool = False
    remember_password: bool = True

    @property
    def embedded(self) -> bool:
        return not self.store_url.strip()


def settings_from_config(config: Mapping[str, Any], *, start_at_login: bool) -> AppSettings:
    """The settings in a loaded config.json; ``start_at_login`` comes from the autostart file,
    which is the truth on disk (a person may delete it by hand)."""
    section = config.get("notifications")
    section = section if isinstance(section, Mapping) else {}
    return AppSettings(
        store_url=_text(config.get("store")),
        user=_text(config.get("user")),
        notifications=NotificationPrefs(
            muted=_reasons(section.get("muted")),
            quiet_start=_parse(time.fromisoformat, section.get("quiet_start")),
            quiet_end=_parse(time.fromisoformat, section.get("quiet_end")),
            paused_until=_aware(_parse(datetime.fromisoformat, section.get("paused_until"))),
        ),
        start_at_login=start_at_login,
        remember_password=config.get("remember_password", True) is not False,
    )


def config_values(settings: AppSettings, previous: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level config.json keys to write for ``settings``; other keys of the previous
    ``notifications`` section (a pinned notifier, say) are kept."""
    prefs = settings.notifications
    section = dict(previous.get("notifications") or {})
    section.update(
        muted=sorted(str(reason) for reason in prefs.muted),
        quiet_start=prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
        quiet_end=prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
        paused_until=prefs.paused_until.isoformat() if prefs.paused_until else None,
    )
    return {
        "store": settings.store_url.strip() or None,
        "user": settings.user.strip() or None,
        "notifications": section,
        "start_at_login": settings.start_at_login,
        "remember_password": settings.remember_password,
    }


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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _reasons(value: Any) -> frozenset[Reason]:
    if not isinstance(value, list):
        return frozenset()
    known = {str(reason) for reason in Reason}
    return frozenset(Reason(name) for name in value if isinstance(name, str) and name in known)


def _parse(parse: Any, value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return None
    try:
        return parse(value)
    except ValueError:
        return None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
