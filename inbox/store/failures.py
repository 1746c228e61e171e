"""Database failures as sentences: what a driver error means for the person, and what to do.

Every path out of ``inbox.store.connection`` goes through :func:`translate`, so the command line,
the sync engine and the app say the same words for the same cause.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from inbox.core.errors import (
    ConflictError,
    InboxError,
    PermissionDeniedError,
    StoreUnavailableError,
)


class ConcurrentWriteError(ConflictError):
    """Another transaction wrote the same unique row first (PostgreSQL, concurrent writers)."""


class CommitUnknownError(StoreUnavailableError):
    """The connection was lost while the server committed: the write may have been saved.
    Acknowledgments and feedback may be sent again (their id makes a repeat harmless); any
    other write must be checked before it is made again."""


class StoreRefusedError(InboxError):
    """The server answered and refused this client: wrong password, unknown role or database,
    a URL its driver rejects. Not an outage: retrying cannot help until someone changes the
    settings, so nothing should be queued for it or retried in a tight loop."""


def missing_store_file(path: Path) -> StoreRefusedError:
    """No file where a SQLite store was named: not an outage (nothing is queued for it or
    retried until the path is fixed), and opening never creates one (docs/cli.md)."""
    return StoreRefusedError(
        f"There is no store file at {path}; check the path, or create a store there with "
        f"`decision-inbox --store {shlex.quote(str(path))} init`."
    )


# Complexity C (radon): one branch per cause with a sentence of its own; the fallbacks last.
def translate(exc: DBAPIError, shown_url: str, *, init: bool = False) -> InboxError:
    """One sentence for a driver error: permission, unreachable, or the driver's own words;
    ``init``: the error came while creating or upgrading the store's tables."""
    refused = refusal(exc.orig, shown_url)
    if refused is not None:
        return refused
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _WAITED:
        return StoreUnavailableError(
            f"The store at {shown_url} {_WAITED[sqlstate]}; try again in a moment."
        )
    if sqlstate in _SERVER_SHORT:
        return StoreUnavailableError(
            f"The server of the store at {shown_url} {_SERVER_SHORT[sqlstate]} "
            f"({first_line(exc.orig)}); {_SERVER_NEXT[sqlstate]}."
        )
    if sqlstate == "42501" and init:  # insufficient_privilege, creating the tables
        return PermissionDeniedError(
            f"The login of {shown_url} may not create the store's tables there "
            f"({first_line(exc.orig)}); `init` needs a superuser or the database's owner, so "
            "run it as one of them."
        )
    if sqlstate == "42501":  # insufficient_privilege
        return PermissionDeniedError(
            f"The store at {shown_url} denied this: {first_line(exc.orig)}."
        )
    if isinstance(exc, OperationalError) and exc.connection_invalidated is False:
        text = first_line(exc.orig)
        if "database is locked" in text:
            return StoreUnavailableError(
                f"The store at {shown_url} stayed locked by another writer for 5 seconds; "
                "try again in a moment."
            )
        if "unable to open database" in text:
            return StoreUnavailableError(
                f"The store file at {shown_url} cannot be opened; check the path and its "
                "permissions."
            )
    if sqlstate:
        # The server answered, so it is running and the URL is right: say what it said.
        return StoreUnavailableError(
            f"The store at {shown_url} refused this: {first_line(exc.orig)} (SQLSTATE "
            f"{sqlstate}); try again, and tell the store's admin if it keeps happening."
        )
    if shown_url.startswith("sqlite"):
        return StoreUnavailableError(
            f"The store file at {shown_url} cannot be used: {first_line(exc.orig)}; check the "
            "file and its folder."
        )
    return StoreUnavailableError(
        f"The store at {shown_url} cannot be used: {first_line(exc.orig)}; check that it is "
        "running and the URL is right."
    )


# The server is short of something (class 53): not this client's fault, and nothing to fix in
# the URL.
_SERVER_SHORT = {
    "53100": "has no disk space left",
    "53200": "ran out of memory",
    "53300": "has no connection to spare",
}
_SERVER_NEXT = {
    "53100": "ask its admin to free some, then try again",
    "53200": "try again in a moment, and tell its admin if it keeps happening",
    "53300": "try again in a moment, or ask its admin to raise max_connections",
}


# The server's own limits (migration v3 and the member logins' session settings): another
# session held what this write needed, or this session waited too long.
_WAITED = {
    "55P03": "could not take a lock another session holds (someone's transaction is still open)",
    "57014": "stopped a statement that ran past its time limit",
    "25P03": "closed this session's transaction, left idle past its time limit",
}

# libpq's own words, matched as text: an error raised while connecting carries no SQLSTATE.
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"password authentication failed for user \"([^\"]*)\""),
        "The store at {url} did not accept the password of {0}; check the password and try again.",
    ),
    (
        re.compile(r"no password supplied"),
        "The store at {url} asks for a password and none was given; add it and try again.",
    ),
    (
        re.compile(r"role \"([^\"]*)\" does not exist"),
        "The store at {url} has no login role {0}; check the user name in the URL, or ask the "
        "store's admin to create it.",
    ),
    (
        re.compile(r"role \"([^\"]*)\" is not permitted to log in"),
        "The store at {url} does not let {0} log in any more (the login was disabled); ask the "
        "store's admin to enable it again (`ALTER ROLE … LOGIN`) or to grant you access anew.",
    ),
    (
        re.compile(r"database \"([^\"]*)\" does not exist"),
        "The server of the store at {url} has no database {0}; check the database name in the URL.",
    ),
    (
        re.compile(r"no pg_hba\.conf entry for host \"([^\"]*)\""),
        "The store at {url} does not let this machine ({0}) log in; ask the store's admin to "
        "allow it in pg_hba.conf.",
    ),
    (
        re.compile(r"(invalid (?:port number|connection option|URI query parameter)[^\n]*)"),
        "The store URL {url} is not understood by the PostgreSQL driver ({0}); fix the URL.",
    ),
)


def refusal(orig: BaseException | None, shown_url: str) -> StoreRefusedError | None:
    """The sentence for a server (or driver) that refused this client for good, else None.

    Never quotes what it was given: the URL is the redacted one, and libpq does not repeat a
    password in its messages."""
    text = str(orig or "")
    for pattern, sentence in _REFUSALS:
        match = pattern.search(text)
        if match:
            return StoreRefusedError(sentence.format(*match.groups(), url=shown_url))
    return None


def first_line(exc: BaseException | None) -> str:
    text = str(exc or "").strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__
