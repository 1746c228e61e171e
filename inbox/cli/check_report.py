"""``check --report``: record what the code says in the store (docs/check.md).

The one write ``check`` makes, through the same write path as every other: the store checks
that the person reporting (on PostgreSQL, the login) is a member of the bindings file's team,
and the change feed tells every client, whose inboxes then show code drifts and the teams that
rely on each key. The command's exit code stays the check's: a report that the store refuses
fails with the store's sentence (exit 4 for a reporter outside the team).
"""

from __future__ import annotations

import sys

from inbox.check.bindings import BindingsError, BindingsFile
from inbox.check.output import Run
from inbox.check.report import code_values, git_commit
from inbox.cli.context import Context
from inbox.cli.terminal import safe


def require_team(bindings: BindingsFile, shown: str) -> None:
    """A report is a team's: without ``team =`` in the bindings file there is nobody to record."""
    if not bindings.team:
        raise BindingsError(
            f'{shown} names no team; add team = "<your team>" at its top to use --report '
            "(docs/check.md)."
        )


def send(ctx: Context, bindings: BindingsFile, run: Run) -> None:
    assert bindings.team is not None  # require_team said so before the check ran
    change = ctx.service.report(
        ctx.user(),
        team=bindings.team,
        repo=run.repo,
        commit=git_commit(bindings.root),
        values=code_values(run.results),
    )
    print(f"decision-inbox: {safe(change.message)}", file=sys.stderr)
