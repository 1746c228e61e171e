"""Fixtures of the window tests: a demo store, a draft of ana's, and the owner dialogs recorded
and cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from inbox.core.model import Role
from inbox.ui import owner_actions
from inbox.ui.decision_dialogs import NewDecisionDialog, ReviseDialog
from inbox.ui.lifecycle_dialogs import OpenForFeedbackDialog, SupersedeDialog
from tests.app.actions import store_work
from tests.app.window import seed_demo


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    seed_demo(sqlite_url)
    return sqlite_url


@pytest.fixture
def ana_draft(demo_url: str) -> str:
    """A draft of ana's, D-10, written before any window opens (so on this thread)."""
    change = store_work(
        demo_url,
        lambda s: s.create(
            "ana",
            title="Rate limits for the token endpoint",
            body="The token endpoint allows 10 requests per minute per client.",
            team="backend",
            audience=[("team", "frontend", Role.ACK)],
            assertions={"auth.token.rate_per_minute": "10"},
        ),
    )
    assert change.key == "D-10"
    return "D-10"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records the title of every owner dialog or confirmation that is opened, and cancels it."""
    titles: list[str] = []

    def cancel(dialog: Any) -> int:
        titles.append(dialog.windowTitle())
        return int(QDialog.DialogCode.Rejected)

    for cls in (NewDecisionDialog, ReviseDialog, OpenForFeedbackDialog, SupersedeDialog):
        monkeypatch.setattr(cls, "exec", cancel)

    def confirm(_parent: Any, action: str, key: str, _title: str) -> bool:
        titles.append(f"{action} {key}")
        return False

    monkeypatch.setattr(owner_actions, "confirm_lifecycle", confirm)
    yield titles
