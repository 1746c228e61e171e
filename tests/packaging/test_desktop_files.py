"""The Linux desktop integration (packaging/linux/share.py's tree) passes the validators the
desktops and software centres use, under the one application id."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from inbox import APP_ID, APP_NAME, __version__
from tests.packaging.build_checks import REPO, child_env, require

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
SHARE_PY = REPO / "packaging" / "linux" / "share.py"


def build_share(out: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(SHARE_PY), "build", str(out), *args],
        env=child_env(out.parent / "profile"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("desktop") / "share"
    build_share(out)
    return out


def desktop_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


def test_the_desktop_entry_validates(share: Path) -> None:
    validator = require("desktop-file-validate", "desktop-file-utils")
    entry = share / "applications" / f"{APP_ID}.desktop"
    result = subprocess.run([validator, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    keys = desktop_keys(entry)
    assert keys["Exec"] == f"{APP_NAME} gui"
    assert keys["Icon"] == APP_ID
    assert keys["Type"] == "Application"


def test_an_absolute_exec_path_with_a_space_is_quoted_and_validates(tmp_path: Path) -> None:
    validator = require("desktop-file-validate", "desktop-file-utils")
    out = tmp_path / "share"
    build_share(out, "--exec", "/home/a user/Decision Inbox/decision-inbox")
    entry = out / "applications" / f"{APP_ID}.desktop"
    assert desktop_keys(entry)["Exec"] == '"/home/a user/Decision Inbox/decision-inbox" gui'
    result = subprocess.run([validator, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_metainfo_validates_offline(share: Path) -> None:
    appstreamcli = require("appstreamcli", "appstream")
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        [appstreamcli, "validate", "--no-net", "--explain", str(metainfo)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_screenshots_are_stable_web_urls_of_files_in_the_repository(share: Path) -> None:
    root = ET.parse(share / "metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    images = [(image.text or "").strip() for image in root.iter("image")]
    assert images
    for url in images:
        prefix, _, path = url.partition(f"/v{__version__}/")
        assert prefix.startswith("https://raw.githubusercontent.com/"), url
        assert (REPO / path).is_file(), f"{url} names {path}, which is not in the repository"
    homepage = root.find("url[@type='homepage']")
    assert homepage is not None and prefix.endswith(
        homepage.text.removeprefix("https://github.com")
    )


def test_the_newest_release_is_this_version_with_notes(share: Path) -> None:
    root = ET.parse(share / "metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__
    assert newest.find("description") is not None, "release notes are missing"


def test_one_application_id_everywhere(share: Path) -> None:
    root = ET.parse(share / "metainfo" / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    names = {path.name for path in share.rglob("*") if path.is_file()}
    assert names == {
        f"{APP_ID}.desktop",
        f"{APP_ID}.metainfo.xml",
        f"{APP_ID}.svg",
        f"{APP_ID}.png",
    }


def test_icons_in_every_hicolor_size(share: Path) -> None:
    icons = share / "icons" / "hicolor"
    svg = icons / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == (REPO / "resources" / "icons" / "app.svg").read_bytes()
    for size in SIZES:
        png = (icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
        assert (width, height) == (size, size)
        assert len(png) > 200, f"the {size} px icon looks empty"


def test_install_for_the_current_user_and_uninstall_again(tmp_path: Path) -> None:
    data_home = tmp_path / "home" / ".local" / "share"
    env = child_env(tmp_path / "profile")
    env["XDG_DATA_HOME"] = str(data_home)

    def share_py(*args: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, str(SHARE_PY), *args], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    installed = share_py("install")
    assert (data_home / "applications" / f"{APP_ID}.desktop").is_file()
    assert (data_home / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (data_home / "icons/hicolor/256x256/apps" / f"{APP_ID}.png").is_file()
    assert (data_home / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    assert len(installed) == 2 + 1 + len(SIZES)
    assert all(Path(path).is_relative_to(data_home) for path in installed)

    assert sorted(share_py("uninstall")) == sorted(installed)
    left = [p for p in data_home.rglob("*") if p.is_file() and APP_ID in p.name]
    assert left == []
