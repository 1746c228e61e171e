"""The Flatpak manifest cannot be built here (its runtimes come from Flathub), so what it
promises is checked where it is written: the application id, KDE's runtime with the PySide
base app, and the bus names the app needs."""

from __future__ import annotations

import yaml

from inbox import APP_ID, APP_NAME
from tests.packaging.build_checks import REPO

MANIFEST = REPO / "packaging" / "flatpak" / f"{APP_ID}.yml"


def test_the_manifest_builds_the_app_on_the_kde_runtime_with_pyside() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["id"] == APP_ID
    assert manifest["command"] == APP_NAME
    assert manifest["runtime"] == "org.kde.Platform" and manifest["sdk"] == "org.kde.Sdk"
    assert manifest["base"] == "io.qt.PySide.BaseApp"
    assert manifest["base-version"] == manifest["runtime-version"]
    for name in (
        "org.freedesktop.Notifications",
        "org.kde.StatusNotifierWatcher",
        "org.freedesktop.secrets",
    ):
        assert f"--talk-name={name}" in manifest["finish-args"], name
    app = manifest["modules"][-1]
    assert any("share.py build ${FLATPAK_DEST}/share" in c for c in app["build-commands"])
    # PySide6 comes from the base app, never from PyPI inside the sandbox.
    assert not any("PySide6" in c for m in manifest["modules"] for c in m["build-commands"])
