"""Suggested topics for the human mentor meeting, grounded in the resident's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

MAX_QUOTE_CHARS = 180
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass
class SuggestedTopic:
    """A topic worth raising with a mentor, with why and what to ask."""

    topic_id: str
    title: str
    score: float
    rationale: str
    resident_words: str
    cards: list[dict] = field(default_factory=list)  # {"id", "title"}
    questions: list[str] = field(default_factory=list)
    id: int | None = None  # journal row id once saved
    status: str = "suggested"

    def to_dict(self) -> dict:
        return {
            "id": self.id, "topic_id": self.topic_id, "title": self.title,
            "score": round(self.score, 4), "rationale": self.rationale,
            "resident_words": self.resident_words, "cards": self.cards,
            "questions": self.questions, "status": self.status,
        }


def quote_for(text: str, topic_vector: np.ndarray | None, embedder) -> str:
    """The resident's sentence that best carries the topic, shortened if needed."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 3] or [text]
    best = sentences[0]
    if topic_vector is not None and len(sentences) > 1:
        vectors = embedder.encode(sentences)
        best = sentences[int(np.argmax(vectors @ topic_vector))]
    if len(best) > MAX_QUOTE_CHARS:
        best = best[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return best


def build_topic(topic_id: str, score: float, text: str, hits, retriever, titles: dict[str, str],
                topic_vector: np.ndarray | None, embedder) -> SuggestedTopic:
    """Make one suggestion: title, the resident's words, linked cards and questions."""
    cards = [hit.card for hit in hits if hit.card.topic == topic_id]
    if len(cards) < 2 and retriever is not None:
        extra = retriever.search(text, k=3, topic=topic_id, audience="resident")
        cards += [hit.card for hit in extra if hit.card not in cards]
    cards = cards[:3]
    questions: list[str] = []
    for card in cards:
        for question in card.ask_mentor:
            if question not in questions:
                questions.append(question)
    words = quote_for(text, topic_vector, embedder)
    return SuggestedTopic(
        topic_id=topic_id, title=titles.get(topic_id, topic_id), score=score,
        rationale=f'You wrote: "{words}"', resident_words=words,
        cards=[{"id": c.id, "title": c.title} for c in cards], questions=questions[:3],
    )
