"""The rest of the main window driven as a person would, on a real demo store: feedback and
acknowledgment, triage, the keyboard, the help overlay and the digest. Each test checks both what
the window shows and what the store (or the profile) now holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from inbox.core.model import Reason
from inbox.ui.digest_dialog import DigestDialog
from inbox.ui.help_overlay import HelpOverlay
from inbox.ui.lifecycle_dialogs import FeedbackDialog
from tests.app.actions import (
    CTRL_SHIFT,
    SHIFT,
    WAIT,
    Key,
    candidates,
    choose_section,
    filled,
    press,
    reasons,
    section,
    show,
    shown_rows,
    stored_decision,
    upstream,
)
from tests.app.window import running_window, texts

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

    monkeypatch.setattr(FeedbackDialog, "exec", filled(fill))
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        assert Reason.FEEDBACK_REQUESTED in reasons(run, "D-9")
        show(qtbot, run, "D-9")
        assert run.window.actions_by_name["feedback"].isEnabled()
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT):
            press(qtbot, run, Key.Key_F, modifier)
        assert ticked == [objection]
        qtbot.waitUntil(lambda: Reason.FEEDBACK_REQUESTED not in reasons(run, "D-9"), timeout=WAIT)
        decision = stored_decision(demo_url, "D-9")
    mine = [f for f in decision.feedback if f.person == "fred"]
    assert [(f.body, f.objection, f.revision) for f in mine] == [
        ("The `instance` member must never leak internal URLs.", objection, 1)
    ]


def test_acknowledge_with_a_on_the_detail_pins_the_revision_shown(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        show(qtbot, run, "D-1")
        assert "acknowledge" in run.window.detail.actions
        with qtbot.waitSignal(run.sync.action_finished, timeout=WAIT) as done:
            press(qtbot, run, Key.Key_A)
        assert "D-1" in done.args[0] and "r2" in done.args[0]
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK not in reasons(run, "D-1"), timeout=WAIT)
        show(qtbot, run, "D-1")
        qtbot.waitUntil(lambda: "acknowledge" not in run.window.detail.actions, timeout=WAIT)
        # "(queued — …)" until the feed confirms it, then plain
        qtbot.waitUntil(
            lambda: "You acknowledged r2." in texts(run.window.detail_view), timeout=WAIT
        )
        assert not run.window.actions_by_name["ack"].isEnabled()
        decision = stored_decision(demo_url, "D-1")
    assert sorted(a.revision for a in decision.acknowledgments if a.person == "fred") == [1, 2]


# -- 3. triage ------------------------------------------------------------------------------------


def _revise_d1_upstream(url: str) -> None:
    upstream(
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
        assert section(run, "Snoozed / done") == "Snoozed / done  (0)"
        show(qtbot, run, "D-1")
        assert run.window.current_item.reason is Reason.CHANGED_SINCE_ACK
        press(qtbot, run, Key.Key_S, modifier)
        assert reasons(run, "D-1") == set()  # the whole row: its conflict chip went with it
        assert section(run, "Snoozed / done") == "Snoozed / done  (1)"  # one decision
        assert "Snoozed D-1" in run.window.banner.text
        snooze = next(iter(run.window.triage.snoozed.values()))
        assert snooze.revision == 2
        assert (snooze.until is None) == (choice == "until it changes")
        with qtbot.waitSignal(run.sync.delta_ready, timeout=WAIT):
            _revise_d1_upstream(demo_url)
        qtbot.waitUntil(lambda: Reason.CHANGED_SINCE_ACK in reasons(run, "D-1"), timeout=WAIT)
        assert section(run, "Snoozed / done") == "Snoozed / done  (0)"
        assert {i.revision for i in run.window.all_items if i.key == "D-1"} == {3}


def test_done_on_d5_survives_a_restart_and_restore_brings_it_back(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    profile = tmp_path / "fred"
    with running_window(qtbot, demo_url, profile) as run:
        show(qtbot, run, "D-1")
        press(qtbot, run, Key.Key_E)  # done is only for what is there for information
        assert Reason.CHANGED_SINCE_ACK in reasons(run, "D-1")
        show(qtbot, run, "D-5")
        assert run.window.current_item.reason is Reason.INFORMED
        assert run.window.actions_by_name["done"].isEnabled()
        press(qtbot, run, Key.Key_E)
        assert not reasons(run, "D-5")
        assert section(run, "Snoozed / done") == "Snoozed / done  (1)"
    with running_window(qtbot, demo_url, profile) as run:
        qtbot.waitUntil(
            lambda: section(run, "Snoozed / done") == "Snoozed / done  (1)", timeout=WAIT
        )
        assert not reasons(run, "D-5")
        choose_section(run, "Snoozed / done")
        assert shown_rows(run) == [("D-5", Reason.INFORMED)]
        show(qtbot, run, "D-5")
        press(qtbot, run, Key.Key_U)
        assert section(run, "Snoozed / done") == "Snoozed / done  (0)"
        choose_section(run, "All")
        assert reasons(run, "D-5") == {Reason.INFORMED}
    with running_window(qtbot, demo_url, profile) as run:
        assert reasons(run, "D-5") == {Reason.INFORMED}
        assert section(run, "Snoozed / done") == "Snoozed / done  (0)"


# -- 4. the keyboard ------------------------------------------------------------------------------


def test_j_and_k_move_the_selection_and_the_detail_follows(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        table, model = run.window.inbox.table, run.window.inbox.model
        qtbot.waitUntil(lambda: run.window.current_item is not None, timeout=WAIT)
        # one row per decision, with section headers between them that j and k pass by
        rows = [r for r in range(model.rowCount()) if model.section_at(r) is None]
        keys = [model.item(r).key for r in rows]
        assert len(keys) >= 3 and len(set(keys)) == len(keys)
        assert table.currentIndex().row() == rows[0]
        table.setFocus()
        press(qtbot, run, Key.Key_J)
        press(qtbot, run, Key.Key_J)
        assert table.currentIndex().row() == rows[2]
        assert run.window.current_item.key == keys[2]
        qtbot.waitUntil(
            lambda: run.window.detail is not None and run.window.detail.key == keys[2],
            timeout=WAIT,
        )
        press(qtbot, run, Key.Key_K)
        assert table.currentIndex().row() == rows[1]
        assert run.window.current_item.key == keys[1]
        press(qtbot, run, Key.Key_K)
        press(qtbot, run, Key.Key_K)  # stays on the first row
        assert table.currentIndex().row() == rows[0]


def test_arrow_keys_in_the_section_list_move_between_sections(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        sections = run.window.inbox.findChild(QListWidget)
        assert sections is not None
        table = run.window.inbox.table
        qtbot.waitUntil(lambda: run.window.current_item is not None, timeout=WAIT)
        sections.setFocus()
        press(qtbot, run, Key.Key_Down)
        # the section list took the key (its next section, "To acknowledge", is empty for fred)
        assert sections.currentRow() == 1
        assert table.model().rowCount() == 0


def test_slash_focuses_the_search_and_typing_filters_by_body_text(
    qtbot: QtBot, demo_url: str, tmp_path: Path
) -> None:
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        search = run.window.inbox.search_field
        qtbot.waitUntil(lambda: len(candidates(run, "")) >= 7, timeout=WAIT)  # index loaded
        assert {k for k, _ in shown_rows(run)} - {"D-1"}  # other decisions are shown
        run.window.inbox.table.setFocus()
        press(qtbot, run, Key.Key_Slash)
        assert search.hasFocus()
        # "grace" is only in D-1's body (r2), not in any key, title or owner
        qtbot.keyClicks(search, "grace")
        assert search.text() == "grace"
        assert shown_rows(run) and {k for k, _ in shown_rows(run)} == {"D-1"}
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
        press(qtbot, run, Key.Key_Question)
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
        press(qtbot, run, Key.Key_F1)
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
    rendered: list[str] = []

    def exec_(dialog: DigestDialog) -> int:
        copy = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Copy as Markdown")
        qtbot.waitUntil(copy.isEnabled, timeout=WAIT)
        shown.append(dialog.markdown)
        rendered.append(dialog.shown_text)
        copy.click()
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(DigestDialog, "exec", exec_)
    QGuiApplication.clipboard().clear()
    with running_window(qtbot, demo_url, tmp_path / "fred") as run:
        press(qtbot, run, Key.Key_D, CTRL_SHIFT)
    assert len(shown) == 1
    markdown = shown[0]
    assert "**D-1** Token refresh policy" in markdown
    assert "**D-9** Error response format for public APIs" in markdown
    assert "auth.token.refresh_minutes" in markdown  # the D-1 / D-2 conflict
    assert QGuiApplication.clipboard().text() == markdown
    # what a person reads is rendered: no Markdown markers on screen
    assert "D-1 Token refresh policy" in rendered[0] and "**" not in rendered[0]
