"""An open decision offers no acknowledgment anywhere: not in the detail's actions (the window's
Acknowledge, the detail buttons), not as an inbox item the tray menu or a popup could acknowledge,
and the rule's refusal names the deadline and the next step (docs/decisions/0010)."""

from __future__ import annotations

import pytest

from inbox.core.detail import build_detail
from inbox.core.errors import LifecycleError
from inbox.core.inbox import compute_inbox
from inbox.core.lifecycle import check_transition
from inbox.core.model import ACKNOWLEDGEABLE, State
from inbox.notify.notifier import can_acknowledge
from inbox.notify.values import Popup
from tests.core.builders import NOW, TOMORROW, decision, snapshot


@pytest.mark.parametrize("state", [State.DRAFT, State.OPEN])
def test_no_acknowledge_action_before_finalization(state: State) -> None:
    d = decision(state=state, ack=["team:frontend"], consult=["team:frontend"], deadline=TOMORROW,
                 acks=[("fred", 1)])  # taken by a v3 store while it was open  # fmt: skip
    world = snapshot(d)
    detail = build_detail(world, "D-1", "fred", NOW)
    assert "acknowledge" not in detail.actions
    assert ("feedback" in detail.actions) is (state is State.OPEN)
    assert all(c.acknowledged == () for c in detail.coverage)
    items = compute_inbox("fred", world, NOW)
    assert not [i for i in items if i.reason in ACKNOWLEDGEABLE]  # so no tray Acknowledge
    for item in items:
        popup = Popup(id="p", key=item.key, title="t", body="b", reason=str(item.reason),
                      revision=item.revision)  # fmt: skip
        assert not can_acknowledge(popup)


def test_finalized_still_offers_it() -> None:
    world = snapshot(decision(ack=["team:frontend"]))
    assert "acknowledge" in build_detail(world, "D-1", "fred", NOW).actions


def test_the_refusal_names_the_deadline_and_feedback() -> None:
    with pytest.raises(LifecycleError) as refused:
        check_transition("D-3", State.OPEN, "acknowledge", deadline=TOMORROW)
    assert str(refused.value) == (
        f"D-3 is open for feedback until {TOMORROW:%Y-%m-%d %H:%M} UTC; acknowledge it once it "
        "is finalized, or give feedback with `decision-inbox feedback D-3 --text …`."
    )
