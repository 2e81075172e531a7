"""Retrieval: embed cards and conversations, persist a FAISS index, hybrid search.

Nothing heavy is imported here; torch, sentence-transformers and faiss load
inside the functions that need them.
"""
