"""The owner's actions on a decision, from a menu or the detail pane: each opens its dialog and
hands the filled-in request to the DecisionService. The store has the last word (row-level
security, revision checks); a refusal comes back as a sentence in the banner. Each write names
the window as its initiator, so the window shows what its own write made."""

from __future__ import annotations

from typing import Any

from inbox.ui.decision_dialogs import NewDecisionDialog, ReviseDialog
from inbox.ui.lifecycle_dialogs import OpenForFeedbackDialog, SupersedeDialog, confirm_lifecycle
from inbox.ui.owner_menu import MENU as MENU  # where callers have looked for it


# Complexity C (radon): one branch per owner action, each a dialog then a request; one table reads
# better than six two-line functions.
def run(window: Any, action: str) -> None:
    decisions = window.decisions
    if action == "new":
        new = NewDecisionDialog(
            window.teams,
            window.people,
            window,
            owner_teams=window.own_teams(),
            owner=window.sync.user,
        )
        if new.exec():
            decisions.create(new.request(), window)
        return
    detail = window.detail
    if detail is None or action not in detail.actions:
        return
    decision = detail.decision
    if action == "revise":
        revise = ReviseDialog(decision, window)
        if revise.exec():
            decisions.revise(revise.request(), window)
    elif action == "open":
        opening = OpenForFeedbackDialog(decision.key, decision.title, window)
        if opening.exec():
            decisions.open_for_feedback(opening.request(), window)
    elif action == "supersede":
        supersede = SupersedeDialog(decision.key, window.supersede_candidates(decision.key), window)
        if supersede.exec():
            decisions.supersede(supersede.request(), window)
    elif action in ("finalize", "withdraw") and confirm_lifecycle(
        window, action, decision.key, decision.title
    ):
        getattr(decisions, action)(decision.key, window)
