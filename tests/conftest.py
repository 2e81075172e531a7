"""Shared fixtures: a private data directory per test, the real model once per session."""

from __future__ import annotations

import socket

import pytest


@pytest.fixture(autouse=True)
def companion_home(tmp_path, monkeypatch):
    """Every test gets its own data directory; nothing touches the real one."""
    home = tmp_path / "companion-home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    return home


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return refuse


@pytest.fixture(scope="session")
def real_sentence_model():
    """The real bundled all-MiniLM-L6-v2, loaded once for the tests that need it."""
    from companion.models import load_sentence_transformer

    return load_sentence_transformer()


@pytest.fixture(scope="session")
def real_retriever(tmp_path_factory):
    """The real knowledge base indexed once with the bundled model, in a private folder."""
    from companion.retrieval.embedding import get_embedder
    from companion.retrieval.retriever import Retriever

    return Retriever.open(embedder=get_embedder(), index_dir=tmp_path_factory.mktemp("index"))
