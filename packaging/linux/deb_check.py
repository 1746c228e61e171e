"""Install the .deb on this machine with apt, check it, remove it, check nothing is left.

    sudo python3 packaging/linux/deb_check.py dist/decision-inbox_VERSION_ARCH.deb

(``make deb-test``.) It changes the system, so it is a target of its own and not part of the
test suite. Checks: ``apt install ./…deb`` succeeds; the desktop file, the icons and the
metainfo are where desktops look (``/usr/share/…``) and the desktop file validates;
``decision-inbox --version`` runs from ``PATH`` and ``init``/``demo`` work on a temporary store
(so the frozen app writes nothing into /opt); after ``apt remove`` none of the files
``dpkg -L`` listed is left, and neither is /opt/decision-inbox.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from project import project  # noqa: E402 - the line above makes packaging/ importable


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, check=True, text=True, **kwargs)  # type: ignore[call-overload]


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"ok: {message}", flush=True)


def installed_files(package: str) -> list[Path]:
    listing = run("dpkg", "-L", package, capture_output=True).stdout.splitlines()
    return [Path(line) for line in listing if line.startswith("/")]


def main() -> int:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    deb = Path(sys.argv[1]).resolve()
    p = project()
    if os.geteuid() != 0:
        raise SystemExit("Installing a .deb needs root: run it with sudo.")
    if not deb.is_file():
        raise SystemExit(f"No package at {deb}; run `make deb` first.")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", str(deb), env=env)
    try:
        files = installed_files(p.app_name)
        share = Path("/usr/share")
        desktop = share / "applications" / f"{p.app_id}.desktop"
        expected = [
            desktop,
            share / "metainfo" / f"{p.app_id}.metainfo.xml",
            share / "icons/hicolor/scalable/apps" / f"{p.app_id}.svg",
            share / "icons/hicolor/48x48/apps" / f"{p.app_id}.png",
            share / "icons/hicolor/256x256/apps" / f"{p.app_id}.png",
            Path("/usr/bin") / p.app_name,
            Path("/opt/decision-inbox") / p.app_name,
        ]
        for path in expected:
            check(path in files and path.exists(), f"{path} installed")
        if shutil.which("desktop-file-validate"):
            run("desktop-file-validate", str(desktop))
        check(shutil.which(p.app_name) == f"/usr/bin/{p.app_name}", "decision-inbox on PATH")
        version = run(p.app_name, "--version", capture_output=True).stdout.strip()
        check(version == f"{p.app_name} {p.version}", f"--version prints {version!r}")
        with tempfile.TemporaryDirectory(prefix="di-deb-check-") as tmp:
            app_env = dict(
                env, DECISION_INBOX_PROFILE=f"{tmp}/profile", QT_QPA_PLATFORM="offscreen"
            )
            store = f"sqlite:///{tmp}/store.sqlite"
            run(p.app_name, "--store", store, "init", env=app_env, cwd=tmp)
            run(p.app_name, "--store", store, "demo", env=app_env, cwd=tmp)
    finally:
        run("apt-get", "remove", "-y", "-q", p.app_name, env=env)
    left = [path for path in files if path.exists() and not path.is_dir()]
    check(not left, f"apt remove left none of the {len(files)} paths dpkg listed ({left[:5]})")
    check(not Path("/opt/decision-inbox").exists(), "/opt/decision-inbox is gone")
    status = subprocess.run(["dpkg", "-s", p.app_name], capture_output=True, text=True)
    check(
        status.returncode != 0 or "deinstall" in status.stdout, "dpkg no longer lists it installed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
