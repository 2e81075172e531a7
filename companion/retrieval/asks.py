"""What residents actually type about each card: ``knowledge/understanding/asks.jsonl``.

Cards are written as advice; residents write as residents ("said yes to 3 committees
and now I'm underwater"). Each line pairs an utterance with the card it should find
and that card's topic: ``{"card": id, "topic": id, "text": ...}``. The utterances are
indexed as extra vectors pointing to their card and train the topic model.

``knowledge/understanding/topics_*.jsonl`` hold utterances labelled with topics only
(``{"id", "text", "topics": [primary, ...], "author"}``, the dev-set format), written
by other authors; they train the topic model (the primary topic) but are not indexed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from companion import paths
from companion.cards import Card
from companion.labelled import read_jsonl

logger = logging.getLogger(__name__)


class AsksError(ValueError):
    """The utterance file has a malformed line (file, line and field named)."""


@dataclass(frozen=True)
class Ask:
    """One resident utterance that should find ``card_id``."""

    card_id: str
    topic: str
    text: str


def asks_path() -> Path:
    return paths.knowledge_dir() / "understanding" / "asks.jsonl"


def load_asks(path: Path | None = None) -> list[Ask]:
    """Every utterance in the file, in file order; none when the file does not exist."""
    path = Path(path) if path is not None else asks_path()
    if not path.is_file():
        return []
    fields = {"card": str, "topic": str, "text": str}
    return [Ask(item["card"].strip(), item["topic"].strip(), " ".join(item["text"].split()))
            for _, item in read_jsonl(path, fields, AsksError)]


def asks_for(cards: Sequence[Card], asks: Sequence[Ask]) -> list[Ask]:
    """The utterances of these cards, card by card in the cards' order, without repeats.

    An utterance naming a card that is not here (a merged or removed card, or a
    hospital's own knowledge base) is left out, and the count logged.
    """
    wanted = {card.id for card in cards}
    by_card: dict[str, list[Ask]] = {card.id: [] for card in cards}
    seen: set[tuple[str, str]] = set()
    dropped = 0
    for ask in asks:
        key = (ask.card_id, ask.text.casefold())
        if ask.card_id not in wanted:
            dropped += 1
        elif key not in seen and ask.text:
            seen.add(key)
            by_card[ask.card_id].append(ask)
    if dropped:
        logger.info("%d resident utterance(s) name no card of this knowledge base", dropped)
    return [ask for card in cards for ask in by_card[card.id]]


@dataclass(frozen=True)
class TopicExample:
    """A resident utterance labelled with its topic only (trains the topic model)."""

    topic: str
    text: str


def load_topic_examples(directory: Path | None = None) -> list[TopicExample]:
    """Every ``topics_*.jsonl`` line under ``directory`` (files in name order), primary topic."""
    directory = Path(directory) if directory is not None else asks_path().parent
    examples = []
    for path in sorted(directory.glob("topics_*.jsonl")):
        for where, item in read_jsonl(path, {"text": str, "topics": list}, AsksError):
            topics = item["topics"]
            if not topics or not isinstance(topics[0], str) or not topics[0].strip():
                raise AsksError(f"{where}: field 'topics' must start with a topic id")
            examples.append(TopicExample(topics[0].strip(), " ".join(item["text"].split())))
    return examples
