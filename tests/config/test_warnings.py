"""An unknown key in config.json is said, with the key probably meant, and never stops a
client: one warning line on the command line's stderr, the banner in the app."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from inbox.app.wiring import config_message, notification_settings_for
from inbox.cli.main import main as cli_main
from inbox.config import parse
from inbox.config.profile import Profile
from inbox.ui.banner import BannerBar


def test_the_command_line_warns_once_and_goes_on(
    isolated_profile: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_profile / "config.json").write_text(
        json.dumps({"usr": "fred", "notifications": {"notifer": "plyer"}}), encoding="utf-8"
    )
    assert cli_main(["--store", sqlite_url, "--user", "fred", "init"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        'decision-inbox: warning: config.json has an unknown key "usr"; did you mean "user"?',
        'decision-inbox: warning: config.json has an unknown key "notifications.notifer"; did '
        'you mean "notifications.notifier"?',
    ]
    assert captured.out.startswith("Created the store at ")


def test_a_bad_watch_setting_is_still_one_sentence_after_the_warnings(
    isolated_profile: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_profile / "config.json").write_text(
        json.dumps({"sycn": {}, "sync": {"mode": "pol"}}), encoding="utf-8"
    )
    assert cli_main(["--store", sqlite_url, "--user", "fred", "watch"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        'decision-inbox: warning: config.json has an unknown key "sycn"; did you mean "sync"?',
        "decision-inbox: The setting sync.mode in config.json is 'pol' (did you mean \"poll\"?); "
        'use "listen" or "poll".',
    ]


def test_the_banner_says_bad_values_then_unknown_keys() -> None:
    loaded = parse(
        {"notifications": {"quiet_start": "10pm", "notifier": "plyr"}, "quiet_strat": 1},
        strict=False,
    )
    assert config_message(loaded) == (
        "The setting notifications.quiet_start in config.json is '10pm'; write it like "
        '"22:00". Those settings use their defaults meanwhile. config.json has an unknown key '
        '"quiet_strat"; did you mean "notifications.quiet_start"? The setting '
        "notifications.notifier in config.json is 'plyr' (did you mean \"plyer\"?); use one of "
        "desktop-notifier, plyer, tray, banner (each is tried in turn meanwhile)."
    )
    assert config_message(parse({"user": "ana"}, strict=False)) is None


def test_the_app_says_it_in_its_banner(qtbot: QtBot, isolated_profile: Path) -> None:
    (isolated_profile / "config.json").write_text(
        json.dumps({"notifications": {"notifier": "plyr", "quiet_start": "22:00"}}),
        encoding="utf-8",
    )
    window = SimpleNamespace(banner=BannerBar())
    qtbot.addWidget(window.banner)
    settings, pinned = notification_settings_for(window, Profile.locate())  # type: ignore[arg-type]
    assert pinned is None  # each notifier in turn
    assert settings.quiet_start == time(22, 0)  # the rest of the file still counts
    assert window.banner.text.startswith(
        "The setting notifications.notifier in config.json is 'plyr' (did you mean \"plyer\"?);"
    )
    assert window.banner.text.endswith("(each is tried in turn meanwhile).")
