"""Why a local folder (the profile, its client files) cannot be written, in one sentence.

Full disks and read-only profiles reach the code as ``OSError`` (errno) or as SQLite's error
names (``SQLITE_FULL``, ``SQLITE_READONLY``, ``SQLITE_CANTOPEN``); both become a sentence that
names the folder and the next step. SQLite's "unable to open" says neither which folder nor
why, so the folder itself is asked (a read-only mount, no write permission, no space left).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from inbox.core.errors import InboxError


class FolderError(InboxError):
    """A local folder cannot be written: read-only, not permitted, or its disk is full."""


READ_ONLY = "read-only"
FULL = "full"
DENIED = "denied"


PROFILE = "The profile folder"
STORE = "The store's folder"
_NEXT = {
    PROFILE: "choose another profile with --profile-dir",
    STORE: "choose a store elsewhere with --store",
}


def read_only_sentence(folder: Path, label: str = PROFILE) -> str:
    if label == STORE:
        return (
            f"{label} {folder} is read-only, so the store cannot be changed; make the folder "
            f"writable or {_NEXT[STORE]}."
        )
    return (
        f"{label} {folder} is read-only; make it writable (or {_NEXT.get(label, _NEXT[PROFILE])})"
        " to sync, queue acknowledgments and save settings."
    )


def full_sentence(folder: Path) -> str:
    return f"The disk holding {folder} is full; free some space there and try again."


def denied_sentence(folder: Path, label: str = PROFILE) -> str:
    return (
        f"{label} {folder} cannot be written by this user (permission denied); fix its owner "
        f"or permissions, or {_NEXT.get(label, _NEXT[PROFILE])}."
    )


def probe(folder: Path) -> str | None:
    """:data:`READ_ONLY`, :data:`FULL`, :data:`DENIED` or None, for ``folder`` or, when it
    does not exist yet, the nearest folder above it that does."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    try:
        stat = os.statvfs(existing)
    except OSError:
        return None
    if stat.f_flag & os.ST_RDONLY:
        return READ_ONLY
    if not os.access(existing, os.W_OK):
        return DENIED
    if stat.f_bavail == 0 or (stat.f_files and stat.f_favail == 0):
        return FULL
    return None


# Complexity C (radon): one branch per errno and SQLite error that names a folder's state (read-
# only, full, not permitted).
def cause(folder: Path, exc: BaseException) -> str | None:
    """Which of :data:`READ_ONLY`, :data:`FULL`, :data:`DENIED` ``exc`` (raised while writing
    under ``folder``) comes from, or None when it is something else."""
    if isinstance(exc, OSError):
        if exc.errno == errno.EROFS:
            return READ_ONLY
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return FULL
        if exc.errno in (errno.EACCES, errno.EPERM):
            return probe(folder) or DENIED
        return None
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if name == "SQLITE_FULL" or "disk is full" in text:
            return FULL
        if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR")) or (
            "readonly database" in text or "unable to open" in text
        ):
            return probe(folder)
    return None


def sentence(folder: Path, exc: BaseException, label: str = PROFILE) -> str | None:
    """The sentence for ``exc`` raised while writing under ``folder``, or None; ``label``
    names what the folder is."""
    return describe(cause(folder, exc), folder, label)


def describe(found: str | None, folder: Path, label: str = PROFILE) -> str | None:
    """The sentence for a cause :func:`probe` or :func:`cause` found, or None for none."""
    if found == READ_ONLY:
        return read_only_sentence(folder, label)
    if found == FULL:
        return full_sentence(folder)
    if found == DENIED:
        return denied_sentence(folder, label)
    return None
