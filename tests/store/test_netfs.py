"""SQLite stores on network filesystems are refused unless overridden (docs/architecture.md).

The mount tables below are shaped like real ``/proc/self/mountinfo`` lines (proc(5)): optional
fields (zero or more) end with a lone ``-``, then the filesystem type, the source and the super
options; spaces, tabs and backslashes in paths are octal escapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox import cli
from inbox.cli import wording
from inbox.core.errors import NetworkFilesystemError
from inbox.platform.netfs import (
    NETWORK_FILESYSTEMS,
    filesystem_of,
    network_filesystem,
    parse_mountinfo,
)
from inbox.store import engine as engine_module
from inbox.store.connection import StoreConnection
from inbox.store.engine import create_store_engine, parse_store_url
from inbox.store.service import StoreService
from tests.sentences import one_sentence

WORKSTATION = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
25 22 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=8131224k,mode=755
30 22 0:25 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=1631160k,mode=755
31 22 8:2 / /home rw,relatime shared:30 - ext4 /dev/sda2 rw
40 31 0:50 / /home/ana/projects rw,relatime shared:40 - nfs4 files.example.com:/export/projects rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.5,local_lock=none,addr=10.0.0.2
41 40 8:17 / /home/ana/projects/scratch rw,relatime shared:41 - ext4 /dev/sdb1 rw
42 22 0:51 / /mnt/team\\040share rw,relatime shared:42 - cifs //nas.example.com/team\\040share rw,vers=3.1.1,cache=strict,username=ana,uid=1000,noforceuid,gid=1000,addr=10.0.0.3,file_mode=0755,dir_mode=0755,soft,nounix,serverino,mapposix,rsize=4194304,wsize=4194304,bsize=1048576,actimeo=1
43 31 0:52 / /home/ana/remote rw,nosuid,nodev,relatime shared:43 - fuse.sshfs ana@build.example.com:/srv/decisions rw,user_id=1000,group_id=1000
44 22 0:53 / /mnt/host rw,relatime - 9p hostshare rw,sync,dirsync,access=client,trans=virtio
45 22 0:54 / /var/lib/old rw,relatime shared:45 master:3 - nfs old.example.com:/var/lib rw,vers=3
"""

CONTAINER = """\
500 420 0:60 / / rw,relatime master:150 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/x/diff,workdir=/var/lib/docker/overlay2/x/work
501 500 0:63 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
502 500 0:64 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
510 500 8:1 /var/lib/docker/volumes/data/_data /data rw,relatime - ext4 /dev/sda1 rw
"""


def test_parse_mountinfo_reads_mount_point_and_type_of_each_line() -> None:
    mounts = parse_mountinfo(WORKSTATION)
    assert len(mounts) == len(WORKSTATION.splitlines())
    assert mounts[0] == ("/", "ext4")
    assert ("/home/ana/projects", "nfs4") in mounts
    assert ("/home/ana/remote", "fuse.sshfs") in mounts
    assert ("/mnt/host", "9p") in mounts
    # several optional fields before the separator
    assert ("/var/lib/old", "nfs") in mounts
    # no optional field at all (the separator right after the mount options)
    assert parse_mountinfo(CONTAINER)[3] == ("/data", "ext4")
    assert parse_mountinfo(CONTAINER)[0] == ("/", "overlay")


def test_parse_mountinfo_unescapes_octal_sequences() -> None:
    assert ("/mnt/team share", "cifs") in parse_mountinfo(WORKSTATION)
    line = r"60 22 0:70 / /mnt/a\011tab\012nl\134back rw - nfs srv:/x rw"
    assert parse_mountinfo(line) == [("/mnt/a\ttab\nnl\\back", "nfs")]


def test_parse_mountinfo_skips_lines_it_cannot_read() -> None:
    text = "\n".join(
        [
            "",
            "garbage without separator",
            "1 2 - ext4",  # too few fields before the separator
            "61 22 0:71 / /srv rw - ",  # no filesystem type
            "62 22 0:72 / /ok rw - xfs /dev/sdc1 rw",
        ]
    )
    assert parse_mountinfo(text) == [("/ok", "xfs")]


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/", "ext4"),
        ("/etc/hosts", "ext4"),
        ("/home", "ext4"),
        ("/home/ana/notes/store.sqlite", "ext4"),
        ("/home/ana/projects", "nfs4"),  # the mount point itself
        ("/home/ana/projects/store.sqlite", "nfs4"),
        ("/home/ana/projects-old/store.sqlite", "ext4"),  # a sibling sharing the prefix
        ("/home/ana/projects/scratch/store.sqlite", "ext4"),  # local disk mounted inside NFS
        ("/home/ana/projects/scratchpad/store.sqlite", "nfs4"),
        ("/mnt/team share/decisions/store.sqlite", "cifs"),
        ("/mnt/team/store.sqlite", "ext4"),
        ("/home/ana/remote/store.sqlite", "fuse.sshfs"),
        ("/mnt/host/x/y/z.sqlite", "9p"),
        ("/var/lib/old/store.sqlite", "nfs"),
    ],
)
def test_filesystem_of_takes_the_longest_containing_mount_point(path: str, fstype: str) -> None:
    assert filesystem_of(Path(path), WORKSTATION) == fstype


def test_filesystem_of_a_mount_over_another_is_the_later_one() -> None:
    stacked = (
        "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
        "70 22 8:3 / /srv rw - ext4 /dev/sdc1 rw\n"
        "71 70 0:80 / /srv rw - nfs4 srv:/export rw\n"
    )
    assert filesystem_of(Path("/srv/store.sqlite"), stacked) == "nfs4"
    assert filesystem_of(Path("/srv/store.sqlite"), "") is None


def test_filesystem_of_in_a_container() -> None:
    assert filesystem_of(Path("/app/store.sqlite"), CONTAINER) == "overlay"
    assert filesystem_of(Path("/data/store.sqlite"), CONTAINER) == "ext4"


def mounted(path: Path, fstype: str, source: str = "server:/export") -> str:
    """A mount table in which ``path`` (a real folder of this test) is a ``fstype`` mount."""
    escaped = (
        str(path.resolve())
        .replace("\\", "\\134")
        .replace(" ", "\\040")
        .replace("\t", "\\011")
        .replace("\n", "\\012")
    )
    return (
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        f"90 22 0:90 / {escaped} rw,relatime shared:90 - {fstype} {source} rw\n"
    )


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p"])
def test_network_filesystem_names_the_remote_type(tmp_path: Path, fstype: str) -> None:
    share = tmp_path / "share"
    share.mkdir()
    table = mounted(share, fstype)
    assert network_filesystem(share / "store.sqlite", table) == fstype
    # A store file not created yet, in folders not created yet: its nearest existing folder.
    assert network_filesystem(share / "a" / "b" / "store.sqlite", table) == fstype
    # Next to the share, on the local disk.
    assert network_filesystem(tmp_path / "store.sqlite", table) is None


@pytest.mark.parametrize("fstype", ["ext4", "xfs", "btrfs", "overlay", "tmpfs", "zfs"])
def test_network_filesystem_is_none_for_local_types(tmp_path: Path, fstype: str) -> None:
    assert network_filesystem(tmp_path / "store.sqlite", mounted(tmp_path, fstype)) is None


def test_network_filesystem_with_spaces_in_the_mount_point(tmp_path: Path) -> None:
    share = tmp_path / "team share"
    share.mkdir()
    table = mounted(share, "cifs", "//nas/team\\040share")
    assert "\\040" in table
    assert network_filesystem(share / "store.sqlite", table) == "cifs"
    assert network_filesystem(tmp_path / "team" / "store.sqlite", table) is None


def test_network_filesystem_follows_symlinks(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "looks-local").symlink_to(share)
    table = mounted(share, "nfs4")
    assert network_filesystem(tmp_path / "looks-local" / "store.sqlite", table) == "nfs4"


def test_network_filesystem_reads_this_machine(tmp_path: Path) -> None:
    # The test's own folder is where every SQLite test puts its store; it must not be refused,
    # and the real mount table must be readable and name its filesystem.
    if not Path("/proc/self/mountinfo").exists():
        pytest.skip("no /proc/self/mountinfo on this system")
    real = Path("/proc/self/mountinfo").read_text(encoding="utf-8")
    fstype = filesystem_of(tmp_path.resolve(), real)
    assert fstype is not None
    assert network_filesystem(tmp_path / "store.sqlite") == (
        fstype if fstype in NETWORK_FILESYSTEMS else None
    )


# --- opening a store on a network filesystem --------------------------------------------------


@pytest.fixture
def on_nfs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Make every SQLite store look as if it lay on NFS; collect the paths asked about."""
    asked: list[Path] = []

    def fake(path: Path, mountinfo: str | None = None) -> str:
        asked.append(path)
        return "nfs4"

    monkeypatch.setattr(engine_module, "network_filesystem", fake)
    return asked


def test_sqlite_store_on_a_network_filesystem_is_refused(
    tmp_path: Path, on_nfs: list[Path]
) -> None:
    path = tmp_path / "store.sqlite"
    with pytest.raises(NetworkFilesystemError) as raised:
        StoreConnection.open(str(path))
    # The store names no flag; the command line words the error with its own (exactly as
    # it always did: tests below check its stderr).
    assert (raised.value.path, raised.value.filesystem) == (str(path), "nfs4")
    message = wording.sentence(raised.value)
    assert str(path) in message and "nfs4" in message
    assert "PostgreSQL" in message and "--allow-network-filesystem" in message
    assert "--" not in str(raised.value)
    assert message.endswith(".") and "\n" not in message
    assert on_nfs == [path.resolve()]
    assert not path.exists()  # refused before SQLite touched the file


def test_the_override_opens_it(tmp_path: Path, on_nfs: list[Path]) -> None:
    path = tmp_path / "store.sqlite"
    store = StoreConnection.open(f"sqlite:///{path}", allow_network_fs=True)
    try:
        store.initialise()
        StoreService(store).add_team("backend")
        assert store.version() is not None
    finally:
        store.dispose()
    assert on_nfs == [path.resolve()] and path.exists()


def test_postgres_urls_are_not_checked_for_network_filesystems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(path: Path, mountinfo: str | None = None) -> str:
        raise AssertionError(f"asked about {path}")

    monkeypatch.setattr(engine_module, "network_filesystem", fail)
    engine = create_store_engine(parse_store_url("postgresql://fred@db.example.com/decisions"))
    engine.dispose()


def test_command_line_refuses_then_accepts_the_override(
    tmp_path: Path, on_nfs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "store.sqlite"
    assert cli.main(["--store", str(path), "init"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_sentence(captured.err, "PostgreSQL")
    assert "--allow-network-filesystem" in line
    assert not path.exists()

    # Before the command …
    assert cli.main(["--allow-network-filesystem", "--store", str(path), "init"]) == 0
    assert "Created the store" in capsys.readouterr().out
    # … and after it, as every global option.
    assert cli.main(["--store", str(path), "init", "--allow-network-filesystem"]) == 0
    assert "already at schema" in capsys.readouterr().out
    assert (
        cli.main(["team", "add", "backend", "--store", str(path), "--allow-network-filesystem"])
        == 0
    )
    assert capsys.readouterr().out.strip() == "Added team backend."


def test_command_line_override_applies_to_the_embedded_store(
    isolated_profile: Path, on_nfs: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["team", "add", "backend"]) == 1
    assert "--allow-network-filesystem" in capsys.readouterr().err
    assert cli.main(["team", "add", "backend", "--allow-network-filesystem"]) == 0
    assert on_nfs[-1] == (isolated_profile / "store.sqlite").resolve()
    assert (isolated_profile / "store.sqlite").exists()
