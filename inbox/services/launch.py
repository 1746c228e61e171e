"""What the desktop app is asked to start, and what a start gives: plain values, free of the
store (and of SQLAlchemy), so the window can be built from them before the store is opened.
``inbox.services.bootstrap`` does the opening."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from inbox.config.profile import Profile, StoreChoice, choose_store, choose_user
from inbox.core.errors import InboxError

if TYPE_CHECKING:
    from inbox.sync.client import Client


@dataclass(frozen=True)
class StartRequest:
    profile: Profile
    store: str | None = None  # --store
    user: str | None = None  # --user
    demo: bool = False
    password: str | None = None  # asked this session, when no keyring keeps it
    allow_network_fs: bool = False


@dataclass
class Started:
    client: Client
    choice: StoreChoice
    seeded: str | None  # what the demo seeding said, if it ran


class PasswordNeededError(InboxError):
    """The store wants a password that no keyring holds: ask the person, then start again."""

    def __init__(self, message: str, shown_url: str, user: str) -> None:
        super().__init__(message)
        self.shown_url = shown_url
        self.user = user


def is_first_run(profile: Profile, store: str | None, user: str | None) -> bool:
    """Nothing configured and no embedded store yet: offer the embedded store and the demo."""
    config = profile.load().config
    choice = choose_store(profile, store, config)
    return (
        choice.embedded
        and not choose_user(profile, user, config)
        and not profile.embedded_store.exists()
    )
