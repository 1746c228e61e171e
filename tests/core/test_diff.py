"""Revision diffs: title, unified body diff and assertion changes."""

from __future__ import annotations

from inbox.core.diff import (
    NO_NEWLINE,
    AssertionChange,
    RevisionDiff,
    apply_assertion_changes,
    diff_revisions,
    format_diff,
)
from tests.core.builders import rev

KEY = "auth.token.refresh_minutes"


def test_identical_revisions_give_empty_diff() -> None:
    r = rev(1, "T", "body\n", {KEY: "15"})
    d = diff_revisions(r, r)
    assert d.is_empty()
    assert d == RevisionDiff(1, 1, None, "", ())
    assert format_diff(d) == []


def test_assertion_changed_added_removed_sorted() -> None:
    old = rev(1, assertions={KEY: "15", "z.gone": "3", "b.same": "x"})
    new = rev(3, assertions={KEY: "60", "auth.token.grace_minutes": "5", "b.same": "x"})
    d = diff_revisions(old, new)
    assert d.assertions == (
        AssertionChange("auth.token.grace_minutes", None, "5"),
        AssertionChange(KEY, "15", "60"),
        AssertionChange("z.gone", "3", None),
    )
    assert d.title is None
    assert d.body == ""
    assert not d.is_empty()
    assert format_diff(d) == [
        "+ auth.token.grace_minutes = 5",
        f"{KEY}: 15 → 60",
        "- z.gone (was 3)",
    ]


def test_title_change() -> None:
    d = diff_revisions(rev(1, title="A"), rev(2, title='B "quoted"'))
    assert d.title == ("A", 'B "quoted"')
    assert format_diff(d) == ['Title: "A" → "B \\"quoted\\""']


def test_body_unified_diff_headers_and_lines() -> None:
    old = rev(1, body="# Policy\n\nRefresh every 15 minutes.\n")
    new = rev(3, body="# Policy\n\nRefresh every 60 minutes.\nGrace: 5 minutes.\n")
    d = diff_revisions(old, new)
    lines = d.body.split("\n")
    assert lines[:2] == ["--- r1", "+++ r3"]
    assert lines[2].startswith("@@")
    assert "-Refresh every 15 minutes." in lines
    assert "+Refresh every 60 minutes." in lines
    assert "+Grace: 5 minutes." in lines
    assert " # Policy" in lines
    assert not d.body.endswith("\n")
    assert format_diff(d) == lines


def test_body_differing_only_in_final_newline_still_diffs() -> None:
    d = diff_revisions(rev(1, body="a"), rev(2, body="a\n"))
    assert d.body
    assert d.body.split("\n") == ["--- r1", "+++ r2", "@@ -1 +1 @@", "-a", NO_NEWLINE, "+a"]


def test_format_order_title_assertions_body() -> None:
    d = diff_revisions(rev(1, "A", "x\n", {"k": "1"}), rev(2, "B", "y\n", {"k": "2"}))
    out = format_diff(d)
    assert out[0] == 'Title: "A" → "B"'
    assert out[1] == "k: 1 → 2"
    assert out[2:4] == ["--- r1", "+++ r2"]


def test_to_json() -> None:
    d = diff_revisions(rev(1, "A", "", {"k": "1"}), rev(2, "B", "", {}))
    assert d.to_json() == {
        "from_revision": 1,
        "to_revision": 2,
        "title": {"old": "A", "new": "B"},
        "body": "",
        "assertions": [{"key": "k", "old": "1", "new": None}],
    }
    assert diff_revisions(rev(1), rev(2)).to_json()["title"] is None


def test_apply_changes_round_trip() -> None:
    old = {"a": "1", "b": "2"}
    new = {"b": "3", "c": "4"}
    d = diff_revisions(rev(1, assertions=old), rev(2, assertions=new))
    assert apply_assertion_changes(old, d.assertions) == new
