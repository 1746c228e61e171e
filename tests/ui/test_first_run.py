"""FirstRunDialog: the embedded store with the demo by default, or the settings."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from inbox.ui.first_run import FirstRunDialog

PATH = "/home/ana/.local/share/decision-inbox/store.sqlite"


def make(qtbot: QtBot) -> FirstRunDialog:
    dialog = FirstRunDialog(PATH)
    qtbot.addWidget(dialog)
    return dialog


def test_the_default_is_the_embedded_store_with_the_demo(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    assert dialog.embedded_radio.text() == f"Use the &embedded store at {PATH}"
    assert dialog.demo_box.isChecked()
    assert dialog.choice() == ("embedded", True)


def test_the_embedded_store_without_the_demo(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.demo_box.setChecked(False)
    assert dialog.choice() == ("embedded", False)


def test_connecting_to_a_shared_store_goes_to_the_settings(qtbot: QtBot) -> None:
    dialog = make(qtbot)
    dialog.shared_radio.setChecked(True)
    assert not dialog.demo_box.isEnabled()  # the demo is for the embedded store only
    assert dialog.choice() == ("settings", False)
    dialog.embedded_radio.setChecked(True)
    assert dialog.demo_box.isEnabled()
    assert dialog.choice() == ("embedded", True)
