"""The journal's tables, their ordered migrations, and which columns are sealed.

A journal records the versions applied in ``schema_version``. Opening runs the
missing migrations in order, inside one transaction, and refuses (without
writing) a journal whose version is newer than :data:`SCHEMA_VERSION`.

:data:`SEALED` lists every column that holds the resident's words or what
they reveal (roles, safety levels, flow names, topic statuses, meeting and due
dates, safety events). When a passphrase is set these hold padded AES-GCM
ciphertext bound to their row; re-keying walks this list, so a new column must
be added here or it would stay in plaintext. Row ids, parent ids, ordering
positions, creation and update times and the done flag of follow-ups stay
plain, so the store can join and order without decrypting; the README's
privacy section lists them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion.journal.errors import (
    JournalCorruptError,
    JournalMissingTableError,
    JournalNewerSchemaError,
)


@dataclass(frozen=True)
class SealedTable:
    """The sealed columns of one table and the column naming the row's parent."""

    columns: tuple[str, ...]
    parent: str | None = None
    """Bound into every sealed value with the row id (a message cannot move sessions)."""


SEALED: dict[str, SealedTable] = {
    "sessions": SealedTable(("flow", "summary", "safety")),
    "messages": SealedTable(("role", "text", "safety_level", "privacy"), "session_id"),
    "checkins": SealedTable(("answers", "scores")),
    "topics": SealedTable(("topic_id", "title", "rationale", "card_ids", "resident_words",
                           "questions", "status", "plan"), "session_id"),
    "meetings": SealedTable(("date", "agenda", "notes")),
    "follow_ups": SealedTable(("text", "owner", "due_date"), "meeting_id"),
    "safety_plan": SealedTable(("parts",)),
}
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {t: spec.columns for t, spec in SEALED.items()}
META_SEALED_KEYS = ("safety", "safety_next", "plan_offer")
"""``meta`` rows whose value is sealed: safety events without a session, the next event id,
the answer to the one-time offer of a safety plan."""

SAFETY_BUCKET = 1024
"""Minimum padded size of a session's safety events, so none and a few look alike."""
MESSAGE_BUCKET = 2048
"""Minimum padded size of a message's text: the crisis reply (resources, ~1.1 kB) must
look like any short message, or its size would tell that a crisis screen fired."""

PLAN_BUCKET = 512
"""Minimum padded size of a topic's plan: a need, a decision of a sentence or two and a
deadline seal to the same size as no plan at all."""

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

_V4 = """
ALTER TABLE sessions ADD COLUMN safety;     -- sealed JSON: the session's safety events
CREATE TABLE topics_v3 (
    id INTEGER PRIMARY KEY,
    topic_id,                               -- sealed
    title,                                  -- sealed
    rationale,                              -- sealed
    card_ids,                               -- sealed JSON
    resident_words,                         -- sealed JSON
    questions,                              -- sealed JSON
    status NOT NULL,                        -- sealed (checked by the store)
    session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO topics_v3 SELECT id, topic_id, title, rationale, card_ids, resident_words,
    questions, status, session_id, position, created_at, updated_at FROM topics;
DROP TABLE topics;
ALTER TABLE topics_v3 RENAME TO topics
"""


def _v4(conn: sqlite3.Connection, codec: Any, path: Path) -> None:
    from companion.journal import reseal

    _run_script(conn, _V4)
    reseal.upgrade_to_format_2(conn, codec, path)


def _v5(conn: sqlite3.Connection, codec: Any, path: Path) -> None:
    """Add ``topics.plan``, sealed empty on every row: an encrypted journal holds no
    NULL in a sealed column, so a topic with a plan looks like one without."""
    from companion.journal import reseal
    from companion.journal.crypto import Place

    _run_script(conn, "ALTER TABLE topics ADD COLUMN plan")
    for row_id, session_id in conn.execute("SELECT id, session_id FROM topics").fetchall():
        conn.execute("UPDATE topics SET plan = ? WHERE id = ?",
                     (reseal.seal_value(codec, None, Place("topics", "plan", row_id,
                                                           session_id)), row_id))


# (version, description, apply(conn, codec, path)). Append only; never edit a released
# migration. They run after the passphrase is checked, so one may re-seal values.
Migration = tuple[int, str, Callable[[sqlite3.Connection, Any, Path], None]]
MIGRATIONS: list[Migration] = [
    (1, "sessions, messages, check-ins, topics, meetings, follow-ups, safety events",
     lambda conn, codec, path: _run_script(conn, _V1)),
    # What the resident chose for a message holding possible patient identifiers:
    # "keep" (stored as typed) or "redact"; NULL when none were found. Sealed.
    (2, "messages.privacy: the resident's choice about identifiers in a message",
     lambda conn, codec, path: _run_script(conn, "ALTER TABLE messages ADD COLUMN privacy")),
    # The resident's personal safety plan: one row, its six parts as sealed JSON.
    (3, "safety_plan: the resident's personal safety plan (sealed JSON)",
     lambda conn, codec, path: _run_script(conn, "CREATE TABLE safety_plan (id INTEGER "
                                                 "PRIMARY KEY, parts, updated_at TEXT NOT NULL)")),
    # Sealed-format 2: padded values bound to their row; topic statuses, meeting and due
    # dates sealed; safety events move into their session's sealed value.
    (4, "sealed-format 2: padding, row-bound values, sealed statuses, dates and safety events",
     _v4),
    # What the resident plans to ask of the mentor for a topic: the need (listen,
    # advise, ...), a decision needed and its deadline, as one sealed JSON value;
    # NULL until the resident sets one.
    (5, "topics.plan: need, decision and deadline of each topic (sealed JSON)", _v5),
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


def migrate(conn: sqlite3.Connection, path: Path, codec: Any) -> list[int]:
    """Apply the missing migrations in order, in one transaction; return those applied.

    ``codec`` is the journal's (its passphrase already checked): a migration that
    changes the sealed format re-seals with it.
    """
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
            apply(conn, codec, path)
            conn.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                (number, description, now_iso()),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return [m[0] for m in pending]


_EXPECTED: dict[int, dict[str, set[str]]] = {}


def expected_tables(version: int) -> dict[str, set[str]]:
    """Table -> columns of a journal at ``version`` (built once in memory)."""
    if version not in _EXPECTED:
        from companion.journal.crypto import PlainCodec

        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                         "description TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for number, _, apply in MIGRATIONS:
                if number <= version:
                    apply(conn, PlainCodec(), Path(":memory:"))
            _EXPECTED[version] = _tables(conn)
        finally:
            conn.close()
    return _EXPECTED[version]


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: {r[1] for r in conn.execute(f"PRAGMA table_info('{name}')")}
            for name in names}


def check_tables(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse a journal missing a table or column its version has (before any write).

    Raises:
        JournalMissingTableError: naming what is missing.
    """
    if version == 0:
        return
    found = _tables(conn)
    missing = []
    for table, columns in expected_tables(version).items():
        if table not in found:
            missing.append(table)
        else:
            missing += [f"{table}.{c}" for c in sorted(columns - found[table])]
    if missing:
        raise JournalMissingTableError(path, missing)
