"""The mentor agenda: what a resident chooses to share, and the mentor's review of it.

The agenda is the only thing that leaves the machine, so it carries exactly what
the resident chose: name or initials, date, topics (title, rationale in their
words, the advice cards behind it, questions to ask) and open follow-ups. Never
journal text, check-in scores or safety events. The JSON has a ``schema``
version and validates on load; a malformed, truncated or newer file is refused
with a clear message, and a reviewed agenda is written to a new file so the
original is never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA_NAME = "resident-companion/agenda"
SCHEMA_VERSION = 1


class AgendaError(ValueError):
    """An agenda file cannot be used; the message says which file and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CardRef(_Strict):
    id: str
    title: str


class AgendaTopic(_Strict):
    id: str = Field(min_length=1)
    topic_id: str
    title: str = Field(min_length=1)
    rationale: str = ""
    cards: list[CardRef] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)


class FollowUpItem(_Strict):
    text: str = Field(min_length=1)
    owner: str = "resident"
    due: date | None = None


class TopicReview(_Strict):
    status: Literal["discussed", "deferred", "open"] = "open"
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
    review: Review | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True),
                          indent=2, ensure_ascii=False) + "\n"

    def texts(self) -> list[str]:
        """Every free-text field, for the privacy check before export or review."""
        out = [self.resident]
        for topic in self.topics:
            out += [topic.title, topic.rationale, *topic.questions]
        out += [f.text for f in self.follow_ups]
        if self.review:
            out += [self.review.notes, *(t.notes for t in self.review.topics.values()),
                    *(f.text for f in self.review.follow_ups)]
        return [t for t in out if t]


def parse_agenda(text: str, source: str = "agenda") -> Agenda:
    """Validate agenda JSON, naming what is wrong."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        truncated = not text.rstrip().endswith(("}", "]")) or exc.pos >= len(text.rstrip()) - 1
        hint = " (the file looks truncated: was it copied completely?)" if truncated else ""
        raise AgendaError(f"{source}: not valid JSON at line {exc.lineno}{hint}") from exc
    if not isinstance(raw, dict):
        raise AgendaError(f"{source}: expected a JSON object with a 'schema' field")
    schema = raw.get("schema")
    if not isinstance(schema, str) or "@" not in schema or not schema.startswith(SCHEMA_NAME):
        raise AgendaError(f"{source}: field 'schema' must be '{SCHEMA_NAME}@{SCHEMA_VERSION}'; "
                          "this is not a Resident Companion agenda")
    try:
        version = int(schema.rsplit("@", 1)[1])
    except ValueError as exc:
        raise AgendaError(f"{source}: field 'schema' has an unreadable version") from exc
    if version > SCHEMA_VERSION:
        raise AgendaError(f"{source}: agenda schema version {version} is newer than this app "
                          f"supports ({SCHEMA_VERSION}); update Resident Companion to open it")
    try:
        return Agenda.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise AgendaError(f"{source}: field '{where}': {err['msg']}{more}") from exc


def load_agenda(path: str | Path) -> Agenda:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise AgendaError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise AgendaError(f"{path.name}: not a text file") from exc
    return parse_agenda(text, path.name)


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


def to_markdown(agenda: Agenda) -> str:
    """A printable page for a mentor who has no app."""
    who = agenda.resident or "a resident"
    lines = [f"# Mentor meeting agenda — {who}", "", f"Date: {agenda.date.isoformat()}", ""]
    if agenda.follow_ups:
        lines += ["## Open follow-ups from last time", ""]
        lines += [f"- [ ] {_follow_up_line(f)}" for f in agenda.follow_ups]
        lines.append("")
    lines += ["## Topics", ""]
    if not agenda.topics:
        lines += ["(no topics chosen)", ""]
    review = agenda.review.topics if agenda.review else {}
    for number, topic in enumerate(agenda.topics, 1):
        lines += [f"### {number}. {topic.title}", ""]
        if topic.rationale:
            lines += [f"Why: {topic.rationale}", ""]
        if topic.questions:
            lines += ["Questions to ask:", *[f"- {q}" for q in topic.questions], ""]
        if topic.cards:
            lines += ["Background reading: " + "; ".join(c.title for c in topic.cards), ""]
        if topic.id in review:
            lines += [f"Mentor: **{review[topic.id].status}**. {review[topic.id].notes}".strip(),
                      ""]
    if agenda.review:
        lines += ["## Review", "", f"Reviewed on {agenda.review.reviewed_on.isoformat()}"
                  + (f" by {agenda.review.mentor}" if agenda.review.mentor else ""), ""]
        if agenda.review.notes:
            lines += [agenda.review.notes, ""]
        if agenda.review.follow_ups:
            lines += ["Agreed follow-ups:",
                      *[f"- [ ] {_follow_up_line(f)}" for f in agenda.review.follow_ups], ""]
    return "\n".join(lines).rstrip() + "\n"


def _follow_up_line(item: FollowUpItem) -> str:
    due = f", by {item.due.isoformat()}" if item.due else ""
    return f"{item.text} ({item.owner}{due})"
