"""What an index holds: the cards, their passages and utterances, the taxonomy, the examples.

Kept apart from the persistence code (:mod:`index`) because the tuning scripts and the
staleness checks need the contents without loading or writing any file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from companion import paths
from companion.cards import Card
from companion.retrieval.asks import Ask, TopicExample
from companion.retrieval.chunks import Chunk
from companion.shipped import checkout_knowledge


@dataclass(frozen=True)
class Contents:
    """What an index holds: rows (passages, then utterances) and the topics it classifies."""

    cards: Sequence[Card]
    chunks: Sequence[Chunk]
    asks: Sequence[Ask]
    topics: dict[str, str]
    """Topic id -> description (the taxonomy)."""
    examples: Sequence[TopicExample] = ()
    """Topic-labelled utterances (``topics_*.jsonl``): topic-model training only, no rows."""

    @property
    def texts(self) -> list[str]:
        """The embedded text of every row, in row order."""
        return [chunk.text for chunk in self.chunks] + [ask.text for ask in self.asks]

    def row_keys(self) -> list[tuple]:
        """A key per row that names its content, for reusing vectors across builds."""
        return ([("passage", c.card_id, c.ordinal) for c in self.chunks]
                + [("ask", a.card_id, _text_key(a.text)) for a in self.asks])

    def labels(self) -> list[str]:
        """The topic each row teaches the topic model."""
        topic_of = {card.id: card.topic for card in self.cards}
        return ([topic_of[c.card_id] for c in self.chunks]
                + [a.topic if a.topic in self.topics else topic_of[a.card_id]
                   for a in self.asks])


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def topic_texts(topics: dict[str, str]) -> list[str]:
    """How each topic's description is embedded (also a training row for its topic)."""
    return [f"{tid.replace('-', ' ')}: {desc}" for tid, desc in topics.items()]


def trained_examples(contents: Contents) -> list[TopicExample]:
    """The topic-labelled utterances the topic model learns from (those of known topics)."""
    return [e for e in contents.examples if e.topic in contents.topics]


def repository_contents(knowledge: Path | None = None) -> Contents:
    """The contents of the bundled knowledge base (the checkout's, else the installed one).

    Raises:
        CardError: a card file is malformed.
    """
    from companion.cards import load_cards
    from companion.retrieval.asks import load_asks, load_topic_examples
    from companion.taxonomy import load_topics

    if knowledge is None:  # an installed wheel has no checkout: <prefix>/share
        knowledge = checkout_knowledge() or paths.knowledge_dir()
    return contents_of(load_cards(knowledge / "cards"),
                       load_asks(knowledge / "understanding" / "asks.jsonl"),
                       load_topics(knowledge / "topics.yaml"),
                       load_topic_examples(knowledge / "understanding"))


def contents_of(cards: Sequence[Card], asks: Sequence[Ask], topics: dict[str, str],
                examples: Sequence[TopicExample] = ()) -> Contents:
    """Contents in index order: cards by id, each card's passages, then the utterances."""
    from companion.retrieval.asks import asks_for
    from companion.retrieval.chunks import chunk_cards

    cards = sorted(cards, key=lambda card: card.id)  # rows independent of file order
    return Contents(cards, chunk_cards(cards), asks_for(cards, asks), dict(topics),
                    tuple(examples))
