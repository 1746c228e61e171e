"""PolicyRunner: the notification policy run against each sync, shared by ``watch`` and the app.

Each sync round's delta goes through :func:`decide`, deadline reminders and held popups released
after quiet hours or a pause; each popup is shown, and then the policy's memory is saved beside
the outbox. Shown first, remembered second: a crash in between repeats a popup rather than losing
one (the only window left open, as measured). Runs on the sync engine's thread.

Popups follow the truth afterwards (:mod:`inbox.notify.screen`): a popup about a decision that
already has one on screen is shown with ``replaces`` set, and once a round's inbox no longer
holds the item a popup is about, ``withdraw`` is called with that popup.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

from inbox.core.delta import InboxDelta
from inbox.notify.policy import decide, release, reminders_due
from inbox.notify.screen import Screen, place, withdrawals
from inbox.notify.values import PolicyState, Popup, Settings

log = logging.getLogger(__name__)

POLICY_KEY = "notify.policy"  # in the profile's state file


class PolicyRunner:
    def __init__(
        self,
        user: str,
        settings: Settings,
        *,
        load: Callable[[str], str | None],
        save: Callable[[str, str], None],
        show: Callable[[Popup], None],
        withdraw: Callable[[Popup], None] | None = None,
    ) -> None:
        """``load``/``save`` read and write a text value by key in the profile's state file;
        ``show`` puts one popup in front of the person (it may raise: that popup is then kept
        for the next round, since the memory is not saved). The memory is read at the first
        round, on the engine's thread: the app builds its runner on the GUI thread, where the
        state file (SQLite) is not to be read. ``withdraw`` takes a popup off the screen (it may
        raise: that is logged, and the popup is forgotten all the same); without it (``watch``)
        nothing is withdrawn."""
        self.user = user
        self.settings = settings
        self._load = load
        self._save = save
        self._show = show
        self._withdraw = withdraw
        self._policy: PolicyState | None = None
        self._screen = Screen()

    def _memory(self) -> PolicyState:
        if self._policy is None:
            saved = self._load(POLICY_KEY)
            try:
                self._policy = PolicyState.from_json(json.loads(saved)) if saved else PolicyState()
            except ValueError as exc:
                log.warning("forgetting unreadable notification memory: %s", exc)
                self._policy = PolicyState()
        return self._policy

    def on_delta(self, delta: InboxDelta, now: datetime) -> list[Popup]:
        """The popups this round raised, already shown and remembered."""
        settings = self.settings  # one read: the GUI thread may swap it (pause from the tray)
        memory = self._memory()
        state, popups = decide(memory, delta, self.user, now, settings, owned=delta.owned)
        state, reminders = reminders_due(state, delta.items, self.user, now, settings)
        state, released = release(state, now, settings)
        shown = []
        for popup in [*popups, *reminders, *released]:
            screen, placed = place(self._screen, popup)
            self._show(placed)
            self._screen = screen
            shown.append(placed)
        if state != memory:
            self._save(POLICY_KEY, json.dumps(state.to_json()))
            self._policy = state
        self._screen, gone = withdrawals(self._screen, delta.items)
        for popup in gone:
            self._take_down(popup)
        return shown

    def _take_down(self, popup: Popup) -> None:
        if self._withdraw is None:
            return
        try:
            self._withdraw(popup)
        except Exception:  # a popup left on screen is a nuisance, not a reason to stop syncing
            log.exception("could not withdraw the popup %s", popup.id)
