"""PostgreSQL for the test suite: an existing server, or a throwaway cluster started here.

Which server the tests use, in order:

1. ``DECISION_INBOX_TEST_PG`` (a URL such as ``postgresql://postgres@127.0.0.1:5432/test``):
   that server; CI sets it to the machine's PostgreSQL service.
2. PostgreSQL binaries under ``/usr/lib/postgresql/<version>/bin`` (highest version): a
   throwaway cluster in a temporary directory on a free port, started once per test session and
   deleted at its end. ``initdb`` refuses to run as root, so as root the cluster belongs to the
   ``postgres`` user and its commands run through ``runuser -u postgres --``.
3. Neither: the PostgreSQL tests are skipped, saying why (and fail in CI, see conftest.py).

Each test then gets its own empty database (``di_<random>``), dropped afterwards.

Roles are cluster-wide, not per database: a test that creates roles (row-level security) must
give them unique names or drop them itself.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_VAR = "DECISION_INBOX_TEST_PG"
BINDIR_GLOB = "/usr/lib/postgresql/*/bin/initdb"
SUPERUSER = "postgres"


class PgUnavailableError(RuntimeError):
    """No PostgreSQL can be had for the tests; the message says how to provide one."""


class PgClusterError(RuntimeError):
    """A throwaway cluster could not be created or started; the message carries its log."""


# --- URLs -----------------------------------------------------------------------------------


def libpq_url(url: str | URL, database: str | None = None) -> str:
    """The URL in the form libpq and ``psycopg.connect`` accept (``postgresql://…``).

    Accepts SQLAlchemy URLs too (``postgresql+psycopg://…``); ``database`` replaces the path.
    """
    return _with_driver(url, "postgresql", database)


def sqlalchemy_url(url: str | URL, database: str | None = None) -> str:
    """The URL in SQLAlchemy's form with the psycopg 3 driver (``postgresql+psycopg://…``)."""
    return _with_driver(url, "postgresql+psycopg", database)


def _with_driver(url: str | URL, drivername: str, database: str | None) -> str:
    parsed = make_url(url) if isinstance(url, str) else url
    parsed = parsed.set(drivername=drivername)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def redacted(url: str | URL) -> str:
    """The URL with any password hidden, for messages."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


# --- databases ------------------------------------------------------------------------------


def check_server(admin_url: str, timeout: float = 5.0) -> None:
    """Raise ``PgUnavailableError`` with one clear sentence when ``admin_url`` does not answer."""
    try:
        with psycopg.connect(libpq_url(admin_url), autocommit=True, connect_timeout=int(timeout)):
            pass
    except psycopg.Error as exc:
        raise PgUnavailableError(
            f"The PostgreSQL server at {redacted(admin_url)} does not answer ({exc}). "
            f"Start it, or unset {ENV_VAR} to let the tests start a throwaway cluster."
        ) from exc


def create_database(admin_url: str, prefix: str = "di_") -> str:
    """Create a fresh, empty, uniquely named database on the server; return its name."""
    name = f"{prefix}{secrets.token_hex(6)}"
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        # template0 so the database is empty whatever someone installed into template1.
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    return name


def drop_database(admin_url: str, name: str) -> None:
    """Drop the database, closing any connection a test left open."""
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def database_exists(admin_url: str, name: str) -> bool:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


# --- a throwaway cluster --------------------------------------------------------------------


def _version_key(initdb: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin/initdb; versions are "15", "16", or old-style "9.6".
    return tuple(int(part) for part in re.findall(r"\d+", initdb.parent.parent.name))


def find_bindir(pattern: str = BINDIR_GLOB) -> Path | None:
    """The ``bin`` directory of the highest installed PostgreSQL version, or None."""
    candidates = [Path(p) for p in glob.glob(pattern)]
    candidates = [p for p in candidates if os.access(p, os.X_OK)]
    if not candidates:
        return None
    return max(candidates, key=_version_key).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, for one test session.

    Fast and disposable: trust authentication, ``fsync=off``, listening on 127.0.0.1 only and on
    a Unix socket inside its own directory (never touching /var/run/postgresql).
    """

    bindir: Path
    base_dir: Path = field(init=False)
    port: int = field(init=False, default=0)
    _started: bool = field(init=False, default=False)

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "log"

    @property
    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _as_owner(self) -> list[str]:
        # initdb and postgres refuse to run as root: hand the cluster to the postgres user.
        return ["runuser", "-u", SUPERUSER, "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        cmd = [*self._as_owner(), *args]
        result = subprocess.run(
            cmd,
            cwd=self.base_dir,  # the owner may not be allowed into the caller's directory
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            log = self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
            raise PgClusterError(
                f"{' '.join(cmd)} failed with exit code {result.returncode}:\n"
                f"{result.stdout}\n{log}".rstrip()
            )

    def start(self, attempts: int = 3) -> None:
        self.base_dir = Path(tempfile.mkdtemp(prefix="di-pg-"))
        try:
            if os.geteuid() == 0:
                shutil.chown(self.base_dir, SUPERUSER, SUPERUSER)
            self._run(
                str(self.bindir / "initdb"),
                "-D", str(self.data_dir),
                "--auth=trust",
                "-U", SUPERUSER,
                "--encoding=UTF8",
                "--locale=C",  # exists everywhere, whatever LANG says
                "-N",  # no fsync: the cluster is thrown away
            )  # fmt: skip
            for attempt in range(1, attempts + 1):
                self.port = free_port()
                try:
                    self._start_server()
                    break
                except PgClusterError:
                    # Another process may have taken the port between free_port() and start.
                    if attempt == attempts:
                        raise
                    time.sleep(0.2)
            self._started = True
        except BaseException:
            self.remove()
            raise

    def stop(self) -> None:
        if self._started:
            self._started = False
            try:
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                    "-w", "stop",
                )  # fmt: skip
            finally:
                self.remove()
        else:
            self.remove()

    def remove(self) -> None:
        if getattr(self, "base_dir", None) is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    # -- outages and authentication, for a cluster a test owns alone ----------------------------

    def pause(self) -> None:
        """Stop the server as an admin would (``pg_ctl stop -m fast``: sessions are terminated,
        the port closes), keeping the data directory for :meth:`resume`."""
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"
        )  # fmt: skip
        self._started = False  # stop() then only removes the directory

    def resume(self) -> None:
        """Start the paused server again, on the same port and with the same data."""
        self._start_server()
        self._started = True

    def _start_server(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D", str(self.data_dir),
            "-l", str(self.log_file),
            "-w", "-t", "30",
            "-o",
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start",
        )  # fmt: skip

    def require_password(self, role: str, password: str) -> None:
        """Create a login role that must give ``password`` over TCP (scram-sha-256); every
        other role keeps trust authentication."""
        with psycopg.connect(libpq_url(self.admin_url), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            row = conn.execute("SHOW hba_file").fetchone()
            assert row is not None
            hba = Path(row[0])
            # The first matching line wins: this one goes before the trust lines.
            line = f"host all {role} 127.0.0.1/32 scram-sha-256\n"
            hba.write_text(line + hba.read_text(encoding="utf-8"), encoding="utf-8")
            conn.execute("SELECT pg_reload_conf()")
        # pg_reload_conf() only signals the postmaster: wait until new sessions see the line.
        deadline = time.monotonic() + 10
        while True:
            try:
                psycopg.connect(
                    libpq_url(make_url(self.admin_url).set(username=role)), connect_timeout=5
                ).close()
            except psycopg.OperationalError:
                return  # refused without the password: the line is in force
            if time.monotonic() > deadline:
                raise PgClusterError(f"pg_hba.conf change for {role} did not take effect")
            time.sleep(0.05)


# --- choosing a server ----------------------------------------------------------------------


@dataclass
class PgServer:
    """The server the tests use: its admin URL, and the cluster to stop if we started one."""

    admin_url: str
    cluster: ThrowawayCluster | None = None
    source: str = ""

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


def acquire_server(environ: dict[str, str] | None = None, pattern: str = BINDIR_GLOB) -> PgServer:
    """The configured server, else a new throwaway cluster; ``PgUnavailableError`` if neither."""
    env = os.environ if environ is None else environ
    url = env.get(ENV_VAR, "").strip()
    if url:
        check_server(url)
        return PgServer(admin_url=url, source=ENV_VAR)
    bindir = find_bindir(pattern)
    if bindir is None:
        raise PgUnavailableError(
            f"No PostgreSQL for the tests: set {ENV_VAR}=postgresql://USER@HOST:PORT/DB, "
            f"or install the server (Debian: apt-get install postgresql) so a throwaway "
            f"cluster can be started (looked for {pattern})."
        )
    cluster = ThrowawayCluster(bindir)
    cluster.start()
    return PgServer(admin_url=cluster.admin_url, cluster=cluster, source=f"throwaway {bindir}")
