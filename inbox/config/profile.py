"""Where a person's configuration, cache and logs live, and which store and identity they use.

Defaults come from platformdirs; ``--profile-dir`` or ``$DECISION_INBOX_PROFILE`` moves them all
into one folder. The config file holds the store URL and the identity, never a password.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from inbox import APP_NAME
from inbox.config.reading import load
from inbox.config.values import Config, Loaded
from inbox.config.writing import save
from inbox.platform import folders

ENV_STORE = "DECISION_INBOX_STORE"
ENV_USER = "DECISION_INBOX_USER"
ENV_PROFILE = "DECISION_INBOX_PROFILE"


@dataclass(frozen=True)
class Profile:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @classmethod
    def locate(cls, profile_dir: str | None = None) -> Profile:
        chosen = profile_dir or os.environ.get(ENV_PROFILE)
        if chosen:
            root = Path(chosen).expanduser().resolve()
            return cls(root, root, root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.json"

    @property
    def embedded_store(self) -> Path:
        return self.data_dir / "store.sqlite"

    def load(self, *, strict: bool = False) -> Loaded:
        """config.json, parsed (see :func:`inbox.config.reading.load`)."""
        return load(self.config_file, strict=strict)

    def save(self, config: Config, *, replace_invalid: bool = False) -> None:
        """Save ``config`` into config.json (see :func:`inbox.config.writing.save`); a folder
        that cannot be written is one sentence (:class:`inbox.platform.folders.FolderError`)."""
        try:
            save(self.config_file, config, replace_invalid=replace_invalid)
        except OSError as exc:
            said = folders.sentence(self.config_dir, exc)
            if said is None:
                raise
            raise folders.FolderError(said) from None


@dataclass(frozen=True)
class StoreChoice:
    url: str
    embedded: bool


def choose_store(profile: Profile, given: str | None, config: Config | None = None) -> StoreChoice:
    """``--store``, then ``$DECISION_INBOX_STORE``, then the configured store, then embedded;
    ``config`` is the profile's, loaded leniently when not given."""
    configured = (config if config is not None else profile.load().config).store
    for candidate in (given, os.environ.get(ENV_STORE), configured):
        if candidate:
            return StoreChoice(str(candidate), embedded=False)
    return StoreChoice(str(profile.embedded_store), embedded=True)


def choose_user(profile: Profile, given: str | None, config: Config | None = None) -> str | None:
    """``--user``, then ``$DECISION_INBOX_USER``, then the configured identity."""
    configured = (config if config is not None else profile.load().config).user
    for candidate in (given, os.environ.get(ENV_USER), configured):
        if candidate:
            return str(candidate).strip()
    return None
