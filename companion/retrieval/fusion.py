"""Pure ranking arithmetic: recency weights, dense + lexical fusion, diversification.

Kept apart from the index so each rule can be tested with hand-made numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def recency_weights(n_turns: int, decay: float = 0.5) -> list[float]:
    """Weights for turns given oldest first: the latest weighs 1, each older one ``decay`` x."""
    return [decay ** (n_turns - 1 - i) for i in range(n_turns)]


def combine_turn_vectors(vectors: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """One unit query vector from per-turn unit vectors and their weights."""
    combined = np.asarray(weights, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32)
    norm = float(np.linalg.norm(combined))
    return combined / norm if norm > 0 else combined


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry by descending score (ties broken by position)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def fuse(dense: np.ndarray, lexical: np.ndarray, method: str = "convex",
         alpha: float = 0.3, rrf_k: float = 60.0) -> np.ndarray:
    """Fused relevance of candidates from their dense (cosine) and lexical (BM25) scores.

    Args:
        method: "convex" adds ``alpha`` times the lexical score scaled to [0, 1] by the
            best lexical score of this query to the cosine; "rrf" is reciprocal-rank
            fusion with constant ``rrf_k`` where candidates without any lexical match
            get no lexical term and the lexical list is weighted by ``alpha`` / 0.5.
    """
    dense = np.asarray(dense, dtype=np.float64)
    lexical = np.asarray(lexical, dtype=np.float64)
    if len(dense) == 0:
        return dense
    if method == "convex":
        top = lexical.max()
        return dense + (alpha * lexical / top if top > 0 else 0.0)
    if method == "rrf":
        fused = 1.0 / (rrf_k + _ranks(dense))
        matched = lexical > 0
        lexical_term = (alpha / 0.5) / (rrf_k + _ranks(np.where(matched, lexical, -1.0)))
        return fused + np.where(matched, lexical_term, 0.0)
    raise ValueError(f"unknown fusion method {method!r} (use 'convex' or 'rrf')")


def diversify(relevance: np.ndarray, vectors: np.ndarray, k: int, lambda_: float = 0.85,
              duplicate_threshold: float = 0.95) -> list[int]:
    """Pick ``k`` candidates by maximal marginal relevance.

    Relevance is rescaled to [0, 1]; each pick trades it against the highest cosine
    to what is already picked (weight ``1 - lambda_``). A candidate whose cosine to
    a picked one reaches ``duplicate_threshold`` is a near-copy: it is only used when
    nothing else is left. The first pick is always the most relevant candidate.

    Returns:
        Indices into ``relevance``, best first.
    """
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    spread = rel.max() - rel.min()
    rel = (rel - rel.min()) / spread if spread > 0 else np.ones(n)
    vectors = np.asarray(vectors, dtype=np.float32)
    max_sim = np.full(n, -np.inf)
    available = np.ones(n, dtype=bool)
    picked: list[int] = []
    while len(picked) < min(k, n):
        redundancy = np.where(np.isfinite(max_sim), max_sim, 0.0)
        score = lambda_ * rel - (1.0 - lambda_) * redundancy
        duplicate = max_sim >= duplicate_threshold
        pool = available & ~duplicate
        if not pool.any():
            pool = available
        choice = int(np.argmax(np.where(pool, score, -np.inf)))
        picked.append(choice)
        available[choice] = False
        max_sim = np.maximum(max_sim, vectors @ vectors[choice])
    return picked
