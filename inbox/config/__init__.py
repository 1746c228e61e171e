"""The person's configuration: one typed value read from and saved into config.json
(:func:`load`, :func:`save`), and where the profile's files live (:mod:`inbox.config.profile`).
"""

from inbox.config.reading import load, parse
from inbox.config.values import Config, Loaded, NotificationConfig, Problem, SyncConfig
from inbox.config.writing import save

__all__ = [
    "Config",
    "Loaded",
    "NotificationConfig",
    "Problem",
    "SyncConfig",
    "load",
    "parse",
    "save",
]
