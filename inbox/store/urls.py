"""Store URL surgery for the settings and the keyring: the keyring account of a login, a URL
that logs in as the handle, and a URL stripped of a typed password. Pure string work on
SQLAlchemy's URL; nothing here connects."""

from __future__ import annotations

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from inbox.core.errors import UsageError
from inbox.store.engine import parse_store_url, redact


def account_name(user: str, store_url: str | URL) -> str:
    """The keyring account for ``user`` on a store: stable, and never with a password in it.

    The URL loses its user name, password and query (libpq options, ``?password=``), so the same
    person on the same server and database always gets the same account, e.g.
    ``ana@postgresql://db.example.org:5432/inbox``.
    """
    url = parse_store_url(store_url) if isinstance(store_url, str) else store_url
    bare = URL.create(url.drivername, host=url.host, port=url.port, database=url.database)
    if url.get_backend_name() == "sqlite":
        # A keyring key, never shown: it keeps the URL form it always had.
        return f"{user.strip()}@{bare.render_as_string()}"
    return f"{user.strip()}@{redact(bare)}"


def account(url: str, user: str) -> str | None:
    """The keyring account of ``user`` (or of the URL's own user name) on the store at
    ``url``, or None for no usable URL or no name."""
    if not url.strip():
        return None
    try:
        parsed = parse_store_url(url)
    except UsageError:
        return None
    name = parsed.username or user.strip()
    return account_name(name, parsed) if name else None


def is_postgres(url: str) -> bool:
    """Whether ``url`` (a valid store URL) names a PostgreSQL store, which has logins."""
    return parse_store_url(url).get_backend_name() == "postgresql"


def with_user(url: str, user: str) -> str:
    """A PostgreSQL URL without a user name logs in as the handle: on PostgreSQL a person's
    identity is their login role (README, "PostgreSQL")."""
    if "://" not in url or not user.strip():
        return url
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # StoreConnection.open says what is wrong with it
    if parsed.get_backend_name() not in ("postgresql", "postgres") or parsed.username:
        return url
    return parsed.set(username=user.strip()).render_as_string(hide_password=False)


def without_password(url: str) -> tuple[str, str | None]:
    """``url`` without a password typed into it (``user:pw@`` or ``?password=``), and that
    password: it goes to the keyring, never into config.json."""
    url = url.strip()
    if "://" not in url:
        return url, None
    try:
        parsed: URL = make_url(url)
    except (ArgumentError, ValueError):
        return url, None  # refused later with the parser's sentence
    found = parsed.password
    query_password = parsed.query.get("password")
    if found is None and query_password is None:
        return url, None
    if query_password is not None:
        parsed = parsed.difference_update_query(["password"])
        found = found or (query_password if isinstance(query_password, str) else query_password[0])
    # URL.set(password=None) means "leave it": build the URL again without one.
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False), str(found) if found else None
