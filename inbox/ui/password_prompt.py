"""Asking for a store password once per session, when no trusted keyring can keep it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from inbox.ui.validated_dialog import ValidatedDialog


class PasswordDialog(ValidatedDialog):
    """``url_shown`` must already be redacted (``SettingsService.shown_url``)."""

    def __init__(self, url_shown: str, user: str, parent: QWidget | None = None) -> None:
        super().__init__("Store password", parent)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.password_edit.textChanged.connect(self.revalidate)
        note = QLabel(
            f"The password of {user} for {url_shown}. No trusted keyring can keep it, so it is "
            "kept in memory until Decision Inbox quits."
        )
        note.setWordWrap(True)
        note.setAccessibleName("Why the password is asked")
        form = QFormLayout()
        form.addRow(note)
        form.addRow("&Password", self.password_edit)
        self.finish(form)

    def problem(self) -> str | None:
        if not self.password_edit.text():
            return "Type the password to connect, or cancel to stay offline."
        return None

    def password(self) -> str:
        return self.password_edit.text()


def ask_password(parent: QWidget | None, url_shown: str, user: str) -> str | None:
    """The password typed, or None when the person cancelled."""
    dialog = PasswordDialog(url_shown, user, parent)
    try:
        if dialog.exec() == PasswordDialog.DialogCode.Accepted:
            return dialog.password()
        return None
    finally:
        dialog.password_edit.clear()
        dialog.deleteLater()
