"""The person's configuration as one frozen value: what config.json says, once parsed.

config.json holds ``store`` (a URL or a path; absent or empty: the embedded store), ``user``,
``remember_password``, a ``notifications`` section and a ``sync`` section. It never holds a
password. :mod:`inbox.config.reading` parses it, :mod:`inbox.config.writing` saves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

LISTEN = "listen"
POLL = "poll"
SYNC_MODES: tuple[str, ...] = (LISTEN, POLL)


@dataclass(frozen=True)
class NotificationConfig:
    """``muted``: kinds of popup (names from ``inbox.notify.values.POPUP_ORDER``, which holds
    more than the inbox's reasons: ``reminder_24h``, ``objection``…); ``notifier``: the one
    notifier to use, None for each in turn."""

    muted: frozenset[str] = frozenset()
    quiet_start: time | None = None
    quiet_end: time | None = None
    paused_until: datetime | None = None  # timezone-aware
    notifier: str | None = None


@dataclass(frozen=True)
class SyncConfig:
    """``mode`` "poll" opens no LISTEN connection (for deployments behind a transaction
    pooler); ``poll_seconds``: the time between catch-ups without any wake-up."""

    mode: str = LISTEN
    poll_seconds: float = 30.0


@dataclass(frozen=True)
class Config:
    """``store`` "" means the embedded SQLite store in the profile's data folder."""

    store: str = ""
    user: str = ""
    remember_password: bool = True
    notifications: NotificationConfig = field(default_factory=NotificationConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)

    @property
    def embedded(self) -> bool:
        return not self.store.strip()


@dataclass(frozen=True)
class Problem:
    """A value of config.json that cannot work: its dotted key and the sentence saying so."""

    key: str
    sentence: str


@dataclass(frozen=True)
class Loaded:
    """A parsed config.json. ``warnings``: unknown keys and an unknown notifier, which never
    stop a client (it says them and goes on); ``problems``: values that cannot work and were
    replaced by their defaults (a lenient load only; a strict one raises instead)."""

    config: Config = field(default_factory=Config)
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    def sentences(self) -> tuple[str, ...]:
        """The problems, then the warnings."""
        return tuple(p.sentence for p in self.problems) + self.warnings

    def first_problem(self, section: str) -> str | None:
        """The sentence of the first problem in ``section`` (such as "sync"), or None."""
        inside = [p for p in self.problems if p.key.partition(".")[0] == section]
        return inside[0].sentence if inside else None
