"""Fixtures the packaging tests share with other folders: an X screen (tests/x11) and a private
Secret Service (tests/sync), for the standalone build's smoke test."""

from tests.sync.conftest import private_bus, secret_service
from tests.x11.screen import x_display

__all__ = ["private_bus", "secret_service", "x_display"]
