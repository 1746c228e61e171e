"""The window's sentence for each error: the one place the GUI words a failure.

The services hand failures over as typed errors (``inbox.core.errors``) whose fields say what
went wrong; here they become the sentence a person reads, naming what to do in the window
(a button, a box) where the command line would name a flag. ``during`` says what the person was
doing, where that changes the advice: an owner's write is not queued offline, and the digest
needs the store itself, not the cache.
"""

from __future__ import annotations

from enum import Enum

from inbox.core.errors import (
    InboxError,
    MaterialChangeError,
    NetworkFilesystemError,
    StaleRevisionError,
    StoreUnavailableError,
)


class During(Enum):
    OTHER = "other"
    OWNER_WRITE = "owner_write"  # new, revise, open, finalize, supersede, withdraw
    DIGEST = "digest"


def sentence(error: InboxError, during: During = During.OTHER) -> str:
    """What the window shows for ``error``: one sentence, the cause and the next step."""
    if isinstance(error, StaleRevisionError):
        current = error.current
        return (
            f"{error.key} is at revision {current}, but your edit is based on revision "
            f"{error.based_on}; the decision now shows r{current}: review it and revise again."
        )
    if isinstance(error, MaterialChangeError):
        return (
            "A change of any assertion is always material; untick Minor, or keep the "
            "assertions as they were."
        )
    if isinstance(error, NetworkFilesystemError):
        # No setting in the window turns this check off: only the start-up flag does.
        return (
            f"The store file {error.path} is on a network filesystem ({error.filesystem}), where "
            "SQLite's locking can corrupt it; choose a PostgreSQL store in Settings, or start "
            "Decision Inbox with --allow-network-filesystem if only one machine ever opens it."
        )
    if isinstance(error, StoreUnavailableError):
        if during is During.OWNER_WRITE:
            return (
                f"{error.message.rstrip('.')}; an owner's change is not queued, because it must "
                "be checked against the current revision. Try again when online."
            )
        if during is During.DIGEST:
            return (
                f"The digest needs the store's change history, and {error.message[:1].lower()}"
                f"{error.message[1:]}"
            )
    return error.message
