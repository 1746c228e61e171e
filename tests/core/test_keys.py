from __future__ import annotations

from inbox.core.keys import decision_order, decision_sort_key, format_key


def test_format_key() -> None:
    assert format_key(12) == "D-12"


def test_numeric_order() -> None:
    keys = ["D-10", "D-2", "D-1", "D-100", "D-20"]
    assert sorted(keys, key=decision_sort_key) == ["D-1", "D-2", "D-10", "D-20", "D-100"]


def test_parse() -> None:
    assert decision_sort_key("D-12") == ("D", 12)
    assert decision_sort_key("OPS-3") == ("OPS", 3)
    assert decision_sort_key("A-B-7") == ("A-B", 7)


def test_odd_keys_fall_back_without_raising() -> None:
    assert decision_sort_key("weird") == ("weird", -1)
    assert decision_sort_key("D-") == ("D-", -1)
    assert decision_sort_key("") == ("", -1)
    assert decision_sort_key("D-x1") == ("D-x1", -1)
    mixed = ["weird", "D-10", "D-2", ""]
    assert sorted(mixed, key=decision_sort_key) == ["", "D-2", "D-10", "weird"]


def test_the_flat_order_agrees_with_the_sort_key_and_breaks_ties_by_text() -> None:
    keys = ["D-10", "D-01", "D-2", "D-1", "weird", "OPS-3", "A-B-7", "", "D-", "D-x1"]
    assert sorted(keys, key=decision_order) == sorted(keys, key=lambda k: (decision_sort_key(k), k))
    assert sorted(["D-1", "D-01"], key=decision_order) == ["D-01", "D-1"]
