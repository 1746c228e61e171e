"""Build a .deb from the one-folder build (``make package``) with ``dpkg-deb``:

    /opt/decision-inbox/                 the one-folder build
    /usr/bin/decision-inbox              a link to /opt/decision-inbox/decision-inbox
    /usr/share/applications, metainfo, icons/hicolor   from packaging/linux/share.py

    python packaging/linux/deb.py dist/decision-inbox dist/

prints the path of the package it wrote (``decision-inbox_VERSION_ARCH.deb``). No maintainer
scripts: dpkg's triggers of the desktop file and icon caches run on install and removal.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from project import project  # noqa: E402 - the lines above make packaging/ importable
from share import PackagingError, build  # noqa: E402

# What the bundled Qt loads from the system and PyInstaller does not bundle: OpenGL/EGL,
# fontconfig, D-Bus, and the xcb platform plugin's libraries (Qt 6 needs libxcb-cursor0).
DEPENDS = (
    "libc6",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
)
# Saved passwords need a Secret Service; notifications a notification server. Both come with a
# desktop, and the app says what is missing when they are not there.
RECOMMENDS = ("gnome-keyring | kwalletmanager | keepassxc",)
INSTALL_DIR = "opt/decision-inbox"


def control(version: str, arch: str, installed_kib: int) -> str:
    p = project()
    return (
        f"Package: {p.app_name}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Maintainer: The Decision Inbox developers <noreply@users.noreply.github.com>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEPENDS)}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        f"Homepage: {p.homepage}\n"
        f"Description: {p.display_name}: cross-team decisions on your desktop\n"
        f" {p.summary}\n"
        " Each person sees what needs their acknowledgment or feedback, with the diff since\n"
        " the revision they acknowledged, from a window or the system tray.\n"
    )


def _size_kib(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) // 1024 + 1


def build_deb(onefolder: Path, out_dir: Path, level: int = 9) -> Path:
    p = project()
    executable = onefolder / p.app_name
    if not executable.is_file():
        raise PackagingError(
            f"No one-folder build at {onefolder} (no {p.app_name} in it); run `make package` first."
        )
    if shutil.which("dpkg-deb") is None:
        raise PackagingError("dpkg-deb not found; it comes with dpkg (Debian, Ubuntu).")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], check=True, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="di-deb-") as staging:
        root = Path(staging) / "root"
        shutil.copytree(onefolder, root / INSTALL_DIR, symlinks=True)
        link = root / "usr" / "bin" / p.app_name
        link.parent.mkdir(parents=True)
        link.symlink_to(f"/{INSTALL_DIR}/{p.app_name}")
        build(root / "usr" / "share")  # Exec=decision-inbox: /usr/bin
        for path in root.rglob("*"):  # whatever the build's umask: 0755 or 0644
            if not path.is_symlink():
                executable_bits = path.is_dir() or path.stat().st_mode & 0o111
                path.chmod(0o755 if executable_bits else 0o644)
        debian = root / "DEBIAN"
        debian.mkdir(mode=0o755)
        (debian / "control").write_text(control(p.version, arch, _size_kib(root)), "utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        deb = out_dir / f"{p.app_name}_{p.version}_{arch}.deb"
        subprocess.run(
            # gzip: xz takes minutes on 200 MB of libraries, and every dpkg reads gzip.
            [
                "dpkg-deb",
                "--root-owner-group",
                "-Zgzip",
                f"-z{level}",
                "--build",
                str(root),
                str(deb),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onefolder", type=Path, help="the one-folder build (dist/decision-inbox)")
    parser.add_argument("out_dir", type=Path, help="where to write the .deb")
    parser.add_argument(
        "--fast", action="store_true", help="compress quickly, not small (for tests)"
    )
    args = parser.parse_args(argv)
    try:
        print(build_deb(args.onefolder, args.out_dir, level=1 if args.fast else 9))
    except (PackagingError, subprocess.CalledProcessError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
