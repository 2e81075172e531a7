"""The retriever: from a conversation to the few cards most worth reading.

A search embeds the last few turns (the latest weighs most) and scores cards by
several signals: the nearest of the card's passages (dense), the nearest of the
resident utterances written for the card (``asks.jsonl``, the register residents
actually use), BM25 over the passages (rare shorthand such as "M&M" or "PD"), and
the trained topic model's probability for the card's topic. Each card keeps its best
passage for display; results are diversified, so five results are five different
pieces of advice, and a card below the relevance floor is not shown at all.
``mode="dense"`` and ``mode="bm25"`` are the single-signal baselines used by the
evaluation (passages only, as before utterances were indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.cards import Card, visible_to
from companion.retrieval.asks import Ask, TopicExample
from companion.retrieval.chunks import Chunk
from companion.retrieval.dense import HNSW_THRESHOLD, DenseIndex
from companion.retrieval.embedding import Embedder, caching
from companion.retrieval.fusion import combine_turn_vectors, diversify, recency_weights
from companion.retrieval.index import Contents, Progress, contents_of, open_index
from companion.retrieval.lexical import LexicalIndex
from companion.retrieval.topicmodel import TopicModel

MODES = ("hybrid", "dense", "bm25")
MEASURED_FLOORS = {"all-MiniLM-L6-v2": 0.6}
"""Relevance floor per embedding model, measured on that model's scores (README): on
held-back asks folds 0.6 keeps 96% of first cards (98% of the topic-related ones) and
hides the card for 10 of 15 turns about nothing in the knowledge base ("ok", "the
weather is nice today"). A model not listed gets no floor until it is measured."""



@dataclass(frozen=True)
class RankingConfig:
    """The knobs of hybrid ranking (chosen on the dev set and asks folds, see README)."""

    alpha: float = 0.4
    """Weight of the lexical signal (BM25 scaled by this query's best score)."""
    ask_weight: float = 0.9
    """How much a match with a resident utterance counts against a passage match."""
    topic_weight: float = 0.15
    """Weight of the topic model's probability for the card's topic when ordering cards
    (``TOPIC_FIRST`` holds a heavier choice, measured and set aside)."""
    score_topic_weight: float = 0.15
    """The topic term inside a hit's score, the scale the relevance floors were measured
    on (0.15 when they were): ordering weighs the topic more without moving the floors."""
    by_topic: bool = False
    """Show the best card of each topic before a second card of any topic (hybrid)."""
    relevance_floor: float | None = None
    """A card whose fused score is below this is not shown (hybrid mode); None: the
    floor measured for the embedding model (``MEASURED_FLOORS``), else none."""
    turn_decay: float = 0.5
    """Each older turn weighs this much of the next one."""
    max_turns: int = 4
    """Only the latest turns of a conversation are read."""
    mmr_lambda: float = 0.85
    """1.0 ranks by relevance alone; lower trades relevance for variety."""
    duplicate_threshold: float = 0.95
    """Cards at least this similar to a shown one are near-copies, shown last."""
    candidates: int = 50
    """Rows fetched from each of the dense and lexical lists."""
    cache_size: int = 256
    """Turn embeddings kept, so a growing conversation embeds only its new turn."""


TOPIC_FIRST = RankingConfig(alpha=0.2, topic_weight=1.5, by_topic=True)
"""Weights chosen for MiniLM on single utterances (half A of T4, README): better hit@k on
held-out lines, but in whole conversations it shows about half as many fitting cards
(dev 44 vs 103, held-out 31 vs 57 and 32 vs 63; 9 of 20 batch-C conversations with no
card at all), since a lower BM25 weight moves scores under the measured floors and one
card per topic leaves one card for the turn's topic. Not the product's: pass it as
``config`` to compare; ``RankingConfig``'s defaults are what conversations favour."""


@dataclass(frozen=True)
class Hit:
    """One retrieved card, its score and the passage that matched."""

    card: Card
    score: float
    text: str

    def to_dict(self) -> dict:
        return {
            "id": self.card.id, "title": self.card.title, "now": self.card.now,
            "topic": self.card.topic,
            "topics": list(self.card.all_topics), "score": round(float(self.score), 4),
            "sources": list(self.card.sources), "text": self.text,
        }


def topics_first(topics: Sequence[str]) -> list[int]:
    """Positions of a ranked list with each topic's first card first, then the rest, both
    in rank order: on T4 half A, hit@3 0.771 -> 0.847 at the chosen weights (README)."""
    seen: set[str] = set()
    first: list[int] = []
    rest: list[int] = []
    for i, topic in enumerate(topics):
        (rest if topic in seen else first).append(i)
        seen.add(topic)
    return first + rest


class Retriever:
    """Hybrid search over the knowledge cards: passages, utterances, BM25, topic model."""

    def __init__(self, contents: Contents, dense: DenseIndex, lexical: LexicalIndex,
                 embedder: Embedder, topic_model: TopicModel,
                 config: RankingConfig | None = None, origin: str = "built"):
        self._cards = list(contents.cards)
        self._by_id = {card.id: card for card in self._cards}
        self._chunks: list[Chunk] = list(contents.chunks)
        self._asks: list[Ask] = list(contents.asks)
        position = {card.id: i for i, card in enumerate(self._cards)}
        owners = [position[c.card_id] for c in self._chunks] + \
                 [position[a.card_id] for a in self._asks]
        self._row_card = np.array(owners, dtype=np.int64)
        self._passages = len(self._chunks)
        passage_rows: list[list[int]] = [[] for _ in self._cards]
        ask_rows: list[list[int]] = [[] for _ in self._cards]
        for row, owner in enumerate(self._row_card):
            (passage_rows if row < self._passages else ask_rows)[owner].append(row)
        self._card_passages = [np.array(rows, dtype=np.int64) for rows in passage_rows]
        self._card_asks = [np.array(rows, dtype=np.int64) for rows in ask_rows]
        self._dense = dense
        self._lexical = lexical
        self.topic_model = topic_model
        topic_index = {t: i for i, t in enumerate(topic_model.topic_ids)}
        self._card_topic = np.array([topic_index.get(card.topic, -1) for card in self._cards],
                                    dtype=np.int64)
        self.config = config or RankingConfig()
        # Turn vectors are remembered by the embedder, so a growing conversation embeds
        # only its new turn; the index itself was built with the embedder as given.
        self.embedder = caching(embedder, self.config.cache_size)
        self.origin = origin
        """How the index was obtained: "loaded" (user folder), "shipped" (prebuilt,
        read-only), "built" or "rebuilt"."""

    @classmethod
    def open(cls, cards: Sequence[Card] | None = None, embedder: Embedder | None = None,
             index_dir: Path | None = None, *, rebuild: bool = False,
             progress: Progress | None = None, config: RankingConfig | None = None,
             hnsw_threshold: int = HNSW_THRESHOLD,
             readonly: Sequence[Path] | None = None, asks: Sequence[Ask] | None = None,
             topics: dict[str, str] | None = None,
             examples: Sequence[TopicExample] | None = None) -> Retriever:
        """Load a fresh persisted index (the user's, else a prebuilt one), else build it.

        Args:
            cards: the cards to search; all valid cards of the knowledge base if omitted
                (raises ``CardError`` naming file and field when one is malformed).
            embedder: the bundled sentence model if omitted.
            index_dir: where the index lives; ``paths.index_dir()`` if omitted.
            rebuild: rebuild even if the persisted index is fresh.
            progress: called with (done, total) texts while embedding; only a build
                calls it (the app shows it as a progress bar on the loading screen).
            readonly: prebuilt index folders tried after ``index_dir`` and never written
                (``COMPANION_PREBUILT_INDEX``, then the index shipped in the package).
            asks: resident utterances per card; the knowledge base's ``asks.jsonl``
                if omitted (those naming other cards are left out).
            topics: the taxonomy; ``topics.yaml`` if omitted.
            examples: topic-labelled utterances for the topic model; when omitted, the
                knowledge base's ``topics_*.jsonl`` if the cards are its own too, else none.
        """
        if cards is None:
            from companion.cards import load_cards
            from companion.retrieval.asks import load_topic_examples

            cards = load_cards()
            if examples is None:
                examples = load_topic_examples()
        if asks is None:
            from companion.retrieval.asks import load_asks

            asks = load_asks()
        if topics is None:
            from companion.taxonomy import load_topics

            topics = load_topics()
        if embedder is None:
            from companion.retrieval.embedding import get_embedder

            embedder = get_embedder()
        contents = contents_of(cards, asks, topics, examples or ())
        loaded, origin = open_index(contents, embedder, index_dir, rebuild=rebuild,
                                    progress=progress, hnsw_threshold=hnsw_threshold,
                                    readonly=readonly)
        lexical = LexicalIndex([chunk.text for chunk in contents.chunks])
        return cls(contents, loaded.dense, lexical, embedder, loaded.topic_model, config,
                   origin)

    @property
    def relevance_floor(self) -> float:
        """The fused score below which a hybrid result is not shown."""
        if self.config.relevance_floor is not None:
            return self.config.relevance_floor
        return MEASURED_FLOORS.get(self.embedder.name, 0.0)

    @property
    def cards(self) -> list[Card]:
        return list(self._cards)

    @property
    def index_kind(self) -> str:
        """"flat" (exact) or "hnsw" (approximate, for large knowledge bases)."""
        return self._dense.kind

    def card(self, card_id: str) -> Card:
        try:
            return self._by_id[card_id]
        except KeyError:
            raise KeyError(f"no knowledge card with id {card_id!r}") from None

    def clear_cache(self) -> None:
        """Forget cached turn embeddings (benchmarks measure cold queries with it)."""
        self.embedder.clear()

    def _turns(self, conversation: str | Sequence[str]) -> list[str]:
        if isinstance(conversation, str):
            conversation = [conversation]
        turns = [" ".join(str(turn).split()) for turn in conversation]
        return [turn for turn in turns if turn][-self.config.max_turns:]

    def _allowed(self, topic: str | None, audience: str | None) -> np.ndarray | None:
        if topic is None and audience is None:
            return None
        return np.array([(topic is None or topic in card.all_topics)
                         and (audience is None or visible_to(card, audience))
                         for card in self._cards], dtype=bool)

    def query_vector(self, conversation: str | Sequence[str]) -> np.ndarray | None:
        """The recency-weighted unit vector of a conversation's latest turns (None if empty)."""
        turns = self._turns(conversation)
        if not turns:
            return None
        weights = recency_weights(len(turns), self.config.turn_decay)
        return combine_turn_vectors(self.embedder.encode(turns), weights)

    def topic_probabilities(self, conversation: str | Sequence[str]) -> dict[str, float]:
        """The topic model's probability of each topic for a message or conversation."""
        vector = self.query_vector(conversation)
        if vector is None:
            return {}
        probs = self.topic_model.probabilities(vector)
        return dict(zip(self.topic_model.topic_ids, map(float, probs), strict=True))

    def search(self, conversation: str | Sequence[str], k: int = 5, topic: str | None = None,
               audience: str | None = None, mode: str = "hybrid",
               floor: bool = True) -> list[Hit]:
        """The best ``k`` distinct cards for a message or a conversation (oldest turn first).

        Args:
            topic: keep only cards having this topic (primary or secondary).
            audience: keep only cards this audience may see (see ``cards.visible_to``).
            mode: "hybrid" (the product), or the baselines "dense" and "bm25".
            floor: drop hybrid results below ``config.relevance_floor`` (the
                evaluation turns it off to measure the whole ranking).
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        turns = self._turns(conversation)
        if not turns or not self._chunks or k <= 0:
            return []
        cfg = self.config
        weights = recency_weights(len(turns), cfg.turn_decay)
        allowed = self._allowed(topic, audience)
        wanted = max(cfg.candidates, 4 * k)
        if allowed is not None:  # filters can drop most candidates: look further
            wanted = self._dense.count if self._dense.count <= 5000 else max(wanted, 1000)
        found: list[np.ndarray] = []
        query = None
        if mode != "bm25":
            query = combine_turn_vectors(self.embedder.encode(turns), weights)
            rows = self._dense.search(query, wanted)[1]
            found.append(rows if mode == "hybrid" else rows[rows < self._passages])
        lexical = None
        if mode != "dense":
            lexical = self._lexical.weighted_scores(turns, weights)
            top = np.argpartition(-lexical, min(wanted, len(lexical) - 1))[:wanted]
            found.append(top[lexical[top] > 0])
        owners = np.unique(self._row_card[np.concatenate(found)])
        if allowed is not None:
            owners = owners[allowed[owners]]
        if len(owners) == 0:
            return []
        relevance, rank, best_rows, vectors = self._score_cards(owners, query, lexical, mode)
        if mode == "bm25":
            keep = relevance > 0
            owners, relevance, best_rows = owners[keep], relevance[keep], best_rows[keep]
        if mode == "hybrid" and floor and self.relevance_floor > 0:
            keep = relevance >= self.relevance_floor
            owners, relevance, best_rows = owners[keep], relevance[keep], best_rows[keep]
            vectors, rank = vectors[keep], rank[keep]
        if mode == "hybrid":
            order = diversify(rank, vectors, len(owners) if cfg.by_topic else k,
                              cfg.mmr_lambda, cfg.duplicate_threshold)
            if cfg.by_topic:
                firsts = topics_first([self._cards[owners[i]].topic for i in order])
                order = [order[j] for j in firsts[:k]]
        else:
            order = list(np.argsort(-relevance, kind="stable")[:k])
        return [Hit(card=self._cards[owners[i]], score=float(relevance[i]),
                    text=self._chunks[best_rows[i]].display) for i in order]

    def _score_cards(self, owners: np.ndarray, query: np.ndarray | None,
                     lexical: np.ndarray | None, mode: str
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(relevance, ordering score, best passage row, vector of that passage) per card.

        They differ only in hybrid mode, by the weight of the topic model's probability.
        """
        cfg = self.config
        groups = [self._card_passages[owner] for owner in owners]
        rows = np.concatenate(groups)
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        bounds = list(zip(starts, starts + np.array([len(g) for g in groups]), strict=True))
        vectors = self._dense.vectors(rows) if query is not None else None
        dense = vectors @ query if vectors is not None else np.zeros(len(rows))
        lex = lexical[rows] if lexical is not None else np.zeros(len(rows))
        if mode == "dense":
            per_row = dense.astype(np.float64)
        elif mode == "bm25":
            per_row = lex.astype(np.float64)
        else:
            top = float(lex.max()) if len(lex) else 0.0
            per_row = dense + (cfg.alpha * lex / top if top > 0 else 0.0)
        best = np.array([a + int(np.argmax(per_row[a:b])) for a, b in bounds])
        relevance = per_row[best].astype(np.float64)
        rank = relevance
        if mode == "hybrid" and query is not None:  # hybrid always has a query vector
            relevance = relevance + self._ask_bonus(owners, query, dense[best])
            probs = self.topic_model.probabilities(query)
            topics = self._card_topic[owners]
            card_prob = np.where(topics >= 0, probs[np.maximum(topics, 0)], 0.0)
            rank = relevance + cfg.topic_weight * card_prob
            relevance = relevance + cfg.score_topic_weight * card_prob
        best_vectors = vectors[best] if vectors is not None else np.zeros((len(best), 1))
        return relevance, rank, rows[best], best_vectors

    def _ask_bonus(self, owners: np.ndarray, query: np.ndarray,
                   passage_dense: np.ndarray) -> np.ndarray:
        """How much more a card's nearest resident utterance matches than its best passage.

        Adding it makes the card's dense signal the better of the two (multi-vector
        max-sim), weighted by ``ask_weight``; cards without utterances get nothing.
        """
        bonus = np.zeros(len(owners))
        if not self._asks or self.config.ask_weight == 0:
            return bonus
        groups = [self._card_asks[owner] for owner in owners]
        sizes = np.array([len(g) for g in groups])
        has = sizes > 0
        if not has.any():
            return bonus
        sims = self._dense.vectors(np.concatenate(groups)) @ query
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[has]
        nearest = np.maximum.reduceat(sims, starts)
        bonus[has] = np.maximum(0.0, self.config.ask_weight * nearest - passage_dense[has])
        return bonus
