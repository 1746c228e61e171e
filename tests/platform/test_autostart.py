"""Starting at login, one module per operating system: the XDG desktop entry (Linux) and the
launch agent (macOS) as the files they write. The Windows Run key needs a registry and is not
tested on this Linux suite."""

from __future__ import annotations

import configparser
import plistlib
from pathlib import Path

import pytest

from inbox import APP_ID
from inbox.platform.autostart import Autostart, for_this_platform
from inbox.platform.autostart.launchagent import LaunchAgent
from inbox.platform.autostart.xdg import XdgAutostart, exec_line


def entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_the_xdg_entry_is_created_with_its_command_and_removed(tmp_path: Path) -> None:
    autostart = XdgAutostart(tmp_path / "autostart")
    assert not autostart.is_enabled()
    autostart.enable(["/opt/decision inbox/bin/decision-inbox", "gui"])
    assert autostart.path == tmp_path / "autostart" / f"{APP_ID}.desktop"
    assert autostart.is_enabled()
    desktop = entry(autostart.path)
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == '"/opt/decision inbox/bin/decision-inbox" gui'
    assert desktop["Icon"] == APP_ID
    assert desktop["X-GNOME-Autostart-enabled"] == "true"
    autostart.disable()
    assert not autostart.is_enabled() and not autostart.path.exists()
    autostart.disable()  # nothing to remove is not an error


def test_the_xdg_entry_lives_in_xdg_config_home_by_default(
    isolated_profile: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    autostart = XdgAutostart()
    autostart.enable(["decision-inbox", "gui"])
    assert (tmp_path / "xdg" / "autostart" / f"{APP_ID}.desktop").exists()
    assert entry(autostart.path)["Exec"] == "decision-inbox gui"


@pytest.mark.parametrize(
    ("argument", "written"),
    [
        ("plain", "plain"),
        ("with space", '"with space"'),
        ('say "hi"', r'"say \\"hi\\""'),
        ("cost$", r'"cost\\$"'),
        ("back\\slash", r'"back\\\\slash"'),
        ("100%", "100%%"),
    ],
)
def test_exec_quotes_as_the_desktop_entry_spec_says(argument: str, written: str) -> None:
    assert exec_line(["prog", argument]) == f"prog {written}"


def test_the_launch_agent_is_a_plist_that_runs_at_load(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path / "LaunchAgents")
    assert not agent.is_enabled()
    agent.enable(["/Applications/Decision Inbox.app/Contents/MacOS/decision-inbox", "gui"])
    assert agent.path == tmp_path / "LaunchAgents" / f"{APP_ID}.plist"
    with agent.path.open("rb") as plist:
        written = plistlib.load(plist)
    assert written["Label"] == APP_ID
    assert written["ProgramArguments"] == [
        "/Applications/Decision Inbox.app/Contents/MacOS/decision-inbox",
        "gui",
    ]
    assert written["RunAtLoad"] is True
    assert agent.is_enabled()
    agent.disable()
    assert not agent.path.exists() and not agent.is_enabled()


@pytest.mark.parametrize(
    ("platform", "kind"),
    [
        ("linux", "XdgAutostart"),
        ("freebsd14", "XdgAutostart"),
        ("darwin", "LaunchAgent"),
        ("win32", "RunKey"),
    ],
)
def test_each_platform_gets_its_own_entry(platform: str, kind: str) -> None:
    chosen = for_this_platform(platform)
    assert isinstance(chosen, Autostart)
    assert type(chosen).__name__ == kind


def test_this_machine_gets_the_xdg_entry() -> None:
    assert isinstance(for_this_platform(), XdgAutostart)
