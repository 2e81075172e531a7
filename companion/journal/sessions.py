"""Reflection sessions, their messages and safety events, and the weekly check-ins.

Saving a message is one short transaction (one INSERT, one commit in WAL mode),
so a crash loses at most the message being written; everything committed
before it survives.

A session's safety events live inside the session row, in one sealed JSON
value padded to :data:`~companion.journal.schema.SAFETY_BUCKET`: in a locked
journal no row, time or size tells whether a session had any. Events recorded
without a session live in the sealed ``meta`` row ``safety``; event ids come
from the sealed ``meta`` row ``safety_next``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from companion import checkin as checkin_items
from companion.journal.base import StoreBase, iso_date, text_list
from companion.journal.errors import JournalCorruptError, JournalValueError
from companion.journal.plan import PLAN_OFFER_KEY
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
            sid = self._next_id(conn, "sessions")
            conn.execute(
                "INSERT INTO sessions (id, flow, started_at, summary, safety) "
                "VALUES (?, ?, ?, ?, ?)",
                (sid, self._seal("sessions", "flow", flow, sid), now_iso(),
                 self._seal_json("sessions", "summary", {}, sid),
                 self._seal_json("sessions", "safety", [], sid)),
            )
            return sid

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
            mid = self._next_id(conn, "messages")

            def seal(column: str, value: str | None) -> Any:
                return self._seal("messages", column, value, mid, session_id)

            conn.execute(
                "INSERT INTO messages (id, session_id, role, text, safety_level, created_at, "
                "privacy) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (mid, session_id, seal("role", role), seal("text", text),
                 seal("safety_level", safety_level), now_iso(), seal("privacy", privacy)),
            )
            return mid

    def end_session(self, session_id: int, summary: Mapping[str, Any]) -> None:
        """Close a session with its summary (a JSON-serialisable mapping)."""
        if not isinstance(summary, Mapping):
            raise JournalValueError("session summary must be a mapping (dict)")
        with self._tx() as conn:
            self._require(conn, "sessions", "session", session_id)
            conn.execute(
                "UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?",
                (now_iso(), self._seal_json("sessions", "summary", dict(summary), session_id),
                 session_id),
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
        return [self._message_from_row(r) for r in rows]

    def _message_from_row(self, r: Sequence[Any]) -> Message:
        def opened(column: str, value: Any) -> str | None:
            return self._open("messages", column, value, r[0], r[1])

        return Message(
            id=r[0], session_id=r[1], role=opened("role", r[2]) or "",
            text=opened("text", r[3]) or "", created_at=r[4],
            safety_level=opened("safety_level", r[5]) or "none", privacy=opened("privacy", r[6]),
        )

    def _session_from_row(self, row: Sequence[Any]) -> SessionRecord:
        return SessionRecord(
            id=row[0], flow=self._open("sessions", "flow", row[1], row[0]) or "",
            started_at=row[2], ended_at=row[3],
            summary=self._open_json("sessions", "summary", row[4], row[0], default={}),
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
        reasons = text_list(reasons, "reasons")
        with self._tx() as conn:
            if session_id is not None:
                self._require(conn, "sessions", "session", session_id)
            event_id = self._take_safety_id(conn)
            events = self._safety_of(conn, session_id)
            events.append({"id": event_id, "level": level, "reasons": reasons,
                           "created_at": now_iso()})
            self._store_safety(conn, session_id, events)
            return event_id

    def safety_events(self, session_id: int | None = None) -> list[SafetyEvent]:
        """Safety events oldest first, all or of one session."""
        found: list[tuple[int | None, Any]]
        with self._read() as conn:
            if session_id is not None:
                found = [(session_id, e) for e in self._safety_of(conn, session_id)]
            else:
                found = [(None, e) for e in self._safety_of(conn, None)]
                for (sid,) in conn.execute("SELECT id FROM sessions ORDER BY id").fetchall():
                    found += [(sid, e) for e in self._safety_of(conn, sid)]
        events = [
            SafetyEvent(id=int(e["id"]), session_id=sid, level=str(e["level"]),
                        reasons=list(e.get("reasons") or []), created_at=str(e["created_at"]))
            for sid, e in found
        ]
        return sorted(events, key=lambda e: e.id)

    def _safety_of(self, conn: sqlite3.Connection, session_id: int | None) -> list[Any]:
        """The sealed event list of a session (or of no session); [] when there is none."""
        if session_id is None:
            row = conn.execute("SELECT value FROM meta WHERE key = 'safety'").fetchone()
            value = self._open_json("meta", "safety", row[0], "safety") if row else None
        else:
            row = conn.execute("SELECT safety FROM sessions WHERE id = ?",
                               (session_id,)).fetchone()
            value = self._open_json("sessions", "safety", row[0], session_id) if row else None
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
            raise JournalCorruptError(self.path, "a session's safety events are malformed")
        return value

    def _store_safety(self, conn: sqlite3.Connection, session_id: int | None,
                      events: list[Any]) -> None:
        if session_id is None:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('safety', ?)",
                         (self._seal_json("meta", "safety", events, "safety"),))
        else:
            conn.execute("UPDATE sessions SET safety = ? WHERE id = ?",
                         (self._seal_json("sessions", "safety", events, session_id), session_id))

    def _take_safety_id(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = 'safety_next'").fetchone()
        text = self._open("meta", "safety_next", row[0], "safety_next") if row else None
        event_id = int(text) if text and text.isdigit() else 1
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('safety_next', ?)",
                     (self._seal("meta", "safety_next", str(event_id + 1), "safety_next"),))
        return event_id

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
            new_id = self._next_id(conn, "checkins")
            conn.execute(
                "INSERT INTO checkins (id, date, created_at, answers, scores) "
                "VALUES (?, ?, ?, ?, ?)",
                (new_id, day, created, self._seal_json("checkins", "answers", clean, new_id),
                 self._seal_json("checkins", "scores", scores, new_id)),
            )
            # The plan offer's sealed row exists in every journal with a check-in, so its
            # presence cannot tell a hard week (when the offer is made) from a good one.
            self._seal_meta(conn, PLAN_OFFER_KEY, "", replace=False)
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
                answers=self._open_json("checkins", "answers", r[3], r[0], default={}),
                scores=self._open_json("checkins", "scores", r[4], r[0], default={}),
            )
            for r in rows
        ]

    def checkin_trend(self) -> list[tuple[str, dict[str, Any]]]:
        """``[(date, scores), ...]`` oldest first."""
        return checkin_items.trend(self.checkins())


def _check_level(level: str, field: str) -> None:
    if level not in SAFETY_LEVELS:
        raise JournalValueError(f"{field} must be one of {', '.join(SAFETY_LEVELS)}, got {level!r}")

