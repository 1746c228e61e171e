"""Small helpers shared by the sync tests."""

from __future__ import annotations

from pathlib import Path

from inbox.core.model import Role
from inbox.store.engine import parse_store_url, redact
from inbox.store.service import StoreService
from inbox.sync.paths import ClientPaths


def publish(service: StoreService, title: str) -> str:
    """A decision by ana that the frontend must acknowledge, finalized; its key."""
    key = service.create("ana", title=title, audience=[("team", "frontend", Role.ACK)]).key
    assert key
    service.finalize("ana", key)
    return key


def client_paths(profile: Path, url: str, user: str = "fred") -> ClientPaths:
    """The folder the command line uses for this profile, store and person."""
    return ClientPaths.for_client(profile.resolve(), redact(parse_store_url(url)), user)
