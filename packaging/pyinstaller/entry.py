"""The standalone build's entry point: the ``decision-inbox`` command, frozen."""

import sys


def _set_windows_app_id() -> None:
    # Windows groups a process's windows and toasts by its AppUserModelID; without one set before
    # the first window, toasts are attributed to the bare executable and lose their buttons. The
    # installer's Start-menu shortcut carries the same id (packaging/windows/decision-inbox.iss).
    import ctypes

    from inbox import APP_ID

    ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)


if __name__ == "__main__":
    if sys.platform == "win32":
        _set_windows_app_id()
    from inbox.cli.main import main

    sys.exit(main())
