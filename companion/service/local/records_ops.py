"""The journal's records as the resident reads and changes them.

Sessions, check-ins, topics (edit, reorder on the agenda), what the home screen
shows, one session's deletion and the whole journal's export.
"""

from __future__ import annotations

from typing import Literal

from companion.checkin import CHECKIN_ITEMS, CheckinItem
from companion.journal import Checkin, SessionRecord, Topic
from companion.service.errors import AppLockedError
from companion.service.local.base import CoreBase
from companion.service.results import HomeInfo
from companion.settings import Settings

AGENDA_STATUSES = ("accepted", "shared")
"""The topics the agenda screen lists (and reorders among)."""


class RecordOps(CoreBase):
    """Sessions, check-ins and topics as the resident reads and edits them."""

    def home(self) -> HomeInfo:
        """What the home screen shows besides the flows."""
        days, follow_ups = None, []
        try:
            journal = self._open_journal()
        except AppLockedError:
            pass
        else:
            days = journal.days_since_last_meeting()
            follow_ups = journal.open_follow_ups()
        return HomeInfo(days, follow_ups, Settings.load().resident_name)

    def checkin_items(self) -> list[CheckinItem]:
        return list(CHECKIN_ITEMS)

    def add_checkin(self, answers: dict[str, int]) -> Checkin:
        return self._open_journal().add_checkin(answers)

    def checkins(self) -> list[Checkin]:
        return self._open_journal().checkins()

    def sessions(self, query: str = "") -> list[SessionRecord]:
        return self._open_journal().sessions(query or None)

    def session(self, session_id: int) -> SessionRecord:
        return self._open_journal().session(session_id)

    def topics(self, status: str | None = None) -> list[Topic]:
        return self._open_journal().topics(status)

    def update_topic(self, topic_id: int, status: str | None = None, title: str | None = None,
                     rationale: str | None = None, need: str | None = None,
                     decision: str | None = None, deadline: str | None = None) -> Topic:
        return self._open_journal().update_topic(topic_id, status=status, title=title,
                                                 rationale=rationale, need=need,
                                                 decision=decision, deadline=deadline)

    def move_topic(self, topic_id: int, step: int) -> list[Topic]:
        """Move a topic up (negative) or down the agenda; one transaction."""
        return self._open_journal().move_topic(topic_id, step, among=AGENDA_STATUSES)

    def delete_session(self, session_id: int) -> dict[str, int]:
        """Delete one session with its messages, topics and safety events; returns counts."""
        return self._open_journal().delete_session(session_id)

    def export_journal(self, fmt: Literal["md", "json"]) -> str:
        """The whole journal as Markdown or JSON, for the resident to keep."""
        return self._open_journal().export(format=fmt)
