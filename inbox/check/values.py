"""How a value in a file is compared with a decision's: as text after trimming, or as numbers
when both sides are numbers (``15`` = ``15.0``), exactly (decimal, not binary floating point)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def number(text: str) -> Decimal | None:
    """The finite number ``text`` spells, else None (``nan``, ``inf`` and words are text)."""
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def same(found: str, asserted: str) -> bool:
    """Whether two values agree: numerically when both are numbers, else as trimmed text."""
    a, b = number(found), number(asserted)
    if a is not None and b is not None:
        return a == b
    return found.strip() == asserted.strip()


def scaled(asserted: str, scale: str | None) -> str | None:
    """What the file should hold for ``asserted`` at ``scale``; None when that is not a number
    (a scale applies to numbers only)."""
    if scale is None:
        return asserted.strip()
    a, factor = number(asserted), number(scale)
    if a is None or factor is None:
        return None
    return show(a * factor)


def show(value: Decimal) -> str:
    """``3600`` rather than ``3.6E+3``, ``0.5`` rather than ``0.50``."""
    text = format(value.normalize(), "f")
    return text


def matches(found: str, asserted: str, scale: str | None) -> bool:
    expected = scaled(asserted, scale)
    return expected is not None and same(found, expected)
