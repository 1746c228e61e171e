"""One typed error, two front ends: the store's sentence names no flag, the command line adds its
flag, the window its own advice; the fields a view needs travel with the error."""

from __future__ import annotations

import pytest

from inbox.cli import wording as cli
from inbox.core import lifecycle
from inbox.core.errors import (
    FieldError,
    InboxError,
    LifecycleError,
    MaterialChangeError,
    NotFoundError,
    RevisionUnknownError,
    StaleRevisionError,
    StoreUnavailableError,
)
from inbox.core.model import State
from inbox.services import wording as gui
from inbox.services.wording import During

ERRORS: list[InboxError] = [
    StaleRevisionError("D-1", 3, 2),
    MaterialChangeError("D-1"),
    FieldError("summary", "empty", "A revision needs a summary of the change."),
    FieldError("title", "empty", "The title is empty; give a short title."),
    FieldError("feedback", "empty", "The feedback is empty; write some first."),
    FieldError("name", "empty", "The person needs a display name."),
    RevisionUnknownError("D-4"),
    NotFoundError("There is no person 'zed' in this store.", kind="person", key="zed"),
    NotFoundError("There is no team 'ops' in this store.", kind="team", key="ops"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_no_flag_below_the_front_ends_and_none_in_the_window(error: InboxError) -> None:
    assert "--" not in error.message
    for during in During:
        shown = gui.sentence(error, during)
        assert "--" not in shown and shown.endswith(".") and "\n" not in shown


def test_the_command_line_keeps_its_flags() -> None:
    assert cli.sentence(StaleRevisionError("D-1", 3, 2)) == (
        "D-1 is at revision 3, but this edit is based on revision 2; review r3 and revise "
        "again with --expect-revision 3."
    )
    assert cli.sentence(MaterialChangeError("D-1")) == (
        "A change of any assertion is always material; drop --minor."
    )
    assert cli.sentence(RevisionUnknownError("D-4")).endswith(
        "its current revision is unknown; pass --revision N or try again when online."
    )
    with pytest.raises(FieldError) as empty:
        lifecycle.check_title("  ")
    assert cli.sentence(empty.value) == "The title is empty; give a short title with --title."


def test_the_window_words_a_stale_revision_from_its_fields() -> None:
    error = StaleRevisionError("D-1", 3, 2)
    assert (error.key, error.current_revision, error.based_on) == ("D-1", 3, 2)
    assert gui.sentence(error) == (
        "D-1 is at revision 3, but your edit is based on revision 2; the decision now shows "
        "r3: review it and revise again."
    )


def test_the_window_adds_what_an_offline_owner_write_and_the_digest_mean() -> None:
    error = StoreUnavailableError("The store at db.example cannot be reached.")
    assert "not queued" in gui.sentence(error, During.OWNER_WRITE)
    assert gui.sentence(error, During.DIGEST).startswith(
        "The digest needs the store's change history, and the store at db.example"
    )
    assert gui.sentence(error) == error.message


def test_a_refused_lifecycle_action_carries_the_key_state_and_action() -> None:
    with pytest.raises(LifecycleError) as refused:
        lifecycle.check_transition("D-2", State.WITHDRAWN, "open")
    assert (refused.value.key, refused.value.state, refused.value.action) == (
        "D-2",
        "withdrawn",
        "open",
    )
    assert refused.value.message == (
        "D-2 is withdrawn; it cannot be opened for feedback (only a draft can)."
    )


def test_a_field_error_names_the_field_and_the_limit() -> None:
    with pytest.raises(FieldError) as long:
        lifecycle.check_title("x" * (lifecycle.TITLE_MAX + 1))
    assert (long.value.field, long.value.problem, long.value.limit) == (
        "title",
        "too_long",
        lifecycle.TITLE_MAX,
    )
