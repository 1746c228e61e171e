"""The window's local triage (snooze, done, restore) with Undo: a part of MainWindow kept in a
module of its own. Triage is this profile's alone, saved through ``DecisionService``; nothing
here reaches the store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from inbox.core.delta import item_id
from inbox.core.items import InboxItem
from inbox.core.model import Reason
from inbox.core.triage import Triage
from inbox.ui.action_answers import done_sentence, snooze_sentence


class TriageActions:
    """Mixed into ``MainWindow``, whose attributes and methods below it uses."""

    inbox: Any
    triage: Triage
    decisions: Any
    banner: Any
    undo_seconds: int

    say_why_not: Callable[[str], None]
    _announce_items: Callable[[], None]
    _update_actions: Callable[[], None]

    def _triage_note(self, key: str) -> str | None:
        """Where the selected item stands in this machine's triage: snoozed until when, done."""
        item = self.inbox.current_item()
        if item is None or item.key != key:
            return None
        snooze = self.triage.snooze_of(item)
        if snooze is not None:
            now = datetime.now().astimezone()
            return snooze_sentence(key, snooze.until, now).replace("Snoozed", "You snoozed", 1)
        if self.triage.is_done(item):
            return f"You marked {key} done; it comes back if the decision changes."
        return None

    def _snooze(self, until: str | None) -> None:
        # A row is a decision: snoozing it snoozes every item it shows (its chips), or the row
        # would stay in the list with the rest of them.
        items = self.inbox.current_items()
        if not items:
            self.say_why_not("snooze")
            return
        now = datetime.now().astimezone()
        ends = snooze_until(until, now)
        triage = self.triage
        for item in items:
            triage = triage.snooze(item, ends)
        self._triage_with_undo(items, triage, snooze_sentence(items[0].key, ends, now))

    def _on_done(self) -> None:
        item = self.inbox.current_item()
        if item is not None and item.reason is Reason.INFORMED:
            self._triage_with_undo((item,), self.triage.done(item), done_sentence(item))
        else:
            self.say_why_not("done")

    def _on_restore(self) -> None:
        item = self.inbox.current_item()
        if item is not None and item_id(item) in self.triage.ids():
            self._set_triage(self.triage.restore(item))
            self.banner.say(f"{item.key} is back in your inbox.")
        else:
            self.say_why_not("restore")

    def _triage_with_undo(self, items: Sequence[InboxItem], triage: Triage, said: str) -> None:
        wanted = {item_id(item) for item in items}
        before = {i: (self.triage.snoozed.get(i), self.triage.done_at.get(i)) for i in wanted}
        self._set_triage(triage)

        def undo() -> None:
            # Only these items go back as they were: other snoozes made meanwhile stay.
            snoozed = {k: v for k, v in self.triage.snoozed.items() if k not in wanted}
            done_at = {k: v for k, v in self.triage.done_at.items() if k not in wanted}
            for i, (snooze, done) in before.items():
                if snooze is not None:
                    snoozed[i] = snooze
                if done is not None:
                    done_at[i] = done
            self._set_triage(Triage(snoozed, done_at))
            self.banner.say(f"{items[0].key} is back as it was.")

        self.banner.say(said, seconds=self.undo_seconds, undo=undo)

    def _set_triage(self, triage: Triage) -> None:
        self.triage = triage
        self.inbox.set_triage(triage)
        self.decisions.save_triage(triage)
        self._announce_items()
        self._update_actions()


def snooze_until(choice: str | None, now: datetime) -> datetime | None:
    """When a snooze ends: None means "until the decision changes"."""
    if choice is None:
        return None
    if choice == "1h":
        return now + timedelta(hours=1)
    morning = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if choice == "week":
        return morning + timedelta(days=7 - now.weekday())
    return morning + timedelta(days=1)
