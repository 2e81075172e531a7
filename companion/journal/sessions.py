"""Reflection sessions, their messages and safety events, and the weekly check-ins.

Saving a message is one short transaction (one INSERT, one commit in WAL mode),
so a crash loses at most the message being written; everything committed
before it survives.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from companion import checkin as checkin_items
from companion.journal.base import StoreBase, iso_date, text_list
from companion.journal.errors import JournalValueError
from companion.journal.records import SAFETY_LEVELS, Checkin, Message, SafetyEvent, SessionRecord
from companion.journal.schema import now_iso


class SessionRecords(StoreBase):
    """Sessions, messages, safety events and check-ins (mixed into ``Journal``)."""

    # -- sessions ------------------------------------------------------------
    def start_session(self, flow: str) -> int:
        """Start a reflection session in ``flow``; return its id."""
        if not isinstance(flow, str) or not flow.strip():
            raise JournalValueError("session flow must be a non-empty string")
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (flow, started_at, summary) VALUES (?, ?, ?)",
                (self._seal("sessions", "flow", flow), now_iso(),
                 self._seal_json("sessions", "summary", {})),
            )
            return _row_id(cur)

    def add_message(
        self, session_id: int, role: str, text: str, safety_level: str = "none",
        privacy: str | None = None,
    ) -> int:
        """Save one message of a session; return its id.

        ``privacy`` records the resident's choice for a message that held possible
        patient identifiers: "keep" (saved as typed) or "redact" (saved with tags).
        """
        if not isinstance(text, str):
            raise JournalValueError(f"message text must be a string, got {type(text).__name__}")
        if not isinstance(role, str) or not role:
            raise JournalValueError("message role must be a non-empty string")
        _check_level(safety_level, "message safety_level")
        if privacy not in (None, "keep", "redact"):
            raise JournalValueError(
                f"message privacy must be keep, redact or None, got {privacy!r}")
        with self._tx() as conn:
            self._require(conn, "sessions", "session", session_id)
            cur = conn.execute(
                "INSERT INTO messages (session_id, role, text, safety_level, created_at, "
                "privacy) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, self._seal("messages", "role", role),
                 self._seal("messages", "text", text),
                 self._seal("messages", "safety_level", safety_level), now_iso(),
                 self._seal("messages", "privacy", privacy)),
            )
            return _row_id(cur)

    def end_session(self, session_id: int, summary: Mapping[str, Any]) -> None:
        """Close a session with its summary (a JSON-serialisable mapping)."""
        if not isinstance(summary, Mapping):
            raise JournalValueError("session summary must be a mapping (dict)")
        with self._tx() as conn:
            self._require(conn, "sessions", "session", session_id)
            conn.execute(
                "UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?",
                (now_iso(), self._seal_json("sessions", "summary", dict(summary)), session_id),
            )

    def sessions(self, query: str | None = None) -> list[SessionRecord]:
        """Sessions newest first (without messages); ``query`` matches flow, summary or words."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT s.id, s.flow, s.started_at, s.ended_at, s.summary, "
                "(SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) "
                "FROM sessions s ORDER BY s.started_at DESC, s.id DESC"
            ).fetchall()
            found = [self._session_from_row(row) for row in rows]
            if not query:
                return found
            needle = query.casefold()
            return [s for s in found if self._matches(conn, s, needle)]

    def session(self, session_id: int) -> SessionRecord:
        """One session with its messages, suggested topics and safety events."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT s.id, s.flow, s.started_at, s.ended_at, s.summary, "
                "(SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) "
                "FROM sessions s WHERE s.id = ?",
                (session_id,),
            ).fetchone()
            if row is None:
                self._require(conn, "sessions", "session", session_id)
            found = self._session_from_row(row)
            found.messages = self.messages(session_id)
            found.topics = self.topics(session_id=session_id)  # type: ignore[attr-defined]
            found.safety_events = self.safety_events(session_id)
            return found

    def messages(self, session_id: int) -> list[Message]:
        """A session's messages, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, session_id, role, text, created_at, safety_level, privacy "
                "FROM messages WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
        return [
            Message(
                id=r[0], session_id=r[1], role=self._open("messages", "role", r[2]) or "",
                text=self._open("messages", "text", r[3]) or "", created_at=r[4],
                safety_level=self._open("messages", "safety_level", r[5]) or "none",
                privacy=self._open("messages", "privacy", r[6]),
            )
            for r in rows
        ]

    def _session_from_row(self, row: Sequence[Any]) -> SessionRecord:
        return SessionRecord(
            id=row[0], flow=self._open("sessions", "flow", row[1]) or "",
            started_at=row[2], ended_at=row[3],
            summary=self._open_json("sessions", "summary", row[4], {}),
            message_count=int(row[5]),
        )

    def _matches(self, conn: sqlite3.Connection, found: SessionRecord, needle: str) -> bool:
        if needle in found.flow.casefold() or needle in str(found.summary).casefold():
            return True
        return any(needle in m.text.casefold() for m in self.messages(found.id))

    # -- safety events -------------------------------------------------------
    def record_safety_event(
        self, session_id: int | None, level: str, reasons: Sequence[str]
    ) -> int:
        """Record a concern/crisis screen result locally (it is never shared)."""
        _check_level(level, "safety event level")
        with self._tx() as conn:
            if session_id is not None:
                self._require(conn, "sessions", "session", session_id)
            cur = conn.execute(
                "INSERT INTO safety_events (session_id, level, reasons, created_at) "
                "VALUES (?, ?, ?, ?)",
                (session_id, self._seal("safety_events", "level", level),
                 self._seal_json("safety_events", "reasons", text_list(reasons, "reasons")),
                 now_iso()),
            )
            return _row_id(cur)

    def safety_events(self, session_id: int | None = None) -> list[SafetyEvent]:
        """Safety events oldest first, all or of one session."""
        sql = "SELECT id, session_id, level, reasons, created_at FROM safety_events"
        params: tuple[Any, ...] = ()
        if session_id is not None:
            sql, params = sql + " WHERE session_id = ?", (session_id,)
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [
            SafetyEvent(
                id=r[0], session_id=r[1], level=self._open("safety_events", "level", r[2]) or "",
                reasons=self._open_json("safety_events", "reasons", r[3], []), created_at=r[4],
            )
            for r in rows
        ]

    # -- check-ins -----------------------------------------------------------
    def add_checkin(
        self, answers: Mapping[str, Any], date: date | datetime | str | None = None
    ) -> Checkin:
        """Store a check-in (answers validated against ``CHECKIN_ITEMS``) with its scores."""
        try:
            clean = checkin_items.validate_answers(answers)
        except checkin_items.CheckinError as exc:
            raise JournalValueError(str(exc)) from exc
        scores = checkin_items.score(clean)
        day, created = iso_date(date, "check-in date"), now_iso()
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO checkins (date, created_at, answers, scores) VALUES (?, ?, ?, ?)",
                (day, created, self._seal_json("checkins", "answers", clean),
                 self._seal_json("checkins", "scores", scores)),
            )
            new_id = _row_id(cur)
        return Checkin(id=new_id, date=day, created_at=created, answers=clean, scores=scores)

    def checkins(self) -> list[Checkin]:
        """All check-ins, oldest first (the trend order)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, date, created_at, answers, scores FROM checkins ORDER BY date, id"
            ).fetchall()
        return [
            Checkin(
                id=r[0], date=r[1], created_at=r[2],
                answers=self._open_json("checkins", "answers", r[3], {}),
                scores=self._open_json("checkins", "scores", r[4], {}),
            )
            for r in rows
        ]

    def checkin_trend(self) -> list[tuple[str, dict[str, Any]]]:
        """``[(date, scores), ...]`` oldest first."""
        return checkin_items.trend(self.checkins())


def _check_level(level: str, field: str) -> None:
    if level not in SAFETY_LEVELS:
        raise JournalValueError(f"{field} must be one of {', '.join(SAFETY_LEVELS)}, got {level!r}")


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cursor.lastrowid is not None, "an INSERT always sets lastrowid"
    return cursor.lastrowid
