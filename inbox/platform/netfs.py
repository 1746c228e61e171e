"""Refuse SQLite stores on network filesystems.

SQLite's own documentation (https://sqlite.org/wal.html, "WAL does not work over a network
filesystem"; https://sqlite.org/useovernet.html) says locking there is unreliable and can corrupt
the database, so a shared team store belongs on PostgreSQL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ncpfs",
        "coda",
        "fuse.gvfsd-fuse",
        "fuse.rclone",
        "glusterfs",
        "fuse.glusterfs",
        "ceph",
        "fuse.ceph",
        "lustre",
        "virtiofs",
    }
)


def _unescape(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal (proc(5)).
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """(mount point, filesystem type) for each line of ``/proc/self/mountinfo``."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields = left.split()
        rest = right.split()
        if len(fields) >= 5 and rest:
            mounts.append((_unescape(fields[4]), rest[0]))
    return mounts


def filesystem_of(path: Path, mountinfo: str) -> str | None:
    """Type of the filesystem holding ``path``: the longest mount point that contains it."""
    target = str(path)
    best: tuple[int, str] | None = None
    for mount_point, fstype in parse_mountinfo(mountinfo):
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) >= best[0]):
            best = (len(mount_point), fstype)
    return best[1] if best else None


def network_filesystem(path: Path, mountinfo: str | None = None) -> str | None:
    """Name of the network filesystem ``path`` lies on, or None when it is local or unknown."""
    path = _existing_ancestor(path.resolve())
    if sys.platform == "win32":
        return _windows_remote(path)
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
        except OSError:
            return None  # not Linux: nothing reliable to read, let SQLite try
    fstype = filesystem_of(path, mountinfo)
    return fstype if fstype in NETWORK_FILESYSTEMS else None


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _windows_remote(path: Path) -> str | None:  # pragma: no cover - Windows only
    text = str(path)
    if text.startswith("\\\\"):
        return "UNC share"
    import ctypes

    drive = os.path.splitdrive(text)[0] + "\\"
    drive_remote = 4  # DRIVE_REMOTE in winbase.h
    if ctypes.windll.kernel32.GetDriveTypeW(drive) == drive_remote:  # type: ignore[attr-defined]
        return "network drive"
    return None
