"""The locked journal as an attacker reads it: sizes, plaintext metadata, swapped ciphertexts.

Each test reads the raw SQLite file with the standard library, the way someone
holding a copy of the file would, and checks what it gives away. Old journals
(``tests/data/legacy_journals``, written by the code before sealed-format 2)
must open unchanged in content and be upgraded in place.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from companion.journal import (
    Journal,
    JournalError,
    JournalTamperedError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from companion.journal import reseal as reseal_module
from companion.journal import store as store_module
from companion.journal.crypto import FORMAT_V1, FORMAT_V2, MIN_BUCKET, bucket
from companion.journal.schema import SCHEMA_VERSION

LEGACY = Path(__file__).parent / "data" / "legacy_journals"
LEGACY_PASSPHRASE = "correct horse battery"
PASSPHRASE = "a long enough passphrase"


def raw(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def tables(path: Path) -> set[str]:
    return {r[0] for r in raw(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def every_value(path: Path) -> list[object]:
    """Every stored value but the migration log (the code's own descriptions)."""
    values: list[object] = []
    for table in tables(path) - {"schema_version"}:
        for row in raw(path, f"SELECT * FROM {table}"):
            values.extend(row)
    return values


def legacy_copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(LEGACY / f"{name}.sqlite3", target)
    return target


def expected_dump(name: str) -> dict:
    return json.loads((LEGACY / f"expected-{name}.json").read_text(encoding="utf-8"))


def comparable(dump: dict) -> dict:
    """The dump as JSON data, without what is newer than the fixtures: the safety plan,
    and each topic's plan (need, decision, deadline), empty in a journal that had none."""
    data = json.loads(json.dumps(dump))
    assert data.pop("safety_plan", {}) == {}
    topics = data.get("topics", []) + [t for s in data.get("sessions", [])
                                       for t in s.get("topics", [])]
    for topic in topics:
        assert [topic.pop(name) for name in ("need", "decision", "deadline")] == ["", "", ""]
    return data


def test_labels_seal_to_one_size_whatever_role_level_flow_or_status(tmp_path):
    db = tmp_path / "j.sqlite3"
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        calm = journal.start_session("weekly-checkin")
        hard = journal.start_session("after-adverse-event")
        journal.add_message(calm, "companion", "How was the week?")
        journal.add_message(calm, "resident", "Fine, slept well.", safety_level="none")
        journal.add_message(hard, "resident", "I keep thinking of ending it", safety_level="crisis")
        journal.add_message(hard, "resident", "Not sure I'm safe", safety_level="check")
        journal.record_safety_event(hard, "crisis", ["self-harm language", "answer: yes"])
        journal.record_safety_event(hard, "check", ["passive wish"])
        for status in ("suggested", "accepted", "dismissed", "shared", "discussed"):
            journal.add_topic("t", "A topic", status=status)
        journal.add_meeting("2026-02-10", {}, "", [{"text": "Call", "due_date": "2026-03-01"},
                                                   "No due date"])
    sizes = {
        "role": raw(db, "SELECT DISTINCT length(role) FROM messages"),
        "level": raw(db, "SELECT DISTINCT length(safety_level) FROM messages"),
        "privacy": raw(db, "SELECT DISTINCT length(privacy) FROM messages"),
        "flow": raw(db, "SELECT DISTINCT length(flow) FROM sessions"),
        "status": raw(db, "SELECT DISTINCT length(status) FROM topics"),
        "due": raw(db, "SELECT DISTINCT length(due_date) FROM follow_ups"),
        # no events and two events: the same padded size
        "safety": raw(db, "SELECT DISTINCT length(safety) FROM sessions"),
    }
    for column, found in sizes.items():
        assert len(found) == 1, (column, found)
    assert sizes["role"] == sizes["status"] == sizes["flow"]
    assert raw(db, "SELECT COUNT(*) FROM follow_ups WHERE due_date IS NULL") == [(0,)]
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        assert [e.level for e in journal.safety_events(hard)] == ["crisis", "check"]
        assert journal.safety_events(calm) == []
        assert [f.due_date for f in journal.meetings()[0].follow_ups] == ["2026-03-01", None]


def test_the_crisis_reply_seals_to_the_size_of_a_one_word_message(tmp_path):
    from retrieval_support import sample_cards

    from companion.dialogue.engine import Engine
    from companion.retrieval.embedding import HashingEmbedder
    from companion.retrieval.retriever import Retriever
    from companion.safety import SafetyScreen

    db = tmp_path / "j.sqlite3"
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        embedder = HashingEmbedder()
        engine = Engine(retriever=Retriever.open(cards=sample_cards(), embedder=embedder,
                                                 index_dir=tmp_path / "index"),
                        embedder=embedder, journal=journal,
                        screener=SafetyScreen(embedder=False).screen)
        sid = engine.start("after-hard-shift").session_id
        engine.turn(sid, "ok")
        engine.turn(sid, "I want to kill myself tonight")
        texts = [m.text for m in journal.messages(sid)]
        assert any(m.safety_level == "crisis" for m in journal.messages(sid))
    assert max(len(t.encode()) for t in texts) > 800  # the resources reply is long
    assert len(raw(db, "SELECT DISTINCT length(text) FROM messages")) == 1


def test_padding_buckets_grow_by_powers_of_two_then_steps():
    assert bucket(1) == bucket(MIN_BUCKET) == MIN_BUCKET
    assert bucket(MIN_BUCKET + 1) == 2 * MIN_BUCKET
    assert bucket(5000) == 8192 and bucket(16385) == 32768 and bucket(40000) == 49152


def test_no_status_date_safety_row_or_label_stays_plain_in_the_locked_file(tmp_path):
    db = tmp_path / "j.sqlite3"
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        sid = journal.start_session("after-adverse-event")
        journal.add_message(sid, "resident", "words", safety_level="crisis")
        journal.record_safety_event(sid, "crisis", ["answer: yes"])
        journal.add_topic("t", "A topic", status="discussed", session_id=sid)
        journal.add_meeting("2031-07-19", {}, "", [{"text": "x", "due_date": "2031-08-23"}])
    assert "safety_events" not in tables(db)
    with Journal.open(tmp_path / "calm.sqlite3", passphrase=PASSPHRASE) as calm:
        calm.start_session("weekly-checkin")
    meta = "SELECT key, length(value) FROM meta WHERE key != 'cleanup' ORDER BY key"
    assert raw(db, meta) == raw(tmp_path / "calm.sqlite3", meta)  # no trace of the event
    texts = [v for v in every_value(db) if isinstance(v, str)]
    for secret in ("discussed", "crisis", "after-adverse-event", "2031-07-19", "2031-08-23",
                   "answer: yes", "resident"):
        assert not any(secret in text for text in texts), secret
    blobs = [v for v in every_value(db) if isinstance(v, bytes)]
    assert blobs and all(b[:1] in (FORMAT_V1, FORMAT_V2) for b in blobs)
    assert sum(b[:1] == FORMAT_V1 for b in blobs) == 1  # only the passphrase verifier


def test_a_ciphertext_swapped_between_two_rows_is_a_clear_tamper_error(tmp_path):
    db = tmp_path / "j.sqlite3"
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        sid = journal.start_session("f")
        first = journal.add_message(sid, "resident", "I am fine")
        second = journal.add_message(sid, "resident", "I am not fine at all")
    conn = sqlite3.connect(db)  # an attacker swaps the two texts, column and all intact
    with conn:
        a, b = (conn.execute("SELECT text FROM messages WHERE id = ?", (i,)).fetchone()[0]
                for i in (first, second))
        conn.execute("UPDATE messages SET text = ? WHERE id = ?", (b, first))
        conn.execute("UPDATE messages SET text = ? WHERE id = ?", (a, second))
    conn.close()
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        with pytest.raises(JournalTamperedError, match=f"messages.text of row {first}") as caught:
            journal.messages(sid)
    assert "tampered with" in str(caught.value) and "not fine" not in str(caught.value)


def test_a_message_moved_to_another_session_is_a_tamper_error(tmp_path):
    db = tmp_path / "j.sqlite3"
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        private = journal.start_session("f")
        other = journal.start_session("g")
        moved = journal.add_message(private, "resident", "only for this session")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE messages SET session_id = ? WHERE id = ?", (other, moved))
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        with pytest.raises(JournalTamperedError, match="messages.role of row"):
            journal.messages(other)


def test_a_legacy_encrypted_journal_opens_unchanged_and_is_upgraded_in_place(tmp_path):
    db = legacy_copy(tmp_path, "encrypted")
    old_kdf = json.loads(raw(db, "SELECT value FROM meta WHERE key = 'kdf'")[0][0])
    assert old_kdf["n"] == 2**15 and "safety_events" in tables(db)
    with pytest.raises(WrongPassphraseError):
        Journal.open(db, passphrase="not the passphrase")
    assert raw(db, "SELECT MAX(version) FROM schema_version") == [(2,)]  # nothing written
    with Journal.open(db, passphrase=LEGACY_PASSPHRASE) as journal:
        assert comparable(journal.dump()) == expected_dump("encrypted")
        assert [(e.id, e.level) for e in journal.safety_events()] == [(1, "check"), (2, "crisis")]
        assert journal.record_safety_event(1, "check", ["again"]) == 3
    assert raw(db, "SELECT MAX(version) FROM schema_version") == [(SCHEMA_VERSION,)]
    assert "safety_events" not in tables(db)
    blobs = [v for v in every_value(db) if isinstance(v, bytes)]
    assert sum(b[:1] == FORMAT_V1 for b in blobs) == 1  # every value re-sealed but the verifier
    assert not [v for v in every_value(db) if v in ("accepted", "dismissed", "2026-02-10")]
    kdf = json.loads(raw(db, "SELECT value FROM meta WHERE key = 'kdf'")[0][0])
    assert kdf == old_kdf  # the key is kept until the next passphrase change


@pytest.mark.real_kdf
def test_the_next_passphrase_change_takes_the_shipped_scrypt_cost(tmp_path):
    db = legacy_copy(tmp_path, "encrypted")
    with Journal.open(db, passphrase=LEGACY_PASSPHRASE) as journal:
        with pytest.raises(WeakPassphraseError, match="at least 8"):
            journal.change_passphrase(LEGACY_PASSPHRASE, "short")
        journal.change_passphrase(LEGACY_PASSPHRASE, PASSPHRASE)
    kdf = json.loads(raw(db, "SELECT value FROM meta WHERE key = 'kdf'")[0][0])
    assert kdf["n"] >= 2**17 and kdf["r"] == 8
    with Journal.open(db, passphrase=PASSPHRASE) as journal:
        assert comparable(journal.dump())["topics"] == expected_dump("encrypted")["topics"]


def test_a_legacy_plain_journal_opens_unchanged_and_moves_its_safety_events(tmp_path):
    db = legacy_copy(tmp_path, "plain")
    with Journal.open(db) as journal:
        assert comparable(journal.dump()) == expected_dump("plain")
        assert not journal.is_encrypted
    assert "safety_events" not in tables(db)
    with Journal.open(db) as journal:  # and again, now in today's format
        assert comparable(journal.dump()) == expected_dump("plain")
        journal.set_passphrase(PASSPHRASE)
        assert comparable(journal.dump()) == expected_dump("plain")


def test_a_failing_upgrade_changes_nothing(tmp_path, monkeypatch):
    db = legacy_copy(tmp_path, "encrypted")
    real = reseal_module.reseal_all

    def fail_after_resealing(*args, **kwargs):
        real(*args, **kwargs)
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(reseal_module, "reseal_all", fail_after_resealing)
        with pytest.raises(JournalError, match="not enough free disk space"):
            Journal.open(db, passphrase=LEGACY_PASSPHRASE)
    assert raw(db, "SELECT MAX(version) FROM schema_version") == [(2,)]
    assert "safety_events" in tables(db)
    with Journal.open(db, passphrase=LEGACY_PASSPHRASE) as journal:
        assert comparable(journal.dump()) == expected_dump("encrypted")


def test_an_upgraded_journal_refuses_old_format_values(tmp_path):
    db = legacy_copy(tmp_path, "encrypted")
    old_text = raw(db, "SELECT text FROM messages WHERE id = 2")[0][0]
    Journal.open(db, passphrase=LEGACY_PASSPHRASE).close()
    with sqlite3.connect(db) as conn:  # an attacker puts back a value from an old copy
        conn.execute("UPDATE messages SET text = ? WHERE id = 2", (old_text,))
    with Journal.open(db, passphrase=LEGACY_PASSPHRASE) as journal:
        with pytest.raises(JournalTamperedError, match="messages.text of row 2"):
            journal.messages(1)


def test_new_passphrases_need_eight_characters_old_short_ones_still_open(tmp_path,
                                                                          monkeypatch):
    db = tmp_path / "j.sqlite3"
    with monkeypatch.context() as patch:  # a journal from before the rule, passphrase "abc"
        patch.setattr(store_module, "MIN_PASSPHRASE_CHARS", 1)
        Journal.open(db, passphrase="abc").close()
    with pytest.raises(WeakPassphraseError):
        Journal.open(tmp_path / "new.sqlite3", passphrase="seven77")
    with Journal.open(db, passphrase="abc") as journal:
        journal.start_session("f")
        with pytest.raises(WeakPassphraseError, match="at least 8 characters"):
            journal.change_passphrase("abc", "1234567")
        journal.change_passphrase("abc", "12345678")
    with Journal.open(tmp_path / "plain.sqlite3") as plain:
        with pytest.raises(WeakPassphraseError):
            plain.set_passphrase("short")
        assert not plain.is_encrypted
