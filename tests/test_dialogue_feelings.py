"""Feelings: the trained classifier, its word cues, its shipped weights, and the reflections."""

from __future__ import annotations

import json

import numpy as np
import pytest

from companion.dialogue import feelings
from companion.dialogue.feelings import (
    FEELINGS,
    FeelingDataError,
    FeelingReader,
    cue_counts,
    load_model,
    training_examples,
)
from companion.dialogue.texts import load_texts
from companion.retrieval.embedding import HashingEmbedder


def test_ten_feelings_and_every_one_has_training_examples():
    assert FEELINGS == ("exhausted", "frustrated", "anxious", "sad", "guilty", "numb",
                        "lonely", "overwhelmed", "hopeful", "neutral")
    counts = {f: 0 for f in FEELINGS}
    for _, feeling in training_examples():
        counts[feeling] += 1
    assert min(counts.values()) >= 60, counts


def test_cues_are_explicit_and_negation_aware():
    cues = dict(zip(FEELINGS, cue_counts("Not tired at all. Furious. I keep thinking what if"),
                    strict=True))
    assert cues["exhausted"] == 0  # "not tired" is not tiredness
    assert cues["frustrated"] == 1 and cues["anxious"] == 1
    numb = dict(zip(FEELINGS, cue_counts("I said thanks and felt exactly nothing"), strict=True))
    assert numb["numb"] == 1
    assert not cue_counts("We discussed the schedule for next block.").any()


def test_bad_training_line_names_file_line_and_field(tmp_path):
    (tmp_path / "feelings_train.jsonl").write_text(
        json.dumps({"text": "fine", "feeling": "neutral"}) + "\n"
        + json.dumps({"text": "so cross", "feeling": "annoyed"}) + "\n", encoding="utf-8")
    with pytest.raises(FeelingDataError, match=r"feelings_train.jsonl:2: field 'feeling'"):
        training_examples(tmp_path)


def test_stale_model_is_refitted_once_and_cached(monkeypatch, tmp_path, companion_home):
    monkeypatch.setattr(feelings, "SHIPPED_DIR", tmp_path / "none")
    embedder = HashingEmbedder()
    fits = []
    real_fit = feelings.fit
    monkeypatch.setattr(feelings, "fit", lambda e, d=None: fits.append(1) or real_fit(e, d))
    first = load_model(embedder)
    second = load_model(embedder)
    assert fits == [1], "the second start-up reads the cached fit"
    assert np.allclose(first.weights, second.weights)
    assert (companion_home / "cache" / feelings.MODEL_FILE).is_file()


def test_reader_leans_on_the_question_and_the_previous_turn():
    reader = FeelingReader(HashingEmbedder(), model=load_model(HashingEmbedder()))
    plain = reader.read("The surgeon texted me after the case.")
    leaned = reader.read("The surgeon texted me after the case.", lean=["hopeful"])
    assert leaned.probabilities[FEELINGS.index("hopeful")] > \
        plain.probabilities[FEELINGS.index("hopeful")]
    assert np.allclose(plain.own, leaned.own), "own probabilities ignore the context"


@pytest.mark.slow
def test_shipped_model_is_fresh():
    from companion import models

    fingerprint = models.model_fingerprint(models.embedding_model_path())
    assert feelings.shipped_staleness(fingerprint) is None, feelings.shipped_staleness(
        fingerprint)


@pytest.mark.slow
def test_real_model_reads_clear_feelings(real_sentence_model):
    from companion.retrieval.embedding import get_embedder

    reader = FeelingReader(get_embedder())
    clear = {
        "I haven't slept in thirty hours and my legs are shaking with tiredness.": "exhausted",
        "The consultant hung up on me again and I'm absolutely fuming.": "frustrated",
        "My exam results come out tomorrow and I'm so nervous I feel sick.": "anxious",
        "We lost the little boy tonight and I cried the whole drive home.": "sad",
        "It was my order that was wrong and I keep thinking it's my fault.": "guilty",
        "My patient died and I felt nothing at all, just numb.": "numb",
        "I've got nobody here to talk to; I eat every meal alone.": "lonely",
        "Census of twenty, three admissions waiting and my inbox is drowning me.": "overwhelmed",
        "I ran my first code and it went well, I'm really proud.": "hopeful",
        "My meeting with the program director is on Tuesday at noon.": "neutral",
    }
    wrong = {t: reader.read(t).feeling for t, f in clear.items() if reader.read(t).feeling != f}
    assert len(wrong) <= 1, wrong


def test_reflections_name_a_feeling_only_and_never_repeat():
    texts = load_texts()
    for feeling in FEELINGS:
        said: list[str] = []
        for _ in range(len(texts.feelings[feeling])):
            line = texts.reflection(feeling, said)
            assert line not in said and "{" not in line
            said.append(line)
    assert "annoyed about" not in " ".join(t for ts in texts.feelings.values() for t in ts)


class _SentenceModel:
    """Stands in for the fitted model: a sentence with "dread" reads anxious, all else neutral."""

    def probabilities(self, vectors, texts):
        rows = []
        for text in texts:
            row = np.full(len(FEELINGS), 0.02)
            worried = "dread" in text and len(feelings.sentences(text)) == 1
            row[FEELINGS.index("anxious" if worried else "neutral")] = 0.82
            rows.append(row / row.sum())
        return np.array(rows)


def test_long_turn_is_read_sentence_by_sentence_toward_the_feeling_it_carries():
    reader = FeelingReader(HashingEmbedder(), model=_SentenceModel())
    turn = ("Clinic runs Monday to Thursday this block. Parking moved to the east garage. "
            "I dread the Friday handover with the new attending. Lunch is at noon.")
    probs = reader.probabilities(turn)
    anxious, neutral = FEELINGS.index("anxious"), FEELINGS.index("neutral")
    assert probs[anxious] > 0.3, "one worried sentence among three plain ones still counts"
    assert probs[neutral] < 0.82
    plain = reader.probabilities("Clinic runs Monday to Thursday. Parking moved east.")
    assert plain[anxious] < 0.05, "a turn with no feeling sentence stays neutral"


def test_training_also_learns_from_the_sentences_of_long_examples(tmp_path, monkeypatch):
    lines = [{"text": "Rounds start at seven. I am so proud of how the code went.",
              "feeling": "hopeful"},
             {"text": "The rota is out for March.", "feeling": "neutral"}]
    lines += [{"text": f"A plain sentence number {i}.", "feeling": f}
              for i, f in enumerate(FEELINGS)]
    (tmp_path / "feelings_train.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    encoded = []
    embedder = HashingEmbedder()
    monkeypatch.setattr(embedder, "encode", lambda texts: encoded.extend(texts)
                        or HashingEmbedder().encode(texts))
    feelings.fit(embedder, tmp_path)
    assert "I am so proud of how the code went." in encoded
    assert "The rota is out for March." in encoded and encoded.count(
        "The rota is out for March.") == 1, "a one-sentence example is not doubled"


def test_conversation_turns_train_with_their_labels_sharing_the_turn_weight(tmp_path):
    (tmp_path / "feelings_train.jsonl").write_text(
        "".join(json.dumps({"text": f"plain line {f}", "feeling": f}) + "\n" for f in FEELINGS),
        encoding="utf-8")
    conversation = {"id": "c", "flow": "free-reflection", "author": "someone", "turns": [
        {"text": "I keep replaying the bleed.", "feelings": ["guilty", "anxious"]},
        {"text": "ok", "feelings": []},
        {"text": "The fellow said good call.", "feelings": ["hopeful"]}]}
    (tmp_path / "conv_C1.jsonl").write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    examples = feelings.weighted_examples(tmp_path)
    turns = [(t, f, w) for t, f, w in examples if not t.startswith("plain")]
    half = feelings.CONVERSATION_WEIGHT / 2
    assert turns == [("I keep replaying the bleed.", "guilty", half),
                     ("I keep replaying the bleed.", "anxious", half),
                     ("The fellow said good call.", "hopeful", feelings.CONVERSATION_WEIGHT)]
    before = feelings.training_fingerprint("m", tmp_path)
    conversation["turns"][2]["feelings"] = ["neutral"]
    (tmp_path / "conv_C1.jsonl").write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    assert feelings.training_fingerprint("m", tmp_path) != before, "a relabel refits"


def test_bad_conversation_turn_names_file_line_and_turn(tmp_path):
    (tmp_path / "conv_C1.jsonl").write_text(json.dumps(
        {"turns": [{"text": "fine", "feelings": ["annoyed"]}]}) + "\n", encoding="utf-8")
    with pytest.raises(FeelingDataError, match=r"conv_C1.jsonl:1: turn 1: field 'feelings'"):
        feelings.conversation_examples(tmp_path)
