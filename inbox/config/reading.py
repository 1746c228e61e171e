"""Reading config.json into a :class:`~inbox.config.values.Config`, strictly or leniently.

Strict (the app's and ``watch``'s start): the first value that can never work raises
``UsageError``, one sentence naming the key (exit 2 on the command line, a banner in the app),
not a silent default. Lenient (the settings dialog, the store and identity every command reads):
each such value falls back to its default and is listed in ``Loaded.problems``, so the dialog
can always open and let the person fix it. Either way an unknown key, or a notifier no version
has, is a warning (``Loaded.warnings``): said, never a reason to refuse to start.

A file that is not readable JSON raises in both modes: nothing in it can be kept, and saving
over it would lose what the person wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, TypeVar

from inbox.config import keys
from inbox.config.values import (
    SYNC_MODES,
    Config,
    Loaded,
    NotificationConfig,
    Problem,
    SyncConfig,
)
from inbox.core.errors import UsageError
from inbox.notify.values import NOTIFIER_NAMES, POPUP_ORDER, POPUP_REASONS

_T = TypeVar("_T")


def load(path: Path, *, strict: bool) -> Loaded:
    """config.json at ``path`` (missing: every default)."""
    return parse(read_object(path), strict=strict)


def read_object(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``, ``{}`` when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(
            f"The config file {path} cannot be read ({exc.strerror}); check its permissions."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"The config file {path} is not valid JSON (line {exc.lineno}); fix "
            "it or delete it to start over."
        ) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"The config file {path} must hold a JSON object; fix it or delete it to start over."
        )
    return data


def parse(data: Mapping[str, Any], *, strict: bool) -> Loaded:
    """``data``, a loaded config.json, as a Config."""
    reader = _Reader(strict)
    config = Config(
        store=reader.value("store", data.get("store"), "", _text, '"postgresql://…" or a path'),
        user=reader.value("user", data.get("user"), "", _text, '"ana"'),
        remember_password=reader.value(
            "remember_password", data.get("remember_password"), True, _flag, "true or false"
        ),
        notifications=_notifications(reader, reader.section(data, keys.NOTIFICATIONS)),
        sync=_sync(reader, reader.section(data, keys.SYNC)),
    )
    return Loaded(
        config,
        warnings=tuple(keys.unknown_keys(data) + reader.warnings),
        problems=tuple(reader.problems),
    )


def _notifications(reader: _Reader, section: Mapping[str, Any]) -> NotificationConfig:
    def value(name: str, parse: Callable[[Any], _T], hint: str) -> _T | None:
        return reader.value(f"notifications.{name}", section.get(name), None, parse, hint)

    muted = value("muted", _names, '["informed", "reminder_24h"]') or frozenset()
    unknown = sorted(muted - POPUP_REASONS)
    if unknown:
        reader.problem(
            "notifications.muted",
            f"The setting notifications.muted in config.json names {unknown[0]!r}, which is not "
            f"a kind of popup; use some of {', '.join(POPUP_ORDER)}.",
        )
        muted = muted & POPUP_REASONS
    notifier = section.get("notifier") or None
    if notifier is not None and notifier not in NOTIFIER_NAMES:
        reader.warnings.append(
            f"The setting notifications.notifier in config.json is {notifier!r}"
            f"{keys.did_you_mean(str(notifier), NOTIFIER_NAMES)}; use one of "
            f"{', '.join(NOTIFIER_NAMES)} (each is tried in turn meanwhile)."
        )
        notifier = None
    return NotificationConfig(
        muted=muted,
        quiet_start=value("quiet_start", time.fromisoformat, '"22:00"'),
        quiet_end=value("quiet_end", time.fromisoformat, '"07:00"'),
        paused_until=value("paused_until", _moment, '"2026-12-01T09:00+01:00"'),
        notifier=notifier,
    )


def _sync(reader: _Reader, section: Mapping[str, Any]) -> SyncConfig:
    default = SyncConfig()
    mode = section.get("mode") or default.mode
    if mode not in SYNC_MODES:
        reader.problem(
            "sync.mode",
            f"The setting sync.mode in config.json is {mode!r}"
            f'{keys.did_you_mean(str(mode), SYNC_MODES)}; use "listen" or "poll".',
        )
        mode = default.mode
    seconds = reader.value(
        "sync.poll_seconds", section.get("poll_seconds"), default.poll_seconds, _number, "10"
    )
    if seconds <= 0:
        reader.problem(
            "sync.poll_seconds", "The setting sync.poll_seconds in config.json must be more than 0."
        )
        seconds = default.poll_seconds
    return SyncConfig(mode=mode, poll_seconds=seconds)


class _Reader:
    """Parses one value at a time; a bad one raises (strict) or is noted and defaulted."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.warnings: list[str] = []
        self.problems: list[Problem] = []

    def problem(self, key: str, sentence: str) -> None:
        if self.strict:
            raise UsageError(sentence)
        self.problems.append(Problem(key, sentence))

    def value(self, key: str, raw: Any, default: _T, parse: Callable[[Any], _T], hint: str) -> _T:
        """``raw`` parsed; absent, null or "" is ``default``."""
        if raw is None or raw == "":
            return default
        try:
            return parse(raw)
        except (TypeError, ValueError):
            self.problem(key, f"The setting {key} in config.json is {raw!r}; write it like {hint}.")
            return default

    def section(self, data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        raw = data.get(name)
        if raw is None or isinstance(raw, Mapping):
            return raw or {}
        self.problem(
            name,
            f"The setting {name} in config.json is {raw!r}; write it as a JSON object, like "
            f'{{"{keys.SECTIONS[name][0]}": …}}.',
        )
        return {}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value.strip()


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(value)
    return float(value)


def _names(value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        raise TypeError(value)
    return frozenset(value)


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError(value)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
