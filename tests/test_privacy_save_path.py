"""The save path: after a default turn, a raw read of the database shows no identifier.

Reads the SQLite file with the standard library, every column of every table, so
a redaction that only happened in the returned result (or a copy stored in
topics, summaries or safety events) would fail here. A resident's "keep" is
stored as typed and recorded with the message.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from retrieval_support import sample_cards

from companion.dialogue.engine import Engine
from companion.journal import Journal
from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.retriever import Retriever
from companion.safety import SafetyScreen

IDENTIFIERS = {
    "Delphine Arsenault": "I told Delphine Arsenault she has ALS and I keep seeing her face.",
    "521B": "The lady in 521B was admitted 9/9 and nobody called her daughter.",
    "9/9": "The lady in 521B was admitted 9/9 and nobody called her daughter.",
    "4471823": "I wrote MRN 447\u200b1823 on my glove and forgot to throw it out.",
    "617-555-0142": "Her son's cell is 617-555-0142 and he calls every hour.",
    "PJN604217H": "His pacemaker serial PJN604217H was left on the printer.",
    "Gonzalez": "Maria Gonzalez's husband asked me if she would wake up.",
}


def raw_text(path: Path) -> str:
    """Every value of every table, as one string (the file as an attacker would read it)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = []
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):  # noqa: S608 - names from the file
                values += [str(v) for v in row if v is not None]
        return "\n".join(values)
    finally:
        conn.close()


def make_engine(tmp_path, journal) -> Engine:
    embedder = HashingEmbedder()
    retriever = Retriever.open(cards=sample_cards(), embedder=embedder,
                               index_dir=tmp_path / "index")
    return Engine(retriever=retriever, embedder=embedder, journal=journal,
                  screener=SafetyScreen(embedder=False).screen)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "journal.sqlite3"


def test_a_default_turn_stores_no_identifier_anywhere_in_the_database(tmp_path, db):
    with Journal.open(db) as journal:
        engine = make_engine(tmp_path, journal)
        choices = []
        for text in dict.fromkeys(IDENTIFIERS.values()):
            sid = engine.start("free-reflection").session_id
            result = engine.turn(sid, text)  # a caller other than the app: no privacy= given
            assert result.privacy is not None and result.privacy["applied"] == "redact"
            engine.end(sid)  # the summary and any topics are stored too
            choices += [m.privacy for m in journal.session(sid).messages
                        if m.role == "resident"]
    stored = raw_text(db)
    assert "[PATIENT]" in stored and "[MRN]" in stored  # the messages are there, redacted
    for identifier in IDENTIFIERS:
        assert identifier not in stored, identifier
    assert "\u200b" not in stored.split("[MRN]")[0][-5:]  # the hidden character went with it
    assert choices == ["redact"] * len(choices) and len(choices) == 6


def test_a_crisis_with_identifiers_is_stored_redacted(tmp_path, db):
    with Journal.open(db) as journal:
        engine = make_engine(tmp_path, journal)
        sid = engine.start("free-reflection").session_id
        result = engine.turn(sid, "After Delphine Arsenault died I want to kill myself tonight.",
                             privacy="ask")
        assert result.state == "crisis"
    stored = raw_text(db)
    assert "Arsenault" not in stored and "kill myself" in stored


def test_keep_is_the_residents_choice_and_is_recorded_with_the_message(tmp_path, db):
    text = IDENTIFIERS["Delphine Arsenault"]
    with Journal.open(db) as journal:
        engine = make_engine(tmp_path, journal)
        sid = engine.start("free-reflection").session_id
        asked = engine.turn(sid, text, privacy="ask")
        assert asked.state == "privacy" and "Arsenault" not in raw_text(db)
        engine.turn(sid, text, privacy="keep")
        engine.turn(sid, "Clinic ran late and I skipped lunch.")
        resident = [m for m in journal.session(sid).messages if m.role == "resident"]
    assert [(m.text, m.privacy) for m in resident] == [
        (text, "keep"), ("Clinic ran late and I skipped lunch.", None)]
    assert "Arsenault" in raw_text(db)  # kept, because the resident chose it


def test_a_journal_from_before_the_privacy_column_opens_and_records_choices(db):
    # a journal written by the code of schema 2, taken back to version 1 (no privacy column)
    shutil.copyfile(Path(__file__).parent / "data" / "legacy_journals" / "plain.sqlite3", db)
    conn = sqlite3.connect(db)  # a message as the version-1 code wrote it
    with conn:
        conn.execute("ALTER TABLE messages DROP COLUMN privacy")
        conn.execute("DELETE FROM schema_version WHERE version = 2")
        sid = conn.execute("INSERT INTO sessions (flow, started_at, summary) "
                           "VALUES ('free-reflection', '2026-01-01', '{}')").lastrowid
        conn.execute("INSERT INTO messages (session_id, role, text, safety_level, created_at) "
                     "VALUES (?, 'resident', 'an old message', 'none', '2026-01-01')", (sid,))
        assert "privacy" not in [r[1] for r in conn.execute("PRAGMA table_info(messages)")]
    conn.close()
    with Journal.open(db) as journal:
        journal.add_message(sid, "resident", "Mr. [PATIENT] thanked me", privacy="redact")
        messages = journal.session(sid).messages
    assert [(m.text, m.privacy) for m in messages] == [
        ("an old message", None), ("Mr. [PATIENT] thanked me", "redact")]


def test_an_unknown_privacy_choice_is_refused(db):
    from companion.journal import JournalError

    with Journal.open(db) as journal:
        sid = journal.start_session("free-reflection")
        with pytest.raises(JournalError, match="privacy"):
            journal.add_message(sid, "resident", "text", privacy="maybe")


def test_colleagues_from_settings_are_not_asked_about(tmp_path, db):
    text = "I told Delphine Arsenault about my week and she listened."
    with Journal.open(db) as journal:
        engine = make_engine(tmp_path, journal)
        sid = engine.start("free-reflection").session_id
        assert engine.turn(sid, text, privacy="ask").state == "privacy"
        engine.colleagues = ("Arsenault",)
        assert engine.turn(sid, text, privacy="ask").state != "privacy"


def test_the_colleagues_setting_is_a_list_of_names(tmp_path):
    from companion.settings import Settings, SettingsError

    path = tmp_path / "settings.yaml"
    path.write_text("colleagues: [Priya, Okafor]\n", encoding="utf-8")
    assert Settings.load(path).colleagues == ["Priya", "Okafor"]
    path.write_text("colleagues: [Priya, 3]\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="colleagues"):
        Settings.load(path)
    assert Settings().colleagues == [] and Settings().colleagues is not Settings().colleagues
