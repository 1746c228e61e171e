"""The note of the client folder the last start used: found again for the same store (whatever
its password) and person, never for another."""

from __future__ import annotations

from pathlib import Path

from inbox.sync import last_start

PG = "postgresql://fred:old-secret@db.example:5432/inbox"


def test_the_same_store_finds_the_folder_whatever_its_password(tmp_path: Path) -> None:
    folder = tmp_path / "clients" / "fred@inbox-0123456789ab"
    last_start.remember(tmp_path, PG, folder, "fred")
    assert last_start.recall(tmp_path, PG, None) == last_start.LastStart(folder, "fred")
    other_password = PG.replace("old-secret", "new-secret")
    assert last_start.recall(tmp_path, other_password, "fred") == last_start.LastStart(
        folder, "fred"
    )
    written = (tmp_path / "clients" / last_start.FILE).read_text(encoding="utf-8")
    assert "secret" not in written and "db.example" not in written


def test_another_store_or_person_or_a_broken_note_finds_nothing(tmp_path: Path) -> None:
    last_start.remember(tmp_path, PG, tmp_path / "clients" / "fred-x", "fred")
    assert last_start.recall(tmp_path, PG.replace("/inbox", "/other"), None) is None
    assert last_start.recall(tmp_path, PG, "ana") is None
    (tmp_path / "clients" / last_start.FILE).write_text("{not json", encoding="utf-8")
    assert last_start.recall(tmp_path, PG, None) is None
    assert last_start.recall(tmp_path / "nowhere", PG, None) is None
