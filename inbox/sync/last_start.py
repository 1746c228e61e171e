"""Which client folder the last start of a profile used, so that the next start can show its
cache before the store is reached.

The folder is named after the store's redacted URL and the person, both known for certain only
once the store is open (its URL is parsed by SQLAlchemy, and on PostgreSQL the person is the login
role the server reports). Rather than guess them, the start that got that far writes down what
it found, keyed by the store as configured (without any password), and the next start with the
same store (and the same ``--user``, if one is given) reads it back. A wrong or missing record
costs only the early paint: the start opens the right folder anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILE = "last-start.json"  # in the profile's clients/ folder


@dataclass(frozen=True)
class LastStart:
    folder: Path
    user: str


def _store_key(store: str) -> str:
    # Without the password (a URL's or a libpq ?password=), so that a new password finds the
    # same record, as it finds the same folder; hashed, so the file names no URL.
    bare = re.sub(r"(://[^/@:]*):[^@/]*@", r"\1@", store.strip())
    bare = re.sub(r"([?&]password=)[^&]*", r"\1", bare)
    return hashlib.sha256(bare.encode()).hexdigest()[:24]


def recall(data_dir: Path, store: str, user: str | None) -> LastStart | None:
    """The last start's folder and person for ``store``; None when there is none, it was for
    another person than ``user`` (when given), or the record cannot be read."""
    try:
        record = json.loads((data_dir / "clients" / FILE).read_text(encoding="utf-8"))
        folder = Path(data_dir / "clients" / str(record["folder"]))
        found = LastStart(folder, str(record["user"]))
        same = record["store"] == _store_key(store)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not same or (user is not None and user != found.user) or folder.name in ("", ".", ".."):
        return None
    return found


def remember(data_dir: Path, store: str, folder: Path, user: str) -> None:
    """Write down (atomically) the folder this start opened; a failure only costs the next
    start its early paint."""
    path = data_dir / "clients" / FILE
    record = {"store": _store_key(store), "folder": folder.name, "user": user}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(record), encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.info("cannot note the client folder for the next start: %s", exc)
