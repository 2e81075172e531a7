"""Suggested topics for the human mentor meeting, built from the resident's own words.

Explicit asks come first ("I'd ask…", "I want to know…", "should I…"), then strong
topical turns. Either way the quoted sentence must carry the topic by itself: it is
scored on its own with the topic model (the index's trained one; without it,
similarity to the topic descriptions), and it must rank the topic first. No topic
comes from a reply under five words, and no sentence admitting an error is ever
quoted. Each topic carries one question, in the resident's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from companion.dialogue.replies import (
    as_question,
    explicit_asks,
    is_admission,
    is_short,
    split_sentences,
    words,
)

MAX_QUOTE_CHARS = 180
ASK_MIN_PROBABILITY = 0.6
"""An explicit ask becomes a topic when its own best topic is at least this likely.

This and ``QUOTE_MIN_PROBABILITY`` come from the topic model's out-of-fold precision on
single resident utterances (``asks.jsonl``, five folds, each card keeping four of its
five utterances): its top topic is right for 0.55 of utterances at p >= 0.35, 0.68 at
0.5, 0.75 at 0.6 and 0.80 at 0.7. A wrong mentor topic costs more than a missing one.
(Dev conversations: topic support 0.56 with 50 topics at 0.35/0.3, 0.76 with 25 at 0.6.)"""
QUOTE_MIN_PROBABILITY = 0.6
"""A sentence quoted for a topical turn must give the topic at least this probability."""
MIN_QUOTE_WORDS = 5
TURN_TOPICS = 2
RIVAL_TOPICS = 3
STRONG_TURN = 1.2
"""A one-sentence turn whose main topic scores this high (card votes and topic model,
dev precision 0.70 against the turn's labels) is quoted whole for that topic."""
"""A topical turn offers its two main topics; the quote must carry one of them."""
SIMILARITY_TEMPERATURE = 20.0
"""Without a topic model: softmax(20 x cosine) to the topic descriptions."""
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


@dataclass(frozen=True)
class Proposal:
    """A topic a sentence supports, before it is linked to cards and saved."""

    topic_id: str
    probability: float
    sentence: str
    question: str
    kind: str  # "ask" or "topical"


class SentenceTopics:
    """Topic probabilities of single sentences: the quote is scored on itself."""

    def __init__(self, embedder, topic_model=None,
                 topic_vectors: dict[str, np.ndarray] | None = None):
        self._embedder = embedder
        self._model = topic_model
        if topic_model is not None:
            self.topic_ids = list(topic_model.topic_ids)
        else:
            vectors = topic_vectors or {}
            self.topic_ids = list(vectors)
            self._vectors = np.stack([vectors[t] for t in self.topic_ids]) if vectors else None

    def probabilities(self, sentences: Sequence[str]) -> np.ndarray:
        """(n, topics) probabilities of each sentence on its own."""
        if not sentences or not self.topic_ids:
            return np.zeros((len(sentences), len(self.topic_ids)))
        vectors = self._embedder.encode(list(sentences))
        if self._model is not None:
            return np.atleast_2d(self._model.probabilities(vectors))
        assert self._vectors is not None  # topic ids come from the vectors
        logits = SIMILARITY_TEMPERATURE * (vectors @ self._vectors.T)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def best(self, sentence: str) -> tuple[str, float]:
        probs = self.probabilities([sentence])[0]
        i = int(np.argmax(probs))
        return self.topic_ids[i], float(probs[i])


def shorten(sentence: str) -> str:
    sentence = sentence.strip()
    if len(sentence) > MAX_QUOTE_CHARS:
        sentence = sentence[: MAX_QUOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def topical_question(quote: str) -> str:
    """One question in the resident's words for a topic that came from a statement."""
    return f'Can we talk about this: "{quote.rstrip(".")}"?'


def propose(text: str, turn_topics: Sequence[tuple[str, float]], scorer: SentenceTopics,
            topic_min_score: float) -> list[Proposal]:
    """Mentor topics this message supports, best first (explicit asks before topical turns).

    Args:
        turn_topics: the turn's ranked topics (card votes and topic model).
        topic_min_score: how clear the turn's main topic must be for a topical proposal.
    """
    if is_short(text):
        return []
    proposals: list[Proposal] = []
    asks = [s for s in explicit_asks(text) if not is_admission(s) and words(s) >= MIN_QUOTE_WORDS]
    if asks:
        probs = scorer.probabilities(asks)
        for sentence, row in zip(asks, probs, strict=True):
            i = int(np.argmax(row))
            # The ask's own topic must be clear; at this minimum it needs no agreement
            # from the rest of the turn.
            if row[i] >= ASK_MIN_PROBABILITY:
                proposals.append(Proposal(scorer.topic_ids[i], float(row[i]), shorten(sentence),
                                          as_question(shorten(sentence)), "ask"))
    if proposals or not turn_topics or turn_topics[0][1] < topic_min_score:
        return _one_per_topic(proposals)
    candidates = [s for s in split_sentences(text)
                  if words(s) >= MIN_QUOTE_WORDS and not is_admission(s)]
    if not candidates:
        return []
    probs = scorer.probabilities(candidates)
    # The turn's two main topics, in order: the first one a sentence carries by itself wins.
    # "Carries" means the sentence, scored alone, puts this topic above the turn's other
    # main topics and either first overall or at least QUOTE_MIN_PROBABILITY likely.
    rivals = [t for t, _ in turn_topics[:RIVAL_TOPICS] if t in scorer.topic_ids]
    for topic_id, score in turn_topics[:TURN_TOPICS]:
        if score < topic_min_score or topic_id not in scorer.topic_ids:
            continue
        column = scorer.topic_ids.index(topic_id)
        best = int(np.argmax(probs[:, column]))
        row = probs[best]
        others = [row[scorer.topic_ids.index(t)] for t in rivals if t != topic_id]
        whole = len(candidates) == 1 and score >= STRONG_TURN  # the quote is the whole turn
        if others and row[column] <= max(others) and not whole:
            continue
        if whole or (int(np.argmax(row)) == column and row[column] >= QUOTE_MIN_PROBABILITY):
            quote = shorten(candidates[best])
            proposals.append(Proposal(topic_id, float(row[column]), quote,
                                      topical_question(quote), "topical"))
            break
    return proposals


def _one_per_topic(proposals: list[Proposal]) -> list[Proposal]:
    best: dict[str, Proposal] = {}
    for proposal in proposals:
        kept = best.get(proposal.topic_id)
        if kept is None or proposal.probability > kept.probability:
            best[proposal.topic_id] = proposal
    return sorted(best.values(), key=lambda p: -p.probability)


def link_cards(topic_id: str, text: str, hits, retriever) -> list[dict]:
    """Up to three cards of the topic: this turn's hits first, then a topic search."""
    cards = [hit.card for hit in hits if hit.card.topic == topic_id]
    if len(cards) < 2 and retriever is not None:
        try:
            extra = retriever.search(text, k=3, topic=topic_id)
        except TypeError:  # a retriever without topic filtering
            extra = []
        cards += [hit.card for hit in extra if hit.card not in cards]
    return [{"id": c.id, "title": c.title} for c in cards[:3]]


def make_topic(proposal: Proposal, title: str, cards: list[dict]) -> SuggestedTopic:
    return SuggestedTopic(
        topic_id=proposal.topic_id, title=title, score=proposal.probability,
        rationale=f'You wrote: "{proposal.sentence}"', resident_words=proposal.sentence,
        cards=cards, questions=[proposal.question])


def build_topic(topic_id: str, score: float, text: str, hits, retriever, titles: dict[str, str],
                scorer: SentenceTopics) -> SuggestedTopic:
    """A suggestion for ``text`` on a given topic (``companion suggest``): the sentence that
    best carries the topic, never an admission, with its cards and one question."""
    sentences = [s for s in split_sentences(text) if not is_admission(s)] or [text]
    quote = sentences[0]
    if topic_id in scorer.topic_ids and len(sentences) > 1:
        column = scorer.topic_ids.index(topic_id)
        quote = sentences[int(np.argmax(scorer.probabilities(sentences)[:, column]))]
    quote = shorten(quote)
    asks = explicit_asks(quote)
    question = as_question(quote) if asks else topical_question(quote)
    return make_topic(Proposal(topic_id, score, quote, question, "ask" if asks else "topical"),
                      titles.get(topic_id, topic_id), link_cards(topic_id, text, hits, retriever))
