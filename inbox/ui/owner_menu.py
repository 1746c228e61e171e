"""The owner's actions as the menus list them; kept apart from ``owner_actions`` (their dialogs),
which the window imports only when one is used, after its first frame."""

from __future__ import annotations

# (action name, menu text, shortcuts); the names match DecisionDetail.actions
MENU: tuple[tuple[str, str, list[str]], ...] = (
    ("revise", "&Revise…", ["R"]),
    ("open", "&Open for feedback…", ["Ctrl+Shift+O"]),
    ("finalize", "Finali&ze…", ["Ctrl+Shift+F"]),
    ("supersede", "Su&persede…", ["Ctrl+Shift+S"]),
    ("withdraw", "&Withdraw…", ["Ctrl+Shift+W"]),
)
