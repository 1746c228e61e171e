"""Alembic migrations of the shared store; run through ``inbox.store.schema``, never by hand."""
