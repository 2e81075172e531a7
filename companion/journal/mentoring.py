"""What the resident plans to bring to a mentor: suggested topics, meetings, follow-ups.

Topics keep the resident's own words and the card ids they came from, a status
(suggested → accepted/dismissed → shared → discussed) and a position so the
agenda screen can reorder them. Statuses, meeting dates and due dates are
sealed like the words, so filtering and ordering by them happens here, after
opening, not in SQL.
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
    "session_id, position, created_at, updated_at, plan"
)
PLAN_FIELDS = ("need", "decision", "deadline")
"""What the resident plans to ask of the mentor for a topic (sealed together as ``plan``)."""


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
            new_id = self._next_id(conn, "topics")

            def seal(column: str, value: str | None) -> Any:
                return self._seal("topics", column, value, new_id, session_id)

            def seal_list(column: str, value: Sequence[str]) -> Any:
                return self._seal_json("topics", column, text_list(value, column), new_id,
                                       session_id)

            conn.execute(
                f"INSERT INTO topics ({_TOPIC_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id, seal("topic_id", str(topic_id)), seal("title", title),
                 seal("rationale", rationale or ""), seal_list("card_ids", card_ids),
                 seal_list("resident_words", resident_words),
                 seal_list("questions", questions), seal("status", status),
                 session_id, int(position), now, now, seal("plan", None)),
            )
        return self.topic(new_id)

    def update_topic(
        self,
        topic_id: int,
        status: str | None = None,
        title: str | None = None,
        rationale: str | None = None,
        position: int | None = None,
        need: str | None = None,
        decision: str | None = None,
        deadline: str | None = None,
    ) -> Topic:
        """Change a topic's status, wording, position or plan; return the updated topic.

        Args:
            need: what the resident needs from the mentor (one of the agenda's needs);
                ``""`` clears it. ``decision`` and ``deadline`` (YYYY-MM-DD) likewise;
                None leaves a field as it is.
        """
        if status is not None:
            _check_status(status)
        if title is not None and not title.strip():
            raise JournalValueError("topic title must be a non-empty string")
        plan_change = _plan_change(need, decision, deadline)
        with self._tx() as conn:
            self._require(conn, "topics", "topic", topic_id)
            session_id, stored_plan = conn.execute(
                "SELECT session_id, plan FROM topics WHERE id = ?", (topic_id,)).fetchone()
            sets: list[str] = []
            values: list[Any] = []
            for column, value in (("status", status), ("title", title),
                                  ("rationale", rationale)):
                if value is not None:
                    sets.append(f"{column} = ?")
                    values.append(self._seal("topics", column, value, topic_id, session_id))
            if position is not None:
                sets.append("position = ?")
                values.append(int(position))
            if plan_change:
                plan = {**self._plan(stored_plan, topic_id, session_id), **plan_change}
                sets.append("plan = ?")
                values.append(self._seal_json("topics", "plan", plan, topic_id, session_id))
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
                shown = {t.id for t in self._all_topics(conn) if t.status in among}
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
        if status is not None:
            _check_status(status)
        with self._read() as conn:
            found = self._all_topics(conn, session_id)
        return [t for t in found if status is None or t.status == status]

    def _all_topics(self, conn: sqlite3.Connection,
                    session_id: int | None = None) -> list[Topic]:
        clause, params = ("", ()) if session_id is None else (" WHERE session_id = ?",
                                                             (session_id,))
        rows = conn.execute(
            f"SELECT {_TOPIC_COLUMNS} FROM topics{clause} ORDER BY position, id", params
        ).fetchall()
        return [self._topic_from_row(row) for row in rows]

    def _topic_from_row(self, r: Sequence[Any]) -> Topic:
        def opened(column: str, value: Any) -> str:
            return self._open("topics", column, value, r[0], r[8]) or ""

        def opened_list(column: str, value: Any) -> list[str]:
            return self._open_json("topics", column, value, r[0], r[8], default=[])

        plan = self._plan(r[12], r[0], r[8])
        return Topic(
            id=r[0], topic_id=opened("topic_id", r[1]), title=opened("title", r[2]),
            rationale=opened("rationale", r[3]), card_ids=opened_list("card_ids", r[4]),
            resident_words=opened_list("resident_words", r[5]),
            questions=opened_list("questions", r[6]), status=opened("status", r[7]),
            session_id=r[8], position=r[9], created_at=r[10], updated_at=r[11],
            need=plan["need"], decision=plan["decision"], deadline=plan["deadline"],
        )

    def _plan(self, value: Any, row: int, session_id: int | None) -> dict[str, str]:
        """A topic's stored plan, every field present ("" when not set)."""
        stored = self._open_json("topics", "plan", value, row, session_id, default={})
        stored = stored if isinstance(stored, dict) else {}
        return {name: str(stored.get(name) or "") for name in PLAN_FIELDS}

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
            meeting_id = self._next_id(conn, "meetings")
            conn.execute(
                "INSERT INTO meetings (id, date, created_at, agenda, notes) "
                "VALUES (?, ?, ?, ?, ?)",
                (meeting_id, self._seal("meetings", "date", day, meeting_id), now_iso(),
                 self._seal_json("meetings", "agenda", dict(agenda), meeting_id),
                 self._seal("meetings", "notes", notes or "", meeting_id)),
            )
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
        new_id = self._next_id(conn, "follow_ups")

        def seal(column: str, value: str | None) -> Any:
            return self._seal("follow_ups", column, value, new_id, meeting_id)

        conn.execute(
            "INSERT INTO follow_ups (id, meeting_id, text, owner, due_date, done) "
            "VALUES (?, ?, ?, ?, ?, 0)",
            (new_id, meeting_id, seal("text", text), seal("owner", owner or "resident"),
             seal("due_date", due)),
        )
        return new_id

    def meetings(self) -> list[Meeting]:
        """Mentor meetings, newest first, each with its follow-ups."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, date, created_at, agenda, notes FROM meetings ORDER BY id"
            ).fetchall()
        follow = self._follow_ups()
        found = [
            Meeting(
                id=r[0], date=self._open("meetings", "date", r[1], r[0]) or "",
                created_at=r[2],
                agenda=self._open_json("meetings", "agenda", r[3], r[0], default={}),
                notes=self._open("meetings", "notes", r[4], r[0]) or "",
                follow_ups=[f for f in follow if f.meeting_id == r[0]],
            )
            for r in rows
        ]
        return sorted(found, key=lambda m: (m.date, m.id), reverse=True)

    def last_meeting_date(self) -> date | None:
        dates = [m.date for m in self.meetings() if m.date]
        return date.fromisoformat(max(dates)) if dates else None

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
                id=r[0], meeting_id=r[1],
                text=self._open("follow_ups", "text", r[2], r[0], r[1]) or "",
                owner=self._open("follow_ups", "owner", r[3], r[0], r[1]) or "",
                due_date=self._open("follow_ups", "due_date", r[4], r[0], r[1]) or None,
                done=bool(r[5]), done_at=r[6],
            )
            for r in rows
        ]


def _check_status(status: str) -> None:
    if status not in TOPIC_STATUSES:
        raise JournalValueError(
            f"topic status must be one of {', '.join(TOPIC_STATUSES)}, got {status!r}"
        )


def _plan_change(need: str | None, decision: str | None,
                 deadline: str | None) -> dict[str, str]:
    """The plan fields an update sets, checked ("" clears a field)."""
    from companion.agenda import NEEDS

    change: dict[str, str] = {}
    if need is not None:
        if need and need not in NEEDS:
            raise JournalValueError(f"need must be one of {', '.join(NEEDS)}, got {need!r}")
        change["need"] = need
    if decision is not None:
        if not isinstance(decision, str):
            raise JournalValueError("decision must be text")
        change["decision"] = " ".join(decision.split())
    if deadline is not None:
        change["deadline"] = iso_date(deadline, "deadline") if deadline.strip() else ""
    return change
