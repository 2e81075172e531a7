"""A FAISS inner-product index over unit vectors (so scores are cosine similarities).

Row ``i`` of the index is passage ``i``; no id map is needed. Small knowledge bases
get an exact flat index; above ``HNSW_THRESHOLD`` passages the same class builds
an approximate HNSW graph, so a hospital adding 50,000 documents keeps fast
queries without a second code path. faiss is imported inside the methods.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from companion.shipped import file_sha256

HNSW_THRESHOLD = 20_000
HNSW_NEIGHBOURS = 24
HNSW_EF_CONSTRUCTION = 60
HNSW_EF_SEARCH = 128


class DenseIndex:
    """FAISS index of passage vectors with build / search / save / load / count."""

    def __init__(self, index, dimension: int):
        self._index = index
        self.dimension = dimension

    @property
    def kind(self) -> str:
        """"hnsw" for the approximate graph index, "flat" for exact search."""
        return "hnsw" if hasattr(self._index, "hnsw") else "flat"

    @property
    def count(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, dimension: int,
              hnsw_threshold: int = HNSW_THRESHOLD) -> DenseIndex:
        """Index (n, dimension) unit vectors; HNSW when n exceeds ``hnsw_threshold``."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dimension)
        index: faiss.Index
        if len(vectors) > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        return cls(index, dimension)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (scores, row ids) for one unit query vector; missing rows dropped."""
        k = min(k, self.count)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, ids = self._index.search(
            np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of the given rows, shape (len(ids), dimension)."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._index.reconstruct_batch(ids), dtype=np.float32)

    def save(self, path: Path) -> str:
        """Write the index atomically; returns the file's SHA-256."""
        import faiss

        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self._index, str(tmp))
        os.replace(tmp, path)
        return file_sha256(path)

    @classmethod
    def load(cls, path: Path) -> DenseIndex:
        """Read an index written by :meth:`save` (raises on a damaged file)."""
        import faiss

        index = faiss.read_index(str(path))
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, int(index.d))
