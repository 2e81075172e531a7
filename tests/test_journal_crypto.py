"""Encryption at rest: no plaintext on disk, passphrase checks, atomic re-keying."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from companion.journal import (
    Journal,
    JournalError,
    PassphraseRequiredError,
    WrongPassphraseError,
)
from companion.journal import crypto as crypto_module
from companion.paths import data_dir

MARKER = "Zebra-marker: I froze during the code blue on ward 7 and told nobody"


def fill(journal: Journal, marker: str = MARKER) -> int:
    """Put the marker in every kind of text field."""
    sid = journal.start_session("reflection " + marker)
    journal.add_message(sid, "resident", marker)
    journal.end_session(sid, {"headline": marker})
    journal.add_checkin({"burnout": 4, "sleep": 2})
    journal.add_topic("coping " + marker, marker, marker, card_ids=[marker],
                      resident_words=[marker], questions=[marker], session_id=sid)
    journal.add_meeting("2026-01-01", {"note": marker}, marker,
                        [{"text": marker, "owner": marker}])
    journal.record_safety_event(sid, "concern", [marker])
    return sid


def files_containing(needle: str) -> list[Path]:
    """Every file in the data directory whose bytes contain ``needle`` (UTF-8)."""
    raw = needle.encode()
    return [p for p in data_dir().rglob("*") if p.is_file() and raw in p.read_bytes()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_plaintext_control_the_grep_finds_the_marker():
    with Journal.open() as journal:
        fill(journal)
        assert files_containing(MARKER)


def test_no_plaintext_in_wal_before_checkpoint_nor_in_db_after():
    journal = Journal.open(passphrase="correct horse")
    assert journal.is_encrypted
    fill(journal)
    wal = journal.path.with_name(journal.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the records sit in the WAL right now
    assert files_containing(MARKER) == []
    assert files_containing("Zebra-marker") == []
    journal.close()  # checkpoint into the main file
    assert files_containing(MARKER) == []
    with Journal.open(passphrase="correct horse") as again:
        session = again.sessions()[0]
        assert again.session(session.id).messages[0].text == MARKER
        assert again.topics()[0].resident_words == [MARKER]
        assert again.meetings()[0].follow_ups[0].owner == MARKER


def test_missing_and_wrong_passphrase_change_nothing():
    with Journal.open(passphrase="right one") as journal:
        fill(journal)
    before = {p.name: digest(p) for p in data_dir().iterdir() if p.is_file()}
    with pytest.raises(PassphraseRequiredError, match="encrypted"):
        Journal.open()
    with pytest.raises(WrongPassphraseError, match="does not unlock.*Nothing was changed"):
        Journal.open(passphrase="wrong one")
    after = {p.name: digest(p) for p in data_dir().iterdir() if p.is_file()}
    assert after == before
    with Journal.open(passphrase="right one") as journal:  # the lock was released
        assert journal.sessions()[0].summary["headline"] == MARKER


def test_change_passphrase_reencrypts_everything():
    journal = Journal.open(passphrase="old pass")
    fill(journal)
    with pytest.raises(WrongPassphraseError):
        journal.change_passphrase("not the old one", "new pass")
    journal.change_passphrase("old pass", "new pass")
    assert files_containing(MARKER) == []
    assert journal.messages(journal.sessions()[0].id)[0].text == MARKER  # still usable
    journal.close()
    with pytest.raises(WrongPassphraseError):
        Journal.open(passphrase="old pass")
    with Journal.open(passphrase="new pass") as again:
        assert again.topics()[0].title == MARKER
        assert again.integrity_check() == "ok"


def test_set_passphrase_on_a_plaintext_journal_leaves_no_plaintext_copy():
    journal = Journal.open()
    fill(journal)
    assert files_containing(MARKER)
    journal.set_passphrase("fresh secret")
    assert files_containing(MARKER) == []  # old pages vacuumed, WAL truncated
    with pytest.raises(JournalError, match="already encrypted"):
        journal.set_passphrase("again")
    journal.close()
    assert files_containing(MARKER) == []
    with pytest.raises(PassphraseRequiredError):
        Journal.open()


def test_remove_passphrase_decrypts():
    journal = Journal.open(passphrase="secret words")
    fill(journal)
    with pytest.raises(WrongPassphraseError):
        journal.remove_passphrase("guess")
    assert journal.is_encrypted
    journal.remove_passphrase("secret words")
    assert not journal.is_encrypted
    journal.close()
    with Journal.open() as plain:
        assert plain.sessions()[0].summary == {"headline": MARKER}


def test_rekey_failure_midway_is_rolled_back(monkeypatch):
    journal = Journal.open(passphrase="keep me please")
    fill(journal)
    calls = {"n": 0}
    real_seal = crypto_module.AesGcmCodec.seal

    def failing_seal(self, text, place, minimum=0):
        calls["n"] += 1
        if calls["n"] == 6:  # after some rows were already re-sealed
            raise RuntimeError("disk full")
        return real_seal(self, text, place, minimum)

    # a local context: monkeypatch.undo() would also undo the COMPANION_HOME fixture
    with monkeypatch.context() as patch:
        patch.setattr(crypto_module.AesGcmCodec, "seal", failing_seal)
        with pytest.raises(RuntimeError, match="disk full"):
            journal.change_passphrase("keep me please", "never set")
    assert calls["n"] == 6
    assert journal.sessions()[0].summary == {"headline": MARKER}
    journal.close()
    with pytest.raises(WrongPassphraseError):
        Journal.open(passphrase="never set")
    with Journal.open(passphrase="keep me please") as again:
        assert again.topics()[0].rationale == MARKER


def test_sealed_values_are_bound_to_their_column():
    with Journal.open(passphrase="column key") as journal:
        sid = journal.start_session("f")
        journal.add_message(sid, "resident", "hello")
        path = journal.path
    conn = sqlite3.connect(path)  # an attacker swaps ciphertexts between columns
    conn.execute("UPDATE messages SET text = role")
    conn.commit()
    conn.close()
    with Journal.open(passphrase="column key") as journal:
        with pytest.raises(JournalError, match="messages.text"):
            journal.messages(sid)


def test_empty_passphrase_is_refused():
    with Journal.open() as journal, pytest.raises(JournalError, match="must not be empty"):
        journal.set_passphrase("")


def test_passphrase_given_to_an_empty_plain_journal_turns_encryption_on():
    Journal.open().close()  # e.g. the app created the file before a passphrase was chosen
    with Journal.open(passphrase="chosen later") as journal:
        assert journal.is_encrypted
        fill(journal)
    assert files_containing(MARKER) == []
    with pytest.raises(PassphraseRequiredError):
        Journal.open()


def test_passphrase_is_ignored_for_a_plain_journal_with_records():
    with Journal.open() as journal:
        journal.start_session("f")
    with Journal.open(passphrase="too late") as journal:
        assert not journal.is_encrypted
        assert len(journal.sessions()) == 1


@pytest.mark.real_kdf
def test_real_key_derivation_cost_and_salt_are_stored():
    import json

    from companion.journal import crypto

    assert crypto.DEFAULT_KDF["n"] >= 2**17  # the shipped cost, not the tests' cheap one
    with Journal.open(passphrase="real cost") as journal:
        path = journal.path
    conn = sqlite3.connect(path)
    kdf = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'kdf'").fetchone()[0])
    conn.close()
    assert kdf["name"] == "scrypt" and kdf["n"] >= 2**17 and len(bytes.fromhex(kdf["salt"])) == 16
    with Journal.open(passphrase="real cost") as journal:
        assert journal.is_encrypted
