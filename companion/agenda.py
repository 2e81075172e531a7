"""The mentor agenda: what a resident chooses to share, and the mentor's review of it.

The agenda is the only thing that leaves the machine, so it carries exactly what
the resident chose: name or initials, date, topics (title, rationale in their
words, the advice cards behind it, questions to ask) and open follow-ups. Never
journal text, check-in scores or safety events. The JSON has a ``schema``
version and validates on load; a malformed, truncated or newer file is refused
with a clear message, and a reviewed agenda is written to a new file so the
original is never overwritten.

Everything read from an agenda file is untrusted: a crafted file must not write
to the terminal (escape sequences are stripped from every string and key on
load), grow the journal without bound (size limits on the file, on each text
field and on each list), crash the loader (deep nesting) or reach topics it did
not carry (review keys must name the agenda's own topics).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from companion.textnorm import strip_controls

SCHEMA_NAME = "resident-companion/agenda"
SCHEMA_VERSION = 3
"""Version 2 added the mentor's page: per topic the ask in the resident's words,
minutes, what the resident needs, a decision and deadline, one question and card
gists; follow-up statuses; the meeting length. Version 3 added what changed since
last time: the last meeting's date and, per topic, what happened to it then.
Older files still load (the new fields take their defaults) and are upgraded to
the current version when read; an app that reads only version 2 refuses a version
3 file as newer instead of failing on an unknown field."""

LastTime = Literal["discussed", "deferred", "follow-up", "open", "shared"]
"""What happened to a topic at the last meeting: the mentor's mark, ``open`` (on the
last agenda, not marked) or ``shared`` (sent before, no review back yet)."""
LAST_TIME_TEXT: dict[str, str] = {
    "discussed": "discussed last time", "deferred": "deferred last time",
    "follow-up": "needed follow-up last time", "open": "on the last agenda, not reached",
    "shared": "shared before, no review back yet"}

NEEDS = ("listen", "advise", "advocate", "introduce", "sponsor")
"""What a resident can ask of a mentor for one topic."""
Need = Literal["listen", "advise", "advocate", "introduce", "sponsor"]
MEETING_MINUTES = 60

# Limits on what a file may carry (a real agenda is a few kilobytes): without
# them 50 MB of notes grew the journal by 100 MB and 100,000 follow-ups went in.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 10          # the agenda itself nests 5 deep (topics > topic > cards > card)
MAX_ITEMS = 100         # entries in any one list or object (topics, follow-ups, questions)
MAX_KEY_CHARS = 64
MAX_TEXT_CHARS = 2_000  # a title, question, follow-up or card reference
TEXT_LIMITS = {"notes": 10_000, "rationale": 4_000}
"""Longer limits for the fields that hold paragraphs, by field name."""


class AgendaError(ValueError):
    """An agenda file cannot be used; the message says which file and why.

    The message never carries control characters, whatever the file held.
    """

    def __init__(self, message: str) -> None:
        super().__init__(strip_controls(message))


def for_mentor(rationale: str) -> str:
    """A rationale as the mentor reads it: 'You wrote: "…"' was said to the resident.

    Suggested topics store their rationale addressed to the resident; on the
    mentor's screen, under "the resident's words", only the quote is shown.
    """
    text = rationale.strip()
    if text.startswith("You wrote:"):
        text = text[len("You wrote:"):].strip()
    return text


def shown(value: str, limit: int = 40) -> str:
    """A key or value from a file, safe and short enough to quote in a message."""
    text = strip_controls(value).replace("\n", " ")
    return repr(text if len(text) <= limit else text[:limit] + "…")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CardRef(_Strict):
    id: str
    title: str
    gist: str = ""
    """One line a mentor can read on paper (the card itself cannot be opened there)."""


class AgendaTopic(_Strict):
    id: str = Field(min_length=1)
    topic_id: str
    title: str = Field(min_length=1)
    """The taxonomy label: the page leads with ``ask``, the resident's words."""
    rationale: str = ""
    cards: list[CardRef] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    ask: str = ""
    need: Need = "advise"
    minutes: int = Field(default=0, ge=0, le=600)
    decision: str = ""
    deadline: date | None = None
    last_time: LastTime | None = None
    """What happened to this topic last time; None: new since the last meeting (or
    there was none)."""

    @property
    def heading(self) -> str:
        """What the page calls this topic: the resident's words when there are any."""
        return self.ask or self.title


class FollowUpItem(_Strict):
    text: str = Field(min_length=1)
    owner: str = "resident"
    due: date | None = None
    status: Literal["open", "done", "overdue"] = "open"


REVIEW_STATUSES = ("discussed", "deferred", "follow-up", "open")
"""A topic's outcome in a review; ``follow-up`` is discussed but needing follow-up."""


class TopicReview(_Strict):
    status: Literal["discussed", "deferred", "follow-up", "open"] = "open"
    notes: str = ""


class Review(_Strict):
    mentor: str = ""
    reviewed_on: date
    topics: dict[str, TopicReview] = Field(default_factory=dict)
    notes: str = ""
    follow_ups: list[FollowUpItem] = Field(default_factory=list)


class Agenda(_Strict):
    schema_: str = Field(alias="schema", default=f"{SCHEMA_NAME}@{SCHEMA_VERSION}")
    resident: str = ""
    date: date
    topics: list[AgendaTopic] = Field(default_factory=list)
    follow_ups: list[FollowUpItem] = Field(default_factory=list)
    meeting_minutes: int = Field(default=MEETING_MINUTES, ge=5, le=600)
    last_meeting: datetime.date | None = None
    """The last meeting with a review recorded; None: this is the first."""
    review: Review | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True),
                          indent=2, ensure_ascii=False) + "\n"

    def texts(self) -> list[str]:
        """Every free-text field, for the privacy check before export or review."""
        out = [self.resident]
        for topic in self.topics:
            out += [topic.title, topic.rationale, topic.ask, topic.decision, *topic.questions]
        out += [f.text for f in self.follow_ups]
        if self.review:
            out += [self.review.notes, *(t.notes for t in self.review.topics.values()),
                    *(f.text for f in self.review.follow_ups)]
        return [t for t in out if t]


def parse_agenda(text: str, source: str = "agenda") -> Agenda:
    """Validate agenda JSON, naming what is wrong (never echoing raw file text)."""
    source = strip_controls(source)
    text = text.removeprefix("\ufeff")  # a UTF-8 BOM (Notepad) is fine
    if len(text) > MAX_FILE_BYTES:
        raise AgendaError(f"{source}: is {len(text):,} characters; an agenda is at most "
                          f"{MAX_FILE_BYTES:,}")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = not text.rstrip().endswith(("}", "]")) or exc.pos >= len(text.rstrip()) - 1
        hint = " (the file looks truncated: was it copied completely?)" if truncated else ""
        raise AgendaError(f"{source}: not valid JSON at line {exc.lineno}{hint}") from exc
    except RecursionError as exc:
        raise AgendaError(f"{source}: nested more than {MAX_DEPTH} levels deep; "
                          "this is not a Resident Companion agenda") from exc
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise AgendaError(f"{source}: not valid JSON ({str(exc).split(':')[0]})") from exc
    if not isinstance(raw, dict):
        raise AgendaError(f"{source}: expected a JSON object with a 'schema' field")
    raw = _clean(raw, source)
    schema = raw.get("schema")
    if not isinstance(schema, str) or "@" not in schema or not schema.startswith(SCHEMA_NAME):
        raise AgendaError(f"{source}: field 'schema' must be '{SCHEMA_NAME}@{SCHEMA_VERSION}'; "
                          "this is not a Resident Companion agenda")
    version_text = schema.rsplit("@", 1)[1]
    if not (version_text.isascii() and version_text.isdigit()):
        raise AgendaError(f"{source}: field 'schema' has an unreadable version")
    version = int(version_text)
    if version > SCHEMA_VERSION:
        raise AgendaError(f"{source}: agenda schema version {version} is newer than this app "
                          f"supports ({SCHEMA_VERSION}); update Resident Companion to open it")
    try:
        agenda = Agenda.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise AgendaError(f"{source}: field {shown(where, 80)}: {err['msg']}{more}") from exc
    _check_review_keys(agenda, source)
    if version < SCHEMA_VERSION:  # an older agenda: read as the current format
        agenda.schema_ = f"{SCHEMA_NAME}@{SCHEMA_VERSION}"
    return agenda


def _text_limit(field: str) -> int:
    return TEXT_LIMITS.get(field, MAX_TEXT_CHARS)


def _clean(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """The parsed JSON with controls stripped from every string and key, within limits.

    Iterative on purpose: the depth check must come before any recursion.
    """
    root: dict[str, Any] = {}
    # (value from the file, where its clean copy goes, key in that container, path, depth)
    stack: list[tuple[Any, Any, Any, str, str, int]] = [(raw, None, None, "", "", 1)]
    while stack:
        value, parent, slot, path, field, depth = stack.pop()
        where = path or "(top level)"
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise AgendaError(f"{source}: nested more than {MAX_DEPTH} levels deep at "
                                  f"{shown(where, 80)}; this is not a Resident Companion agenda")
            if len(value) > MAX_ITEMS:
                raise AgendaError(f"{source}: field {shown(where, 80)} has {len(value):,} "
                                  f"entries; at most {MAX_ITEMS}")
        if isinstance(value, dict):
            copy: Any = root if parent is None else {}
            for key, item in value.items():
                key = strip_controls(key).strip()
                if len(key) > MAX_KEY_CHARS:
                    raise AgendaError(f"{source}: a key in {shown(where, 80)} is "
                                      f"{len(key):,} characters long; at most {MAX_KEY_CHARS}")
                copy[key] = None
                stack.append((item, copy, key, f"{path}.{key}" if path else key, key, depth + 1))
        elif isinstance(value, list):
            copy = [None] * len(value)
            for index, item in enumerate(value):
                stack.append((item, copy, index, f"{path}.{index}", field, depth + 1))
        elif isinstance(value, str):
            copy = strip_controls(value)
            if len(copy) > _text_limit(field):
                raise AgendaError(f"{source}: field {shown(where, 80)} is {len(copy):,} "
                                  f"characters long; at most {_text_limit(field):,}")
        else:
            copy = value
        if parent is not None:
            parent[slot] = copy
    return root


def _check_review_keys(agenda: Agenda, source: str) -> None:
    """A review may speak only of the topics this agenda carries."""
    if agenda.review is None:
        return
    ids = [t.id for t in agenda.topics]
    for key in agenda.review.topics:
        if key not in ids:
            listed = ", ".join(shown(i, 12) for i in ids[:10]) or "none"
            raise AgendaError(f"{source}: field 'review.topics' names topic {shown(key)}, "
                              f"which is not one of this agenda's topics ({listed})")


def import_key(agenda: Agenda) -> str:
    """Which review of which agenda this is: the same file always gives the same key.

    The agenda part is everything but the review (what the resident shared), so a
    copy of the reviewed file, re-saved or renamed, is still recognised.
    """
    if agenda.review is None:
        raise AgendaError("this agenda has no 'review' section yet")
    shared = agenda.model_dump(mode="json", by_alias=True, exclude={"review"})
    digest = hashlib.sha256(json.dumps(shared, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{agenda.review.reviewed_on.isoformat()}"


def review_digest(agenda: Agenda) -> str:
    """A fingerprint of the review itself, to tell a changed review from the same one."""
    review = agenda.review.model_dump(mode="json") if agenda.review else {}
    return hashlib.sha256(json.dumps(review, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()[:32]


def load_agenda(path: str | Path) -> Agenda:
    """Read and validate an agenda file in UTF-8 (with or without a BOM) or UTF-16."""
    from companion.textio import TextFileError, read_text_file

    path = Path(path)
    try:
        decoded = read_text_file(path, max_bytes=MAX_FILE_BYTES, what="an agenda", fallback=None)
    except TextFileError as exc:
        raise AgendaError(str(exc)) from exc
    return parse_agenda(decoded.text, path.name)


def write_new_file(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write atomically, private to the user; refuse to replace a file unless asked."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise AgendaError(f"{path}: already exists; choose another file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def reviewed_path(original: str | Path) -> Path:
    """Where the mentor's reviewed copy goes: beside the original, never over it."""
    original = Path(original)
    stem = original.stem.removesuffix(".reviewed")
    candidate = original.with_name(f"{stem}.reviewed.json")
    counter = 2
    while candidate.exists():
        candidate = original.with_name(f"{stem}.reviewed-{counter}.json")
        counter += 1
    return candidate


FOLLOW_UP_MINUTES = 5
"""Time kept at the start of a meeting for last time's follow-ups."""
SLOT = 5
OUTCOME = {"discussed": "discussed", "deferred": "deferred", "follow-up": "needs follow-up",
           "open": "not yet marked"}
NEED_TEXT = {"listen": "listen", "advise": "advice", "advocate": "advocacy",
             "introduce": "an introduction", "sponsor": "sponsorship"}


def allot_minutes(asks: int, meeting: int = MEETING_MINUTES, follow_ups: bool = False
                  ) -> list[int]:
    """Minutes per ask, in rank order, in 5-minute slots that fit the meeting.

    Higher-ranked asks get more time (weights n, n-1, ..., 1); an ask the hour
    cannot hold gets 0 (shown as "if time allows") rather than a squeezed slot.
    """
    budget = max(0, meeting - (FOLLOW_UP_MINUTES if follow_ups else 0)) // SLOT
    if asks <= 0:
        return []
    held = min(asks, budget)
    weights = list(range(held, 0, -1))
    slots = [max(1, budget * w // sum(weights)) for w in weights] if held else []
    while sum(slots) > budget:
        slots[slots.index(max(slots))] -= 1
    if slots:
        slots[0] += budget - sum(slots)
    return [s * SLOT for s in slots] + [0] * (asks - held)


def since_last_time(agenda: Agenda) -> list[str]:
    """What changed since the last meeting, in plain lines (no markup).

    The follow-ups themselves are listed by the caller, one line each; these lines
    say when the last meeting was, how its follow-ups stand, which asks are new and
    which come back. Empty when there was no earlier meeting or shared agenda.
    """
    again = [(n, t) for n, t in enumerate(agenda.topics, 1) if t.last_time]
    if agenda.last_meeting is None and not again:
        return []
    lines = []
    if agenda.last_meeting is not None:
        counts = Counter(f.status for f in agenda.follow_ups)
        states = ", ".join(f"{counts[s]} {s}" for s in ("done", "overdue", "open") if counts[s])
        lines.append(f"Last meeting: {agenda.last_meeting.isoformat()}"
                     + (f"; follow-ups {states}." if states else "; no follow-ups agreed."))
    new = [str(n) for n, t in enumerate(agenda.topics, 1) if not t.last_time]
    if new and not again:
        lines.append("Every ask below is new since then.")
    elif new:
        lines.append(f"New since then: ask{'s' if len(new) > 1 else ''} {_listed(new)}.")
    if again:
        lines.append("Back from before: " + "; ".join(
            f"ask {n} ({LAST_TIME_TEXT[t.last_time or 'open']})" for n, t in again) + ".")
    return lines


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def to_markdown(agenda: Agenda) -> str:
    """A printable page (one or two) for a mentor who has no app: asks first, ranked."""
    who = agenda.resident or "a resident"
    asks = len(agenda.topics)
    decisions = sum(1 for t in agenda.topics if t.decision)
    lines = [f"# Mentor meeting — {who}, {agenda.date.isoformat()}", "",
             f"{agenda.meeting_minutes} minutes · {asks} ask(s)"
             + (f" · {decisions} decision(s) needed" if decisions else ""), ""]
    since = since_last_time(agenda)
    if agenda.follow_ups or since:
        lines += ["## Since last time", ""]
        for line in since:  # one paragraph each: printed, they must not run together
            lines += [line, ""]
        lines += [f"- {_box(f)} {_follow_up_line(f)}" for f in agenda.follow_ups]
        lines.append("")
    lines += ["## Asks, most important first", ""]
    if not agenda.topics:
        lines += ["(no topics chosen)", ""]
    review = agenda.review.topics if agenda.review else {}
    for number, topic in enumerate(agenda.topics, 1):
        lines += [f"### {number}. {topic.heading} — {_minutes(topic.minutes)}", ""]
        lines.append(f"- Needs from you: **{NEED_TEXT[topic.need]}** ({topic.title})")
        if topic.last_time:
            lines.append(f"- Before: {LAST_TIME_TEXT[topic.last_time]}")
        if topic.decision:
            due = f", by {topic.deadline.isoformat()}" if topic.deadline else ""
            lines.append(f"- Decision needed: {topic.decision}{due}")
        elif topic.deadline:
            lines.append(f"- Deadline: {topic.deadline.isoformat()}")
        if topic.questions:
            lines.append(f"- Question: {topic.questions[0]}")
        for card in topic.cards[:2]:
            gist = f": {card.gist}" if card.gist else ""
            lines.append(f"- Read: *{card.title}*{gist}")
        if topic.id in review:
            lines.append(f"- Outcome: **{OUTCOME[review[topic.id].status]}**. "
                         f"{review[topic.id].notes}".rstrip())
        lines.append("")
    if agenda.review:
        lines += ["## Review", "", f"Reviewed on {agenda.review.reviewed_on.isoformat()}"
                  + (f" by {agenda.review.mentor}" if agenda.review.mentor else ""), ""]
        if agenda.review.notes:
            lines += [agenda.review.notes, ""]
        if agenda.review.follow_ups:
            lines += ["Agreed follow-ups:",
                      *[f"- [ ] {_follow_up_line(f)}" for f in agenda.review.follow_ups], ""]
    return "\n".join(lines).rstrip() + "\n"


def _minutes(minutes: int) -> str:
    return f"{minutes} min" if minutes else "if time allows"


def _box(item: FollowUpItem) -> str:
    return "[x]" if item.status == "done" else "[ ]"


def _follow_up_line(item: FollowUpItem) -> str:
    due = f", by {item.due.isoformat()}" if item.due else ""
    status = f" — {item.status}" if item.status != "open" else ""
    return f"{item.text} ({item.owner}{due}){status}"
