"""The mentor's reviews as the resident reads them, from the meetings import-review recorded.

`journal import-review` stores the whole reviewed agenda with the meeting; until
now the resident could read the mentor's notes only as a JSON line in `journal
export`. :func:`mentor_reviews` turns each recorded review back into what the
session and agenda screens show: per topic the outcome, the decision that was
asked for and the mentor's notes; the meeting's own notes; the agreed
follow-ups (with their current done state from the journal).

Everything here came from a file someone else wrote: strings are stripped of
control characters again (the loader already did, but the stored JSON is read
back here without it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from companion.journal import FollowUp
from companion.textnorm import strip_controls

log = logging.getLogger(__name__)

OUTCOMES = {"discussed": "discussed", "deferred": "deferred", "follow-up": "needs follow-up",
            "open": "not marked"}


@dataclass(frozen=True)
class TopicNote:
    """What the mentor recorded about one topic of the agenda."""

    title: str
    outcome: str
    """discussed | deferred | follow-up | open (the review's own word)."""
    notes: str = ""
    decision: str = ""
    """The decision the resident asked the mentor about, if any."""
    topic: int | None = None
    """The journal topic it was (None if the agenda's key is not one of this journal's)."""

    @property
    def outcome_text(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)


@dataclass(frozen=True)
class MentorReview:
    """One imported review: when, by whom, about which topics, and what was agreed."""

    meeting_id: int
    reviewed_on: str
    mentor: str = ""
    notes: str = ""
    topics: list[TopicNote] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def note_for(self, topic_id: int) -> TopicNote | None:
        return next((t for t in self.topics if t.topic == topic_id), None)


def _text(value: Any) -> str:
    return strip_controls(value).strip() if isinstance(value, str) else ""


def _topic_number(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 12 else None


def review_of(meeting) -> MentorReview | None:
    """The review a meeting record carries, or None for a meeting without one."""
    agenda = meeting.agenda if isinstance(meeting.agenda, dict) else {}
    review = agenda.get("review")
    if not isinstance(review, dict):
        return None
    shared = {str(t.get("id")): t for t in agenda.get("topics") or [] if isinstance(t, dict)}
    topics = []
    for key, item in (review.get("topics") or {}).items():
        if not isinstance(item, dict):
            continue
        sent = shared.get(str(key), {})
        title = _text(sent.get("title")) or _text(sent.get("ask")) or _text(key)
        topics.append(TopicNote(title=title, outcome=_text(item.get("status")) or "open",
                                notes=_text(item.get("notes")),
                                decision=_text(sent.get("decision")),
                                topic=_topic_number(str(key))))
    order = {str(t.get("id")): n for n, t in enumerate(agenda.get("topics") or [])
             if isinstance(t, dict)}
    topics.sort(key=lambda t: order.get(str(t.topic), len(order)))
    follow_ups = [FollowUp(id=f.id, meeting_id=f.meeting_id, text=strip_controls(f.text),
                           owner=strip_controls(f.owner or ""), due_date=f.due_date,
                           done=f.done, done_at=f.done_at)
                  for f in meeting.follow_ups]
    return MentorReview(meeting_id=meeting.id,
                        reviewed_on=_text(review.get("reviewed_on")) or meeting.date,
                        mentor=_text(review.get("mentor")),
                        notes=_text(meeting.notes) or _text(review.get("notes")),
                        topics=topics, follow_ups=follow_ups)


def mentor_reviews(journal) -> list[MentorReview]:
    """Every recorded review, newest first (by review date, then by when it was imported)."""
    found = [r for r in (review_of(m) for m in journal.meetings()) if r is not None]
    return sorted(found, key=lambda r: (r.reviewed_on, r.meeting_id), reverse=True)


def _follow_up_line(item: FollowUp) -> str:
    box = "[x]" if item.done else "[ ]"
    details = [d for d in (item.owner, f"by {item.due_date}" if item.due_date else "") if d]
    return f"{box} {item.text}" + (f" ({', '.join(details)})" if details else "")


def _topic_line(note: TopicNote) -> str:
    line = f"{note.title}: {note.outcome_text}."
    if note.decision:
        line += f" Decision asked: {note.decision}."
    if note.notes:
        line += f" {note.notes}"
    return line


def review_heading(review: MentorReview) -> str:
    by = f" with {review.mentor}" if review.mentor else ""
    return f"Reviewed {review.reviewed_on}{by}"


def review_text(review: MentorReview) -> str:
    """The whole review as plain lines (the agenda screen shows the latest)."""
    lines = [f"From your mentor · {review_heading(review)}"]
    if review.notes:
        lines.append(review.notes)
    lines += [f"• {_topic_line(note)}" for note in review.topics]
    if review.follow_ups:
        lines.append("Agreed follow-ups:")
        lines += [f"  {_follow_up_line(item)}" for item in review.follow_ups]
    return "\n".join(lines)


def session_review_markdown(reviews: list[MentorReview], topic_ids: set[int]) -> str:
    """What the mentor said about this session's topics, newest review first ("" if none).

    Mentor text goes in as-is apart from control characters; Markdown it holds is
    rendered (it is the mentor's own note to the resident).
    """
    parts = []
    for review in reviews:
        notes = [n for n in review.topics if n.topic in topic_ids]
        if not notes:
            continue
        block = [f"**{review_heading(review)}**", ""]
        block += [f"- {_topic_line(note)}" for note in notes]
        if review.notes:
            block += ["", f"Meeting notes: {review.notes}"]
        if review.follow_ups:
            block += ["", "Agreed follow-ups:", ""]
            block += [f"- {_follow_up_line(item)}" for item in review.follow_ups]
        parts.append("\n".join(block))
    return "\n\n".join(parts)
