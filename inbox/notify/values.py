"""The notification policy's values: a popup, the person's preferences, and what the policy
remembers between runs, each with a JSON form the caller persists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from itertools import chain
from typing import Any

from inbox.core.items import REASON_ORDER
from inbox.core.model import Reason
from inbox.core.times import as_utc, iso_utc
from inbox.notify import messages

# The notifier adapters by name (``notifications.notifier`` in config.json), in the order the
# chain tries them. Here, not in ``chain``, so that reading config.json does not import the
# adapters (asyncio, the D-Bus client) before the window shows.
DESKTOP = "desktop-notifier"
PLYER = "plyer"
TRAY = "tray"
BANNER = "banner"
NOTIFIER_NAMES: tuple[str, ...] = (DESKTOP, PLYER, TRAY, BANNER)  # the standard order

REMINDER_24H = "reminder_24h"
REMINDER_1H = "reminder_1h"
OBJECTION = "objection"
ALL_ACKNOWLEDGED = "all_acknowledged"
SUMMARY = "summary"

# The inbox's order (what is owed first), with reminders beside feedback requests and the
# owner's event popups where the owner's awaiting_acks items sit.
POPUP_ORDER: tuple[str, ...] = tuple(
    chain.from_iterable(
        (str(r), REMINDER_1H, REMINDER_24H)
        if r is Reason.FEEDBACK_REQUESTED
        else (OBJECTION, ALL_ACKNOWLEDGED)
        if r is Reason.AWAITING_ACKS
        else (str(r),)
        for r in REASON_ORDER
    )
)
POPUP_REASONS: frozenset[str] = frozenset(POPUP_ORDER)
PAUSED_INDEFINITELY = datetime(9999, 12, 31, tzinfo=UTC)  # "off until resumed"
STATE_VERSION = 1


@dataclass(frozen=True)
class Popup:
    """One notification. ``to_json`` is what ``watch --json`` prints; the other fields are kept
    in the persisted state: ``subject`` (the decision's title, for summaries), ``expires`` (a held
    popup is dropped after this) and ``covers`` (a summary's ids). ``replaces``, set only for
    the showing (never saved): the id of the popup on screen that this one takes the place of
    (:func:`inbox.notify.screen.place`)."""

    id: str
    key: str | None
    title: str
    body: str
    reason: str
    revision: int | None
    subject: str = ""
    expires: datetime | None = None
    covers: tuple[str, ...] = ()
    replaces: str | None = None

    @property
    def line(self) -> str:
        """The popup on one line (``watch``'s output, the in-app banner): "title — body"."""
        return f"{self.title} — {self.body}" if self.body else self.title

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "title": self.title,
            "body": self.body,
            "reason": self.reason,
            "revision": self.revision,
        }

    def to_state_json(self) -> dict[str, Any]:
        return {
            **self.to_json(),
            "subject": self.subject,
            "expires": None if self.expires is None else iso_utc(self.expires),
            "covers": list(self.covers),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Popup:
        """The inverse of :meth:`to_state_json` (and of :meth:`to_json`); ValueError if malformed."""
        try:
            expires = data.get("expires")
            return cls(
                id=_text(data["id"]),
                key=None if data.get("key") is None else _text(data["key"]),
                title=_text(data["title"]),
                body=_text(data["body"]),
                reason=_text(data["reason"]),
                revision=None if data.get("revision") is None else _number(data["revision"]),
                subject=_text(data.get("subject", "")),
                expires=None if expires is None else as_utc(datetime.fromisoformat(_text(expires))),
                covers=tuple(_text(c) for c in _list(data.get("covers", []))),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"A saved notification is malformed ({exc!r}).") from exc


@dataclass(frozen=True)
class Settings:
    """Notification preferences. Quiet hours are wall-clock times in ``tz`` (``None``: the
    system's zone), ``start`` inclusive, ``end`` exclusive, wrapping midnight when start > end;
    equal or missing times mean no quiet hours.

    ``muted``: the kinds of popup (names from :data:`POPUP_REASONS`) the person does not want.
    Muting is about interruptions, not about what is owed: the items stay in the inbox and the
    tray's count. A muted popup is dropped, not held: it is remembered as notified, so it never
    pops up later, not when quiet hours end and not after unmuting; unmuting brings popups for
    what happens from then on, not a backlog of history. A popup already held back by quiet
    hours or a pause whose kind gets muted is dropped the same way when it would come out. Each
    name mutes that kind only: muting ``feedback_requested`` leaves the deadline reminders
    (``reminder_24h``, ``reminder_1h``) on, since a deadline getting close is news of its own.
    ``reasons`` is the older spelling of the same choice (the kinds that may pop up at all).
    """

    paused_until: datetime | None = None
    quiet_start: time | None = None
    quiet_end: time | None = None
    tz: tzinfo | None = None
    reasons: frozenset[str] = POPUP_REASONS
    summary_threshold: int = 3
    muted: frozenset[str] = frozenset()

    def wants(self, reason: str) -> bool:
        """Popups of this kind may be shown (now or, when held back, later)."""
        return reason in self.reasons and reason not in self.muted

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and as_utc(now) < as_utc(self.paused_until)

    def quiet(self, now: datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        start, end = self.quiet_start.replace(tzinfo=None), self.quiet_end.replace(tzinfo=None)
        at = messages.local(as_utc(now), self.tz).time().replace(tzinfo=None)
        if start < end:
            return start <= at < end
        return start > end and (at >= start or at < end)

    def holding(self, now: datetime) -> bool:
        """Popups are held back now (paused or quiet hours)."""
        return self.paused(now) or self.quiet(now)


@dataclass(frozen=True)
class PolicyState:
    """What the policy remembers: ids already shown (or deliberately skipped) and held popups."""

    notified: frozenset[str] = frozenset()
    held: tuple[Popup, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "notified": sorted(self.notified),
            "held": [popup.to_state_json() for popup in self.held],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PolicyState:
        if not isinstance(data, Mapping):
            raise ValueError("The saved notification state is not a JSON object.")
        version = data.get("version")
        if version != STATE_VERSION:
            raise ValueError(
                f"The saved notification state is version {version!r}; this client reads "
                f"version {STATE_VERSION}."
            )
        try:
            notified = frozenset(_text(i) for i in _list(data.get("notified", [])))
            held = [_mapping(p) for p in _list(data.get("held", []))]
        except TypeError as exc:
            raise ValueError(f"The saved notification state is malformed ({exc}).") from exc
        return cls(notified, tuple(Popup.from_json(p) for p in held))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value
