"""Understanding a resident's message: its topics and a coarse feeling.

Both are learned from examples rather than keywords: the feeling by the trained
feeling classifier (:mod:`companion.dialogue.feelings`), the topics by what the
knowledge base returns for the conversation (each retrieved card votes for its
topic, weighted by rank; retrieval itself already weighs the trained topic model)
plus the trained topic model's own probabilities (the index's ``topic_model``;
without one, similarity to the topic descriptions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from companion.dialogue.feelings import FeelingReader
from companion.taxonomy import load_topics

TOPIC_PRIOR_WEIGHT = 0.2
TOPIC_MODEL_WEIGHT = 0.2
"""Weight of the topic model's probabilities beside the 1/rank card votes. Measured on
held-back folds of asks.jsonl (one of each card's five utterances left out of the index)
and dev: votes alone 0.62 / 0.84 and 1.00 / 1.00 (top-1 / top-3); + 0.2 x probabilities
0.62 / 0.84 and 0.99 / 1.00; the topic model alone 0.44 / 0.69 and 0.82 / 0.95."""
YES = re.compile(r"^\s*(yes|yeah|yep|yup|sure|definitely|i think so|kind of|sort of|it did)\b",
                 re.IGNORECASE)
NO = re.compile(r"^\s*(no|nope|nah|not really|i don'?t think so|never)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Understood:
    """What the companion understood of one message."""

    feeling: str
    feeling_score: float
    topics: list[tuple[str, float]]
    answer: str | None  # "yes", "no" or None
    second_feeling: str = "neutral"
    second_score: float = 0.0
    feeling_probabilities: np.ndarray | None = None  # the message's own, before context

    @property
    def topic(self) -> str | None:
        return self.topics[0][0] if self.topics else None


def yes_no(text: str) -> str | None:
    if YES.search(text):
        return "yes"
    if NO.search(text):
        return "no"
    return None


class Understanding:
    """Feeling and topic classification with the bundled embedding model."""

    def __init__(self, embedder, topic_model=None, feelings: FeelingReader | None = None):
        """``topic_model``: the index's trained :class:`TopicModel` (``retriever.topic_model``);
        ``feelings``: the feeling reader (default: the shipped feeling model)."""
        self._embedder = embedder
        self._topic_model = topic_model
        self.feelings = feelings or FeelingReader(embedder)
        if topic_model is not None and topic_model.descriptions is not None:
            self._topic_ids = list(topic_model.topic_ids)
            self._topic_vectors = topic_model.descriptions  # embedded when the index was built
        else:
            topics = load_topics()
            self._topic_ids = list(topics)
            self._topic_vectors = embedder.encode(
                [f"{tid.replace('-', ' ')}: {desc}" for tid, desc in topics.items()])

    @property
    def topic_vectors(self) -> dict[str, np.ndarray]:
        """Topic id -> embedding of its description (a prior and for quoting)."""
        return dict(zip(self._topic_ids, self._topic_vectors, strict=True))

    def understand(self, text: str, history: Sequence[str] = (), hits=(),
                   previous: np.ndarray | None = None, lean: Sequence[str] = ()) -> Understood:
        """Classify one message in the context of the conversation.

        Args:
            hits: what retrieval found for the conversation (the engine searches once
                per turn and shares the hits); their cards vote for topics.
            previous: the last turn's feeling probabilities (they lean on this one).
            lean: feelings the question just asked invites ("What went well?").
        """
        vector = self._embedder.encode([text])[0]
        reading = self.feelings.read(text, previous=previous, lean=lean)
        topics = self.topic_scores(vector, hits)
        return Understood(feeling=reading.feeling, feeling_score=round(reading.score, 3),
                          topics=topics, answer=yes_no(text), second_feeling=reading.second,
                          second_score=round(reading.second_score, 3),
                          feeling_probabilities=reading.own)

    def topic_scores(self, vector: np.ndarray, hits) -> list[tuple[str, float]]:
        """Topics best first: retrieved cards vote by rank, and the trained topic model adds
        its probabilities (or, without one, similarity to the topic descriptions).
        """
        scores = dict.fromkeys(self._topic_ids, 0.0)
        for rank, hit in enumerate(hits):
            scores[hit.card.topic] = scores.get(hit.card.topic, 0.0) + 1.0 / (rank + 1)
        if self._topic_model is not None:
            prior = TOPIC_MODEL_WEIGHT * self._topic_model.probabilities(vector)
            topic_ids = self._topic_model.topic_ids
        else:
            prior = TOPIC_PRIOR_WEIGHT * np.maximum(self._topic_vectors @ vector, 0.0)
            topic_ids = self._topic_ids
        for topic_id, value in zip(topic_ids, prior, strict=True):
            scores[topic_id] = scores.get(topic_id, 0.0) + float(value)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        return [(topic, round(score, 4)) for topic, score in ranked if score > 0]
