"""The trained topic model and the resident-utterance rows: persisted, reloaded, rebuilt."""

from __future__ import annotations

import dataclasses
import json
import logging

import numpy as np
import pytest
from retrieval_support import sample_cards

from companion.retrieval import index as index_module
from companion.retrieval.asks import (
    Ask,
    AsksError,
    TopicExample,
    asks_for,
    load_asks,
    load_topic_examples,
)
from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.index import MANIFEST_FILE, TOPIC_FILE
from companion.retrieval.retriever import RankingConfig, Retriever, topics_first
from companion.retrieval.topicmodel import TopicModel, train_topic_model
from companion.taxonomy import load_topics

WARN = "companion.retrieval.index"

ASKS = [
    Ask("mentor-silence", "mentoring-relationship", "ghosted by my supervisor for a month"),
    Ask("mentor-silence", "mentoring-relationship", "supervisor ghosted me again"),
    Ask("writing-idp", "career-planning", "what goals should go on my yearly plan"),
    Ask("nights-recovery", "burnout", "zombie mode after a week of nocturnal work"),
    Ask("no-such-card", "burnout", "this card was merged away"),
]


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return super().encode(texts)


def _open(tmp_path, asks=ASKS, embedder=None, **kwargs) -> Retriever:
    return Retriever.open(cards=sample_cards(), embedder=embedder or HashingEmbedder(),
                          index_dir=tmp_path / "index", asks=asks, readonly=[], **kwargs)


def test_softmax_regression_learns_separable_topics_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    centres = np.eye(3, 8, dtype=np.float32)
    x = np.vstack([c + 0.1 * rng.standard_normal((20, 8)) for c in centres])
    labels = ["a"] * 20 + ["b"] * 20 + ["c"] * 20
    model = train_topic_model(x, labels, ["a", "b", "c"])
    assert [model.rank(c)[0][0] for c in centres] == ["a", "b", "c"]
    assert np.allclose(model.probabilities(x).sum(axis=1), 1.0)
    again = train_topic_model(x, labels, ["a", "b", "c"])
    assert np.array_equal(model.weights, again.weights)  # deterministic: no random init
    model.save(tmp_path / "m.npz")
    loaded = TopicModel.load(tmp_path / "m.npz")
    assert loaded.topic_ids == ["a", "b", "c"]
    assert np.allclose(loaded.probabilities(x), model.probabilities(x))
    (tmp_path / "m.npz").write_bytes(b"not a model")
    with pytest.raises(ValueError, match="unreadable"):
        TopicModel.load(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="outside the taxonomy"):
        train_topic_model(x[:2], ["a", "zzz"], ["a", "b"])


def test_classes_weigh_the_same_whatever_their_size():
    rng = np.random.default_rng(1)
    big = np.array([1, 0.4, 0], dtype=np.float32) + 0.2 * rng.standard_normal((200, 3))
    small = np.array([0.4, 1, 0], dtype=np.float32) + 0.2 * rng.standard_normal((5, 3))
    model = train_topic_model(np.vstack([big, small]), ["big"] * 200 + ["small"] * 5,
                              ["big", "small"])
    midway = np.array([0.7, 0.7, 0], dtype=np.float32)
    assert abs(model.probabilities(midway)[0] - 0.5) < 0.15  # not swamped by the big class


def test_utterances_are_index_rows_and_the_classifier_is_persisted(tmp_path, caplog):
    first = _open(tmp_path)
    assert first.origin == "built"
    manifest = json.loads((tmp_path / "index" / MANIFEST_FILE).read_text())
    assert len(manifest["asks"]) == 4  # the one naming a missing card is left out
    assert manifest["count"] == len(manifest["chunks"]) + 4
    assert (tmp_path / "index" / TOPIC_FILE).is_file()
    probe = first.topic_model.probabilities(first.embedder.encode(["nights"])[0])

    def no_training(*args, **kwargs):
        raise AssertionError("the topic model was retrained at start-up")

    original = index_module.train_topic_model
    index_module.train_topic_model = no_training
    try:
        with caplog.at_level(logging.WARNING):
            second = _open(tmp_path)
    finally:
        index_module.train_topic_model = original
    assert second.origin == "loaded"
    assert not [r for r in caplog.records if r.name == WARN]
    assert np.allclose(second.topic_model.probabilities(
        second.embedder.encode(["nights"])[0]), probe)
    assert second.topic_model.topic_ids[0] == "what-is-mentorship"  # the taxonomy's order
    assert second.topic_model.descriptions.shape == (17, 64)


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_a_missing_or_damaged_topic_model_rebuilds(tmp_path, caplog, damage):
    _open(tmp_path)
    path = tmp_path / "index" / TOPIC_FILE
    if damage == "delete":
        path.unlink()
    else:
        path.write_bytes(b"garbage")
    counting = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path, embedder=counting)
    assert retriever.origin == "rebuilt"
    assert any("topic model" in r.getMessage() for r in caplog.records if r.name == WARN)
    assert len(counting.seen) <= 17  # row vectors reused; at most the topic texts again
    assert _open(tmp_path).origin == "loaded"


def test_changing_the_utterances_rebuilds_embedding_only_the_new_one(tmp_path, caplog):
    _open(tmp_path)
    more = [*ASKS, Ask("hard-feedback", "feedback-evaluation", "my eval said I lack polish")]
    counting = CountingEmbedder()
    with caplog.at_level(logging.WARNING):
        retriever = _open(tmp_path, asks=more, embedder=counting)
    assert retriever.origin == "rebuilt"
    assert any("asks.jsonl" in r.getMessage() for r in caplog.records if r.name == WARN)
    assert counting.seen == ["my eval said I lack polish"]


def test_an_utterance_row_finds_its_card_in_words_no_passage_uses(tmp_path):
    retriever = _open(tmp_path)
    query = "ghosted by my supervisor"
    dense = [h.card.id for h in retriever.search(query, k=3, mode="dense")]
    assert "mentor-silence" not in dense[:1]  # the passages never say "ghosted"
    hits = retriever.search(query, k=3)
    assert hits[0].card.id == "mentor-silence"
    assert hits[0].text.startswith("If your mentor does not answer")  # a passage is shown


def test_topic_probabilities_follow_the_training_rows(tmp_path):
    retriever = _open(tmp_path)
    probs = retriever.topic_probabilities("zombie mode after a week of nocturnal work")
    assert max(probs, key=probs.get) == "burnout"
    assert abs(sum(probs.values()) - 1.0) < 1e-5
    assert retriever.topic_probabilities("   ") == {}


def test_asks_file_reading(tmp_path):
    path = tmp_path / "asks.jsonl"
    assert load_asks(path) == []  # no file: no utterances
    path.write_text('{"card": "writing-idp", "topic": "career-planning", "text": " my  idp "}\n'
                    '\n{"card": "writing-idp", "topic": "career-planning", "text": "MY IDP"}\n')
    asks = load_asks(path)
    assert asks[0] == Ask("writing-idp", "career-planning", "my idp")
    assert asks_for(sample_cards(), asks) == [asks[0]]  # repeats dropped
    path.write_text('{"card": "writing-idp", "text": "no topic"}\n')
    with pytest.raises(AsksError, match=r"asks.jsonl:1: field 'topic'"):
        load_asks(path)


EXAMPLES = [TopicExample("burnout", "zombie after seven nights, nothing left in the tank"),
            TopicExample("career-planning", "should I do a fellowship or go straight to a job"),
            TopicExample("not-a-topic", "a line with an unknown topic is not trained on")]


def test_topic_examples_train_the_model_persist_and_are_reused_after_a_card_edit(tmp_path):
    first = _open(tmp_path, examples=EXAMPLES)
    manifest = json.loads((tmp_path / "index" / MANIFEST_FILE).read_text())
    assert [topic for _, topic in manifest["examples"]] == ["burnout", "career-planning"]
    assert first.topic_model.examples is not None and len(first.topic_model.examples) == 2
    without = _open(tmp_path / "plain")
    text = "nothing left in the tank after seven nights"
    assert first.topic_probabilities(text)["burnout"] > without.topic_probabilities(text)["burnout"]
    assert _open(tmp_path, examples=EXAMPLES).origin == "loaded"
    counting = CountingEmbedder()
    cards = sample_cards()
    cards[0] = dataclasses.replace(cards[0], body=cards[0].body + " Quokkas sleep well.")
    Retriever.open(cards=cards, embedder=counting, index_dir=tmp_path / "index", asks=ASKS,
                   readonly=[], examples=EXAMPLES)
    assert not any("tank" in seen or "fellowship" in seen for seen in counting.seen)
    assert index_module.stale_reason(manifest, index_module.expected_manifest(
        index_module.contents_of(sample_cards(), ASKS, load_topics(), EXAMPLES[:1]),
        first.embedder.name, first.embedder.fingerprint, first.embedder.dimension)) == \
        "topic-labelled utterances (topics_*.jsonl) changed"


def test_topic_examples_file_reads_the_primary_topic_and_names_a_bad_line(tmp_path):
    (tmp_path / "topics_X.jsonl").write_text(
        '{"id": "x1", "text": "  so  tired ", "topics": ["burnout", "work-life-balance"]}\n',
        encoding="utf-8")
    assert load_topic_examples(tmp_path) == [TopicExample("burnout", "so tired")]
    (tmp_path / "topics_Y.jsonl").write_text('{"id": "y1", "text": "x", "topics": []}\n',
                                             encoding="utf-8")
    with pytest.raises(AsksError, match="topics_Y.jsonl:1"):
        load_topic_examples(tmp_path)


def test_each_topics_first_card_comes_before_a_second_card_of_any_topic():
    assert topics_first(["a", "a", "b", "a", "c", "b"]) == [0, 2, 4, 1, 3, 5]
    assert topics_first([]) == []


def test_the_floor_reads_the_score_not_the_heavier_ordering_weight(tmp_path):
    light = _open(tmp_path, config=RankingConfig(topic_weight=0.15))
    heavy = _open(tmp_path, config=RankingConfig(topic_weight=5.0))
    query = "zombie mode after a week of nocturnal work"
    scores = {h.card.id: h.score for h in light.search(query, k=8, floor=False)}
    assert {h.card.id: h.score for h in heavy.search(query, k=8, floor=False)} == scores
