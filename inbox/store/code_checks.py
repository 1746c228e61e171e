"""Reading code checks (schema v4): the latest one of each team's repository, as core values."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from inbox.core.model import CodeCheck, CodeValue
from inbox.store.models import CodeCheckRow, CodeValueRow

_CHECKS = cast(Table, cast(Any, CodeCheckRow).__table__)
_VALUES = cast(Table, cast(Any, CodeValueRow).__table__)


def load_code_checks(session: Session) -> tuple[CodeCheck, ...]:
    """The newest check of each (team, repo), sorted by team and repo. A few hundred rows at
    most: one per repository that reports, whatever the number of reports."""
    newest = select(func.max(_CHECKS.c.id)).group_by(_CHECKS.c.team, _CHECKS.c.repo)
    checks = session.execute(
        select(_CHECKS).where(_CHECKS.c.id.in_(newest)).order_by(_CHECKS.c.team, _CHECKS.c.repo)
    ).all()
    values: dict[int, list[CodeValue]] = defaultdict(list)
    for row in session.execute(
        select(_VALUES)
        .where(_VALUES.c.check_id.in_(newest))
        .order_by(_VALUES.c.check_id, _VALUES.c.ordinal)
    ):
        values[row.check_id].append(
            CodeValue(row.key, row.found, row.status, row.decision, row.revision)
        )
    return tuple(
        CodeCheck(c.team, c.repo, c.commit, c.reporter, c.at, tuple(values[c.id])) for c in checks
    )
