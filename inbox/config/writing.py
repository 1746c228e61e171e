"""Saving a :class:`~inbox.config.values.Config` into config.json, atomically, keeping what it
does not know or does not show.

Only the values that differ from what the file says now are written: a key no version knows, a
key of a section that is not in Config, a value written in another spelling ("22:00:00") and a
value that cannot be parsed stay as the person wrote them. ``replace_invalid`` (the settings
dialog, where the person saw the defaults shown for such values and chose) writes those too.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from inbox.config import keys
from inbox.config.reading import parse, read_object
from inbox.config.values import Config
from inbox.notify.values import POPUP_REASONS


# Complexity C (radon): only changed values are written, into their section, keeping mutes the
# dialog does not show; those guards decide together what the file keeps.
def save(path: Path, config: Config, *, replace_invalid: bool = False) -> None:
    """Write ``config`` into config.json at ``path`` (created with its folder when missing).

    Raises ``UsageError`` when the file is there but is not readable JSON, and ``OSError``
    when it cannot be written."""
    data = read_object(path)
    now = parse(data, strict=False)
    before, after = encode(now.config), encode(config)
    for dotted, value in after.items():
        if value == before[dotted] and not (
            replace_invalid and _invalid(dotted, {p.key for p in now.problems})
        ):
            continue
        section, _, name = dotted.rpartition(".")
        target = data
        if section:
            if not isinstance(data.get(section), dict):
                data[section] = {}
            target = data[section]
        if dotted == "notifications.muted" and not replace_invalid:
            value = sorted({*value, *_unknown_kinds(target.get(name))})
        target[name] = value
    for name in keys.OBSOLETE:
        data.pop(name, None)
    write_object(path, data)


def encode(config: Config) -> dict[str, Any]:
    """``config`` as config.json's values, by dotted key."""
    notes, sync = config.notifications, config.sync
    return {
        "store": config.store.strip() or None,
        "user": config.user.strip() or None,
        "remember_password": config.remember_password,
        "notifications.muted": sorted(notes.muted),
        "notifications.quiet_start": _clock(notes.quiet_start),
        "notifications.quiet_end": _clock(notes.quiet_end),
        "notifications.paused_until": notes.paused_until.isoformat()
        if notes.paused_until
        else None,
        "notifications.notifier": notes.notifier,
        "sync.mode": sync.mode,
        "sync.poll_seconds": sync.poll_seconds,
    }


def write_object(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old file or the new one,
    never half of one, and a crash leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _invalid(dotted: str, invalid: set[str]) -> bool:
    # A section that is not an object makes each of its keys invalid.
    return dotted in invalid or dotted.partition(".")[0] in invalid


def _unknown_kinds(raw: Any) -> list[str]:
    if not isinstance(raw, list):
        return []
    return [name for name in raw if isinstance(name, str) and name not in POPUP_REASONS]


def _clock(moment: Any) -> str | None:
    return moment.strftime("%H:%M") if moment is not None else None
