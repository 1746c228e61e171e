"""The command line's sentence for each error: the flag or command that fixes it.

The store and sync layers raise typed errors whose sentences name no flag (the window shares
them); this is the one place the command line adds its own remedy. An error not named here
leaves with its own sentence.
"""

from __future__ import annotations

from inbox.core.errors import (
    DemoWouldMixError,
    FieldError,
    InboxError,
    MaterialChangeError,
    NetworkFilesystemError,
    NotFoundError,
    RevisionUnknownError,
    StaleRevisionError,
)

# (field, problem) -> the sentence, for the fields that a flag gives
_FIELDS = {
    ("summary", "empty"): "A revision needs a summary of the change; pass --summary.",
    ("title", "empty"): "The title is empty; give a short title with --title.",
    ("feedback", "empty"): "The feedback is empty; write it with --text.",
    ("name", "empty"): 'The person needs a display name; pass --name "Full Name".',
}


# Complexity C (radon): one branch per typed error the command line words; the one place that words
# them.
def sentence(error: InboxError) -> str:
    """What ``decision-inbox`` prints for ``error`` (after its "decision-inbox: " prefix)."""
    if isinstance(error, StaleRevisionError):
        current = error.current
        return (
            f"{error.key} is at revision {current}, but this edit is based on revision "
            f"{error.based_on}; review r{current} and revise again with "
            f"--expect-revision {current}."
        )
    if isinstance(error, MaterialChangeError):
        return "A change of any assertion is always material; drop --minor."
    if isinstance(error, FieldError):
        return _FIELDS.get((error.field, error.problem), error.message)
    if isinstance(error, RevisionUnknownError):
        return (
            f"The store is unreachable and {error.key} is not in this profile's cache, so its "
            "current revision is unknown; pass --revision N or try again when online."
        )
    if isinstance(error, NotFoundError) and error.kind == "person":
        return (
            f"There is no person {error.key!r} in this store; add them with "
            f'`decision-inbox person add {error.key} --name "…"`.'
        )
    if isinstance(error, NotFoundError) and error.kind == "team":
        return (
            f"There is no team {error.key!r} in this store; add it with "
            f"`decision-inbox team add {error.key}`."
        )
    if isinstance(error, NetworkFilesystemError):
        return (
            f"The store file {error.path} is on a network filesystem ({error.filesystem}), where "
            "SQLite's locking can corrupt it; use a PostgreSQL store for a shared team, or pass "
            "--allow-network-filesystem if only one machine ever opens it."
        )
    if isinstance(error, DemoWouldMixError):
        count = error.decisions
        return (
            f"This store already holds {count} decision{'' if count == 1 else 's'}, so the demo "
            "would mix with real ones; seed it into a new store with --store demo.sqlite."
        )
    return error.message
