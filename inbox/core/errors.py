"""Errors a user can meet. Each message is one sentence naming the cause and the next step.

``exit_code`` is the command line's contract (docs/cli.md, "Errors and exit codes"): 2 usage,
3 conflict, 4 permission denied, 1 anything else.
"""

from __future__ import annotations


class InboxError(Exception):
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(InboxError):
    """The request itself is malformed (bad flag value, bad ``K=V``, missing identity)."""

    exit_code = 2


class ValidationError(InboxError):
    """Well-formed but not allowed by the rules (past deadline, wrong state, unknown team)."""


class NotFoundError(InboxError):
    """A key, team or person that the store does not have."""


class ConflictError(InboxError):
    """An edit based on a stale revision; the message names the current revision."""

    exit_code = 3

    def __init__(self, message: str, current_revision: int | None = None) -> None:
        super().__init__(message)
        self.current_revision = current_revision


class PermissionDeniedError(InboxError):
    exit_code = 4


class StoreUnavailableError(InboxError):
    """The store cannot be reached or opened."""


class SchemaError(InboxError):
    """The store's schema is older or newer than this client knows."""
