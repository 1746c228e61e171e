"""Ending the helper processes tests start (dbus-daemon, gnome-keyring, the mock notification
server, Xvfb, trayer)."""

from __future__ import annotations

import subprocess


def stop_process(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 5.0
) -> None:
    """Terminate ``process``, kill it if it lingers past ``timeout`` seconds; always reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
