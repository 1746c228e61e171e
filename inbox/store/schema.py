"""Creating, upgrading and checking the store's schema version (docs/architecture.md)."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from inbox.core.errors import SchemaError
from inbox.store import limits

if TYPE_CHECKING:
    from alembic.config import Config

# Each migration sets schema_info.version to its own number; this is the newest one shipped.
SCHEMA_VERSION = 6


def _alembic_config() -> Config:
    from alembic.config import Config  # deferred: alembic costs ~0.15 s of every start-up

    config = Config()
    config.set_main_option("script_location", str(resources.files("inbox.store") / "migrations"))
    return config


def store_version(engine: Engine) -> int | None:
    """The schema version recorded in the store, or None for a store never initialised."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("schema_info"):
            return None
        row = connection.execute(text("SELECT version FROM schema_info WHERE id = 1")).first()
        return int(row[0]) if row else None


def upgrade(engine: Engine) -> tuple[int | None, int]:
    """Create or upgrade the schema to this client's version; return (before, after)."""
    before = store_version(engine)
    if before is not None and before > SCHEMA_VERSION:
        raise SchemaError(
            f"The store is schema v{before}; this client knows up to v{SCHEMA_VERSION}. "
            "Upgrade Decision Inbox before running init."
        )
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two clients running init at once must not both create the tables.
            connection.execute(text("SELECT pg_advisory_xact_lock(7141)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if connection.dialect.name == "postgresql":
            limits.apply_to_members(connection)
    after = store_version(engine)
    if after != SCHEMA_VERSION:
        raise SchemaError(
            f"The store's migrations are current but it records schema v{after}; it was edited "
            "by hand: restore it from a backup."
        )
    return before, SCHEMA_VERSION


def check(engine: Engine, shown_url: str, *, write: bool) -> None:
    """Raise a sentence when this client cannot use the store as it is."""
    try:
        version = store_version(engine)
    except OperationalError:
        raise  # unreachable, locked or unopenable: StoreConnection says which, in one sentence
    except SQLAlchemyError as exc:
        raise SchemaError(
            f"The store at {shown_url} could not be read ({type(getattr(exc, 'orig', None) or exc).__name__}); "
            "check that it is a Decision Inbox store."
        ) from None
    if version is None:
        raise SchemaError(
            f"The store at {shown_url} is not initialised; run `decision-inbox init` first."
        )
    if version > SCHEMA_VERSION and write:
        raise SchemaError(
            f"The store at {shown_url} is schema v{version}; this client knows up to "
            f"v{SCHEMA_VERSION}. Upgrade Decision Inbox."
        )
    if version < SCHEMA_VERSION:
        raise SchemaError(
            f"The store at {shown_url} is schema v{version}; this client needs "
            f"v{SCHEMA_VERSION}. Run `decision-inbox init` to upgrade it."
        )
