"""Knowledge cards: Markdown files with YAML front matter under ``knowledge/cards``.

A program director edits these files without touching code, so every problem is
reported with the file, the field and what is wrong, and all problems are
collected in one pass instead of stopping at the first. One broken file never
disables the others: :func:`load_cards` returns every valid card and logs a
warning naming each skipped file and field (``kb check`` and ``doctor`` report
them and fail). Card text is stripped of control characters as it is read, so
an edited card cannot carry terminal escape sequences to the screen.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import frontmatter
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from companion import paths
from companion.taxonomy import load_topics
from companion.textnorm import strip_controls

log = logging.getLogger(__name__)

Audience = Literal["resident", "mentor", "both"]
MIN_BODY_WORDS = 60
MAX_BODY_WORDS = 250
_PARENTHESES = re.compile(r"\([^)]*\)")
_SPECIFIC_MARK = re.compile(r"\d|:|,|https?://|doi", re.IGNORECASE)
MAX_ORGANISATION_WORDS = 4
MAX_NOW_CHARS = 160
"""The "right now" line is one printed line on the mentor's page and in a card list."""


class CardMeta(BaseModel):
    """The front matter of one card."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=3, max_length=120)
    now: str = Field(min_length=10, max_length=MAX_NOW_CHARS)
    """One plain sentence: what to do right now. Shown first wherever the card is."""
    topic: str
    topics: list[str] = Field(default_factory=list)
    audience: Audience
    sources: list[str] = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    reflect: list[str] = Field(min_length=1, max_length=3)
    ask_mentor: list[str] = Field(min_length=1, max_length=3)

    @field_validator("now")
    @classmethod
    def _one_sentence(cls, text: str) -> str:
        if "\n" in text:
            raise ValueError("must be one line: one plain sentence of what to do right now")
        return text

    @field_validator("sources", "reflect", "ask_mentor", "tags")
    @classmethod
    def _no_blank_items(cls, items: list[str]) -> list[str]:
        if any(not isinstance(item, str) or not item.strip() for item in items):
            raise ValueError("items must be non-empty text")
        return items


@dataclass(frozen=True)
class Card:
    """One validated advice card."""

    id: str
    title: str
    topic: str
    topics: tuple[str, ...]
    audience: str
    sources: tuple[str, ...]
    tags: tuple[str, ...]
    reflect: tuple[str, ...]
    ask_mentor: tuple[str, ...]
    body: str
    path: Path = field(compare=False)
    now: str = ""
    """What to do right now, in one sentence (front matter ``now``). Not embedded: it
    restates the body, so it is left out of :attr:`content_hash` and the index."""

    @property
    def all_topics(self) -> tuple[str, ...]:
        """The primary topic followed by the secondary ones."""
        return (self.topic, *[t for t in self.topics if t != self.topic])

    @property
    def content_hash(self) -> str:
        """Hash of everything that affects retrieval, to detect edited cards."""
        text = "\x1f".join(
            [self.id, self.title, self.topic, *self.topics, self.audience, *self.sources,
             *self.tags, *self.reflect, *self.ask_mentor, self.body]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title, "now": self.now, "topic": self.topic,
            "topics": list(self.all_topics), "audience": self.audience,
            "sources": list(self.sources), "tags": list(self.tags),
            "reflect": list(self.reflect), "ask_mentor": list(self.ask_mentor),
            "body": self.body,
        }


@dataclass(frozen=True)
class CardProblem:
    """One thing wrong with one card file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: field '{self.field}': {self.message}"


class CardError(ValueError):
    """One or more cards are malformed; ``problems`` lists each with file and field."""

    def __init__(self, problems: list[CardProblem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge cards:\n{lines}{more}")


@dataclass
class CheckReport:
    """What `companion kb check` prints."""

    cards: list[Card]
    errors: list[CardProblem]
    by_topic: dict[str, int]
    by_audience: dict[str, int]
    warnings: list[CardProblem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "cards": len(self.cards),
            "errors": [p.__dict__ for p in self.errors],
            "warnings": [p.__dict__ for p in self.warnings],
            "by_topic": self.by_topic,
            "by_audience": self.by_audience,
        }


def is_organisation_only(source: str) -> bool:
    """Whether a source names only an organisation ("AAMC", "AMA STEPS Forward").

    A program director cannot check such a citation: it names no document, year,
    URL or DOI. A source counts as specific when, outside any parentheses, it
    carries a digit (a year), a colon or comma (author, title), a URL or a DOI,
    or is longer than a few words (a document title).
    """
    core = _PARENTHESES.sub(" ", source).strip()
    if _SPECIFIC_MARK.search(source):
        return False
    return len(core.split()) <= MAX_ORGANISATION_WORDS


def source_warnings(card: Card) -> list[CardProblem]:
    """One warning per organisation-only source of ``card`` (kb check prints them)."""
    return [CardProblem(card.path.name, "sources",
                        f"'{source}' names only an organisation: cite the document, its "
                        "year and a URL or DOI where one exists")
            for source in card.sources if is_organisation_only(source)]


def cards_dir() -> Path:
    return paths.knowledge_dir() / "cards"


def _parse_file(path: Path, topics: dict[str, str]) -> tuple[Card | None, list[CardProblem]]:
    name = strip_controls(path.name)
    try:
        text = strip_controls(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [CardProblem(name, "(file)", "is not UTF-8 text")]
    except OSError as exc:
        return None, [CardProblem(name, "(file)", f"cannot be read ({exc.strerror or exc})")]
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        detail = str(exc).splitlines()[0]
        return None, [CardProblem(name, "(front matter)", f"is not valid YAML: {detail}")]
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a date YAML cannot build
        return None, [CardProblem(name, "(front matter)", f"cannot be read: {exc}")]
    if not post.metadata:
        if post.content.lstrip().startswith("---") or text.lstrip().startswith("---"):
            message = "must be a mapping of fields (id: ..., title: ...), not a list or text"
        else:
            message = "is missing: start the file with a '---' YAML block"
        return None, [CardProblem(name, "(front matter)", message)]
    problems: list[CardProblem] = []
    try:
        meta = CardMeta.model_validate(post.metadata)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"]) or "(front matter)"
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = "is not a known field"
            elif err["type"] == "missing":
                message = "is required"
            problems.append(CardProblem(name, where, message))
        meta = None
    body = post.content.strip()
    words = len(body.split())
    if not body:
        problems.append(CardProblem(name, "body", "is empty: write 60-250 words of advice"))
    elif words < MIN_BODY_WORDS or words > MAX_BODY_WORDS:
        problems.append(CardProblem(
            name, "body", f"has {words} words; it must have {MIN_BODY_WORDS}-{MAX_BODY_WORDS}"))
    if meta is not None:
        if meta.topic not in topics:
            problems.append(CardProblem(name, "topic", f"unknown topic '{meta.topic}'"))
        for extra in meta.topics:
            if extra not in topics:
                problems.append(CardProblem(name, "topics", f"unknown topic '{extra}'"))
    if problems or meta is None:
        return None, problems
    card = Card(
        id=meta.id, title=meta.title, now=meta.now, topic=meta.topic, topics=tuple(meta.topics),
        audience=meta.audience, sources=tuple(meta.sources), tags=tuple(meta.tags),
        reflect=tuple(meta.reflect), ask_mentor=tuple(meta.ask_mentor), body=body, path=path,
    )
    return card, []


def check_cards(directory: Path | None = None) -> CheckReport:
    """Validate every card file and count them per topic and audience."""
    directory = directory or cards_dir()
    topics = load_topics()
    cards: list[Card] = []
    errors: list[CardProblem] = []
    if not directory.is_dir():
        errors.append(CardProblem(str(directory), "(directory)", "cards directory not found"))
        files: Iterable[Path] = []
    else:
        files = sorted(directory.rglob("*.md"))  # sub-folders may group cards
    seen: dict[str, str] = {}
    titles: dict[str, str] = {}
    for path in files:
        card, problems = _parse_file(path, topics)
        errors.extend(problems)
        if card is None:
            continue
        if card.id in seen:
            errors.append(CardProblem(
                path.name, "id", f"duplicate id '{card.id}' (also in {seen[card.id]})"))
            continue
        title_key = " ".join(card.title.casefold().split())
        if title_key in titles:  # a session must never show two cards with one title
            errors.append(CardProblem(
                path.name, "title", f"duplicate title '{card.title}' (also in "
                f"{titles[title_key]}): merge the two cards or retitle one"))
            continue
        titles[title_key] = path.name
        seen[card.id] = path.name
        cards.append(card)
    by_topic = {topic: 0 for topic in topics}
    by_topic.update(Counter(card.topic for card in cards))
    by_audience = {"resident": 0, "mentor": 0, "both": 0}
    by_audience.update(Counter(card.audience for card in cards))
    warnings = [warning for card in cards for warning in source_warnings(card)]
    return CheckReport(cards=cards, errors=errors, by_topic=by_topic, by_audience=by_audience,
                       warnings=warnings)


def load_cards(directory: Path | None = None, *, strict: bool = False) -> list[Card]:
    """Every valid card; each broken file is skipped with a logged warning.

    Args:
        strict: raise :class:`CardError` if any card is malformed (``kb build
            --bundled`` must not ship an index missing a card).

    Raises:
        CardError: when ``strict`` and a card is malformed, or when there are
            problems and not one card is valid (nothing to work with).
    """
    report = check_cards(directory)
    if report.errors and (strict or not report.cards):
        raise CardError(report.errors)
    for problem in report.errors:
        log.warning("knowledge card skipped: %s", problem)
    return report.cards


def visible_to(card: Card, audience: str) -> bool:
    """Whether ``audience`` ("resident" or "mentor") may be shown this card.

    The one audience rule, used by retrieval, the card lists and the review screen:
    each audience sees its own cards and the "both" ones, so a resident never sees
    a mentor-audience card.
    """
    return card.audience == audience or card.audience == "both"


@lru_cache(maxsize=8)
def _by_topic(directory: Path, audience: str | None) -> dict[str, tuple[Card, ...]]:
    grouped: dict[str, list[Card]] = {}
    for card in load_cards(directory):
        if audience is None or visible_to(card, audience):
            for topic in card.all_topics:
                grouped.setdefault(topic, []).append(card)
    return {topic: tuple(sorted(cards, key=lambda c: (c.topic != topic, c.title)))
            for topic, cards in grouped.items()}


def cards_for_topic(topic_id: str, audience: str | None = None,
                    directory: Path | None = None) -> list[Card]:
    """Cards on a topic that ``audience`` may see (all when None): primary-topic cards
    first, then by title.

    Cached per folder (the mentor review screen asks for each topic it shows).

    Raises:
        CardError: a card file is malformed.
    """
    return list(_by_topic(directory or cards_dir(), audience).get(topic_id, ()))
