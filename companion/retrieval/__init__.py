"""Retrieval: embed cards and conversations, persist a FAISS index, hybrid search.

Nothing heavy is imported here; torch, sentence-transformers and faiss load
inside the functions that need them. ``Retriever`` and ``Hit`` are re-exported
lazily so ``import companion.retrieval`` stays cheap.
"""

from __future__ import annotations

__all__ = ["Hit", "RankingConfig", "Retriever"]


def __getattr__(name: str):
    if name in __all__:
        from companion.retrieval import retriever

        return getattr(retriever, name)
    raise AttributeError(f"module 'companion.retrieval' has no attribute {name!r}")
