"""What the resident plans to bring to a mentor: suggested topics, meetings, follow-ups.

Topics keep the resident's own words and the card ids they came from, a status
(suggested → accepted/dismissed → shared → discussed) and a position so the
agenda screen can reorder them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from companion.journal.base import StoreBase, iso_date, text_list
from companion.journal.errors import JournalValueError
from companion.journal.records import FollowUp, Meeting, Topic
from companion.journal.schema import TOPIC_STATUSES, now_iso

_TOPIC_COLUMNS = (
    "id, topic_id, title, rationale, card_ids, resident_words, questions, status, "
    "session_id, position, created_at, updated_at"
)


class MentoringRecords(StoreBase):
    """Topics, mentor meetings and follow-ups (mixed into ``Journal``)."""

    # -- topics --------------------------------------------------------------
    def add_topic(
        self,
        topic_id: str,
        title: str,
        rationale: str = "",
        card_ids: Sequence[str] = (),
        resident_words: Sequence[str] = (),
        questions: Sequence[str] = (),
        session_id: int | None = None,
        status: str = "suggested",
        position: int | None = None,
    ) -> Topic:
        """Store a suggested topic; ``position`` defaults to the end of the list."""
        _check_status(status)
        if not isinstance(title, str) or not title.strip():
            raise JournalValueError("topic title must be a non-empty string")
        now = now_iso()
        with self._tx() as conn:
            if session_id is not None:
                self._require(conn, "sessions", "session", session_id)
            if position is None:
                position = conn.execute(
                    "SELECT COALESCE(MAX(position), 0) + 1 FROM topics"
                ).fetchone()[0]
            cur = conn.execute(
                f"INSERT INTO topics ({_TOPIC_COLUMNS.split(', ', 1)[1]}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._seal("topics", "topic_id", str(topic_id)),
                 self._seal("topics", "title", title),
                 self._seal("topics", "rationale", rationale or ""),
                 self._seal_json("topics", "card_ids", text_list(card_ids, "card_ids")),
                 self._seal_json("topics", "resident_words",
                                 text_list(resident_words, "resident_words")),
                 self._seal_json("topics", "questions", text_list(questions, "questions")),
                 status, session_id, int(position), now, now),
            )
            new_id = _row_id(cur)
        return self.topic(new_id)

    def update_topic(
        self,
        topic_id: int,
        status: str | None = None,
        title: str | None = None,
        rationale: str | None = None,
        position: int | None = None,
    ) -> Topic:
        """Change a topic's status, wording or position; return the updated topic."""
        sets: list[str] = []
        values: list[Any] = []
        if status is not None:
            _check_status(status)
            sets.append("status = ?")
            values.append(status)
        if title is not None:
            if not title.strip():
                raise JournalValueError("topic title must be a non-empty string")
            sets.append("title = ?")
            values.append(self._seal("topics", "title", title))
        if rationale is not None:
            sets.append("rationale = ?")
            values.append(self._seal("topics", "rationale", rationale))
        if position is not None:
            sets.append("position = ?")
            values.append(int(position))
        with self._tx() as conn:
            self._require(conn, "topics", "topic", topic_id)
            if sets:
                conn.execute(
                    f"UPDATE topics SET {', '.join(sets)}, updated_at = ? WHERE id = ?",
                    (*values, now_iso(), topic_id),
                )
        return self.topic(topic_id)

    def move_topic(
        self, topic_id: int, step: int, among: Collection[str] | None = None
    ) -> list[Topic]:
        """Move a topic ``step`` places (negative: up) in agenda order, in one transaction.

        Args:
            among: the statuses of the list the resident sees (e.g. accepted and
                shared on the agenda screen); the topic moves past that many of
                those, whatever lies between them. Default: every topic.

        Every topic is renumbered 1..n in the new order, so no two positions clash.
        Returns the topics in their new order.
        """
        if among is not None:
            for status in among:
                _check_status(status)
        with self._tx() as conn:
            self._require(conn, "topics", "topic", topic_id)
            order = [row[0] for row in conn.execute(
                "SELECT id FROM topics ORDER BY position, id").fetchall()]
            if among is None:
                visible = list(order)
            else:
                marks = ", ".join("?" for _ in among)
                shown = {row[0] for row in conn.execute(
                    f"SELECT id FROM topics WHERE status IN ({marks})", tuple(among))}
                visible = [i for i in order if i in shown]
            if topic_id in visible:
                here = visible.index(topic_id)
                there = max(0, min(len(visible) - 1, here + step))
                if there != here:
                    neighbour = visible[there]
                    order.remove(topic_id)
                    slot = order.index(neighbour) + (1 if there > here else 0)
                    order.insert(slot, topic_id)
            now = now_iso()
            for position, row_id in enumerate(order, start=1):
                conn.execute("UPDATE topics SET position = ?, updated_at = CASE WHEN id = ? "
                             "THEN ? ELSE updated_at END WHERE id = ?",
                             (position, topic_id, now, row_id))
        return self.topics()

    def topic(self, topic_id: int) -> Topic:
        with self._read() as conn:
            row = conn.execute(
                f"SELECT {_TOPIC_COLUMNS} FROM topics WHERE id = ?", (topic_id,)
            ).fetchone()
            if row is None:
                self._require(conn, "topics", "topic", topic_id)
        return self._topic_from_row(row)

    def topics(self, status: str | None = None, session_id: int | None = None) -> list[Topic]:
        """Topics in agenda order (position, then id), optionally of one status or session."""
        where: list[str] = []
        params: list[Any] = []
        if status is not None:
            _check_status(status)
            where.append("status = ?")
            params.append(status)
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT {_TOPIC_COLUMNS} FROM topics{clause} ORDER BY position, id", params
            ).fetchall()
        return [self._topic_from_row(row) for row in rows]

    def _topic_from_row(self, r: Sequence[Any]) -> Topic:
        return Topic(
            id=r[0], topic_id=self._open("topics", "topic_id", r[1]) or "",
            title=self._open("topics", "title", r[2]) or "",
            rationale=self._open("topics", "rationale", r[3]) or "",
            card_ids=self._open_json("topics", "card_ids", r[4], []),
            resident_words=self._open_json("topics", "resident_words", r[5], []),
            questions=self._open_json("topics", "questions", r[6], []),
            status=r[7], session_id=r[8], position=r[9], created_at=r[10], updated_at=r[11],
        )

    # -- meetings and follow-ups ---------------------------------------------
    def add_meeting(
        self,
        date: date | datetime | str | None,
        agenda: Mapping[str, Any],
        notes: str = "",
        follow_ups: Sequence[str | Mapping[str, Any]] = (),
    ) -> int:
        """Record a mentor meeting; follow-ups are strings or ``{text, owner, due_date}``."""
        if not isinstance(agenda, Mapping):
            raise JournalValueError("meeting agenda must be a mapping (dict)")
        day = iso_date(date, "meeting date")
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO meetings (date, created_at, agenda, notes) VALUES (?, ?, ?, ?)",
                (day, now_iso(), self._seal_json("meetings", "agenda", dict(agenda)),
                 self._seal("meetings", "notes", notes or "")),
            )
            meeting_id = _row_id(cur)
            for item in follow_ups:
                if isinstance(item, str):
                    item = {"text": item}
                self._insert_follow_up(conn, meeting_id, **dict(item))
            return meeting_id

    def add_follow_up(
        self, text: str, owner: str = "resident", due_date: Any = None,
        meeting_id: int | None = None,
    ) -> int:
        """Add a follow-up, optionally attached to a meeting; return its id."""
        with self._tx() as conn:
            if meeting_id is not None:
                self._require(conn, "meetings", "meeting", meeting_id)
            return self._insert_follow_up(conn, meeting_id, text, owner, due_date)

    def _insert_follow_up(
        self, conn: Any, meeting_id: int | None, text: str = "", owner: str = "resident",
        due_date: Any = None, **unknown: Any,
    ) -> int:
        if unknown:
            raise JournalValueError(f"follow-up has unknown field(s): {', '.join(unknown)}")
        if not isinstance(text, str) or not text.strip():
            raise JournalValueError("follow-up text must be a non-empty string")
        due = None if due_date in (None, "") else iso_date(due_date, "follow-up due_date")
        cur = conn.execute(
            "INSERT INTO follow_ups (meeting_id, text, owner, due_date, done) "
            "VALUES (?, ?, ?, ?, 0)",
            (meeting_id, self._seal("follow_ups", "text", text),
             self._seal("follow_ups", "owner", owner or "resident"), due),
        )
        return _row_id(cur)

    def meetings(self) -> list[Meeting]:
        """Mentor meetings, newest first, each with its follow-ups."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, date, created_at, agenda, notes FROM meetings "
                "ORDER BY date DESC, id DESC"
            ).fetchall()
        follow = self._follow_ups()
        return [
            Meeting(
                id=r[0], date=r[1], created_at=r[2],
                agenda=self._open_json("meetings", "agenda", r[3], {}),
                notes=self._open("meetings", "notes", r[4]) or "",
                follow_ups=[f for f in follow if f.meeting_id == r[0]],
            )
            for r in rows
        ]

    def last_meeting_date(self) -> date | None:
        with self._read() as conn:
            row = conn.execute("SELECT MAX(date) FROM meetings").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    def days_since_last_meeting(self, today: date | None = None) -> int | None:
        last = self.last_meeting_date()
        if last is None:
            return None
        return ((today or date.today()) - last).days

    def open_follow_ups(self) -> list[FollowUp]:
        """Follow-ups not done yet: those with a due date first (soonest first)."""
        pending = [f for f in self._follow_ups() if not f.done]
        return sorted(pending, key=lambda f: (f.due_date is None, f.due_date or "", f.id))

    def complete_follow_up(self, follow_up_id: int) -> None:
        with self._tx() as conn:
            self._require(conn, "follow_ups", "follow-up", follow_up_id)
            conn.execute(
                "UPDATE follow_ups SET done = 1, done_at = ? WHERE id = ?",
                (now_iso(), follow_up_id),
            )

    def _follow_ups(self) -> list[FollowUp]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, meeting_id, text, owner, due_date, done, done_at FROM follow_ups "
                "ORDER BY id"
            ).fetchall()
        return [
            FollowUp(
                id=r[0], meeting_id=r[1], text=self._open("follow_ups", "text", r[2]) or "",
                owner=self._open("follow_ups", "owner", r[3]) or "", due_date=r[4],
                done=bool(r[5]), done_at=r[6],
            )
            for r in rows
        ]


def _check_status(status: str) -> None:
    if status not in TOPIC_STATUSES:
        raise JournalValueError(
            f"topic status must be one of {', '.join(TOPIC_STATUSES)}, got {status!r}"
        )


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote."""
    assert cursor.lastrowid is not None, "an INSERT always sets lastrowid"
    return cursor.lastrowid
