"""Re-sealing every stored value: under a new key, or into a new sealed format.

A passphrase change (or removal) and the upgrade to sealed-format 2 both walk
every sealed column of every row (:data:`companion.journal.schema.SEALED`) and
the sealed ``meta`` rows, opening each value where it is and sealing it again
for the same place. The caller holds the write transaction, so a failure half
way leaves every value as it was.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from companion.journal.crypto import DecryptionFailed, Place
from companion.journal.errors import JournalTamperedError
from companion.journal.schema import (
    MESSAGE_BUCKET,
    META_SEALED_KEYS,
    PLAN_BUCKET,
    SAFETY_BUCKET,
    SEALED,
)


def minimum_bucket(table: str, column: str) -> int:
    """Larger buckets where a size would tell a story.

    Safety events: a session with none looks like one with some. Message text: the
    crisis reply looks like a one-word message.
    """
    if (table, column) in (("sessions", "safety"), ("meta", "safety")):
        return SAFETY_BUCKET
    if (table, column) == ("messages", "text"):
        return MESSAGE_BUCKET
    if (table, column) == ("topics", "plan"):
        return PLAN_BUCKET
    return 0


def open_value(codec: Any, path: Path, value: Any, place: Place, legacy: bool = False) -> Any:
    """Open one sealed value; a value that fails authentication is a tamper error."""
    try:
        return codec.open(value, place, legacy)
    except (DecryptionFailed, UnicodeDecodeError) as exc:
        raise JournalTamperedError(path, str(place)) from exc


def seal_value(codec: Any, text: str | None, place: Place) -> Any:
    return codec.seal(text, place, minimum_bucket(place.table, place.column))


def reseal_all(conn: sqlite3.Connection, path: Path, old: Any, new: Any,
               legacy: bool = False) -> int:
    """Open every sealed value with ``old`` and seal it again with ``new``, in place.

    Returns how many rows were re-sealed.
    """
    count = 0
    for table, spec in SEALED.items():
        parent = spec.parent or "NULL"
        # a migration that re-seals runs before later ones add their columns
        present = {info[1] for info in conn.execute(f"PRAGMA table_info({table})")}
        sealed = tuple(c for c in spec.columns if c in present)
        columns = ", ".join(sealed)
        rows = conn.execute(f"SELECT id, {parent}, {columns} FROM {table}").fetchall()
        assignments = ", ".join(f"{c} = ?" for c in sealed)
        for row in rows:
            row_id, parent_id = row[0], row[1]
            values = []
            for column, value in zip(sealed, row[2:], strict=True):
                place = Place(table, column, row_id, parent_id)
                values.append(seal_value(new, open_value(old, path, value, place, legacy), place))
            conn.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", (*values, row_id))
            count += 1
    for key in META_SEALED_KEYS:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is not None:
            place = Place("meta", key, key)
            text = open_value(old, path, row[0], place, legacy)
            conn.execute("UPDATE meta SET value = ? WHERE key = ?",
                         (seal_value(new, text, place), key))
            count += 1
    return count


def upgrade_to_format_2(conn: sqlite3.Connection, codec: Any, path: Path) -> None:
    """Schema 4: re-seal format-1 values padded and row-bound; move safety events in.

    Runs inside the migration's transaction, after the passphrase was checked.
    The ``safety_events`` table (whose rows and times showed when a resident
    had a hard moment) is emptied into each session's sealed ``safety`` value
    and dropped.
    """
    where = path
    by_session: dict[int | None, list[dict[str, Any]]] = {}
    next_id = 1
    for row_id, session_id, level, reasons, created in conn.execute(
            "SELECT id, session_id, level, reasons, created_at FROM safety_events ORDER BY id"):
        opened_level = open_value(codec, where, level, Place("safety_events", "level", row_id),
                                  legacy=True)
        opened_reasons = open_value(codec, where, reasons,
                                    Place("safety_events", "reasons", row_id), legacy=True)
        by_session.setdefault(session_id, []).append({
            "id": row_id, "level": opened_level or "",
            "reasons": json.loads(opened_reasons) if opened_reasons else [],
            "created_at": created})
        next_id = max(next_id, row_id + 1)
    resealed = reseal_all(conn, where, codec, codec, legacy=True)
    for (session_id,) in conn.execute("SELECT id FROM sessions").fetchall():
        place = Place("sessions", "safety", session_id)
        events = json.dumps(by_session.get(session_id, []), ensure_ascii=False)
        conn.execute("UPDATE sessions SET safety = ? WHERE id = ?",
                     (seal_value(codec, events, place), session_id))
    # both rows always exist, so their presence says nothing about past safety events
    for key, text in (("safety", json.dumps(by_session.get(None, []), ensure_ascii=False)),
                      ("safety_next", str(next_id))):
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (key, seal_value(codec, text, Place("meta", key, key))))
    conn.execute("DROP TABLE safety_events")
    if resealed or by_session:  # the format-1 copies stay in free pages until a rewrite
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('cleanup', 'pending')")
