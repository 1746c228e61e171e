"""Where a person's configuration, cache and logs live, and which store and identity they use.

Defaults come from platformdirs; ``--profile-dir`` or ``$DECISION_INBOX_PROFILE`` moves them all
into one folder. The config file holds the store URL and the identity, never a password.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from inbox import APP_NAME
from inbox.core.errors import UsageError

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

    def load(self) -> dict[str, Any]:
        try:
            text = self.config_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise UsageError(
                f"The config file {self.config_file} cannot be read ({exc.strerror}); "
                "check its permissions."
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"The config file {self.config_file} is not valid JSON (line {exc.lineno}); fix "
                "it or delete it to start over."
            ) from None
        if not isinstance(data, dict):
            raise UsageError(
                f"The config file {self.config_file} must hold a JSON object; fix "
                "it or delete it to start over."
            )
        return data

    def save(self, **values: Any) -> None:
        """Merge ``values`` into the config file, written atomically."""
        data = self.load()
        data.update(values)
        self.config_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.config_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temporary, self.config_file)


@dataclass(frozen=True)
class StoreChoice:
    url: str
    embedded: bool


def choose_store(profile: Profile, given: str | None) -> StoreChoice:
    """``--store``, then ``$DECISION_INBOX_STORE``, then the configured store, then embedded."""
    for candidate in (given, os.environ.get(ENV_STORE), profile.load().get("store")):
        if candidate:
            return StoreChoice(str(candidate), embedded=False)
    return StoreChoice(str(profile.embedded_store), embedded=True)


def choose_user(profile: Profile, given: str | None) -> str | None:
    """``--user``, then ``$DECISION_INBOX_USER``, then the configured identity."""
    for candidate in (given, os.environ.get(ENV_USER), profile.load().get("user")):
        if candidate:
            return str(candidate).strip()
    return None
