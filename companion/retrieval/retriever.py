"""The retriever: from a conversation to the few cards most worth reading.

A search embeds the last few turns (the latest weighs most), asks the FAISS index
for its nearest passages and BM25 for passages sharing rare words, scores every
passage of every candidate card both ways, fuses the two, keeps each card's best
passage and diversifies, so five results are five different pieces of advice.
``mode="dense"`` and ``mode="bm25"`` are the single-signal baselines used by the
evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.cards import Card
from companion.retrieval.chunks import Chunk, chunk_cards
from companion.retrieval.dense import HNSW_THRESHOLD, DenseIndex
from companion.retrieval.embedding import Embedder, caching
from companion.retrieval.fusion import combine_turn_vectors, diversify, fuse, recency_weights
from companion.retrieval.index import Progress, open_dense_index
from companion.retrieval.lexical import LexicalIndex

MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class RankingConfig:
    """The knobs of hybrid ranking (chosen on the dev set, see README)."""

    method: str = "convex"
    """Fusion: "convex" (cosine + alpha * scaled BM25) or "rrf"."""
    alpha: float = 0.4
    """Weight of the lexical signal."""
    rrf_k: float = 60.0
    turn_decay: float = 0.5
    """Each older turn weighs this much of the next one."""
    max_turns: int = 4
    """Only the latest turns of a conversation are read."""
    mmr_lambda: float = 0.85
    """1.0 ranks by relevance alone; lower trades relevance for variety."""
    duplicate_threshold: float = 0.95
    """Cards at least this similar to a shown one are near-copies, shown last."""
    candidates: int = 50
    """Passages fetched from each of the dense and lexical lists."""
    cache_size: int = 256
    """Turn embeddings kept, so a growing conversation embeds only its new turn."""


@dataclass(frozen=True)
class Hit:
    """One retrieved card, its score and the passage that matched."""

    card: Card
    score: float
    text: str

    def to_dict(self) -> dict:
        return {
            "id": self.card.id, "title": self.card.title, "topic": self.card.topic,
            "topics": list(self.card.all_topics), "score": round(float(self.score), 4),
            "sources": list(self.card.sources), "text": self.text,
        }


class Retriever:
    """Hybrid dense + BM25 search over the knowledge cards."""

    def __init__(self, cards: Sequence[Card], chunks: Sequence[Chunk], dense: DenseIndex,
                 lexical: LexicalIndex, embedder: Embedder, config: RankingConfig | None = None,
                 origin: str = "built"):
        self._cards = list(cards)
        self._by_id = {card.id: card for card in self._cards}
        self._chunks = list(chunks)
        position = {card.id: i for i, card in enumerate(self._cards)}
        self._chunk_card = np.array([position[c.card_id] for c in self._chunks], dtype=np.int64)
        grouped: list[list[int]] = [[] for _ in self._cards]
        for row, owner in enumerate(self._chunk_card):
            grouped[owner].append(row)
        self._card_chunks = [np.array(rows, dtype=np.int64) for rows in grouped]
        self._dense = dense
        self._lexical = lexical
        self.config = config or RankingConfig()
        # Turn vectors are remembered by the embedder, so a growing conversation embeds
        # only its new turn; the index itself was built with the embedder as given.
        self.embedder = caching(embedder, self.config.cache_size)
        self.origin = origin
        """How the dense index was obtained: "loaded" (user folder), "shipped" (prebuilt,
        read-only), "built" or "rebuilt"."""

    @classmethod
    def open(cls, cards: Sequence[Card] | None = None, embedder: Embedder | None = None,
             index_dir: Path | None = None, *, rebuild: bool = False,
             progress: Progress | None = None, config: RankingConfig | None = None,
             hnsw_threshold: int = HNSW_THRESHOLD,
             readonly: Sequence[Path] | None = None) -> Retriever:
        """Load a fresh persisted index (the user's, else a prebuilt one), else build it.

        Args:
            cards: the cards to search; all valid cards of the knowledge base if omitted
                (raises ``CardError`` naming file and field when one is malformed).
            embedder: the bundled sentence model if omitted.
            index_dir: where the index lives; ``paths.index_dir()`` if omitted.
            rebuild: rebuild even if the persisted index is fresh.
            progress: called with (done, total) passages while embedding; only a build
                calls it (the app shows it as a progress bar on the loading screen).
            readonly: prebuilt index folders tried after ``index_dir`` and never written
                (``COMPANION_PREBUILT_INDEX``, then the index shipped in the package).
        """
        if cards is None:
            from companion.cards import load_cards

            cards = load_cards()
        if embedder is None:
            from companion.retrieval.embedding import get_embedder

            embedder = get_embedder()
        cards = sorted(cards, key=lambda card: card.id)  # index rows independent of file order
        chunks = chunk_cards(cards)
        dense, origin = open_dense_index(cards, chunks, embedder, index_dir, rebuild=rebuild,
                                         progress=progress, hnsw_threshold=hnsw_threshold,
                                         readonly=readonly)
        lexical = LexicalIndex([chunk.text for chunk in chunks])
        return cls(cards, chunks, dense, lexical, embedder, config, origin)

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
        return np.array([
            (topic is None or topic in card.all_topics)
            and (audience is None or card.audience in (audience, "both"))
            for card in self._cards
        ], dtype=bool)

    def search(self, conversation: str | Sequence[str], k: int = 5, topic: str | None = None,
               audience: str | None = None, mode: str = "hybrid") -> list[Hit]:
        """The best ``k`` distinct cards for a message or a conversation (oldest turn first).

        Args:
            topic: keep only cards having this topic (primary or secondary).
            audience: keep only cards for this audience ("resident"/"mentor") or "both".
            mode: "hybrid" (the product), or the baselines "dense" and "bm25".
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
            found.append(self._dense.search(query, wanted)[1])
        lexical = None
        if mode != "dense":
            lexical = self._lexical.weighted_scores(turns, weights)
            top = np.argpartition(-lexical, min(wanted, len(lexical) - 1))[:wanted]
            found.append(top[lexical[top] > 0])
        owners = np.unique(self._chunk_card[np.concatenate(found)])
        if allowed is not None:
            owners = owners[allowed[owners]]
        if len(owners) == 0:
            return []
        groups = [self._card_chunks[owner] for owner in owners]
        rows = np.concatenate(groups)
        starts = np.cumsum([0] + [len(g) for g in groups[:-1]])
        vectors = self._dense.vectors(rows) if query is not None else None
        dense_scores = vectors @ query if vectors is not None else np.zeros(len(rows))
        lexical_scores = lexical[rows] if lexical is not None else np.zeros(len(rows))
        if mode == "dense":
            relevance = dense_scores.astype(np.float64)
        elif mode == "bm25":
            relevance = lexical_scores.astype(np.float64)
        else:
            relevance = fuse(dense_scores, lexical_scores, cfg.method, cfg.alpha, cfg.rrf_k)
        best = np.array([start + int(np.argmax(relevance[start:start + len(g)]))
                         for start, g in zip(starts, groups, strict=True)])
        card_relevance = relevance[best]
        if mode == "bm25":
            keep = lexical_scores[best] > 0
            best, card_relevance = best[keep], card_relevance[keep]
        if mode == "hybrid":
            order = diversify(card_relevance, vectors[best], k, cfg.mmr_lambda,
                              cfg.duplicate_threshold)
        else:
            order = list(np.argsort(-card_relevance, kind="stable")[:k])
        return [Hit(card=self._cards[self._chunk_card[rows[best[i]]]],
                    score=float(card_relevance[i]),
                    text=self._chunks[rows[best[i]]].display) for i in order]
