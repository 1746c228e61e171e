"""What a client may know about a change-feed cursor without the store: kept free of SQLAlchemy,
so that the client's cache opens (for the window's first paint) without importing it."""

from __future__ import annotations

import re


def outdated(cursor: str) -> bool:
    """Is this a PostgreSQL cursor of the older ``"<txid>:<seq>"`` form, which no reader takes
    any more? Its holder must load the store afresh."""
    return re.fullmatch(r"\d+:\d+", cursor) is not None
