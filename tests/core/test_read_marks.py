"""Read marks: unread until opened at the current revision, never lowered, pruned to the inbox,
and a malformed file read as far as it is readable."""

from __future__ import annotations

from inbox.core.read_marks import ReadMarks


def test_unread_until_opened_at_the_current_revision() -> None:
    marks = ReadMarks()
    assert marks.unread("D-1", 1)
    opened = marks.opened("D-1", 2)
    assert not opened.unread("D-1", 2) and opened.unread("D-1", 3)
    assert opened.opened("D-1", 1) is opened  # an older revision never lowers the mark
    assert marks == ReadMarks()  # values: opening made a new one


def test_json_round_trip_prune_and_tolerance() -> None:
    marks = ReadMarks({"D-1": 2, "D-7": 1})
    assert ReadMarks.from_json(marks.to_json()) == marks
    assert marks.prune(["D-7", "D-9"]) == ReadMarks({"D-7": 1})
    broken = {"opened": {"D-1": 2, "D-2": "three", "": 1, "D-3": 0, "D-4": True}}
    assert ReadMarks.from_json(broken) == ReadMarks({"D-1": 2})
    assert ReadMarks.from_json(["not", "a", "dict"]) == ReadMarks()
