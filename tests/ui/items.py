"""Inbox items for the view tests, built directly (no store): ana's decisions in backend."""

from __future__ import annotations

from datetime import datetime

from inbox.core.inbox import InboxItem
from inbox.core.model import Reason


def item(
    n: int,
    reason: Reason = Reason.NEEDS_ACK,
    revision: int = 1,
    title: str = "",
    deadline: datetime | None = None,
    *,
    team: str = "backend",
    owner: str = "ana",
    state: str | None = None,
    acked_revision: int | None = None,
) -> InboxItem:
    """Decision ``D-n``; its state follows the reason (open while feedback is requested)."""
    if state is None:
        state = "open" if reason is Reason.FEEDBACK_REQUESTED else "finalized"
    return InboxItem(
        key=f"D-{n}",
        title=title or f"Decision {n}",
        reason=reason,
        revision=revision,
        state=state,
        owner=owner,
        team=team,
        deadline=deadline,
        acked_revision=acked_revision,
    )
