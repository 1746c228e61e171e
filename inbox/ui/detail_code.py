"""The detail pane's lines about the code: who relies on the decision's keys, and what each
repository's latest check said (``check --report``), beside the acknowledgments."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from inbox.core.detail import DecisionDetail
from inbox.core.times import relative


def code_lines(detail: DecisionDetail) -> list[tuple[str, str]]:
    """(object name, text) of each line, in the order shown."""
    lines: list[tuple[str, str]] = []
    if detail.relied_on_label:
        lines.append(
            ("relied_on_by", detail.relied_on_label[:1].upper() + detail.relied_on_label[1:])
        )
    yours = dict.fromkeys(r.yours for r in detail.relies_on)
    if yours and not detail.is_owner:
        lines.append(("you_rely_on", f"You rely on {', '.join(yours)}"))
    for n, agreement in enumerate(detail.code):
        when = relative(agreement.check.at, detail.now)
        lines.append((f"code_{n}", f"{agreement.value.key}: {agreement.label}, {when}"))
    return lines


def add_code_lines(detail: DecisionDetail, layout: QVBoxLayout) -> None:
    from inbox.ui.detail_sections import plain_label  # the sections' one label maker

    for name, text in code_lines(detail):
        label: QLabel = plain_label(text, text)
        label.setObjectName(name)
        layout.addWidget(label)
