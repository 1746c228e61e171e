"""PySide6 makes every import after its own slower; this module takes that tax off.

When ``PySide6.QtCore`` is imported it replaces ``builtins.__import__``, and from then on reads
the whole source (``inspect.getsource``) of every module imported for the first time, to learn
whether it uses PySide: that is how it supports its opt-in ``from __feature__ import
snake_case, true_property``. The app imports some three hundred modules after PySide (its own,
and SQLAlchemy's and psycopg's once the window shows), so the scan costs a good part of the
start (measured on the store's imports: 20 to 50 % of their time). Decision Inbox uses no
``__feature__``, so the scan's answer is taken without reading any source: PySide's own modules
are still scanned, this project's are marked as using PySide (so PySide keeps its fast path for
their calls), and everything else as not using it. For a module that never asks for a feature,
either mark means the same: no feature.
Described upstream in https://github.com/napari/napari/issues/8584 (PySide6's
``shibokensupport/feature.py``, ``feature_imported`` and ``_mod_uses_pyside``). PySide6 is
pinned exactly (pyproject.toml); if the hook is not where it is expected, nothing is changed.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - installs the import hook this module adjusts

_OWN = ("PySide6", "shiboken6", "shibokensupport", "signature_bootstrap", "__feature__")


def skip_feature_scan() -> bool:
    """Mark modules as not using PySide's features without reading their source; False when
    this PySide6 has no such hook (then imports stay as they are)."""
    feature = sys.modules.get("shibokensupport.feature")
    scan = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(scan) or getattr(scan, "skips", False):
        return scan is not None

    def uses_pyside(module: ModuleType) -> bool:
        name = getattr(module, "__name__", "") or ""
        if name.startswith(_OWN):
            return bool(scan(module))
        return name == "inbox" or name.startswith("inbox.")

    uses_pyside.skips = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
