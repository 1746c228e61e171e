"""config.json as one typed value: strict and lenient reading, unknown keys with the key
probably meant, and a save that keeps what it does not know or does not show."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest

from inbox.config import Config, NotificationConfig, SyncConfig, load, parse, save
from inbox.core.errors import UsageError


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


FULL = {
    "store": " postgresql://ana@db.example.com/inbox ",
    "user": "ana",
    "remember_password": False,
    "notifications": {
        "muted": ["informed", "reminder_24h", "objection"],
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "paused_until": "2026-12-01T09:00",
        "notifier": "plyer",
    },
    "sync": {"mode": "poll", "poll_seconds": 5},
}


@pytest.mark.parametrize("strict", [True, False])
def test_every_known_key_is_read(strict: bool) -> None:
    loaded = parse(FULL, strict=strict)
    assert loaded.config == Config(
        store="postgresql://ana@db.example.com/inbox",
        user="ana",
        remember_password=False,
        notifications=NotificationConfig(
            muted=frozenset({"informed", "reminder_24h", "objection"}),
            quiet_start=time(22, 0),
            quiet_end=time(7, 0),
            paused_until=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),  # no zone written: UTC
            notifier="plyer",
        ),
        sync=SyncConfig(mode="poll", poll_seconds=5.0),
    )
    assert (loaded.warnings, loaded.problems) == ((), ())


def test_no_file_means_every_default(tmp_path: Path) -> None:
    loaded = load(tmp_path / "config.json", strict=True)
    assert loaded.config == Config()
    assert loaded.config.embedded


BAD_VALUES = [
    ({"sync": {"mode": "pol"}}, "sync.mode", "sync.mode in config.json is 'pol' (did you mean"),
    ({"sync": {"poll_seconds": "often"}}, "sync.poll_seconds", "is 'often'; write it like 10."),
    ({"sync": {"poll_seconds": 0}}, "sync.poll_seconds", "must be more than 0."),
    ({"notifications": {"quiet_start": "10pm"}}, "notifications.quiet_start", 'like "22:00".'),
    ({"notifications": {"paused_until": "tomorrow"}}, "notifications.paused_until", "write it"),
    ({"notifications": {"muted": ["fyi"]}}, "notifications.muted", "not a kind of popup"),
    ({"notifications": ["muted"]}, "notifications", "write it as a JSON object"),
    ({"store": 5}, "store", "The setting store in config.json is 5;"),
    ({"remember_password": "yes"}, "remember_password", "write it like true or false."),
]


@pytest.mark.parametrize(("data", "key", "words"), BAD_VALUES)
def test_strict_raises_at_the_first_bad_value(data: Any, key: str, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse(data, strict=True)
    assert words in raised.value.message
    assert key in raised.value.message


@pytest.mark.parametrize(("data", "key", "words"), BAD_VALUES)
def test_lenient_falls_back_to_the_default_and_says_why(data: Any, key: str, words: str) -> None:
    loaded = parse(data, strict=False)
    assert loaded.config == Config()
    (problem,) = loaded.problems
    assert problem.key == key and words in problem.sentence


def test_a_bad_mode_says_what_was_probably_meant() -> None:
    (problem,) = parse({"sync": {"mode": "pol"}}, strict=False).problems
    assert problem.sentence == (
        'The setting sync.mode in config.json is \'pol\' (did you mean "poll"?); use "listen" or '
        '"poll".'
    )


def test_a_file_that_is_not_json_raises_in_both_modes(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("{not json", encoding="utf-8")
    for strict in (True, False):
        with pytest.raises(UsageError, match=r"is not valid JSON \(line 1\); fix it or delete"):
            load(path, strict=strict)
    write(path, [1, 2])
    with pytest.raises(UsageError, match="must hold a JSON object"):
        load(path, strict=False)


# --- unknown keys and enum values: warnings, never a refusal ---------------------------------


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (
            {"notifications": {"notifer": "plyer"}},
            'config.json has an unknown key "notifications.notifer"; did you mean '
            '"notifications.notifier"?',
        ),
        (
            {"notifer": "plyer"},
            'config.json has an unknown key "notifer"; did you mean "notifications.notifier"?',
        ),
        (
            {"notifications": {"quiet_strat": "22:00"}},
            'config.json has an unknown key "notifications.quiet_strat"; did you mean '
            '"notifications.quiet_start"?',
        ),
        ({"sycn": {}}, 'config.json has an unknown key "sycn"; did you mean "sync"?'),
        ({"usr": "ana"}, 'config.json has an unknown key "usr"; did you mean "user"?'),
        (
            {"colour": "blue"},
            'config.json has an unknown key "colour", which Decision Inbox does not use.',
        ),
        (
            {"notifications": {"notifier": "plyr"}},
            "The setting notifications.notifier in config.json is 'plyr' (did you mean \"plyer\"?); "
            "use one of desktop-notifier, plyer, tray, banner (each is tried in turn meanwhile).",
        ),
    ],
)
@pytest.mark.parametrize("strict", [True, False])
def test_unknown_keys_and_notifiers_are_warnings(strict: bool, data: Any, sentence: str) -> None:
    loaded = parse(data, strict=strict)
    assert loaded.warnings == (sentence,)
    assert loaded.problems == ()
    assert loaded.config.notifications.notifier is None


def test_keys_older_versions_wrote_are_no_warning() -> None:
    assert parse({"start_at_login": True}, strict=True).warnings == ()


# --- saving ---------------------------------------------------------------------------------


def test_save_keeps_what_it_does_not_know_or_show(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.json",
        {
            "user": "ana",
            "theme": "dark",
            "notifications": {"muted": ["informed", "reminder_24h"], "summary_after": 5},
            "sync": {"mode": "poll", "poll_seconds": 5, "jitter": 0.1},
        },
    )
    config = load(path, strict=True).config
    save(path, replace(config, user="fred", remember_password=False))
    assert read(path) == {
        "user": "fred",
        "remember_password": False,
        "theme": "dark",
        "notifications": {"muted": ["informed", "reminder_24h"], "summary_after": 5},
        "sync": {"mode": "poll", "poll_seconds": 5, "jitter": 0.1},
    }


def test_save_writes_only_what_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "config.json", {"notifications": {"quiet_start": "22:00:00"}})
    config = load(path, strict=True).config
    paused = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    save(path, replace(config, notifications=replace(config.notifications, paused_until=paused)))
    assert read(path) == {
        # the same time in its own spelling: left as the person wrote it
        "notifications": {"quiet_start": "22:00:00", "paused_until": "2026-12-01T09:00:00+00:00"},
    }
    assert load(path, strict=True).config.notifications.paused_until == paused


def test_a_bad_value_stays_unless_the_save_replaces_it(tmp_path: Path) -> None:
    path = write(
        tmp_path / "config.json",
        {"notifications": {"quiet_start": "10pm", "muted": ["informed", "fyi"]}},
    )
    config = load(path, strict=False).config
    save(path, replace(config, user="ana"))  # the tray's pause, the demo's identity
    assert read(path)["notifications"] == {"quiet_start": "10pm", "muted": ["informed", "fyi"]}
    muted = replace(config.notifications, muted=frozenset({"conflict"}))
    save(path, replace(config, notifications=muted))
    assert read(path)["notifications"]["muted"] == ["conflict", "fyi"]  # the unknown name stays
    save(path, replace(config, notifications=muted), replace_invalid=True)  # the dialog
    assert read(path)["notifications"] == {"quiet_start": None, "muted": ["conflict"]}
    assert load(path, strict=True).config.notifications.muted == {"conflict"}


def test_save_drops_the_keys_older_versions_wrote(tmp_path: Path) -> None:
    path = write(tmp_path / "config.json", {"start_at_login": True, "user": "ana"})
    save(path, load(path, strict=True).config)
    assert read(path) == {"user": "ana"}


def test_save_creates_the_folder_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.json"
    save(path, Config(store="team.sqlite"))
    assert read(path) == {"store": "team.sqlite"}
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]


def test_save_refuses_to_overwrite_a_file_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("{half", encoding="utf-8")
    with pytest.raises(UsageError, match="is not valid JSON"):
        save(path, Config(user="ana"))
    assert path.read_text(encoding="utf-8") == "{half"
