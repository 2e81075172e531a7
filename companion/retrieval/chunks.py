"""Turn cards into the passages that are embedded and searched.

The embedding model reads at most 256 word pieces, so a long card is split into
overlapping passages of whole sentences; every passage repeats the card title so
it still says what it is about. The reflect questions and tags go with the last
passage. ``CHUNKER_VERSION`` is stored in the index manifest: change it whenever
the output of :func:`chunk_cards` changes, so persisted indexes are rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from companion.cards import Card

CHUNKER_VERSION = 1
MAX_CHUNK_WORDS = 150
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(*\-])")


@dataclass(frozen=True)
class Chunk:
    """One searchable passage of one card."""

    card_id: str
    ordinal: int
    text: str
    """What is embedded and indexed: title, a part of the body, maybe questions."""
    display: str
    """The part of the body shown to the resident when this passage matches."""


def _sentences(body: str) -> list[str]:
    parts: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            parts.extend(s for s in _SENTENCE_END.split(paragraph) if s)
    return parts


def split_body(body: str, max_words: int = MAX_CHUNK_WORDS) -> list[str]:
    """Split a body into passages of at most about ``max_words`` words.

    Consecutive passages share one sentence so an idea that straddles a border
    is still whole in one of them. A body that fits is returned as one passage.
    """
    words = len(body.split())
    if words <= max_words:
        return [" ".join(body.split())]
    sentences = _sentences(body)
    pieces: list[list[str]] = [[]]
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if pieces[-1] and count + n > max_words:
            overlap = pieces[-1][-1]
            pieces.append([overlap])
            count = len(overlap.split())
        pieces[-1].append(sentence)
        count += n
    return [" ".join(piece) for piece in pieces]


def chunk_card(card: Card, max_words: int = MAX_CHUNK_WORDS) -> list[Chunk]:
    """The passages of one card, in order."""
    parts = split_body(card.body, max_words)
    extra = " ".join(card.reflect)
    if card.tags:
        extra += " " + " ".join(card.tags)
    chunks = []
    for ordinal, part in enumerate(parts):
        text = f"{card.title}. {part}"
        if ordinal == len(parts) - 1:
            text = f"{text} {extra}"
        chunks.append(Chunk(card.id, ordinal, text, part))
    return chunks


def chunk_cards(cards: Sequence[Card], max_words: int = MAX_CHUNK_WORDS) -> list[Chunk]:
    """All passages of all cards, card by card in the given order."""
    return [chunk for card in cards for chunk in chunk_card(card, max_words)]
