"""The safety plan in the journal: sealed, exported, deleted, never in an agenda."""

from __future__ import annotations

import pytest

from companion.journal import Journal, JournalError
from companion.sharing import build_agenda

MARKER = "Quokka-plan-marker hand the insulin pens to Sam"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    from companion.journal import crypto

    monkeypatch.setitem(crypto.DEFAULT_KDF, "n", 2**12)


def raw_bytes(journal: Journal) -> bytes:
    return b"".join(p.read_bytes() for p in journal.path.parent.glob(journal.path.name + "*")
                    if p.is_file())


def test_plan_round_trips_and_empty_parts_are_dropped(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        assert journal.safety_plan() == {}
        kept = journal.save_safety_plan({"warning_signs": "  no sleep  ", "on_my_own": ""})
        assert kept == {"warning_signs": "no sleep"}
        journal.save_safety_plan({"on_my_own": "a walk"})
        assert journal.safety_plan() == {"on_my_own": "a walk"}
        with pytest.raises(JournalError):
            journal.save_safety_plan({"bogus": "x"})
        assert journal.delete_safety_plan() is True
        assert journal.safety_plan() == {} and journal.delete_safety_plan() is False


def test_plan_is_sealed_with_a_passphrase_in_db_and_wal(tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3", passphrase="correct horse")
    try:
        journal.save_safety_plan({"safer_surroundings": MARKER})
        assert MARKER.encode() not in raw_bytes(journal)  # the WAL holds the fresh write
        assert journal.safety_plan() == {"safer_surroundings": MARKER}
    finally:
        journal.close()
    assert MARKER.encode() not in raw_bytes(journal)
    with Journal.open(tmp_path / "j.sqlite3", passphrase="correct horse") as again:
        assert again.safety_plan() == {"safer_surroundings": MARKER}


def test_plan_is_sealed_when_a_passphrase_is_set_later(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.save_safety_plan({"warning_signs": MARKER})
        assert MARKER.encode() in raw_bytes(journal)
        journal.set_passphrase("correct horse")
        assert MARKER.encode() not in raw_bytes(journal)
        assert journal.safety_plan() == {"warning_signs": MARKER}


def test_plan_is_exported_deleted_and_not_in_an_agenda(tmp_path):
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        sid = journal.start_session("free-reflection")
        topic = journal.add_topic("t", "A topic", session_id=sid)
        journal.update_topic(topic.id, status="accepted")
        journal.save_safety_plan({"ask_for_help": MARKER})
        assert MARKER in journal.export("md") and MARKER in journal.export("json")
        assert MARKER not in repr(build_agenda(journal, resident="R"))
        assert journal.delete_all()["safety_plan"] == 1
        assert journal.safety_plan() == {}
        assert MARKER.encode() not in raw_bytes(journal)
