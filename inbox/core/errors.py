"""Errors a user can meet, as typed values: each carries the facts a front end needs (the key,
the revision the store is at, the field and its limit) and a plain sentence naming the cause.

The sentence (``message``) never names a command-line flag or a button: the store and sync
layers serve both front ends. Each front end words the remedy itself from the fields, in one
place (``inbox.cli.wording`` for the command line, ``inbox.services.wording`` for the window).

``exit_code`` is the command line's contract (docs/cli.md, "Errors and exit codes"): 2 usage, 3 conflict, 4 permission denied,
1 anything else.
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


class FieldError(UsageError):
    """One value of a request that the rules refuse: ``field`` names it ("title", "summary",
    "body", "feedback", "name", "assertion", "handle", "team", "password"), ``problem`` says how
    ("empty", "too_long", "malformed") and ``limit`` is the bound it broke, if any."""

    def __init__(
        self,
        field: str,
        problem: str,
        message: str,
        *,
        limit: int | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.problem = problem
        self.limit = limit
        self.value = value


class ValidationError(InboxError):
    """Well-formed but not allowed by the rules (past deadline, wrong state, unknown team)."""


class LifecycleError(ValidationError):
    """``action`` ("revise", "open", "acknowledge", "feedback", …) is not allowed while the
    decision ``key`` is in ``state``."""

    def __init__(self, key: str, state: str, action: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.state = state
        self.action = action


class MaterialChangeError(ValidationError):
    """A revision marked minor that changes an assertion: such a change is always material."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"A change of any assertion is always material, so this revision of {key} cannot "
            "be minor."
        )
        self.key = key


class NotFoundError(InboxError):
    """A key, team or person that the store does not have: ``kind`` ("decision", "person",
    "team", "revision") and ``key`` say which, when the raiser knows."""

    def __init__(self, message: str, *, kind: str = "", key: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.key = key


class RevisionUnknownError(NotFoundError):
    """The store is unreachable and the cache does not have ``key``: its current revision, which
    an acknowledgment or feedback is pinned to, cannot be known."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"The store is unreachable and {key} is not in this profile's cache, so its current "
            "revision is unknown; try again when online.",
            kind="revision",
            key=key,
        )


class ConflictError(InboxError):
    """Someone else changed the decision meanwhile; ``current_revision`` is where the store is,
    when known."""

    exit_code = 3

    def __init__(
        self, message: str, *, key: str | None = None, current_revision: int | None = None
    ) -> None:
        super().__init__(message)
        self.key = key
        self.current_revision = current_revision


class StaleRevisionError(ConflictError):
    """An edit based on revision ``based_on`` of ``key``, which the store has at
    ``current_revision`` by now."""

    def __init__(self, key: str, current_revision: int, based_on: int) -> None:
        super().__init__(
            f"{key} is at revision {current_revision}, but this edit is based on revision "
            f"{based_on}; review r{current_revision} and revise again.",
            key=key,
            current_revision=current_revision,
        )
        self.based_on = based_on

    @property
    def current(self) -> int:
        assert self.current_revision is not None  # always set by the constructor
        return self.current_revision


class PermissionDeniedError(InboxError):
    exit_code = 4


class StoreUnavailableError(InboxError):
    """The store cannot be reached or opened."""


class NetworkFilesystemError(StoreUnavailableError):
    """A SQLite store file on a network filesystem, where its locking is unsafe."""

    def __init__(self, path: str, filesystem: str) -> None:
        super().__init__(
            f"The store file {path} is on a network filesystem ({filesystem}), where SQLite's "
            "locking can corrupt it; use a PostgreSQL store for a shared team, or open it anyway "
            "if only one machine ever opens it."
        )
        self.path = path
        self.filesystem = filesystem


class DemoWouldMixError(ValidationError):
    """The demo refused on a store that already holds ``decisions`` real decisions."""

    def __init__(self, decisions: int) -> None:
        super().__init__(
            f"This store already holds {decisions} decision{'' if decisions == 1 else 's'}, so "
            "the demo would mix with real ones; seed it into a new, empty store."
        )
        self.decisions = decisions


class SchemaError(InboxError):
    """The store's schema is older or newer than this client knows."""


class UnexpectedError(InboxError):
    """A failure no rule foresaw (a bug, a broken disk): ``original`` is the exception itself,
    already logged with its traceback where it was caught."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(
            f"That failed unexpectedly ({type(original).__name__}: {original}); the log has "
            "details."
        )
        self.original = original
