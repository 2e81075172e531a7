"""Sentence embeddings: the bundled all-MiniLM-L6-v2, or a tiny hashing stand-in for tests.

Every vector is float32 and L2-normalised, so inner product is cosine similarity.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import numpy as np

from companion import models


@runtime_checkable
class Embedder(Protocol):
    """What the index, the safety screen and the understanding layer need."""

    name: str
    fingerprint: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as an (n, dimension) float32 array of unit vectors."""
        ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory."""

    def __init__(self, model_dir=None, name: str = models.EMBEDDING_MODEL_NAME):
        path = model_dir or models.embedding_model_path()
        self._model = models.load_sentence_transformer(path)
        self.name = name
        self.fingerprint = models.model_fingerprint(path)
        self.dimension = int(self._model.get_embedding_dimension()
                             if hasattr(self._model, "get_embedding_dimension")
                             else self._model.get_sentence_embedding_dimension())

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               show_progress_bar: bool = False) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with _single_thread_if_busy(len(texts)):
            vectors = self._model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=show_progress_bar,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@contextmanager
def _single_thread_if_busy(n_texts: int, small: int = 4):
    """Run a query-sized encode on one thread when the CPUs are already busy.

    For one short sentence a second torch thread saves a few milliseconds on an idle
    machine, but when other processes keep the cores busy OpenMP's waiting threads
    make the same encode 10-20x slower (measured on 2 cores: p50 17 ms on one thread
    vs 117-390 ms on two). Large batches (index builds) keep every thread.
    """
    getloadavg = getattr(os, "getloadavg", None)
    if n_texts > small or getloadavg is None or getloadavg()[0] < (os.cpu_count() or 1):
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class HashingEmbedder:
    """Deterministic bag-of-words hashing vectors: for unit tests of index logic only."""

    def __init__(self, dimension: int = 64):
        self.name = f"hashing-{dimension}"
        self.fingerprint = f"hashing-{dimension}-v1"
        self.dimension = dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9&]+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension
                out[row, bucket] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else 1.0 / np.sqrt(self.dimension)
        return out


_lock = threading.Lock()
_default: Embedder | None = None


def get_embedder() -> Embedder:
    """The bundled embedding model, loaded once per process (thread-safe).

    It remembers recent vectors, so within one turn the safety screen, retrieval and
    understanding embed the resident's message once between them.
    """
    global _default
    with _lock:
        if _default is None:
            _default = CachingEmbedder(SentenceTransformerEmbedder())
        return _default


class CachingEmbedder:
    """Remembers recent vectors, so a turn's text and card questions are embedded once."""

    def __init__(self, inner: Embedder, size: int = 2048):
        from collections import OrderedDict

        self.inner = inner
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self.dimension = inner.dimension
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every remembered vector (benchmarks time cold encodes with it)."""
        with self._lock:
            self._cache.clear()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            fresh = self.inner.encode(missing)
            with self._lock:
                self._cache.update(zip(missing, fresh, strict=True))
        with self._lock:
            if len(texts) == 0:
                return np.zeros((0, self.dimension), dtype=np.float32)
            out = np.stack([self._cache[t] for t in texts])
            for text in texts:
                self._cache.move_to_end(text)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return out


def caching(embedder: Embedder, size: int = 2048) -> CachingEmbedder:
    """``embedder`` with a vector cache, unless it already has one (never two layers)."""
    return embedder if isinstance(embedder, CachingEmbedder) else CachingEmbedder(embedder, size)
