"""Reading outbox entries out of a damaged state file, page by page, without SQLite.

SQLite refuses a file whose header is overwritten and stops a table scan at the first bad page;
the entries on every other page are still there, byte for byte. This reads the file's pages
(and the pages its write-ahead log committed) as the file format describes them
(https://www.sqlite.org/fileformat2.html): every table leaf cell whose record has the outbox's
shape is an entry, and the outbox's primary-key index, walked from its root, names every entry
that existed, so that entries which cannot be read are counted rather than silently missing.

Pages on the freelist (when the header says where it is) are skipped: they hold entries already
delivered and removed. The state file also runs with ``secure_delete`` so removed cells are
zeroed and can never come back from a page this reader cannot rule out.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
WAL_MAGICS = (0x377F0682, 0x377F0683)
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)
TABLE_LEAF, TABLE_INTERIOR, INDEX_LEAF, INDEX_INTERIOR = 0x0D, 0x05, 0x0A, 0x02
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KINDS = ("ack", "feedback")
STATUSES = ("pending", "sent", "error")

Row = tuple[str, str, str, int | None, str | None, int, str, str, str | None]
"""id, kind, decision, revision, body, objection, created_at, status, error: the outbox's
columns in the order of its CREATE TABLE."""


@dataclass
class Salvaged:
    rows: dict[str, Row] = field(default_factory=dict)
    indexed_ids: set[str] = field(default_factory=set)
    """Entry ids read from the outbox's primary-key index: an id here and not in ``rows`` is
    an entry that existed and could not be read."""
    index_complete: bool = False
    """Whether the whole index was read, from its root down: only then is ``indexed_ids``
    every entry there was, and the count of the lost exact rather than a lower bound."""

    @property
    def unreadable(self) -> int:
        """How many entries are known to be lost (all of them when ``index_complete``)."""
        return len(self.indexed_ids - self.rows.keys())


class _CorruptError(Exception):
    """A page or record that does not parse; the reader skips it."""


def salvage_outbox(path: Path) -> Salvaged:
    """What can be read of the outbox in ``path`` and in ``path``-wal beside it, if any."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    wal = Path(f"{path}-wal")
    try:
        wal_data = wal.read_bytes() if wal.exists() else b""
    except OSError:
        wal_data = b""
    header_ok = data.startswith(MAGIC)
    sizes: tuple[int, ...] = PAGE_SIZES
    if header_ok:
        sizes = (_header_page_size(data),)
    elif len(wal_data) >= 32 and struct.unpack(">I", wal_data[:4])[0] in WAL_MAGICS:
        sizes = (struct.unpack(">I", wal_data[8:12])[0],)
    best = Salvaged()
    for size in sizes:
        if size in PAGE_SIZES:
            # Without a header the page size is a guess: the one that reads most entries wins.
            found = _salvage(data, wal_data, size, header_ok)
            if (len(found.rows), found.index_complete) > (len(best.rows), best.index_complete):
                best = found
    return best


def _salvage(data: bytes, wal_data: bytes, size: int, header_ok: bool) -> Salvaged:
    found = Salvaged()
    pages = _pages(data, size)
    pages.update(_wal_pages(wal_data, size))
    skip = _freelist(pages, pages.get(1, data), size) if header_ok else set()
    usable = size - (data[20] if header_ok else 0)
    for number, page in pages.items():
        if number not in skip:
            _scan(page, number, pages, usable, found)
    root = _index_root(pages, usable)
    if root is not None:
        found.index_complete = _walk_index(root, pages, usable, found, set())
    return found


def _index_root(pages: dict[int, bytes], usable: int) -> int | None:
    """The root page of the outbox's primary-key index, from the schema table on page 1 (its
    cells lie after the 100-byte header, so they survive a header overwritten)."""
    page = pages.get(1)
    if page is None or page[100] != TABLE_LEAF:
        return None
    for i in range(struct.unpack(">H", page[103:105])[0]):
        try:
            at = struct.unpack(">H", page[108 + 2 * i : 110 + 2 * i])[0]
            row = _record(_table_payload(page, at, pages, usable))
        except (_CorruptError, IndexError, struct.error, UnicodeDecodeError):
            continue
        if len(row) == 5 and row[1] == "sqlite_autoindex_outbox_1" and isinstance(row[3], int):
            return row[3]
    return None


# Complexity C (radon): a B-tree page walk: interior or leaf, each cell read or counted as
# unreadable.
def _walk_index(
    number: int, pages: dict[int, bytes], usable: int, found: Salvaged, seen: set[int]
) -> bool:
    """Collect the keys of the index below page ``number``; whether every page was read."""
    page = pages.get(number)
    if page is None or number in seen or page[0] not in (INDEX_LEAF, INDEX_INTERIOR):
        return False
    seen.add(number)
    interior = page[0] == INDEX_INTERIOR
    complete = True
    children: list[int] = []
    for i in range(struct.unpack(">H", page[3:5])[0]):
        try:
            at = struct.unpack(">H", page[(12 if interior else 8) + 2 * i :][:2])[0]
            if interior:
                children.append(struct.unpack(">I", page[at : at + 4])[0])
            key = _index_key(_index_payload(page, at + (4 if interior else 0), pages, usable))
        except (_CorruptError, IndexError, struct.error, UnicodeDecodeError):
            complete = False
            continue
        if key is None:
            complete = False
        else:
            found.indexed_ids.add(key)
    if interior:
        children.append(struct.unpack(">I", page[8:12])[0])
    for child in children:
        complete = _walk_index(child, pages, usable, found, seen) and complete
    return complete


def _header_page_size(data: bytes) -> int:
    size = struct.unpack(">H", data[16:18])[0]
    return 65536 if size == 1 else size


def _pages(data: bytes, size: int) -> dict[int, bytes]:
    """Whole pages only: a file truncated mid-page loses that page, not the ones before."""
    return {i // size + 1: data[i : i + size] for i in range(0, len(data) - size + 1, size)}


def _wal_pages(wal: bytes, size: int) -> dict[int, bytes]:
    """The newest committed version of each page in the log (frames after the last commit were
    never committed and are ignored; so is a log of another page size or a torn header)."""
    if len(wal) < 32 or struct.unpack(">I", wal[:4])[0] not in WAL_MAGICS:
        return {}
    if struct.unpack(">I", wal[8:12])[0] != size:
        return {}
    salts = wal[16:24]
    committed: dict[int, bytes] = {}
    pending: dict[int, bytes] = {}
    offset = 32
    while offset + 24 + size <= len(wal):
        number, commit = struct.unpack(">II", wal[offset : offset + 8])
        if wal[offset + 8 : offset + 16] != salts:
            break  # a frame left over from before the last checkpoint
        pending[number] = wal[offset + 24 : offset + 24 + size]
        if commit:
            committed.update(pending)
            pending.clear()
        offset += 24 + size
    return committed


def _freelist(pages: dict[int, bytes], first: bytes, size: int) -> set[int]:
    """The freelist's pages, from the header at the start of page 1 (``first``)."""
    free: set[int] = set()
    trunk = struct.unpack(">I", first[32:36])[0]
    while trunk and trunk not in free and trunk in pages:
        free.add(trunk)
        page = pages[trunk]
        count = struct.unpack(">I", page[4:8])[0]
        if count > (size - 8) // 4:
            break
        free.update(struct.unpack(f">{count}I", page[8 : 8 + 4 * count]))
        trunk = struct.unpack(">I", page[:4])[0]
    return free


def _scan(page: bytes, number: int, pages: dict[int, bytes], usable: int, found: Salvaged) -> None:
    start = 100 if number == 1 else 0
    if len(page) < start + 8:
        return
    kind = page[start]
    if kind != TABLE_LEAF:
        return
    cells = struct.unpack(">H", page[start + 3 : start + 5])[0]
    for i in range(cells):
        at = start + 8 + 2 * i
        if at + 2 > len(page):
            return
        pointer = struct.unpack(">H", page[at : at + 2])[0]
        try:
            row = _outbox_row(_table_payload(page, pointer, pages, usable))
        except (_CorruptError, IndexError, struct.error, UnicodeDecodeError, ValueError):
            continue
        if row is not None and row[0] not in found.rows:
            found.rows[row[0]] = row


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        if at + i >= len(buf):
            raise _CorruptError("varint past the end")
        byte = buf[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise _CorruptError("unreachable")


def _table_payload(page: bytes, at: int, pages: dict[int, bytes], usable: int) -> bytes:
    size, at = _varint(page, at)
    _, at = _varint(page, at)  # the rowid
    return _payload(page, at, size, pages, usable, usable - 35)


def _index_payload(page: bytes, at: int, pages: dict[int, bytes], usable: int) -> bytes:
    size, at = _varint(page, at)
    return _payload(page, at, size, pages, usable, (usable - 12) * 64 // 255 - 23)


def _payload(
    page: bytes, at: int, size: int, pages: dict[int, bytes], usable: int, most: int
) -> bytes:
    """A cell's payload, following its overflow chain when it does not fit in the page."""
    if size <= most:
        local = size
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (usable - 4)
        if local > most:
            local = least
    if size > 64 * 1024 * 1024:
        raise _CorruptError("payload size")
    body = page[at : at + local]
    if len(body) != local:
        raise _CorruptError("cell past the end of its page")
    if local == size:
        return body
    parts = [body]
    remaining = size - local
    following = struct.unpack(">I", page[at + local : at + local + 4])[0]
    seen: set[int] = set()
    while remaining > 0:
        if following in seen or following not in pages:
            raise _CorruptError("overflow chain broken")
        seen.add(following)
        overflow = pages[following]
        chunk = overflow[4 : 4 + min(remaining, usable - 4)]
        parts.append(chunk)
        remaining -= len(chunk)
        following = struct.unpack(">I", overflow[:4])[0]
    return b"".join(parts)


def _record(payload: bytes) -> list[object]:
    header_size, at = _varint(payload, 0)
    if header_size > len(payload):
        raise _CorruptError("record header")
    types: list[int] = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    values: list[object] = []
    at = header_size
    for serial in types:
        if serial == 0:
            values.append(None)
        elif 1 <= serial <= 6:
            width = (1, 2, 3, 4, 6, 8)[serial - 1]
            values.append(int.from_bytes(payload[at : at + width], "big", signed=True))
            at += width
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 13 and serial % 2 == 1:
            width = (serial - 13) // 2
            text = payload[at : at + width]
            if len(text) != width:
                raise _CorruptError("text past the end")
            values.append(text.decode("utf-8"))
            at += width
        else:
            raise _CorruptError(f"serial type {serial}")  # floats and blobs: not the outbox's
    return values


# Complexity C (radon): one type check per outbox column of a salvaged record: a record that fails
# any is not ours.
def _outbox_row(payload: bytes) -> Row | None:
    v = _record(payload)
    if len(v) != 9:
        return None
    id_, kind, decision, revision, body, objection, created_at, status, error = v
    if not (isinstance(id_, str) and UUID.match(id_)) or kind not in KINDS:
        return None
    if status not in STATUSES or not isinstance(decision, str) or not decision:
        return None
    if not (revision is None or isinstance(revision, int)) or objection not in (0, 1):
        return None
    if not (body is None or isinstance(body, str)) or not (error is None or isinstance(error, str)):
        return None
    if not isinstance(created_at, str):
        return None
    datetime.fromisoformat(created_at)  # ValueError: not ours
    return (
        id_,
        str(kind),
        decision,
        revision,
        body,
        int(objection),
        created_at,
        str(status),
        error,
    )


def _index_key(payload: bytes) -> str | None:
    v = _record(payload)
    if len(v) == 2 and isinstance(v[0], str) and UUID.match(v[0]) and isinstance(v[1], int):
        return v[0]
    return None
