"""Revisions: the text of a new one checked for both backends; on the SQLite path, reading one
and its assertions, appending the next.

PostgreSQL does the same inside its write functions (migration v3); there, a revision and its
assertions cannot be changed or added to once written, by anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.core import fields, lifecycle
from inbox.core.errors import FieldError
from inbox.store.models import AssertionRow, DecisionRow, RevisionRow


def revision_row(session: Session, decision_id: int, number: int) -> RevisionRow:
    row = session.scalar(
        select(RevisionRow).where(
            RevisionRow.decision_id == decision_id, RevisionRow.number == number
        )
    )
    assert row is not None, "decisions.current_revision points at a missing revision"
    return row


def assertions_of(session: Session, revision_id: int) -> dict[str, str]:
    rows = session.scalars(select(AssertionRow).where(AssertionRow.revision_id == revision_id))
    return {a.key: a.value for a in rows}


def add_revision(
    session: Session,
    row: DecisionRow,
    number: int,
    title: str,
    body: str,
    summary: str,
    minor: bool,
    author: str,
    assertions: Mapping[str, str],
    now: datetime,
) -> None:
    rev = RevisionRow(
        decision_id=row.id,
        number=number,
        title=title,
        body=body,
        summary=summary,
        minor=minor,
        author=author,
        created_at=now,
    )
    session.add(rev)
    session.flush()
    session.add_all(
        AssertionRow(revision_id=rev.id, key=k, value=v) for k, v in sorted(assertions.items())
    )
    session.flush()


def checked_input(
    summary: str,
    title: str | None,
    body: str | None,
    set_assertions: Mapping[str, str],
    unset_assertions: Iterable[str],
) -> tuple[str, str | None, str | None]:
    """A revision's text, checked before either backend sees it, so both refuse the same input
    with the same sentence (inbox.core.fields)."""
    summary = summary.strip()
    if not summary:
        raise FieldError("summary", "empty", "A revision needs a summary of the change.")
    fields.check_summary(summary)
    for name, value in set_assertions.items():
        lifecycle.check_assertion_key(name)
        fields.check_assertion_value(name, value)
    for name in unset_assertions:
        lifecycle.check_assertion_key(name)
    return (
        summary,
        None if title is None else lifecycle.check_title(title),
        None if body is None else lifecycle.check_body(body),
    )
