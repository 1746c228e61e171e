"""Where one client's cache, state and lock live: one folder per profile, store and person."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ClientPaths:
    folder: Path

    @classmethod
    def for_client(cls, data_dir: Path, shown_url: str, user: str) -> ClientPaths:
        # The redacted URL: a password change must not orphan the cache. A SQLite store is
        # shown as its path; the folder keeps the name it had when it was shown as a URL
        # (sqlite:///<absolute path>), so an upgrade never orphans an outbox.
        identity = shown_url if "://" in shown_url else f"sqlite:///{shown_url}"
        digest = hashlib.sha256(f"{identity}\n{user}".encode()).hexdigest()[:12]
        readable = re.sub(r"[^A-Za-z0-9._-]+", "-", f"{user}@{shown_url.split('/')[-1]}")[:40]
        return cls(data_dir / "clients" / f"{readable}-{digest}")

    @property
    def cache(self) -> Path:
        return self.folder / "cache.sqlite"

    @property
    def state(self) -> Path:
        return self.folder / "state.sqlite"

    @property
    def lock(self) -> Path:
        return self.folder / "client.lock"
