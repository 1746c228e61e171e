"""Build the Linux desktop integration as a ``share/`` tree, the layout of ``/usr/share`` and
``~/.local/share``, and install it for the current user:

    OUT/applications/APP_ID.desktop
    OUT/metainfo/APP_ID.metainfo.xml
    OUT/icons/hicolor/scalable/apps/APP_ID.svg and OUT/icons/hicolor/NxN/apps/APP_ID.png

    python packaging/linux/share.py build OUT [--exec COMMAND]
    python packaging/linux/share.py install [--exec COMMAND] [--data-home DIR]
    python packaging/linux/share.py uninstall [--data-home DIR]

``--exec`` replaces the desktop entry's command (``decision-inbox``, found on ``PATH``) with
another, e.g. the absolute path of a one-folder build. ``install`` copies the tree into
``$XDG_DATA_HOME`` (``~/.local/share``) and refreshes the desktop's caches where their tools
exist (``make install-desktop``); the .deb and the Flatpak install the same tree.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from icons import hicolor  # noqa: E402 - the line above makes packaging/ importable
from project import ROOT, Project, project  # noqa: E402

DESKTOP_TEMPLATE = HERE / "io.github.decisioninbox.DecisionInbox.desktop"
METAINFO_TEMPLATE = HERE / "io.github.decisioninbox.DecisionInbox.metainfo.xml.in"


class PackagingError(Exception):
    """A source file disagrees with the project; the message says which and how."""


def desktop_entry(p: Project, command: str | None = None) -> str:
    text = DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    if f"\nIcon={p.app_id}\n" not in text:
        raise PackagingError(
            f"{DESKTOP_TEMPLATE.name}: Icon= must be the application id {p.app_id}."
        )
    if command is not None:
        exec_line = f"\nExec={p.app_name} "
        if exec_line not in text:
            raise PackagingError(f"{DESKTOP_TEMPLATE.name}: Exec= must start with {p.app_name}.")
        # The desktop entry spec's quoting: a path with a space goes in double quotes.
        quoted = f'"{command}"' if shlex.quote(command) != command else command
        text = text.replace(exec_line, f"\nExec={quoted} ")
    return text


def metainfo(p: Project) -> str:
    """The metainfo template with the project's URLs, every screenshot a web URL."""
    text = METAINFO_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("@HOMEPAGE@", p.homepage).replace("@ISSUES@", p.issues)
    root = ET.fromstring(text)
    if root.findtext("id") != p.app_id:
        raise PackagingError(f"{METAINFO_TEMPLATE.name}: <id> must be {p.app_id}.")
    releases = root.findall("releases/release")
    if not releases or releases[0].get("version") != p.version:
        raise PackagingError(
            f"{METAINFO_TEMPLATE.name}: the first <release> must be this version, {p.version} "
            "(inbox/__init__.py); add it with its date and release notes."
        )
    for image in root.iter("image"):
        path = (image.text or "").strip()
        if "://" in path:
            continue
        if not (ROOT / path).is_file():
            raise PackagingError(
                f"{METAINFO_TEMPLATE.name}: screenshot {path} is not in the repository."
            )
        image.text = p.raw_url(path)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def build(out: Path, command: str | None = None) -> list[Path]:
    """Write the tree under ``out``; returns the files written."""
    p = project()
    desktop = out / "applications" / f"{p.app_id}.desktop"
    meta = out / "metainfo" / f"{p.app_id}.metainfo.xml"
    for path, text in ((desktop, desktop_entry(p, command)), (meta, metainfo(p))):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [desktop, meta, *hicolor(out / "icons")]


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` (the XDG base directory default)."""
    value = os.environ.get("XDG_DATA_HOME", "").strip()
    return Path(value) if value else Path.home() / ".local" / "share"


def install(target: Path, command: str | None = None) -> list[Path]:
    """Copy the tree into ``target`` (a data home); returns the files installed."""
    installed = []
    with tempfile.TemporaryDirectory(prefix="di-share-") as staging:
        for path in build(Path(staging), command):
            destination = target / path.relative_to(staging)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            installed.append(destination)
    _refresh_caches(target)
    return installed


def uninstall(target: Path) -> list[Path]:
    """Remove what :func:`install` put into ``target``; returns the files removed."""
    app_id = project().app_id
    candidates = [
        target / "applications" / f"{app_id}.desktop",
        target / "metainfo" / f"{app_id}.metainfo.xml",
        *(target / "icons" / "hicolor").glob(f"*/apps/{app_id}.*"),
    ]
    removed = [path for path in candidates if path.is_file()]
    for path in removed:
        path.unlink()
    _refresh_caches(target)
    return removed


def _refresh_caches(target: Path) -> None:
    """Desktops read these caches when they exist; neither tool is needed for the files to work."""
    for tool, args in (
        ("update-desktop-database", ["-q", str(target / "applications")]),
        ("gtk-update-icon-cache", ["-q", "-t", "-f", str(target / "icons" / "hicolor")]),
    ):
        if shutil.which(tool) and Path(args[-1]).is_dir():
            subprocess.run([tool, *args], check=False, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="action", required=True)
    build_cmd = commands.add_parser("build", help="write the share/ tree into OUT")
    build_cmd.add_argument("out", type=Path, help="the share/ folder to fill")
    install_cmd = commands.add_parser("install", help="install for the current user")
    uninstall_cmd = commands.add_parser("uninstall", help="remove what install installed")
    for sub in (build_cmd, install_cmd):
        sub.add_argument("--exec", dest="command", help="the command the desktop entry starts")
    for sub in (install_cmd, uninstall_cmd):
        sub.add_argument("--data-home", type=Path, default=None, help="default: $XDG_DATA_HOME")
    args = parser.parse_args(argv)
    try:
        if args.action == "build":
            files = build(args.out, args.command)
        elif args.action == "install":
            files = install(args.data_home or data_home(), args.command)
        else:
            files = uninstall(args.data_home or data_home())
    except (PackagingError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in files:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
