"""The owner's actions driven through the main window on a real demo store: new, revise, open
for feedback, finalize, supersede and withdraw, each checked in the window and in the store, and
absent for someone else. Modal dialogs never really run: their ``exec`` is replaced by a function
that fills the form the way a person would and answers OK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt
from pytestqt.qtbot import QtBot

from inbox.core.model import Reason, Role, State
from inbox.core.requests import Supersede
from inbox.ui import owner_actions
from inbox.ui.decision_dialogs import NewDecisionDialog, ReviseDialog
from inbox.ui.lifecycle_dialogs import OpenForFeedbackDialog, SupersedeDialog
from tests.app.actions import (
    CTRL_SHIFT,
    WAIT,
    Key,
    candidates,
    filled,
    next_round,
    press,
    reasons,
    show,
    stored_decision,
    tasks_settled,
    upstream,
)
from tests.app.window import Running, running_window, texts

# -- 1. the owner's actions ---------------------------------------------------------------------


def test_new_decision_with_ctrl_n_creates_a_draft_that_the_window_shows(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: NewDecisionDialog) -> None:
        dialog.title_edit.setText("Clock skew tolerance")
        dialog.body_edit.setPlainText("Servers accept tokens up to **30 seconds** early.")
        dialog.team_box.setCurrentIndex(dialog.team_box.findData("backend"))
        dialog.audience.add_row("team", "mobile", Role.CONSULT)
        dialog.assertions.add_row("auth.token.skew_seconds", "30")

    monkeypatch.setattr(NewDecisionDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: "backend" in run.window.teams, timeout=WAIT)
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Created D-10" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == "D-10",
            timeout=WAIT,
        )
        shown = texts(run.window.detail_view)
        assert "D-10 · Clock skew tolerance" in shown
        assert "draft" in shown and "auth.token.skew_seconds" in shown
        decision = stored_decision(demo_url, "D-10")
    assert (decision.owner, decision.state, decision.team) == ("ana", State.DRAFT, "backend")
    assert decision.current.assertions == {"auth.token.skew_seconds": "30"}
    assert [(a.kind, a.name, a.role) for a in decision.audience] == [
        ("team", "mobile", Role.CONSULT)
    ]


def test_revise_with_r_makes_r3_of_d1_and_the_detail_shows_it(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    based_on: list[int] = []

    def fill(dialog: ReviseDialog) -> None:
        based_on.append(dialog.base.number)
        dialog.body_edit.setPlainText(dialog.base.body + "\nRefresh tokens rotate on use.\n")
        dialog.summary_edit.setText("Refresh tokens rotate on use.")

    monkeypatch.setattr(ReviseDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, "D-1")
        assert run.window.actions_by_name["revise"].isEnabled()
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_R)
        assert based_on == [2]
        qtbot.waitUntil(lambda: "D-1 is now at r3" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(lambda: run.window.detail.decision.revision == 3, timeout=WAIT)
        qtbot.waitUntil(lambda: "r3" in texts(run.window.detail_view), timeout=WAIT)
        assert "Refresh tokens rotate on use." in texts(run.window.detail_view)
        decision = stored_decision(demo_url, "D-1")
    assert decision.revision == 3
    assert decision.current.summary == "Refresh tokens rotate on use."
    assert decision.current.author == "ana" and not decision.current.minor


def test_open_for_feedback_with_a_deadline_opens_the_draft(
    qtbot: QtBot, demo_url: str, ana_draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline = (datetime.now(UTC) + timedelta(days=5)).replace(second=0, microsecond=0)

    def fill(dialog: OpenForFeedbackDialog) -> None:
        dialog.deadline_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(deadline.timestamp())))

    monkeypatch.setattr(OpenForFeedbackDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, ana_draft)
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_O, CTRL_SHIFT)
        qtbot.waitUntil(
            lambda: f"{ana_draft} is open for feedback until" in run.window.banner.text,
            timeout=WAIT,
        )
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.OPEN, timeout=WAIT)
        assert run.window.detail.decision.deadline == deadline
        decision = stored_decision(demo_url, ana_draft)
    assert decision.state is State.OPEN
    assert decision.deadline is not None and decision.deadline.astimezone(UTC) == deadline


def test_finalize_asks_first_and_finalizes_only_when_confirmed(
    qtbot: QtBot, demo_url: str, ana_draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [False, True]
    asked: list[tuple[str, str]] = []

    def confirm(_parent: Any, action: str, key: str, _title: str) -> bool:
        asked.append((action, key))
        return answers.pop(0)

    monkeypatch.setattr(owner_actions, "confirm_lifecycle", confirm)
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, ana_draft)
        press(qtbot, run, Key.Key_F, CTRL_SHIFT)  # answered Cancel
        assert asked == [("finalize", ana_draft)]
        assert stored_decision(demo_url, ana_draft).state is State.DRAFT
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_F, CTRL_SHIFT)
        assert asked[-1] == ("finalize", ana_draft)
        qtbot.waitUntil(
            lambda: f"{ana_draft} is finalized at r1" in run.window.banner.text, timeout=WAIT
        )
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.FINALIZED, timeout=WAIT)
        # finalized and owned: it is now in ana's inbox, waiting for the frontend
        qtbot.waitUntil(lambda: Reason.AWAITING_ACKS in reasons(run, ana_draft), timeout=WAIT)
        assert stored_decision(demo_url, ana_draft).state is State.FINALIZED


def test_supersede_d1_by_another_decision(
    qtbot: QtBot, demo_url: str, ana_draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []

    def fill(dialog: SupersedeDialog) -> None:
        offered.append([dialog.by_box.itemData(i) for i in range(dialog.by_box.count())])
        dialog.by_box.setCurrentIndex(dialog.by_box.findData(ana_draft))

    monkeypatch.setattr(SupersedeDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: ana_draft in candidates(run, "D-1"), timeout=WAIT)
        show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_S, CTRL_SHIFT)
        assert "D-1" not in offered[0] and ana_draft in offered[0]
        qtbot.waitUntil(lambda: "D-1 is superseded at r2" in run.window.banner.text, timeout=WAIT)
        # nobody is asked to acknowledge a superseded decision: it leaves ana's inbox
        qtbot.waitUntil(lambda: not reasons(run, "D-1"), timeout=WAIT)
        show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.SUPERSEDED, timeout=WAIT)
        assert f"superseded by {ana_draft}" in texts(run.window.detail_view)
        assert not run.window.actions_by_name["supersede"].isEnabled()
        decision = stored_decision(demo_url, "D-1")
    assert (decision.state, decision.superseded_by) == (State.SUPERSEDED, ana_draft)


def _supersede_d1_by(
    qtbot: QtBot, run: Running, monkeypatch: pytest.MonkeyPatch, by: str
) -> list[str]:
    """Supersede D-1 through its dialog, choosing ``by``; return the keys the dialog offered."""
    offered: list[str] = []

    def fill(dialog: SupersedeDialog) -> None:
        offered.extend(dialog.by_box.itemData(i) for i in range(dialog.by_box.count()))
        dialog.by_box.setCurrentIndex(dialog.by_box.findData(by))

    monkeypatch.setattr(SupersedeDialog, "exec", filled(fill))
    qtbot.waitUntil(lambda: by in candidates(run, "D-1"), timeout=WAIT)
    show(qtbot, run, "D-1")
    press(qtbot, run, Key.Key_S, CTRL_SHIFT)
    return offered


def test_superseding_by_a_withdrawn_decision_is_refused_in_the_banner(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    # The dialog no longer offers D-7; a list gone stale (D-7 withdrawn by its owner meanwhile)
    # still reaches the store, which has the last word.
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.decisions.write_failed, timeout=WAIT) as failed:
            run.decisions.supersede(Supersede("D-1", "D-7"))
        assert failed.args[0].message == "D-7 is withdrawn; supersede with a live decision."
        qtbot.waitUntil(lambda: failed.args[0].message in run.window.banner.text, timeout=WAIT)
        assert stored_decision(demo_url, "D-1").state is State.FINALIZED


def test_supersede_offers_only_decisions_that_can_replace_d1(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        offered = _supersede_d1_by(qtbot, run, monkeypatch, "D-4")
        qtbot.waitUntil(lambda: "D-1 is superseded" in run.window.banner.text, timeout=WAIT)
    assert "D-4" in offered
    assert "D-3" not in offered  # superseded by D-4
    assert "D-7" not in offered  # withdrawn


def test_withdraw_d1_after_confirming(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str]] = []

    def confirm(_parent: Any, action: str, key: str, _title: str) -> bool:
        asked.append((action, key))
        return True

    monkeypatch.setattr(owner_actions, "confirm_lifecycle", confirm)
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_W, CTRL_SHIFT)
        assert asked == [("withdraw", "D-1")]
        qtbot.waitUntil(lambda: "D-1 is withdrawn at r2" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(lambda: not reasons(run, "D-1"), timeout=WAIT)
        show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.WITHDRAWN, timeout=WAIT)
        assert "withdrawn" in texts(run.window.detail_view)
        # a withdrawn decision takes no more owner actions
        for name in ("revise", "open", "finalize", "supersede", "withdraw"):
            assert not run.window.actions_by_name[name].isEnabled(), name
        assert stored_decision(demo_url, "D-1").state is State.WITHDRAWN


def test_a_new_draft_does_not_pull_the_selection_back_when_it_later_enters_the_inbox(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: NewDecisionDialog) -> None:
        dialog.title_edit.setText("Clock skew tolerance")
        dialog.body_edit.setPlainText("Servers accept tokens up to 30 seconds early.")
        dialog.audience.add_row("team", "mobile", Role.ACK)

    monkeypatch.setattr(NewDecisionDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: "mobile" in run.window.teams, timeout=WAIT)
        with qtbot.waitSignal(run.sync.changed, timeout=WAIT):
            press(qtbot, run, Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == "D-10",
            timeout=WAIT,
        )
        show(qtbot, run, "D-5")  # ana moves on to read something else
        assert run.window.current_item.key == "D-5"
        # her other machine finalizes the draft: it enters her inbox, awaiting the mobile team
        with qtbot.waitSignal(run.sync.delta_ready, timeout=WAIT):
            upstream(demo_url, lambda s: s.finalize("ana", "D-10"))
        qtbot.waitUntil(lambda: Reason.AWAITING_ACKS in reasons(run, "D-10"), timeout=WAIT)
        next_round(qtbot, run)
        assert run.window.current_item.key == "D-5"  # what she is reading stays put


def test_owner_shortcuts_do_nothing_for_fred_on_anas_decision(
    qtbot: QtBot, demo_url: str, tmp_path: Path, opened: list[str]
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-1")
        for name in ("revise", "open", "finalize", "supersede", "withdraw"):
            assert not run.window.actions_by_name[name].isEnabled(), name
        for key, modifier in (
            (Key.Key_R, Qt.KeyboardModifier.NoModifier),
            (Key.Key_O, CTRL_SHIFT),
            (Key.Key_F, CTRL_SHIFT),
            (Key.Key_S, CTRL_SHIFT),
            (Key.Key_W, CTRL_SHIFT),
        ):
            press(qtbot, run, key, modifier)
        tasks_settled(qtbot, run)  # a write that slipped through would have run by now
        assert opened == []
        assert run.window.banner.text == ""
        decision = stored_decision(demo_url, "D-1")
    assert (decision.state, decision.revision, decision.superseded_by) == (
        State.FINALIZED,
        2,
        None,
    )


def test_the_owner_shortcuts_open_their_dialog_for_the_owner(
    qtbot: QtBot, demo_url: str, tmp_path: Path, opened: list[str]
) -> None:
    """The same keys as above, for ana on her own D-1: proves the test above can fail."""
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        show(qtbot, run, "D-1")
        press(qtbot, run, Key.Key_R)
        press(qtbot, run, Key.Key_W, CTRL_SHIFT)
    assert opened == ["Revise D-1", "withdraw D-1"]
