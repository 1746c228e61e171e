"""The config.json sections the long-running clients (the app and ``watch``) read, strictly: a
value that can never work is one sentence naming the key (exit 2 on the command line, a banner
in the app), not a silent default. The settings dialog reads the same file leniently
(``inbox.core.settings``) so that it can always open and let the person fix it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from inbox.core.errors import UsageError
from inbox.notify.policy import POPUP_ORDER, POPUP_REASONS
from inbox.notify.values import Settings
from inbox.sync.engine import EngineSettings


def _setting(section: str, name: str, value: Any, parse: Callable[[Any], Any], hint: str) -> Any:
    try:
        return parse(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"The setting {section}.{name} in config.json is {value!r}; write it like {hint}."
        ) from None


def notification_settings(config: dict[str, Any]) -> Settings:
    """The ``notifications`` section of config.json: quiet hours, pause and the muted kinds of
    popup (``"muted": ["informed", "reminder_24h"]``, names from ``POPUP_ORDER``)."""
    section = config.get("notifications") or {}

    def value(name: str, parse: Callable[[Any], Any], hint: str) -> Any:
        raw = section.get(name)
        return _setting("notifications", name, raw, parse, hint) if raw else None

    def names(raw: Any) -> frozenset[str]:
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            raise TypeError(raw)
        return frozenset(raw)

    muted = value("muted", names, '["informed", "reminder_24h"]') or frozenset()
    unknown = sorted(muted - POPUP_REASONS)
    if unknown:
        raise UsageError(
            f"The setting notifications.muted in config.json names {unknown[0]!r}, which is not "
            f"a kind of popup; use some of {', '.join(POPUP_ORDER)}."
        )
    return Settings(
        paused_until=value("paused_until", datetime.fromisoformat, '"2026-12-01T09:00+01:00"'),
        quiet_start=value("quiet_start", time.fromisoformat, '"22:00"'),
        quiet_end=value("quiet_end", time.fromisoformat, '"07:00"'),
        muted=muted,
    )


def engine_settings(config: dict[str, Any]) -> EngineSettings:
    sync = config.get("sync") or {}
    mode = sync.get("mode", "listen")
    if mode not in ("listen", "poll"):
        raise UsageError(
            f'The setting sync.mode in config.json is {mode!r}; use "listen" or "poll".'
        )
    seconds = _setting("sync", "poll_seconds", sync.get("poll_seconds", 30.0), float, "10")
    if seconds <= 0:
        raise UsageError("The setting sync.poll_seconds in config.json must be more than 0.")
    return EngineSettings(mode=mode, slow_timer=seconds)
