"""The standalone one-folder build (packaging/pyinstaller/decision-inbox.spec) runs without
Python or this checkout: the smoke test, Qt's offscreen and xcb platforms, a password kept in
and read back from a real Secret Service (gnome-keyring on a private bus), and on Debian the
.deb made from it.

``DECISION_INBOX_STANDALONE`` names a built executable to test (``make package-test`` sets it);
without it the tests build one with PyInstaller first (a minute or two).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from inbox import APP_ID, APP_NAME, __version__
from tests import pg
from tests.packaging.build_checks import (
    PNG_MAGIC,
    REPO,
    child_env,
    require,
    run_app,
    smoke_test,
    venv_tool,
)
from tests.sync.secret_service import PrivateSecretService
from tests.x11.screen import gui_env

pytestmark = pytest.mark.slow

ENV_VAR = "DECISION_INBOX_STANDALONE"
EXE_NAME = APP_NAME + (".exe" if sys.platform == "win32" else "")
PASSWORD = "Standalone-8d2e-secret"


@pytest.fixture(scope="session")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The built executable (its folder holds everything else it loads)."""
    given = os.environ.get(ENV_VAR, "").strip()
    if given:
        executable = Path(given)
        if not executable.is_file():
            pytest.fail(f"{ENV_VAR}={given} is not a file; run `make package`.", pytrace=False)
        yield executable
        return
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [
            venv_tool("pyinstaller"),
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={work / 'dist'}",
            f"--workpath={work / 'build'}",
            str(REPO / "packaging" / "pyinstaller" / "decision-inbox.spec"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    executable = work / "dist" / APP_NAME / EXE_NAME
    assert executable.is_file()
    yield executable
    shutil.rmtree(work, ignore_errors=True)


def test_the_standalone_app_passes_the_smoke_test(standalone: Path, tmp_path: Path) -> None:
    smoke_test([str(standalone)], tmp_path)


def test_the_build_holds_what_is_loaded_by_name(standalone: Path) -> None:
    files = {p.relative_to(standalone.parent).as_posix() for p in standalone.parent.rglob("*")}
    for wanted in (
        "inbox/store/migrations/env.py",
        "inbox/store/migrations/versions/v0001_initial.py",
        "inbox/ui/icons/app.svg",
        "keyring/backends/SecretService.py",
    ):
        assert any(f.endswith(wanted) for f in files) or _in_archive(standalone, wanted), wanted
    plugins = [f for f in files if "/plugins/platforms/" in f]
    assert any("qoffscreen" in f for f in plugins), plugins
    if sys.platform.startswith("linux"):
        assert any("qxcb" in f for f in plugins), plugins


def _in_archive(standalone: Path, wanted: str) -> bool:
    """Pure-Python modules live in the executable's archive, not as files: ask the build."""
    module = wanted.removesuffix(".py").replace("/", ".")
    return module in _archived_modules(standalone)


_ARCHIVED: dict[Path, set[str]] = {}


def _archived_modules(standalone: Path) -> set[str]:
    if standalone not in _ARCHIVED:
        viewer = venv_tool("pyi-archive_viewer")
        listing = subprocess.run(
            [viewer, "--list", "--recursive", "--brief", str(standalone)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert listing.returncode == 0, listing.stderr
        _ARCHIVED[standalone] = {line.strip() for line in listing.stdout.splitlines()}
    return _ARCHIVED[standalone]


@pytest.mark.x11
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")
def test_the_standalone_app_draws_on_a_real_x_screen(
    standalone: Path,
    x_display: str,
    tmp_path: Path,
) -> None:
    env = gui_env(x_display, child_env(tmp_path / "profile"))
    store = f"sqlite:///{tmp_path / 'store.sqlite'}"
    cmd = [str(standalone)]
    for args in (("init",), ("demo",)):
        assert run_app(cmd, env, "--store", store, *args, cwd=tmp_path).returncode == 0
    shot = tmp_path / "x11.png"
    result = run_app(cmd, env, "--store", store, "gui", "--screenshot", str(shot), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "xcb" not in result.stderr.lower(), (
        result.stderr
    )  # "could not load the Qt platform plugin"
    assert shot.read_bytes().startswith(PNG_MAGIC)


@pytest.mark.dbus
@pytest.mark.postgres
def test_the_standalone_app_keeps_a_password_in_the_secret_service(
    standalone: Path,
    own_pg: pg.ThrowawayCluster,
    secret_service: PrivateSecretService,
    tmp_path: Path,
) -> None:
    """keyring finds its backends through entry points, which a frozen app must carry: the
    built app saves the password with `login` and the next command connects with it alone."""
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)
    env = dict(secret_service.env)
    env.update(child_env(tmp_path / "profile"))
    for name in ("DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"):
        env[name] = secret_service.env[name]
    env.pop("PYTHON_KEYRING_BACKEND", None)  # keyring must discover the Secret Service itself
    cmd = [str(standalone)]

    def app(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_app(cmd, env, *args, cwd=tmp_path, stdin=stdin)

    for args in (
        ("init",),
        ("team", "add", "frontend"),
        ("person", "add", "pwuser", "--name", "Pat", "--team", "frontend"),
    ):
        result = app("--store", admin, *args)
        assert result.returncode == 0, result.stderr
    own_pg.require_password("pwuser", PASSWORD)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url, database), autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT decision_inbox_member TO {}").format(sql.Identifier("pwuser")))
    url = f"postgresql://pwuser@127.0.0.1:{own_pg.port}/{database}"
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    (profile / "config.json").write_text(json.dumps({"store": url}), "utf-8")

    assert app("inbox").returncode == 1  # no password saved yet: the server refuses
    saved = app("login", "--password-stdin", stdin=PASSWORD + "\n")
    assert saved.returncode == 0, saved.stderr
    assert "SecretService" in saved.stdout, saved.stdout
    assert any(secret_service.keyring_dir.glob("*.keyring"))
    read = app("inbox", "--json")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["user"] == "pwuser"
    assert PASSWORD not in saved.stdout + saved.stderr + read.stdout + read.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a .deb is Debian's")
def test_the_deb_holds_the_build_the_command_and_the_desktop_files(
    standalone: Path, tmp_path: Path
) -> None:
    dpkg_deb = require("dpkg-deb", "dpkg")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "packaging" / "linux" / "deb.py"),
            str(standalone.parent),
            str(tmp_path),
            "--fast",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    deb = Path(result.stdout.strip())
    assert deb.name.startswith(f"{APP_NAME}_{__version__}_")
    info = subprocess.run([dpkg_deb, "-f", str(deb)], capture_output=True, text=True, check=True)
    assert f"Package: {APP_NAME}" in info.stdout and f"Version: {__version__}" in info.stdout
    listing = subprocess.run([dpkg_deb, "-c", str(deb)], capture_output=True, text=True, check=True)
    entries = {line.split()[5].removeprefix("."): line for line in listing.stdout.splitlines()}
    assert entries[f"/opt/decision-inbox/{APP_NAME}"].startswith("-rwxr-xr-x root/root")
    assert f"-> /opt/decision-inbox/{APP_NAME}" in entries[f"/usr/bin/{APP_NAME}"]
    for path in (
        f"/usr/share/applications/{APP_ID}.desktop",
        f"/usr/share/metainfo/{APP_ID}.metainfo.xml",
        f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        f"/usr/share/icons/hicolor/256x256/apps/{APP_ID}.png",
    ):
        assert path in entries, path
    assert not [p for p in entries if "__pycache__" in p or p.endswith(".pyc")]
