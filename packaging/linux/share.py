"""Build the Linux desktop integration as a ``share/`` tree, the layout of ``/usr/share`` and
``~/.local/share``:

    OUT/applications/APP_ID.desktop
    OUT/metainfo/APP_ID.metainfo.xml
    OUT/icons/hicolor/scalable/apps/APP_ID.svg and OUT/icons/hicolor/NxN/apps/APP_ID.png

    python packaging/linux/share.py OUT [--exec COMMAND]

``--exec`` replaces the desktop entry's command (``decision-inbox``, found on ``PATH``) with
another, e.g. the absolute path of a one-folder build. ``make install-desktop``, the .deb and
the Flatpak all install this tree.
"""

from __future__ import annotations

import argparse
import shlex
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the share/ folder to fill")
    parser.add_argument("--exec", dest="command", help="the command the desktop entry starts")
    args = parser.parse_args(argv)
    try:
        files = build(args.out, args.command)
    except PackagingError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in files:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
