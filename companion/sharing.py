"""The round trip of an agenda: journal -> file for the mentor -> reviewed file -> journal.

Choosing and ordering topics, checking the export for patient identifiers, and
recording the mentor's review (meeting, discussed topics, follow-ups) back into
the resident's journal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from companion.agenda import Agenda, AgendaError, AgendaTopic, CardRef, FollowUpItem, to_markdown


@dataclass(frozen=True)
class IdentifierFinding:
    """A patient identifier found in a text about to leave the machine."""

    field: str
    kind: str
    text: str


class IdentifiersFound(AgendaError):
    """The export holds possible patient identifiers; the resident must decide."""

    def __init__(self, findings: list[IdentifierFinding]):
        self.findings = findings
        listed = "; ".join(f"{f.kind} '{f.text}' in {f.field}" for f in findings[:8])
        super().__init__(
            f"the agenda may contain patient identifiers ({listed}). Redact them "
            "(--redact) or confirm they are not identifiers (--keep-identifiers)."
        )


def build_agenda(journal, resident: str = "", topic_ids: Sequence[int] | None = None,
                 edits: Mapping[int, Mapping[str, str]] | None = None,
                 on: date | None = None) -> Agenda:
    """Make an agenda from accepted topics (or the given ids, in that order).

    Args:
        topic_ids: journal topic ids to share, in the order wanted; default all
            accepted (and already shared) topics in their stored order.
        edits: per topic id, a new ``title`` and/or ``rationale``.
    """
    edits = edits or {}
    by_id = {t.id: t for t in journal.topics()}
    if topic_ids is None:
        chosen = [t for t in by_id.values() if t.status in {"accepted", "shared"}]
    else:
        missing = [i for i in topic_ids if i not in by_id]
        if missing:
            raise AgendaError(f"no topic with id {', '.join(map(str, missing))} in the journal")
        chosen = [by_id[i] for i in topic_ids]
    titles = _card_titles([cid for t in chosen for cid in t.card_ids])
    topics = []
    for topic in chosen:
        change = edits.get(topic.id, {})
        topics.append(AgendaTopic(
            id=str(topic.id), topic_id=topic.topic_id,
            title=change.get("title") or topic.title,
            rationale=change.get("rationale", topic.rationale),
            cards=[CardRef(id=c, title=titles.get(c, c)) for c in topic.card_ids],
            questions=list(topic.questions),
        ))
    follow_ups = [FollowUpItem(text=f.text, owner=f.owner or "resident",
                               due=date.fromisoformat(f.due_date) if f.due_date else None)
                  for f in journal.open_follow_ups()]
    return Agenda(resident=resident, date=on or date.today(), topics=topics,
                  follow_ups=follow_ups)


def _card_titles(card_ids: list[str]) -> dict[str, str]:
    if not card_ids:
        return {}
    from companion.cards import load_cards

    try:
        return {c.id: c.title for c in load_cards()}
    except Exception:  # a broken card must not block sharing; ids still identify them
        return {}


def find_identifiers(agenda: Agenda) -> list[IdentifierFinding]:
    """Every possible patient identifier in the agenda's free text."""
    from companion.privacy import scan

    findings = []
    fields = [("resident", agenda.resident)]
    for n, topic in enumerate(agenda.topics, 1):
        fields += [(f"topic {n} title", topic.title), (f"topic {n} rationale", topic.rationale)]
        fields += [(f"topic {n} question", q) for q in topic.questions]
    fields += [("follow-up", f.text) for f in agenda.follow_ups]
    if agenda.review:
        fields += [("review notes", agenda.review.notes)]
        fields += [(f"review of topic {k}", v.notes) for k, v in agenda.review.topics.items()]
        fields += [("agreed follow-up", f.text) for f in agenda.review.follow_ups]
    for name, text in fields:
        for span in scan(text or ""):
            findings.append(IdentifierFinding(name, span.kind, span.text))
    return findings


def redact_agenda(agenda: Agenda) -> Agenda:
    """A copy with every detected identifier replaced by its tag."""
    from companion.privacy import redact

    data = agenda.model_dump(by_alias=True)
    data["resident"] = redact(data["resident"])
    for topic in data["topics"]:
        topic["title"] = redact(topic["title"])
        topic["rationale"] = redact(topic["rationale"])
        topic["questions"] = [redact(q) for q in topic["questions"]]
    for item in data["follow_ups"]:
        item["text"] = redact(item["text"])
    return Agenda.model_validate(data)


def render(agenda: Agenda, fmt: str) -> str:
    if fmt == "json":
        return agenda.to_json()
    if fmt == "md":
        return to_markdown(agenda)
    raise AgendaError(f"unknown format '{fmt}': use md or json")


def export_agenda(journal, agenda: Agenda, fmt: str = "md", *, redact: bool = False,
                  keep_identifiers: bool = False) -> str:
    """Check, render and mark the shared topics; raises IdentifiersFound to ask first."""
    if redact:
        agenda = redact_agenda(agenda)
    elif not keep_identifiers:
        findings = find_identifiers(agenda)
        if findings:
            raise IdentifiersFound(findings)
    text = render(agenda, fmt)
    for topic in agenda.topics:
        if topic.id.isdigit():
            current = journal.topic(int(topic.id))
            if current.status in {"accepted", "suggested"}:
                journal.update_topic(int(topic.id), status="shared")
    return text


def import_review(journal, agenda: Agenda) -> dict:
    """Record a reviewed agenda: the meeting, discussed topics and agreed follow-ups."""
    if agenda.review is None:
        raise AgendaError("this agenda has no 'review' section yet: the mentor has not "
                          "reviewed it")
    review = agenda.review
    follow_ups = [{"text": f.text, "owner": f.owner,
                   "due_date": f.due.isoformat() if f.due else None}
                  for f in review.follow_ups]
    meeting_id = journal.add_meeting(review.reviewed_on, agenda.model_dump(mode="json",
                                     by_alias=True), notes=review.notes, follow_ups=follow_ups)
    discussed = 0
    known = {t.id for t in journal.topics()}
    for key, item in review.topics.items():
        if item.status == "discussed" and key.isdigit() and int(key) in known:
            journal.update_topic(int(key), status="discussed")
            discussed += 1
    return {"meeting_id": meeting_id, "discussed": discussed, "follow_ups": len(follow_ups)}
