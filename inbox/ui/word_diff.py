"""A word-level diff of two Markdown texts, as Markdown with the changed words marked.

The new text is kept as written (its Markdown still renders: headings, lists, emphasis), each
inserted word is wrapped in a pair of private-use characters, and each deleted word is put back
where it was, escaped so that it renders literally, wrapped in another pair. No HTML is made:
the renderer keeps refusing raw HTML, and the view turns the marks into character formats
after rendering (:func:`inbox.ui.detail_changes.render_marked`), then removes them.

Pure Python, no Qt; bounded: texts above :data:`MAX_CHARS` are not compared word by word
(``None``), because the matcher's cost grows with the product of the two lengths.
"""

from __future__ import annotations

import difflib
import re

INS_START, INS_END = "\ue000", "\ue001"
DEL_START, DEL_END = "\ue002", "\ue003"
MARKS = frozenset({INS_START, INS_END, DEL_START, DEL_END})
MAX_CHARS = 60_000  # per side
_TOKENS = re.compile(r"\s+|\S+")
# Block syntax on its own (list bullets, heading hashes, quote marks, table pipes): wrapping it
# would stop the line from being a list item or a heading, so it is never marked.
_BLOCK_SYNTAX = re.compile(r"^(#{1,6}|[-*+>|]|\d{1,9}[.)]|:?-{3,}:?|`{3,}|~{3,})$")
_EDGE_MARKUP = "*_~`"
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def marked_markdown(old: str, new: str) -> str | None:
    """``new`` with the words inserted since ``old`` and the words removed from it marked, or
    None when either text is too long to compare word by word."""
    if len(old) > MAX_CHARS or len(new) > MAX_CHARS:
        return None
    if any(mark in old or mark in new for mark in MARKS):
        # A text that carries the marks itself would be mis-marked; strip them from both.
        old, new = _strip_marks(old), _strip_marks(new)
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(after[j1:j2])
            continue
        if tag in ("delete", "replace"):
            out.append(_deleted(before[i1:i2]))
        if tag in ("insert", "replace"):
            out.extend(_inserted_runs(after[j1:j2]))
    return "".join(out)


def _deleted(tokens: list[str]) -> str:
    words = [t for t in tokens if not t.isspace() and not _BLOCK_SYNTAX.match(t)]
    if not words:
        return ""
    # Escaped so that the removed words render as the words they were, never as markup (a
    # removed "[" must not open a link that neither revision has).
    text = " ".join(_PUNCTUATION.sub(r"\\\1", w.strip(_EDGE_MARKUP) or w) for w in words)
    return f"{DEL_START}{text}{DEL_END} "


def _inserted_runs(tokens: list[str]) -> list[str]:
    """The inserted tokens, each run of words on one line marked as one span (so the spaces
    between them are marked too); line breaks and block syntax stay outside the marks."""
    out: list[str] = []
    run: list[str] = []

    def close() -> None:
        trailing = run.pop() if run and run[-1].isspace() else ""  # stays outside the mark
        if run:
            out.append(_marked("".join(run)))
        out.append(trailing)
        run.clear()

    for token in tokens:
        if (token.isspace() and "\n" in token) or _BLOCK_SYNTAX.match(token):
            close()
            out.append(token)
        elif token.isspace() and not run:
            out.append(token)
        else:
            run.append(token)
    close()
    return out


def _marked(text: str) -> str:
    core = text.strip(_EDGE_MARKUP)
    if not core:
        return text
    start = text.index(core)
    end = start + len(core)
    return f"{text[:start]}{INS_START}{core}{INS_END}{text[end:]}"


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in text if ch not in MARKS)
