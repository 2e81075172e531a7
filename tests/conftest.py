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


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """A steady cursor in every Pilot test, so screenshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


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


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A 1-layer random Llama with a word-level tokenizer, saved like a real local model.

    Enough to exercise the generator's real loading, streaming and guardrail code
    (in-process or in the model process) without any large model.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = ("you sound tired when can rest next sleep shift what might help today the a is "
             "? . , feel like hard").split()
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "[EOS]", *dict.fromkeys(words)])}
    raw = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.decoder = decoders.WordPiece(prefix="##")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="[UNK]",
                                        pad_token="[PAD]", eos_token="[EOS]")
    import torch

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(vocab), hidden_size=16, intermediate_size=32,
                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=1024, eos_token_id=2, pad_token_id=1)
    model = LlamaForCausalLM(config)
    directory = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory
