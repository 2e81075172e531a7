"""The persisted index: loaded only when fresh; stale or damaged files are rebuilt loudly."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest
from retrieval_support import sample_cards, write_knowledge

from companion import models
from companion.retrieval.chunks import chunk_card, split_body
from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.index import INDEX_FILE, MANIFEST_FILE, index_status
from companion.retrieval.retriever import Retriever
from companion.taxonomy import load_topics

WARN = "companion.retrieval.index"


def _open(tmp_path, cards=None, embedder=None, **kwargs) -> Retriever:
    return Retriever.open(cards=cards or sample_cards(), embedder=embedder or HashingEmbedder(),
                          index_dir=tmp_path / "index", **kwargs)


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == WARN and r.levelno == logging.WARNING]


def test_first_open_builds_and_second_loads_without_warning(tmp_path, caplog):
    first = _open(tmp_path)
    assert first.origin == "built"
    manifest = json.loads((tmp_path / "index" / MANIFEST_FILE).read_text())
    assert manifest["model"] == {"name": "hashing-64", "fingerprint": "hashing-64-v1",
                                 "dimension": 64}
    assert set(manifest["cards"]) == {c.id for c in sample_cards()}
    assert manifest["cards"]["mm-presenting"] == sample_cards()[1].content_hash
    assert len(manifest["faiss_sha256"]) == 64
    assert manifest["chunks"][0] == ["after-snapping", 0]  # rows in card id order
    with caplog.at_level(logging.INFO):
        second = _open(tmp_path)
    assert second.origin == "loaded"
    assert _warnings(caplog) == []
    query = "present the complication at M&M"
    assert [h.card.id for h in second.search(query)] == [h.card.id for h in first.search(query)]


def test_editing_a_card_rebuilds_and_serves_the_new_text(tmp_path, caplog):
    _open(tmp_path)
    cards = sample_cards()
    cards[3] = dataclasses.replace(
        cards[3], body=cards[3].body + " Quokka sightings also help you relax.")
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path, cards=cards)
    assert retriever.origin == "rebuilt"
    assert any("1 edited" in message for message in _warnings(caplog))
    assert retriever.search("quokka", k=1)[0].card.id == "finding-first-mentor"
    assert "Quokka" in retriever.search("quokka", k=1)[0].text


def test_removing_a_card_rebuilds(tmp_path, caplog):
    _open(tmp_path)
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path, cards=sample_cards()[:-1])
    assert retriever.origin == "rebuilt"
    assert any("1 removed" in message for message in _warnings(caplog))
    assert "mentor-silence" not in {c.id for c in retriever.cards}


@pytest.mark.parametrize("damage", ["garbage", "truncate", "flip"])
def test_corrupt_index_file_is_rebuilt_with_a_warning(tmp_path, caplog, damage):
    _open(tmp_path)
    path = tmp_path / "index" / INDEX_FILE
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a faiss index at all")
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(data[:-9] + bytes([data[-9] ^ 0xFF]) + data[-8:])
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path)
    assert retriever.origin == "rebuilt"
    assert any("corrupt" in message for message in _warnings(caplog))
    assert retriever.search("present at M&M", k=1)[0].card.id == "mm-presenting"
    assert _open(tmp_path).origin == "loaded"  # the rebuilt file is whole again


def test_unreadable_manifest_is_rebuilt_with_a_warning(tmp_path, caplog):
    _open(tmp_path)
    (tmp_path / "index" / MANIFEST_FILE).write_text("{ half a manifest")
    with caplog.at_level(logging.WARNING):
        assert _open(tmp_path).origin == "rebuilt"
    assert any("unreadable" in message for message in _warnings(caplog))


def test_model_fingerprint_change_rebuilds(tmp_path, caplog):
    _open(tmp_path)
    changed = HashingEmbedder()
    changed.fingerprint = "hashing-64-v2"
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path, embedder=changed)
    assert retriever.origin == "rebuilt"
    assert any("embedding model changed" in message for message in _warnings(caplog))
    manifest = json.loads((tmp_path / "index" / MANIFEST_FILE).read_text())
    assert manifest["model"]["fingerprint"] == "hashing-64-v2"


def test_explicit_rebuild_ignores_a_fresh_index(tmp_path):
    _open(tmp_path)
    assert _open(tmp_path, rebuild=True).origin == "rebuilt"


def test_large_knowledge_base_switches_to_hnsw_on_the_same_path(tmp_path):
    flat = _open(tmp_path / "flat")
    approx = _open(tmp_path / "hnsw", hnsw_threshold=4)
    assert flat.index_kind == "flat"
    assert approx.index_kind == "hnsw"
    manifest = json.loads((tmp_path / "hnsw" / "index" / MANIFEST_FILE).read_text())
    assert manifest["index_type"] == "hnsw"
    assert _open(tmp_path / "hnsw", hnsw_threshold=4).origin == "loaded"
    for query in ("nights charting exhausted", "mentor email replying", "present at M&M"):
        assert approx.search(query, k=1)[0].card.id == flat.search(query, k=1)[0].card.id
    # the threshold moving under an existing index makes it stale
    assert _open(tmp_path / "hnsw").origin == "rebuilt"


def test_long_cards_are_split_into_overlapping_passages():
    sentences = [f"Sentence number {i} talks about topic {i} in some detail." for i in range(40)]
    body = " ".join(sentences)
    parts = split_body(body, max_words=60)
    assert len(parts) >= 6
    assert all(len(p.split()) <= 60 + 9 for p in parts)
    assert parts[0].split(". ")[-1].rstrip(".") in parts[1]  # one sentence of overlap
    card = dataclasses.replace(sample_cards()[0], body=body)
    chunks = chunk_card(card, max_words=60)
    assert all(c.text.startswith(card.title) for c in chunks)
    assert card.reflect[0] in chunks[-1].text and card.reflect[0] not in chunks[0].text


def test_index_status_reports_missing_stale_and_fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(write_knowledge(tmp_path / "kb",
                                                                  sample_cards())))
    directory = tmp_path / "index"
    assert index_status(directory).startswith("not built")
    _open(tmp_path)  # built with the hashing embedder, not the bundled model
    assert index_status(directory).startswith("stale (embedding model changed")
    bundled = HashingEmbedder()
    bundled.name = models.EMBEDDING_MODEL_NAME
    bundled.fingerprint = models.model_fingerprint(models.embedding_model_path())
    _open(tmp_path, embedder=bundled)
    status = index_status(directory)
    assert status.startswith("fresh: 8 passages and 0 resident utterances from 8 cards, flat "
                             "index")
    (directory / INDEX_FILE).write_bytes(b"junk")
    assert "corrupt" in index_status(directory)


def test_importing_retrieval_pulls_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys, companion.retrieval.retriever, companion.retrieval.evaluation, "
            "companion.commands.ask, companion.retrieval.index, companion.commands.kb_build; "
            "from companion.retrieval import Retriever; "
            "print(sorted(m for m in ('torch', 'faiss', 'sentence_transformers', 'bm25s', "
            "'textual') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "[]"


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return super().encode(texts)


def test_rebuild_after_an_edit_embeds_only_the_edited_card(tmp_path):
    _open(tmp_path)
    cards = sample_cards()
    cards[0] = dataclasses.replace(cards[0], body=cards[0].body + " Quokkas rest too.")
    counting = CountingEmbedder()
    edited = _open(tmp_path, cards=cards, embedder=counting)
    assert edited.origin == "rebuilt"
    assert [t for t in counting.seen if "Quokkas" in t] == counting.seen[:1]
    assert len(counting.seen) == 1  # the query was not embedded yet; one passage re-embedded
    fresh = _open(tmp_path / "scratch", cards=cards)
    for query in ("quokkas rest", "present at M&M", "mentor emails"):
        assert [h.card.id for h in edited.search(query)] == [h.card.id for h in
                                                             fresh.search(query)]
    # a damaged file is never a source of reused vectors
    (tmp_path / "index" / INDEX_FILE).write_bytes(b"junk")
    counting.seen.clear()
    assert _open(tmp_path, cards=cards, embedder=counting).origin == "rebuilt"
    assert len(counting.seen) == len(cards) + len(load_topics())  # passages, topic texts
