"""The journal's tables, their ordered migrations, and which columns are sealed.

A journal records the versions applied in ``schema_version``. Opening runs the
missing migrations in order, inside one transaction, and refuses (without
writing) a journal whose version is newer than :data:`SCHEMA_VERSION`.

:data:`SEALED_COLUMNS` lists every column that holds the resident's words. When
a passphrase is set these hold AES-GCM ciphertext; re-keying walks this list,
so a new text column must be added here or it would stay in plaintext.
Timestamps, ids, ordering positions and the topic status stay plain so the
store can sort and filter without decrypting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from companion.journal.errors import JournalCorruptError, JournalNewerSchemaError

SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "sessions": ("flow", "summary"),
    "messages": ("role", "text", "safety_level", "privacy"),
    "checkins": ("answers", "scores"),
    "topics": ("topic_id", "title", "rationale", "card_ids", "resident_words", "questions"),
    "meetings": ("agenda", "notes"),
    "follow_ups": ("text", "owner"),
    "safety_events": ("level", "reasons"),
    "safety_plan": ("parts",),
}

TOPIC_STATUSES = ("suggested", "accepted", "dismissed", "shared", "discussed")

_V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    flow,                                   -- sealed
    started_at TEXT NOT NULL,
    ended_at TEXT,
    summary                                 -- sealed JSON
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role,                                   -- sealed
    text,                                   -- sealed
    safety_level,                           -- sealed
    created_at TEXT NOT NULL
);
CREATE INDEX messages_by_session ON messages(session_id, id);
CREATE TABLE checkins (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    answers,                                -- sealed JSON
    scores                                  -- sealed JSON
);
CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    topic_id,                               -- sealed
    title,                                  -- sealed
    rationale,                              -- sealed
    card_ids,                               -- sealed JSON
    resident_words,                         -- sealed JSON
    questions,                              -- sealed JSON
    status TEXT NOT NULL CHECK (status IN ({", ".join(repr(s) for s in TOPIC_STATUSES)})),
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    agenda,                                 -- sealed JSON
    notes                                   -- sealed
);
CREATE TABLE follow_ups (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER REFERENCES meetings(id) ON DELETE CASCADE,
    text,                                   -- sealed
    owner,                                  -- sealed
    due_date TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    done_at TEXT
);
CREATE TABLE safety_events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    level,                                  -- sealed
    reasons,                                -- sealed JSON
    created_at TEXT NOT NULL
);
"""

# (version, description, apply). Append only; never edit a released migration.
Migration = tuple[int, str, Callable[[sqlite3.Connection], None]]
MIGRATIONS: list[Migration] = [
    (1, "sessions, messages, check-ins, topics, meetings, follow-ups, safety events",
     lambda conn: _run_script(conn, _V1)),
    # What the resident chose for a message holding possible patient identifiers:
    # "keep" (stored as typed) or "redact"; NULL when none were found. Sealed.
    (2, "messages.privacy: the resident's choice about identifiers in a message",
     lambda conn: _run_script(conn, "ALTER TABLE messages ADD COLUMN privacy")),
    # The resident's personal safety plan: one row, its six parts as sealed JSON.
    (3, "safety_plan: the resident's personal safety plan (sealed JSON)",
     lambda conn: _run_script(conn, "CREATE TABLE safety_plan (id INTEGER PRIMARY KEY, "
                                    "parts, updated_at TEXT NOT NULL)")),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction; run statement by statement.
    for statement in script.split(";"):
        lines = [line.split("--")[0] for line in statement.splitlines()]
        sql = "\n".join(lines).strip()
        if sql:
            conn.execute(sql)


def now_iso() -> str:
    """UTC timestamp with microseconds (sortable as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def current_version(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of an open database: 0 for an empty (new) database.

    Raises:
        JournalCorruptError: the database has tables but is not a companion journal.
    """
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return 0
    if "schema_version" not in tables:
        raise JournalCorruptError(path, "it has no schema_version table")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    """Return the version, refusing journals newer than this code understands."""
    version = current_version(conn, path)
    if version > SCHEMA_VERSION:
        raise JournalNewerSchemaError(path, version, SCHEMA_VERSION)
    return version


def migrate(conn: sqlite3.Connection, path: Path) -> list[int]:
    """Apply the missing migrations in order, in one transaction; return those applied."""
    version = check_version(conn, path)
    pending = [m for m in MIGRATIONS if m[0] > version]
    if not pending:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            conn.execute(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        for number, description, apply in pending:
            apply(conn)
            conn.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                (number, description, now_iso()),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return [m[0] for m in pending]
