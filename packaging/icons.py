"""Render the application icon from its SVG master (``resources/icons/app.svg``) with Qt's own
SVG renderer, so every platform's build needs nothing beyond the app's dependencies.

    python packaging/icons.py hicolor OUT   # OUT/hicolor/scalable/apps/APP_ID.svg + NxN PNGs
    python packaging/icons.py ico FILE      # Windows icon (PyInstaller, Inno Setup)
    python packaging/icons.py icns FILE     # macOS icon (PyInstaller's bundle)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import ROOT, project

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

MASTER = ROOT / "resources" / "icons" / "app.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor theme's usual sizes; desktops scale the nearest one when they need another."""


def _application() -> object:
    """Qt's image plugins (ico, icns) need a QGuiApplication; offscreen needs no display."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication([])


def render(size: int, svg: Path = MASTER) -> QImage:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _application()
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can render.")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def save(image: QImage, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), fmt):
        raise SystemExit(f"Qt could not write {path} as {fmt}: is its image plugin installed?")


def hicolor(out: Path) -> list[Path]:
    """The icon theme tree under ``out/hicolor``; returns the files written."""
    name = project().app_id
    scalable = out / "hicolor" / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MASTER, scalable)
    written = [scalable]
    for size in HICOLOR_SIZES:
        png = out / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        save(render(size), png, "PNG")
        written.append(png)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("hicolor", "ico", "icns", "png"))
    parser.add_argument("target", type=Path)
    parser.add_argument("--size", type=int, default=256, help="for png, ico and icns")
    args = parser.parse_args(argv)
    if args.kind == "hicolor":
        for path in hicolor(args.target):
            print(path)
    else:
        save(render(args.size), args.target, args.kind.upper())
        print(args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
