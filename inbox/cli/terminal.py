"""Text from other people, made harmless for a terminal.

Titles, bodies, assertion values and names come from anyone who can write to the store. Printed
as they are, an escape sequence in a title clears the screen or retitles the terminal, ``\\e[8m``
hides the text after it, and a newline in a title prints a line that looks like another inbox
item. Every human-readable line the command line prints goes through :func:`safe`; every value
that belongs on one line goes through :func:`inline` as well. JSON output needs neither: the
encoder escapes control characters itself.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 controls (U+0080–U+009F: a terminal may read
# U+009B as the start of an escape sequence, like ESC [).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\n\x0b\x0c\r\x85\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(
        code, f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )


def safe(text: str) -> str:
    """``text`` with every control character but newline and tab shown as an escape."""
    return _UNSAFE.sub(_visible, text)


def inline(text: str) -> str:
    """``text`` for one line: control characters and line breaks shown as escapes."""
    return _UNSAFE.sub(_visible, _LINE_BREAKS.sub(_visible, text))
