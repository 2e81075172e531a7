"""The records the journal returns: plain dataclasses with ``to_dict()``.

They carry decrypted values and no database handle, so the dialogue engine,
the agenda export and the TUI can pass them around (and across threads) freely.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SAFETY_LEVELS = ("none", "concern", "check", "crisis")


@dataclass
class Message:
    id: int
    session_id: int
    role: str
    text: str
    created_at: str
    safety_level: str = "none"
    privacy: str | None = None
    """"keep" or "redact" when the message held possible patient identifiers, else None."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Topic:
    """A topic suggested for the mentor agenda, with the resident's own words."""

    id: int
    topic_id: str
    title: str
    rationale: str
    card_ids: list[str]
    resident_words: list[str]
    questions: list[str]
    status: str
    session_id: int | None
    position: int
    created_at: str
    updated_at: str
    need: str = ""
    """What the resident needs from the mentor on it (listen, advise, ...); "" not said."""
    decision: str = ""
    """A decision the resident needs to make, in their words; "" none."""
    deadline: str = ""
    """When the decision is due (YYYY-MM-DD); "" none."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SafetyEvent:
    """A concern, check or crisis screen result (or an answer to one); local only, never shared."""

    id: int
    session_id: int | None
    level: str
    reasons: list[str]
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SessionRecord:
    id: int
    flow: str
    started_at: str
    ended_at: str | None
    summary: dict[str, Any]
    message_count: int = 0
    messages: list[Message] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    safety_events: list[SafetyEvent] = field(default_factory=list)

    def summary_line(self) -> str:
        """The first line of the summary, for one-line listings."""
        for key in ("headline", "title", "summary", "text"):
            value = self.summary.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip().splitlines()[0]
        for value in self.summary.values():
            if isinstance(value, str) and value.strip():
                return value.strip().splitlines()[0]
        return ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Checkin:
    id: int
    date: str
    created_at: str
    answers: dict[str, int]
    scores: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FollowUp:
    id: int
    meeting_id: int | None
    text: str
    owner: str
    due_date: str | None
    done: bool
    done_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Meeting:
    id: int
    date: str
    created_at: str
    agenda: dict[str, Any]
    notes: str
    follow_ups: list[FollowUp] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
