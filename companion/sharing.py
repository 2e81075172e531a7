"""The round trip of an agenda: journal -> file for the mentor -> reviewed file -> journal.

Choosing and ordering topics, checking the export for patient identifiers, and
recording the mentor's review (meeting, discussed topics, follow-ups) back into
the resident's journal (once, in one transaction, and only for the topics that
were shared).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, cast

from companion.agenda import (
    MEETING_MINUTES,
    NEEDS,
    Agenda,
    AgendaError,
    AgendaTopic,
    CardRef,
    FollowUpItem,
    LastTime,
    Need,
    allot_minutes,
    import_key,
    parse_agenda,
    review_digest,
    to_markdown,
)
from companion.textnorm import strip_controls

if TYPE_CHECKING:
    from companion.journal.records import Meeting


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


class DisclosuresFound(IdentifiersFound):
    """The export quotes the resident admitting an error or giving case facts.

    A subclass of ``IdentifiersFound`` so every caller that already asks the
    resident about identifiers (CLI, service, app) asks about these too; its
    findings have kind ``admission`` or ``case-facts`` and the sentence as text.
    """

    def __init__(self, findings: list[IdentifierFinding]):
        from companion.privacy.disclosure import SUGGESTIONS

        self.findings = findings
        listed = "; ".join(f"{f.field}: '{f.text}'" for f in findings[:5])
        kinds = sorted({f.kind for f in findings})
        AgendaError.__init__(
            self,
            f"the agenda quotes you admitting an error or giving case facts ({listed}). "
            + " ".join(SUGGESTIONS[k] for k in kinds)
            + " Reword those topics, or export as written (--keep-wording).",
        )


DEFAULT_NEEDS: dict[str, str] = {
    "burnout": "listen", "emotional-support": "listen", "work-life-balance": "listen",
    "motivation-confidence": "listen", "conflict-resolution": "advocate",
    "diversity-inclusion": "advocate", "networking": "introduce", "finding-a-mentor": "introduce",
    "professional-visibility": "sponsor", "leadership": "sponsor",
}
"""What a resident most often needs from a mentor on a topic; anything else: advise."""

MAX_CARDS = 2
"""Mentor cards per topic on the page: a printout cannot open more."""
GIST_CHARS = 110
ASK_CHARS = 160
"""An ask is a heading on a printed page: a longer rationale is cut at a word."""


def default_need(topic_id: str) -> str:
    """The need to propose when the resident has not said (they can change it)."""
    return DEFAULT_NEEDS.get(topic_id, "advise")


def resident_ask(title: str, rationale: str, resident_words: Sequence[str]) -> str:
    """The ask in the resident's own words: their quote, else their rationale, else ''.

    Only what the rationale still says is used, so rewording a topic rewords its ask.
    """
    # a quote the resident has since reworded out of the rationale must not come back
    text = next((w.strip() for w in resident_words
                 if len(w.split()) >= 3 and w.strip() in rationale), "")
    if not text:
        text = rationale.strip()
        if text.startswith('You wrote: "') and text.endswith('"'):
            text = text[len('You wrote: "'):-1]
    text = " ".join(text.split())  # a heading: one line
    if len(text) > ASK_CHARS:
        text = text[: ASK_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return "" if text == title else text


def build_agenda(journal, resident: str = "", topic_ids: Sequence[int] | None = None,
                 edits: Mapping[int, Mapping[str, str]] | None = None,
                 on: date | None = None, meeting_minutes: int = MEETING_MINUTES) -> Agenda:
    """Make an agenda from accepted topics (or the given ids, in that order = rank).

    Args:
        topic_ids: journal topic ids to share, in the order wanted; default all
            accepted (and already shared) topics in their stored order.
        edits: per topic id, any of ``title``, ``rationale``, ``ask``, ``question``,
            ``need`` (one of NEEDS), ``decision`` and ``deadline`` (ISO date). Need,
            decision and deadline default to what the journal saved for the topic.
        meeting_minutes: the meeting's length; each ask's minutes fit it.
    """
    edits = edits or {}
    on = on or date.today()
    if not 5 <= meeting_minutes <= 600:
        raise AgendaError(f"a meeting of {meeting_minutes} minutes: give 5 to 600")
    by_id = {t.id: t for t in journal.topics()}
    if topic_ids is None:
        chosen = [t for t in by_id.values() if t.status in {"accepted", "shared"}]
    else:
        missing = [i for i in topic_ids if i not in by_id]
        if missing:
            raise AgendaError(f"no topic with id {', '.join(map(str, missing))} in the journal")
        chosen = [by_id[i] for i in topic_ids]
    meetings = journal.meetings()  # newest first; decrypted once for everything below
    follow_ups = _follow_ups(journal, meetings, on)
    last_meeting, last_marks = _last_meeting(meetings)
    recorded = meetings[0].created_at if last_meeting else ""
    minutes = allot_minutes(len(chosen), meeting_minutes, bool(follow_ups))
    topics = []
    for topic, slot in zip(chosen, minutes, strict=True):
        change = edits.get(topic.id, {})
        need = change.get("need") or topic.need or default_need(topic.topic_id)
        if need not in NEEDS:
            raise AgendaError(f"need {need!r} for topic {topic.id}: use one of "
                              + ", ".join(NEEDS))
        rationale = change.get("rationale", topic.rationale)
        question = change.get("question") or next(iter(topic.questions), "")
        deadline_text = change.get("deadline", topic.deadline)
        try:
            deadline = date.fromisoformat(deadline_text) if deadline_text else None
        except ValueError as exc:
            raise AgendaError(f"deadline for topic {topic.id} is not a date like "
                              "2026-12-31") from exc
        topics.append(AgendaTopic(
            id=str(topic.id), topic_id=topic.topic_id,
            title=change.get("title") or topic.title, rationale=rationale,
            ask=change.get("ask") or resident_ask(topic.title, rationale,
                                                  () if "rationale" in change
                                                  else topic.resident_words),
            cards=_mentor_cards(topic.topic_id), questions=[question] if question else [],
            need=cast(Need, need), minutes=slot,
            decision=change.get("decision", topic.decision),
            deadline=deadline,
            last_time=last_marks.get(str(topic.id), _shared_before(topic, recorded)),
        ))
    return Agenda(resident=resident, date=on, topics=topics, follow_ups=follow_ups,
                  meeting_minutes=meeting_minutes, last_meeting=last_meeting)


def _last_meeting(meetings: Sequence[Meeting]) -> tuple[date | None, dict[str, LastTime]]:
    """The last recorded meeting's date and, per journal topic id it carried, its mark.

    A topic on that agenda the mentor did not mark is ``open``. The stored agenda is
    the reviewed file as imported; anything unreadable in it is ignored (a meeting
    recorded by hand has no agenda at all).
    """
    if not meetings:
        return None, {}
    last = meetings[0]
    try:
        day: date | None = date.fromisoformat(last.date[:10])
    except ValueError:
        day = None
    agenda = _mapping(last.agenda)
    reviewed = _mapping(_mapping(agenda.get("review")).get("topics"))
    topics = agenda.get("topics")
    marks: dict[str, LastTime] = {}
    for item in topics if isinstance(topics, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            status = _mapping(reviewed.get(item["id"])).get("status", "open")
            marks[item["id"]] = status if status in LAST_MARKS else "open"
    return day, marks


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


LAST_MARKS = ("discussed", "deferred", "follow-up", "open")


def _shared_before(topic, recorded: str) -> LastTime | None:
    """``shared`` for a topic sent in an agenda before the last meeting was recorded that
    no review has come back for; None otherwise. A topic shared since then is part of
    this round (exporting Markdown, then JSON, must give the mentor the same page)."""
    if topic.status == "shared" and recorded and topic.updated_at < recorded:
        return "shared"
    return None


def _follow_ups(journal, meetings: Sequence[Meeting], on: date) -> list[FollowUpItem]:
    """Last meeting's follow-ups with their status, then any older ones still open."""
    last = meetings[0].follow_ups if meetings else []
    seen = {f.id for f in last}
    items = list(last) + [f for f in journal.open_follow_ups() if f.id not in seen]
    out = []
    for f in items:
        due = date.fromisoformat(f.due_date) if f.due_date else None
        status: Literal["open", "done", "overdue"] = (
            "done" if f.done else "overdue" if due and due < on else "open")
        out.append(FollowUpItem(text=f.text, owner=f.owner or "resident", due=due,
                                status=status))
    return out


def _mentor_cards(topic_id: str) -> list[CardRef]:
    """The topic's first two mentor cards (primary topic first), each with a gist: the
    card's "right now" line, else its first sentence."""
    from companion.cards import CardError, cards_for_topic

    try:
        cards = cards_for_topic(topic_id, "mentor")[:MAX_CARDS]
    except CardError:  # a broken card must not block sharing
        return []
    return [CardRef(id=c.id, title=c.title, gist=c.now or card_gist(c.body)) for c in cards]


def card_gist(body: str) -> str:
    """The body's first sentence, on one line and short enough to print."""
    text = " ".join(line.strip() for line in body.split("\n")
                    if line.strip() and not line.lstrip().startswith("#"))
    sentence = text.split(". ", 1)[0].rstrip(".") + "." if text else ""
    if len(sentence) > GIST_CHARS:
        sentence = sentence[: GIST_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _fields(agenda: Agenda) -> list[tuple[str, str]]:
    """(field name, text) of every free-text field that leaves the machine."""
    fields = [("resident", agenda.resident)]
    for n, topic in enumerate(agenda.topics, 1):
        fields += [(f"topic {n} title", topic.title), (f"topic {n} rationale", topic.rationale)]
        if topic.ask.rstrip("…") not in topic.rationale:  # a quote of it is asked about once
            fields.append((f"topic {n} ask", topic.ask))
        fields.append((f"topic {n} decision", topic.decision))
        fields += [(f"topic {n} question", q) for q in topic.questions]
    fields += [("follow-up", f.text) for f in agenda.follow_ups]
    if agenda.review:
        fields += [("review notes", agenda.review.notes)]
        fields += [(f"review of topic {k}", v.notes) for k, v in agenda.review.topics.items()]
        fields += [("agreed follow-up", f.text) for f in agenda.review.follow_ups]
    return fields


def find_identifiers(agenda: Agenda) -> list[IdentifierFinding]:
    """Every possible patient identifier in the agenda's free text."""
    from companion.privacy import scan

    findings = []
    for name, text in _fields(agenda):
        for span in scan(text or ""):
            findings.append(IdentifierFinding(name, span.kind, span.text))
    return findings


def find_agenda_disclosures(agenda: Agenda) -> list[IdentifierFinding]:
    """Sentences of the agenda that admit an error or give case facts (kind, sentence)."""
    from companion.privacy.disclosure import find_disclosures

    return [IdentifierFinding(name, found.kind, found.text)
            for name, text in _fields(agenda) if name != "resident"
            for found in find_disclosures(text or "")]


def find_findings(agenda: Agenda) -> list[IdentifierFinding]:
    """What the resident is asked about before an export: identifiers, then disclosures."""
    return find_identifiers(agenda) + find_agenda_disclosures(agenda)


def redact_agenda(agenda: Agenda) -> Agenda:
    """A copy with every detected identifier replaced by its tag."""
    from companion.privacy import redact

    data = agenda.model_dump(by_alias=True)
    data["resident"] = redact(data["resident"])
    for topic in data["topics"]:
        topic["title"] = redact(topic["title"])
        topic["rationale"] = redact(topic["rationale"])
        topic["ask"] = redact(topic["ask"])
        topic["decision"] = redact(topic["decision"])
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
                  keep_identifiers: bool = False, keep_wording: bool = False) -> str:
    """Check, render and mark the shared topics; raises IdentifiersFound to ask first.

    Identifiers are asked about unless ``redact`` or ``keep_identifiers``; quotes
    that admit an error or give case facts (``DisclosuresFound``) unless the
    resident has already answered about this export (any of the three flags).
    """
    if redact:
        agenda = redact_agenda(agenda)
    elif not keep_identifiers:
        findings = find_identifiers(agenda)
        if findings:
            raise IdentifiersFound(findings + find_agenda_disclosures(agenda))
    if not (redact or keep_identifiers or keep_wording):
        disclosures = find_agenda_disclosures(agenda)
        if disclosures:
            raise DisclosuresFound(disclosures)
    parse_agenda(agenda.to_json(), "the agenda")  # what the mentor's app will accept
    text = render(agenda, fmt)
    for topic in agenda.topics:
        if topic.id.isascii() and topic.id.isdigit():
            current = journal.topic(int(topic.id))
            if current.status in {"accepted", "suggested"}:
                journal.update_topic(int(topic.id), status="shared")
    return text


@dataclass(frozen=True)
class ReviewImported:
    """What importing a reviewed agenda did (``already_imported``: nothing, it was done before)."""

    meeting_id: int
    discussed: int
    follow_ups: int
    already_imported: bool = False
    skipped: tuple[str, ...] = ()
    """Topics the review marked discussed that were left alone, each with the reason."""

    @property
    def message(self) -> str:
        """One sentence for the resident."""
        if self.already_imported:
            return ("This review was imported before; nothing was changed "
                    "(a second import of the same file never adds another meeting).")
        text = (f"Meeting recorded: {self.discussed} topic(s) discussed, "
                f"{self.follow_ups} follow-up(s) to do.")
        if self.skipped:
            text += " Left unchanged: " + "; ".join(self.skipped) + "."
        return text

    def to_dict(self) -> dict:
        return {"meeting_id": self.meeting_id, "discussed": self.discussed,
                "follow_ups": self.follow_ups, "already_imported": self.already_imported,
                "skipped": list(self.skipped), "message": self.message}


IMPORT_KEY = "import_key"
"""Where a meeting's stored agenda keeps the key of the review it came from."""


def import_review(journal, agenda: Agenda) -> ReviewImported:
    """Record a reviewed agenda once: the meeting, discussed topics and agreed follow-ups.

    All of it is one journal transaction, so a failure leaves nothing behind. A
    review already recorded (same agenda, same review date: :func:`import_key`)
    changes nothing. Only topics this agenda carried and the journal shows as
    shared become discussed; a mentor's file cannot reach any other topic.
    """
    if agenda.review is None:
        raise AgendaError("this agenda has no 'review' section yet: the mentor has not "
                          "reviewed it")
    review = agenda.review
    key = import_key(agenda)
    digest = review_digest(agenda)
    follow_ups = [{"text": strip_controls(f.text), "owner": strip_controls(f.owner),
                   "due_date": f.due.isoformat() if f.due else None}
                  for f in review.follow_ups]
    shared = {t.id: t for t in agenda.topics}
    stored = agenda.model_dump(mode="json", by_alias=True)
    stored.update({IMPORT_KEY: key, "review_sha256": digest})
    with journal.transaction():
        earlier = next((m for m in journal.meetings() if m.agenda.get(IMPORT_KEY) == key), None)
        if earlier is not None:
            if earlier.agenda.get("review_sha256") != digest:
                raise AgendaError(
                    f"a different review of this agenda, dated {review.reviewed_on.isoformat()}"
                    f", was imported on {earlier.created_at[:10]}; nothing was changed. Ask "
                    "your mentor which copy is right, or record changes by hand.")
            return ReviewImported(earlier.id, 0, 0, already_imported=True)
        discussed, skipped = _discussed_topics(journal, review, shared)
        meeting_id = journal.add_meeting(review.reviewed_on, stored,
                                         notes=strip_controls(review.notes),
                                         follow_ups=follow_ups)
        for topic_id in discussed:
            journal.update_topic(topic_id, status="discussed")
    return ReviewImported(meeting_id, len(discussed), len(follow_ups), skipped=tuple(skipped))


def _discussed_topics(journal, review, shared: Mapping[str, AgendaTopic]
                      ) -> tuple[list[int], list[str]]:
    """Journal ids of the topics to mark discussed, and why any others were left alone."""
    by_id = {t.id: t for t in journal.topics()}
    chosen: list[int] = []
    skipped: list[str] = []
    for key, item in review.topics.items():
        if item.status not in {"discussed", "follow-up"}:
            continue
        sent = shared.get(key)
        title = sent.title if sent is not None else key
        number = int(key) if key.isascii() and key.isdigit() and len(key) < 12 else None
        current = by_id.get(number) if number is not None else None
        if sent is None or current is None or current.topic_id != sent.topic_id:
            skipped.append(f"'{title}' (not a topic of this journal)")
        elif current.status == "discussed":
            continue
        elif current.status != "shared":
            skipped.append(f"'{title}' (it is {current.status}, not shared)")
        else:
            chosen.append(current.id)
    return chosen, skipped
