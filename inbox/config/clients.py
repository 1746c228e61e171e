"""The configuration as the long-running clients (the app and ``watch``) take it: the
notification policy's settings and the sync engine's."""

from __future__ import annotations

from inbox.config.values import NotificationConfig, SyncConfig
from inbox.notify.values import Settings
from inbox.sync.status import EngineSettings


def notification_settings(config: NotificationConfig) -> Settings:
    return Settings(
        paused_until=config.paused_until,
        quiet_start=config.quiet_start,
        quiet_end=config.quiet_end,
        muted=config.muted,
    )


def engine_settings(config: SyncConfig) -> EngineSettings:
    return EngineSettings(mode=config.mode, slow_timer=config.poll_seconds)
