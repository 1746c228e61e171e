"""The new-decision and revise dialogs: filled fields become the right request, invalid input
keeps OK disabled with one sentence, and a minor revision cannot change assertions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from inbox.core.model import Decision, Revision, Role, State
from inbox.core.requests import AudienceChoice, NewDecision, ReviseDecision
from inbox.ui.decision_dialogs import NewDecisionDialog, ReviseDialog

T0 = datetime(2026, 11, 21, 9, tzinfo=UTC)
TEAMS = ["backend", "frontend", "mobile"]
PEOPLE = ["ana", "fred", "mo"]


def revision(number: int, assertions: dict[str, str], body: str = "Refresh tokens.") -> Revision:
    return Revision(
        number=number,
        title="Token refresh policy",
        body=body,
        summary="",
        minor=False,
        author="ana",
        created_at=T0,
        assertions=assertions,
    )


def token_decision() -> Decision:
    return Decision(
        key="D-1",
        owner="ana",
        team="backend",
        state=State.FINALIZED,
        version=3,
        deadline=None,
        superseded_by=None,
        created_at=T0,
        revisions=(
            revision(1, {"auth.token.refresh_minutes": "15"}),
            revision(2, {"auth.token.refresh_minutes": "60", "auth.token.grace_minutes": "5"}),
        ),
    )


def new_dialog(qtbot: QtBot) -> NewDecisionDialog:
    dialog = NewDecisionDialog(TEAMS, PEOPLE)
    qtbot.addWidget(dialog)
    return dialog


def test_new_decision_fields_become_the_request(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("  Pagination style  ")
    dialog.body_edit.setPlainText("Use **cursors**.")
    dialog.team_box.setCurrentIndex(dialog.team_box.findData("backend"))
    kind, name, role = dialog.audience.add_row()
    name.setCurrentText("frontend")
    kind, name, role = dialog.audience.add_row()
    kind.setCurrentIndex(kind.findData("person"))
    name.setCurrentText("mo")
    role.setCurrentIndex(role.findData(Role.CONSULT))
    key, value = dialog.assertions.add_row()
    key.setText("api.pagination")
    value.setText(" cursor ")

    assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
    assert dialog.request() == NewDecision(
        title="Pagination style",
        body="Use **cursors**.",
        team="backend",
        audience=(
            AudienceChoice("team", "frontend", Role.ACK),
            AudienceChoice("person", "mo", Role.CONSULT),
        ),
        assertions={"api.pagination": "cursor"},
    )


def test_changing_the_kind_offers_the_other_list(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    kind, name, _ = dialog.audience.add_row()
    assert [name.itemText(i) for i in range(name.count())] == TEAMS
    kind.setCurrentIndex(kind.findData("person"))
    assert [name.itemText(i) for i in range(name.count())] == PEOPLE


def test_no_owning_team_is_none(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("A")
    assert dialog.request().team is None


@pytest.mark.parametrize(
    ("title", "sentence"),
    [
        ("", "The title is empty; give a short title."),
        ("   ", "The title is empty; give a short title."),
        ("x" * 201, "The title has 201 characters; shorten it to 200 or fewer."),
    ],
)
def test_a_bad_title_disables_ok_with_the_core_sentence(
    qtbot: QtBot, title: str, sentence: str
) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText(title)
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == sentence
    with pytest.raises(ValueError, match="title"):
        dialog.request()
    dialog.title_edit.setText("x" * 200)
    assert dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == ""


def test_a_body_over_one_megabyte_is_refused(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("Big")
    dialog.body_edit.setPlainText("é" * 500_001)  # 1,000,002 bytes in UTF-8
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "The body is larger than 1 MB; link to a longer document instead."
    )


@pytest.mark.parametrize(
    ("rows", "sentence"),
    [
        (
            [("auth token", "1")],
            "The assertion key 'auth token' is malformed; use a dotted name like auth.token.ttl.",
        ),
        (
            [("", "60")],
            "An assertion has a value but no key; give it a dotted key like auth.token.ttl.",
        ),
        (
            [("a.b", "1"), ("a.b", "2")],
            "The assertion key 'a.b' appears twice; keep one row for it.",
        ),
    ],
)
def test_bad_assertions_disable_ok(
    qtbot: QtBot, rows: list[tuple[str, str]], sentence: str
) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("T")
    for key, value in rows:
        dialog.assertions.add_row(key, value)
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == sentence


def test_an_empty_assertion_row_is_ignored_and_a_removed_row_is_gone(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("T")
    dialog.assertions.add_row()
    dialog.assertions.add_row("bad key", "1")
    assert not dialog.ok_button.isEnabled()
    dialog.assertions.remove_row(dialog.assertions.rows[1][0])
    assert dialog.ok_button.isEnabled()
    assert dialog.request().assertions == {}


def test_audience_problems_disable_ok(qtbot: QtBot) -> None:
    dialog = new_dialog(qtbot)
    dialog.title_edit.setText("T")
    _, name, _ = dialog.audience.add_row()
    name.setCurrentText("")
    assert dialog.problem_label.text() == (
        "An audience row has no name; choose a team or a person, or remove the row."
    )
    name.setCurrentText("sales")
    assert dialog.problem_label.text() == (
        "There is no team 'sales' in the store; pick one from the list."
    )
    name.setCurrentText("frontend")
    assert dialog.ok_button.isEnabled()
    _, second, _ = dialog.audience.add_row()
    second.setCurrentText("frontend")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "team:frontend is in the audience twice; keep one row for it."
    )


# --- revise ---------------------------------------------------------------------------------


def revise_dialog(qtbot: QtBot) -> ReviseDialog:
    dialog = ReviseDialog(token_decision())
    qtbot.addWidget(dialog)
    return dialog


def assertion_row(dialog: ReviseDialog, key: str) -> tuple[object, object]:
    for _, key_edit, value_edit in dialog.assertions.rows:
        if key_edit.text() == key:
            return key_edit, value_edit
    raise KeyError(key)


def test_revise_is_prefilled_with_the_current_revision(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    assert dialog.title_edit.text() == "Token refresh policy"
    assert dialog.body_edit.toPlainText() == "Refresh tokens."
    assert dialog.assertions.assertions() == {
        "auth.token.refresh_minutes": "60",
        "auth.token.grace_minutes": "5",
    }
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "This revision would change nothing in D-1; give a new title, body or assertion."
    )


def test_the_change_summary_is_required(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    dialog.body_edit.setPlainText("Refresh tokens every hour.")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text() == (
        "A revision needs a summary of the change; say in one line what changed."
    )
    dialog.summary_edit.setText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.summary_edit.setText("Clarify the body")
    assert dialog.ok_button.isEnabled()


def test_a_minor_wording_change_is_requested_against_the_opened_revision(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    dialog.body_edit.setPlainText("Refresh tokens every hour.")
    dialog.summary_edit.setText("Wording")
    assert dialog.minor_box.isEnabled()
    dialog.minor_box.setChecked(True)
    assert dialog.request() == ReviseDecision(
        key="D-1",
        summary="Wording",
        expect_revision=2,
        title=None,
        body="Refresh tokens every hour.",
        minor=True,
    )


def test_changing_an_assertion_disables_minor_with_an_explanation(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    dialog.summary_edit.setText("Shorter refresh")
    dialog.minor_box.setChecked(True)
    _, value = assertion_row(dialog, "auth.token.refresh_minutes")
    value.setText("30")  # type: ignore[attr-defined]

    assert not dialog.minor_box.isEnabled()
    assert not dialog.minor_box.isChecked()
    assert dialog.minor_note.text().startswith("A minor revision cannot change assertions")
    assert dialog.ok_button.isEnabled()
    request = dialog.request()
    assert request.minor is False
    assert request.set_assertions == {"auth.token.refresh_minutes": "30"}
    assert request.unset_assertions == ()

    value.setText("60")  # type: ignore[attr-defined]
    assert dialog.minor_box.isEnabled()
    assert dialog.minor_note.text() == ""


def test_adding_and_removing_assertions(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    dialog.summary_edit.setText("No grace; new scope")
    key_edit, _ = assertion_row(dialog, "auth.token.grace_minutes")
    dialog.assertions.remove_row(key_edit.parentWidget())  # type: ignore[attr-defined]
    dialog.assertions.add_row("auth.token.scope", "read")
    assert not dialog.minor_box.isEnabled()
    request = dialog.request()
    assert request.set_assertions == {"auth.token.scope": "read"}
    assert request.unset_assertions == ("auth.token.grace_minutes",)
    assert request.expect_revision == 2


def test_a_new_title_alone_is_a_change(qtbot: QtBot) -> None:
    dialog = revise_dialog(qtbot)
    dialog.title_edit.setText("Token refresh")
    dialog.summary_edit.setText("Shorter title")
    request = dialog.request()
    assert (request.title, request.body) == ("Token refresh", None)


def test_the_owning_team_is_one_of_the_owners_teams(qtbot: QtBot) -> None:
    one = NewDecisionDialog(TEAMS, PEOPLE, owner_teams=["backend"], owner="ana")
    qtbot.addWidget(one)
    one.title_edit.setText("Pagination style")
    assert [one.team_box.itemData(i) for i in range(one.team_box.count())] == ["backend"]
    assert one.problem() is None and one.request().team == "backend"

    two = NewDecisionDialog(TEAMS, PEOPLE, owner_teams=["frontend", "backend"], owner="tess")
    qtbot.addWidget(two)
    two.title_edit.setText("Pagination style")
    assert two.problem() == "You are in backend, frontend; choose the team that owns it."
    two.team_box.setCurrentIndex(two.team_box.findData("frontend"))
    assert two.problem() is None and two.request().team == "frontend"

    none = NewDecisionDialog(TEAMS, PEOPLE, owner_teams=[], owner="nobody")
    qtbot.addWidget(none)
    none.title_edit.setText("Pagination style")
    assert "`decision-inbox person add nobody --team NAME`" in (none.problem() or "")
