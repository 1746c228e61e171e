"""Every action of the main window driven as a person would, on a real demo store: the owner's
dialogs, feedback, acknowledgment, triage, the keyboard, the help overlay and the digest. Each
test checks both what the window shows and what the store (or the profile) now holds.

Modal dialogs never really run: their ``exec`` is replaced by a function that fills the form
the way a person would and answers OK, so the code between the action and the service is the
application's own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from inbox.core.model import Decision, Reason, Role, State
from inbox.core.requests import Supersede
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from inbox.ui import owner_actions
from inbox.ui.decision_dialogs import NewDecisionDialog, ReviseDialog
from inbox.ui.digest_dialog import DigestDialog
from inbox.ui.help_overlay import HelpOverlay
from inbox.ui.lifecycle_dialogs import FeedbackDialog, OpenForFeedbackDialog, SupersedeDialog
from tests.app.test_main_window import elsewhere
from tests.app.window import Running, running_window, seed_demo, texts

Key = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WAIT = 10_000


@pytest.fixture
def demo_url(sqlite_url: str) -> str:
    seed_demo(sqlite_url)
    return sqlite_url


@pytest.fixture
def ana_draft(demo_url: str) -> str:
    """A draft of ana's, D-10, written before any window opens (so on this thread)."""
    change = _store_work(
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


# -- helpers ------------------------------------------------------------------------------------


def _store_work(url: str, work: Callable[[StoreService], Any]) -> Any:
    store = StoreConnection.open(url)
    try:
        return work(StoreService(store))
    finally:
        store.dispose()


def _upstream(url: str, work: Callable[[StoreService], Any]) -> Any:
    """``work`` on the store from another thread, as another person's client would do it (this
    test's thread is the marked GUI thread while a window runs)."""
    result: list[Any] = []
    elsewhere(lambda: result.append(_store_work(url, work)))
    return result[0]


def _decision(url: str, key: str) -> Decision:
    """``key`` as the store has it now, read off the GUI thread."""

    def read(service: StoreService) -> Decision:
        with service.store.read() as session:
            return load_decision(session, key)

    decision: Decision = _upstream(url, read)
    return decision


def _rows(run: Running) -> list[tuple[str, Reason]]:
    model = run.window.inbox.model
    return [(model.item(r).key, model.item(r).reason) for r in range(model.rowCount())]


def _reasons(run: Running, key: str) -> set[Reason]:
    return {reason for k, reason in _rows(run) if k == key}


def _show(qtbot: QtBot, run: Running, key: str) -> None:
    """Make ``key`` current (its row, or only its detail) and wait until its detail is shown."""
    run.window.select_key(key)
    qtbot.waitUntil(
        lambda: run.window.detail is not None and run.window.detail.decision.key == key,
        timeout=WAIT,
    )
    run.window.inbox.table.setFocus()  # where a person's keys go after clicking a row


def _press(
    qtbot: QtBot, run: Running, key: Key, modifier: Any = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key press where focus is: the window's shortcuts see it first, as on a desktop."""
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus if focus is not None else run.window, key, modifier)


def _section(run: Running, title: str) -> str:
    """The text of the inbox section whose title starts with ``title``, with its count."""
    sections = run.window.inbox.findChild(QListWidget)
    assert sections is not None and sections.accessibleName() == "Inbox sections"
    found = [sections.item(r).text() for r in range(sections.count())]
    return next(t for t in found if t.startswith(title))


def _choose_section(run: Running, title: str) -> None:
    sections = run.window.inbox.findChild(QListWidget)
    assert sections is not None
    row = next(r for r in range(sections.count()) if sections.item(r).text().startswith(title))
    sections.setCurrentRow(row)


def _filled(fill: Callable[[Any], None]) -> Callable[[Any], int]:
    """An ``exec`` that fills the dialog like a person, then presses OK as they would."""

    def exec_(dialog: Any) -> int:
        fill(dialog)
        assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
        dialog.ok_button.click()
        return int(dialog.result())

    return exec_


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

    monkeypatch.setattr(NewDecisionDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: "backend" in run.window.teams, timeout=WAIT)
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Created D-10" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == "D-10",
            timeout=WAIT,
        )
        shown = texts(run.window.detail_view)
        assert "D-10 · Clock skew tolerance" in shown
        assert "draft" in shown and "auth.token.skew_seconds" in shown
        decision = _decision(demo_url, "D-10")
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

    monkeypatch.setattr(ReviseDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        _show(qtbot, run, "D-1")
        assert run.window.actions_by_name["revise"].isEnabled()
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_R)
        assert based_on == [2]
        qtbot.waitUntil(lambda: "D-1 is now at r3" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(lambda: run.window.detail.decision.revision == 3, timeout=WAIT)
        qtbot.waitUntil(lambda: "r3" in texts(run.window.detail_view), timeout=WAIT)
        assert "Refresh tokens rotate on use." in texts(run.window.detail_view)
        decision = _decision(demo_url, "D-1")
    assert decision.revision == 3
    assert decision.current.summary == "Refresh tokens rotate on use."
    assert decision.current.author == "ana" and not decision.current.minor


def test_open_for_feedback_with_a_deadline_opens_the_draft(
    qtbot: QtBot, demo_url: str, ana_draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deadline = (datetime.now(UTC) + timedelta(days=5)).replace(second=0, microsecond=0)

    def fill(dialog: OpenForFeedbackDialog) -> None:
        dialog.deadline_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(deadline.timestamp())))

    monkeypatch.setattr(OpenForFeedbackDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        _show(qtbot, run, ana_draft)
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_O, CTRL_SHIFT)
        qtbot.waitUntil(
            lambda: f"{ana_draft} is open for feedback until" in run.window.banner.text,
            timeout=WAIT,
        )
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.OPEN, timeout=WAIT)
        assert run.window.detail.decision.deadline == deadline
        decision = _decision(demo_url, ana_draft)
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
        _show(qtbot, run, ana_draft)
        _press(qtbot, run, Key.Key_F, CTRL_SHIFT)  # answered Cancel
        assert asked == [("finalize", ana_draft)]
        assert _decision(demo_url, ana_draft).state is State.DRAFT
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_F, CTRL_SHIFT)
        assert asked[-1] == ("finalize", ana_draft)
        qtbot.waitUntil(
            lambda: f"{ana_draft} is finalized at r1" in run.window.banner.text, timeout=WAIT
        )
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.FINALIZED, timeout=WAIT)
        # finalized and owned: it is now in ana's inbox, waiting for the frontend
        qtbot.waitUntil(lambda: Reason.AWAITING_ACKS in _reasons(run, ana_draft), timeout=WAIT)
        assert _decision(demo_url, ana_draft).state is State.FINALIZED


def test_supersede_d1_by_another_decision(
    qtbot: QtBot, demo_url: str, ana_draft: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []

    def fill(dialog: SupersedeDialog) -> None:
        offered.append([dialog.by_box.itemData(i) for i in range(dialog.by_box.count())])
        dialog.by_box.setCurrentIndex(dialog.by_box.findData(ana_draft))

    monkeypatch.setattr(SupersedeDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: ana_draft in _candidates(run, "D-1"), timeout=WAIT)
        _show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_S, CTRL_SHIFT)
        assert "D-1" not in offered[0] and ana_draft in offered[0]
        qtbot.waitUntil(lambda: "D-1 is superseded at r2" in run.window.banner.text, timeout=WAIT)
        # nobody is asked to acknowledge a superseded decision: it leaves ana's inbox
        qtbot.waitUntil(lambda: not _reasons(run, "D-1"), timeout=WAIT)
        _show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.SUPERSEDED, timeout=WAIT)
        assert f"superseded by {ana_draft}" in texts(run.window.detail_view)
        assert not run.window.actions_by_name["supersede"].isEnabled()
        decision = _decision(demo_url, "D-1")
    assert (decision.state, decision.superseded_by) == (State.SUPERSEDED, ana_draft)


def _candidates(run: Running, key: str) -> list[str]:
    return [k for k, _title in run.window.supersede_candidates(key)]


def _supersede_d1_by(
    qtbot: QtBot, run: Running, monkeypatch: pytest.MonkeyPatch, by: str
) -> list[str]:
    """Supersede D-1 through its dialog, choosing ``by``; return the keys the dialog offered."""
    offered: list[str] = []

    def fill(dialog: SupersedeDialog) -> None:
        offered.extend(dialog.by_box.itemData(i) for i in range(dialog.by_box.count()))
        dialog.by_box.setCurrentIndex(dialog.by_box.findData(by))

    monkeypatch.setattr(SupersedeDialog, "exec", _filled(fill))
    qtbot.waitUntil(lambda: by in _candidates(run, "D-1"), timeout=WAIT)
    _show(qtbot, run, "D-1")
    _press(qtbot, run, Key.Key_S, CTRL_SHIFT)
    return offered


def test_superseding_by_a_withdrawn_decision_is_refused_in_the_banner(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    # The dialog no longer offers D-7; a list gone stale (D-7 withdrawn by its owner meanwhile)
    # still reaches the store, which has the last word.
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        _show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.decisions.write_failed, timeout=WAIT) as failed:
            run.decisions.supersede(Supersede("D-1", "D-7"))
        assert failed.args[0] == "D-7 is withdrawn; supersede with a live decision."
        qtbot.waitUntil(lambda: failed.args[0] in run.window.banner.text, timeout=WAIT)
        assert _decision(demo_url, "D-1").state is State.FINALIZED


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
        _show(qtbot, run, "D-1")
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_W, CTRL_SHIFT)
        assert asked == [("withdraw", "D-1")]
        qtbot.waitUntil(lambda: "D-1 is withdrawn at r2" in run.window.banner.text, timeout=WAIT)
        qtbot.waitUntil(lambda: not _reasons(run, "D-1"), timeout=WAIT)
        _show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: run.window.detail.decision.state is State.WITHDRAWN, timeout=WAIT)
        assert "withdrawn" in texts(run.window.detail_view)
        # a withdrawn decision takes no more owner actions
        for name in ("revise", "open", "finalize", "supersede", "withdraw"):
            assert not run.window.actions_by_name[name].isEnabled(), name
        assert _decision(demo_url, "D-1").state is State.WITHDRAWN


def test_a_new_draft_does_not_pull_the_selection_back_when_it_later_enters_the_inbox(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fill(dialog: NewDecisionDialog) -> None:
        dialog.title_edit.setText("Clock skew tolerance")
        dialog.body_edit.setPlainText("Servers accept tokens up to 30 seconds early.")
        dialog.audience.add_row("team", "mobile", Role.ACK)

    monkeypatch.setattr(NewDecisionDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "ana", user="ana") as run:
        qtbot.waitUntil(lambda: "mobile" in run.window.teams, timeout=WAIT)
        with qtbot.waitSignal(run.decisions.written, timeout=WAIT):
            _press(qtbot, run, Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == "D-10",
            timeout=WAIT,
        )
        _show(qtbot, run, "D-5")  # ana moves on to read something else
        assert run.window.current_item.key == "D-5"
        # her other machine finalizes the draft: it enters her inbox, awaiting the mobile team
        with qtbot.waitSignal(run.sync.delta_ready, timeout=WAIT):
            _upstream(demo_url, lambda s: s.finalize("ana", "D-10"))
        qtbot.waitUntil(lambda: Reason.AWAITING_ACKS in _reasons(run, "D-10"), timeout=WAIT)
        qtbot.wait(100)
        assert run.window.current_item.key == "D-5"  # what she is reading stays put


def test_owner_shortcuts_do_nothing_for_fred_on_anas_decision(
    qtbot: QtBot, demo_url: str, tmp_path: Path, opened: list[str]
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        _show(qtbot, run, "D-1")
        for name in ("revise", "open", "finalize", "supersede", "withdraw"):
            assert not run.window.actions_by_name[name].isEnabled(), name
        for key, modifier in (
            (Key.Key_R, Qt.KeyboardModifier.NoModifier),
            (Key.Key_O, CTRL_SHIFT),
            (Key.Key_F, CTRL_SHIFT),
            (Key.Key_S, CTRL_SHIFT),
            (Key.Key_W, CTRL_SHIFT),
        ):
            _press(qtbot, run, key, modifier)
        qtbot.wait(200)  # a write that slipped through would be on its way by now
        assert opened == []
        assert run.window.banner.text == ""
        decision = _decision(demo_url, "D-1")
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
        _show(qtbot, run, "D-1")
        _press(qtbot, run, Key.Key_R)
        _press(qtbot, run, Key.Key_W, CTRL_SHIFT)
    assert opened == ["Revise D-1", "withdraw D-1"]


# -- 2. fred answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modifier", "objection"),
    [(Qt.KeyboardModifier.NoModifier, False), (SHIFT, True)],
    ids=["feedback", "objection"],
)
def test_feedback_and_objection_on_d9_reach_the_store_and_the_item_leaves(
    qtbot: QtBot,
    demo_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    modifier: Any,
    objection: bool,
) -> None:
    ticked: list[bool] = []

    def fill(dialog: FeedbackDialog) -> None:
        ticked.append(dialog.objection_box.isChecked())
        dialog.text_edit.setPlainText("The `instance` member must never leak internal URLs.")

    monkeypatch.setattr(FeedbackDialog, "exec", _filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert Reason.FEEDBACK_REQUESTED in _reasons(run, "D-9")
        _show(qtbot, run, "D-9")
        assert run.window.actions_by_name["feedback"].isEnabled()
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT):
            _press(qtbot, run, Key.Key_F, modifier)
        assert ticked == [objection]
        qtbot.waitUntil(lambda: Reason.FEEDBACK_REQUESTED not in _reasons(run, "D-9"), timeout=WAIT)
        decision = _decision(demo_url, "D-9")
    mine = [f for f in decision.feedback if f.person == "fred"]
    assert [(f.body, f.objection, f.revision) for f in mine] == [
        ("The `instance` member must never leak internal URLs.", objection, 1)
    ]


def test_acknowledge_with_a_on_the_detail_pins_the_revision_shown(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        _show(qtbot, run, "D-1")
        assert "acknowledge" in run.window.detail.actions
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT) as done:
            _press(qtbot, run, Key.Key_A)
        assert "D-1" in done.args[0] and "r2" in done.args[0]
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1"), timeout=WAIT)
        _show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: "acknowledge" not in run.window.detail.actions, timeout=WAIT)
        # "(queued — …)" until the feed confirms it, then plain
        qtbot.waitUntil(
            lambda: "You acknowledged r2." in texts(run.window.detail_view), timeout=WAIT
        )
        assert not run.window.actions_by_name["ack"].isEnabled()
        decision = _decision(demo_url, "D-1")
    assert sorted(a.revision for a in decision.acknowledgments if a.person == "fred") == [1, 2]


# -- 3. triage ------------------------------------------------------------------------------------


def _revise_d1_upstream(url: str) -> None:
    _upstream(
        url,
        lambda s: s.revise(
            "ana",
            "D-1",
            summary="Grace period of 10 minutes.",
            set_assertions={"auth.token.grace_minutes": "10"},
        ),
    )


@pytest.mark.parametrize(
    ("modifier", "choice"),
    [(Qt.KeyboardModifier.NoModifier, "tomorrow"), (SHIFT, "until it changes")],
)
def test_snooze_hides_the_row_until_ana_makes_a_new_revision(
    qtbot: QtBot, demo_url: str, tmp_path: Path, modifier: Any, choice: str
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert _section(run, "Snoozed / done") == "Snoozed / done  (0)"
        _show(qtbot, run, "D-1")
        assert run.window.current_item.reason is Reason.CHANGED_SINCE_ACK
        _press(qtbot, run, Key.Key_S, modifier)
        assert Reason.CHANGED_SINCE_ACK not in _reasons(run, "D-1")
        assert _section(run, "Snoozed / done") == "Snoozed / done  (1)"
        assert "Snoozed D-1" in run.window.banner.text
        snooze = next(iter(run.window.triage.snoozed.values()))
        assert snooze.revision == 2
        assert (snooze.until is None) == (choice == "until it changes")
        with qtbot.waitSignal(run.sync.delta_ready, timeout=WAIT):
            _revise_d1_upstream(demo_url)
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK in _reasons(run, "D-1"), timeout=WAIT)
        assert _section(run, "Snoozed / done") == "Snoozed / done  (0)"
        assert {i.revision for i in run.window.all_items if i.key == "D-1"} == {3}


def test_done_on_d5_survives_a_restart_and_restore_brings_it_back(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    profile = tmp_path / "fred"
    with running_window(qtbot, demo_url, profile) as run:
        _show(qtbot, run, "D-1")
        _press(qtbot, run, Key.Key_E)  # done is only for what is there for information
        assert Reason.CHANGED_SINCE_ACK in _reasons(run, "D-1")
        _show(qtbot, run, "D-5")
        assert run.window.current_item.reason is Reason.INFORMED
        assert run.window.actions_by_name["done"].isEnabled()
        _press(qtbot, run, Key.Key_E)
        assert not _reasons(run, "D-5")
        assert _section(run, "Snoozed / done") == "Snoozed / done  (1)"
    with running_window(qtbot, demo_url, profile) as run:
        qtbot.waitUntil(
            lambda: _section(run, "Snoozed / done") == "Snoozed / done  (1)", timeout=WAIT
        )
        assert not _reasons(run, "D-5")
        _choose_section(run, "Snoozed / done")
        assert _rows(run) == [("D-5", Reason.INFORMED)]
        _show(qtbot, run, "D-5")
        _press(qtbot, run, Key.Key_U)
        assert _section(run, "Snoozed / done") == "Snoozed / done  (0)"
        _choose_section(run, "All")
        assert _reasons(run, "D-5") == {Reason.INFORMED}
    with running_window(qtbot, demo_url, profile) as run:
        assert _reasons(run, "D-5") == {Reason.INFORMED}
        assert _section(run, "Snoozed / done") == "Snoozed / done  (0)"


# -- 4. the keyboard ------------------------------------------------------------------------------


def test_j_and_k_move_the_selection_and_the_detail_follows(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        table = run.window.inbox.table
        qtbot.waitUntil(lambda: table.currentIndex().row() == 0, timeout=WAIT)
        rows = _rows(run)
        assert len(rows) >= 3
        table.setFocus()
        _press(qtbot, run, Key.Key_J)
        _press(qtbot, run, Key.Key_J)
        assert table.currentIndex().row() == 2
        assert run.window.current_item.key == rows[2][0]
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == rows[2][0],
            timeout=WAIT,
        )
        _press(qtbot, run, Key.Key_K)
        assert table.currentIndex().row() == 1
        assert run.window.current_item.key == rows[1][0]
        _press(qtbot, run, Key.Key_K)
        _press(qtbot, run, Key.Key_K)  # stays on the first row
        assert table.currentIndex().row() == 0


def test_arrow_keys_in_the_section_list_move_between_sections(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        sections = run.window.inbox.findChild(QListWidget)
        assert sections is not None
        table = run.window.inbox.table
        qtbot.waitUntil(lambda: table.currentIndex().row() == 0, timeout=WAIT)
        sections.setFocus()
        _press(qtbot, run, Key.Key_Down)
        # the section list took the key (its next section, "To acknowledge", is empty for fred)
        assert sections.currentRow() == 1
        assert table.model().rowCount() == 0


def test_slash_focuses_the_search_and_typing_filters_by_body_text(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        search = run.window.inbox.search_field
        qtbot.waitUntil(lambda: len(_candidates(run, "")) >= 7, timeout=WAIT)  # index loaded
        assert {k for k, _ in _rows(run)} - {"D-1"}  # other decisions are shown
        run.window.inbox.table.setFocus()
        _press(qtbot, run, Key.Key_Slash)
        assert search.hasFocus()
        # "grace" is only in D-1's body (r2), not in any key, title or owner
        qtbot.keyClicks(search, "grace")
        assert search.text() == "grace"
        assert _rows(run) and {k for k, _ in _rows(run)} == {"D-1"}
        assert run.window.banner.text == ""  # no letter reached a shortcut (e = done, s = snooze)


def test_the_help_overlay_lists_every_action_with_its_shortcut(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def exec_(overlay: HelpOverlay) -> int:
        shown.append(texts(overlay))
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(HelpOverlay, "exec", exec_)
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        _press(qtbot, run, Key.Key_Question)
        assert len(shown) == 1
        with_keys = {
            name: action
            for name, action in run.window.actions_by_name.items()
            if action.shortcuts()
        }
        assert {"ack", "new", "digest", "help", "search", "next", "supersede"} <= set(with_keys)
        for name, action in with_keys.items():
            words = action.text().replace("&", "")
            assert words in shown[0], name
            for sequence in action.shortcuts():
                assert sequence.toString() in shown[0], (name, sequence.toString())
        _press(qtbot, run, Key.Key_F1)
        assert len(shown) == 2


def test_every_action_has_a_shortcut(qtbot: QtBot, demo_url: str, tmp_path: Path) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        actions = run.window.actions_by_name
        assert [name for name, action in actions.items() if not action.shortcuts()] == []


# -- 5. the digest --------------------------------------------------------------------------------


def test_digest_shows_the_demo_as_markdown_and_copies_it(
    qtbot: QtBot, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def exec_(dialog: DigestDialog) -> int:
        copy = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Copy as Markdown")
        qtbot.waitUntil(copy.isEnabled, timeout=WAIT)
        shown.append(dialog.markdown)
        copy.click()
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(DigestDialog, "exec", exec_)
    QGuiApplication.clipboard().clear()
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        _press(qtbot, run, Key.Key_D, CTRL_SHIFT)
    assert len(shown) == 1
    markdown = shown[0]
    assert "**D-1** Token refresh policy" in markdown
    assert "**D-9** Error response format for public APIs" in markdown
    assert "auth.token.refresh_minutes" in markdown  # the D-1 / D-2 conflict
    assert QGuiApplication.clipboard().text() == markdown
