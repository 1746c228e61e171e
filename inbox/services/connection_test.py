"""Testing a store before saving it: open it, check its schema and that the handle is a person
in it, close it. **Worker threads only**: it connects, and may wait for the network."""

from __future__ import annotations

from pathlib import Path

from inbox.store import urls
from inbox.store.connection import StoreConnection
from inbox.store.models import PersonRow

Answer = tuple[bool, str]


def check_store(url: str, user: str, password: str | None, *, embedded: Path) -> Answer:
    """``url`` "" is the embedded store at ``embedded``; ``password`` is what was typed or
    saved (a password in ``url`` is not looked at: callers strip it first)."""
    if not url.strip():
        if not embedded.exists():
            return True, f"The embedded store at {embedded} will be created on first use."
        url = str(embedded)
    handle = user.strip()
    store = StoreConnection.open(urls.with_user(url, user), password=password)
    try:
        version = store.version()
        with store.read() as session:  # checks the schema version, with its own sentence
            known = bool(handle) and session.get(PersonRow, handle) is not None
    finally:
        store.dispose()
    if not handle:
        return True, f"Connected to {store.shown_url} (schema v{version})."
    if not known:
        return False, (
            f"The store at {store.shown_url} has no person {handle!r}; check the handle, "
            f'or ask its admin to run `decision-inbox person add {handle} --name "…"`.'
        )
    return True, f"Connected to {store.shown_url} (schema v{version}) as {handle}."
