"""How a resident seems to feel: a trained classifier over sentence vectors, plus word cues.

Ten feelings (:data:`FEELINGS`). The classifier is softmax regression (the same
trainer as the topic model) over the bundled model's sentence vector of the message
joined with a few counts of explicit feeling words ("furious", "numb", "my fault"),
so the learned weights decide how much an explicit word counts. It is trained on
``knowledge/understanding/feelings_train.jsonl``, ``feelings_F2.jsonl`` and
``feelings_F3.jsonl`` (each written by a separate author; F3 is conversation turns
answering the companion's questions), ``feelings_extra.jsonl`` and ``feelings.yaml``,
the labelled turns of whole conversations (``conv_C1.jsonl``, ``CONVERSATION_WEIGHT``),
and on the sentences of their long examples (``SENTENCE_TRAIN_WEIGHT``); it is
shipped fitted in
``companion/dialogue/bundled/`` (``python -m companion.dialogue.feelings`` rebuilds
it); a stale or missing file is refitted once at load and cached in the data folder.

A long message is also read sentence by sentence, pooled toward the sentences that carry
a feeling (``SENTENCE_WEIGHT``; one batch with the whole message, no extra model). The
previous turn could lean on the result (``PREVIOUS_WEIGHT``, off as measured); the
question just asked leans on it a little.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from companion import paths
from companion.labelled import read_jsonl

log = logging.getLogger(__name__)

FEELINGS = ("exhausted", "frustrated", "anxious", "sad", "guilty", "numb", "lonely",
            "overwhelmed", "hopeful", "neutral")
TRAINER_VERSION = 2
SHIPPED_DIR = Path(__file__).resolve().parent / "bundled"
MODEL_FILE = "feelings.npz"
BUILD_COMMAND = "python -m companion.dialogue.feelings"
TRAINING_FILES = ("feelings_train.jsonl", "feelings_extra.jsonl", "feelings_F2.jsonl",
                  "feelings_F3.jsonl", "feelings.yaml")
CONVERSATION_FILES = ("conv_C1.jsonl",)
"""Whole labelled conversations by an independent author (the format of
``companion eval conversations``); each turn with ``feelings`` is a training example."""
CONVERSATION_WEIGHT = 0.5
"""Training weight of one conversation turn, shared by its labels (a turn labelled
"guilty, anxious" counts 0.25 for each). Chosen by leave-one-author-out over five
authors (``scripts/cv_feelings.py``): the four sentence authors 0.795 without the
turns, 0.790 at 0.5, 0.780 at 1, 0.777 at 2; dev conversation turns 0.468, 0.482,
0.482, 0.446. The C1 turns themselves, held out, are read at 0.40 whatever the weight."""

CUE_SCALE = 0.3
"""Weight of the word-cue counts beside the unit sentence vector (leave-one-author-out
accuracy 0.774 without cues, 0.814 at 0.3, 0.800 at 1.0; L2 1e-3 beat 1e-4 and 1e-2)."""
SENTENCE_WEIGHT = 0.5
"""Share of the sentence reading in a long message's probabilities (the rest is the whole
message). Chosen by leave-one-author-out cross-validation over four authors (train-T1,
dialogue-engineer, train-F2, train-F3; ``scripts/cv_feelings.py``), with sentence training
on: mean 0.784 at 0 (F3 held out 0.688), 0.788 at 0.3, 0.795 at 0.5 (F3 0.715), 0.794 at
0.7, 0.777 at 1.0. On the dev conversations' turns it costs one turn of 140 (0.479 against
0.493 at 0). Scaling neutral down ("neutral only when nothing else is sure") lost on both
(0.783 and 0.464 at x0.7); the companion's question as extra features did not help F3."""
SENTENCE_SHARPNESS = 5.0
"""How strongly the sentence reading attends to the sentences that are least neutral:
each sentence weighs exp(SHARPNESS x (1 - its neutral probability))."""
PREVIOUS_WEIGHT = 0.0
"""How much the previous turn's probabilities lean on this turn's. On the dev
conversations: feeling accuracy 0.479 at 0, 0.457 at 0.2, 0.479 at 0.4. A small model
over the turn's reading, the previous turn's, the question's lean, the flow and the
turn's place, trained on one conversation author and scored on the other, did not
help either (train-C1 -> dev 0.43 against 0.47 without it; dev -> C1 0.44 against
0.40), so the context stays out."""
SENTENCE_TRAIN_WEIGHT = 0.5
"""Training weight shared by the sentences of a multi-sentence example, each labelled with
the example's feeling (the whole example weighs 1), so a feeling carried by one sentence
of a long turn is learned without a sentence-level reader at run time."""
LEAN_WEIGHT = 0.15
"""How much the question just asked ("What went well?") leans toward its feelings."""

_NEGATION = r"(?<!not )(?<!n't )(?<!never )(?<!not at all )"
CUES: dict[str, str] = {
    "exhausted": r"exhaust\w*|tired|wiped|drained|worn (?:out|down)|sleep[- ]deprived|"
                 r"running on (?:empty|fumes)|fried|knackered|no sleep",
    "frustrated": r"angry|anger|furious|irritat\w*|annoy\w*|fed up|mad|livid|fuming|"
                  r"infuriat\w*|frustrat\w*|pissed|sick of|maddening|unfair",
    "anxious": r"nervous|worr(?:y|ied|ying)|scared|afraid|terrified|anxi\w*|panic\w*|"
               r"dread\w*|stressed|on edge|what if|spiral\w*|can'?t stop thinking",
    "sad": r"sad|sadness|cried|crying|cry|tears|tearful|heartbr\w*|griev\w*|devastat\w*|"
           r"gutted|mourn\w*",
    "guilty": r"my fault|guilt\w*|ashamed|shame|should have|shouldn'?t have|should'?ve|"
              r"blame myself|fraud|my mistake|regret\w*|on me",
    "numb": r"numb|felt (?:\w+ )?nothing|feel (?:\w+ )?nothing|hollow\w*|autopilot|blank|grey|"
            r"gray|detached|going through the motions",
    "lonely": r"lonel\w*|alone|isolat\w*|no one to (?:talk|call|tell)|nobody to|outsider|"
              r"by myself|invisible",
    "overwhelmed": r"overwhelm\w*|drowning|too much|underwater|swamped|piling up|buried|"
                   r"can'?t keep up|everything at once",
    "hopeful": r"proud|excit\w*|finally|grateful|thankful|thrilled|good day|went well|nailed|"
               r"thanked|buzzing|helped|relie(?:f|ved)|looking forward|optimis\w*",
}
_CUE_RES = {f: re.compile(_NEGATION + r"\b(?:" + p + r")\b", re.IGNORECASE)
            for f, p in CUES.items()}
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
MIN_SENTENCE_WORDS = 3


class FeelingDataError(ValueError):
    """A feelings training file is malformed (names the file, line and field)."""


def cue_counts(text: str) -> np.ndarray:
    """Counts (at most 2) of explicit, non-negated feeling words, one per feeling."""
    return np.array([min(len(_CUE_RES[f].findall(text)), 2) if f in _CUE_RES else 0
                     for f in FEELINGS], dtype=np.float32)


def sentences(text: str) -> list[str]:
    """The sentences of a message worth reading on their own (three words or more)."""
    return [s.strip() for s in _SENTENCE.split(text)
            if len(s.split()) >= MIN_SENTENCE_WORDS]


# ------------------------------------------------------------------ training data
def _understanding_dir() -> Path:
    return paths.knowledge_dir() / "understanding"


def training_examples(directory: Path | None = None) -> list[tuple[str, str]]:
    """(text, feeling) pairs from every training file that exists."""
    directory = directory or _understanding_dir()
    examples: list[tuple[str, str]] = []
    for name in TRAINING_FILES:
        path = directory / name
        if not path.is_file():
            continue
        if name.endswith(".yaml"):
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(raw, dict):
                raise FeelingDataError(f"{path.name}: expected feeling -> list of examples")
            for feeling, texts in raw.items():
                if feeling not in FEELINGS:
                    raise FeelingDataError(f"{path.name}: unknown feeling '{feeling}'")
                if not isinstance(texts, list):
                    raise FeelingDataError(f"{path.name}: field '{feeling}' must be a list")
                examples += [(str(t), feeling) for t in texts if str(t).strip()]
            continue
        for where, item in read_jsonl(path, {"text": str}, FeelingDataError):
            text, feeling = item["text"], item.get("feeling")
            if feeling not in FEELINGS:
                raise FeelingDataError(f"{where}: field 'feeling' must be one of "
                                       f"{', '.join(FEELINGS)}")
            examples.append((text, feeling))
    if not examples:
        raise FeelingDataError(f"{directory}: no feeling examples found")
    missing = set(FEELINGS) - {f for _, f in examples}
    if missing:
        raise FeelingDataError(f"no examples for: {', '.join(sorted(missing))}")
    return examples


def conversation_examples(directory: Path | None = None) -> list[tuple[str, list[str]]]:
    """(turn text, its 1-2 feelings) for every labelled turn of the conversation files."""
    directory = directory or _understanding_dir()
    examples: list[tuple[str, list[str]]] = []
    for name in CONVERSATION_FILES:
        path = directory / name
        if not path.is_file():
            continue
        for where, item in read_jsonl(path, {"turns": list}, FeelingDataError):
            turns = item["turns"]
            for turn_number, turn in enumerate(turns, 1):
                at = f"{where}: turn {turn_number}"
                text = turn.get("text") if isinstance(turn, dict) else None
                labels = turn.get("feelings", []) if isinstance(turn, dict) else None
                if not isinstance(text, str) or not text.strip():
                    raise FeelingDataError(f"{at}: field 'text' must be a non-empty string")
                if not isinstance(labels, list) or any(f not in FEELINGS for f in labels):
                    raise FeelingDataError(f"{at}: field 'feelings' must list feeling ids")
                if labels:
                    examples.append((text, list(dict.fromkeys(labels))))
    return examples


def weighted_examples(directory: Path | None = None) -> list[tuple[str, str, float]]:
    """(text, feeling, weight): every labelled line at 1, every conversation turn at
    ``CONVERSATION_WEIGHT`` shared by its labels."""
    examples = [(t, f, 1.0) for t, f in training_examples(directory)]
    for text, labels in conversation_examples(directory):
        examples += [(text, f, CONVERSATION_WEIGHT / len(labels)) for f in labels]
    return examples


def training_fingerprint(embedder_fingerprint: str, directory: Path | None = None) -> str:
    """What a fitted model depends on: the training files, the cues, the embedding model."""
    directory = directory or _understanding_dir()
    digest = hashlib.sha256()
    digest.update(f"v{TRAINER_VERSION}|{CUE_SCALE}|{SENTENCE_TRAIN_WEIGHT}|"
                  f"{CONVERSATION_WEIGHT}|{embedder_fingerprint}|".encode())
    digest.update(json.dumps(CUES, sort_keys=True).encode())
    for name in (*TRAINING_FILES, *CONVERSATION_FILES):
        path = directory / name
        if path.is_file():
            digest.update(name.encode() + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# ------------------------------------------------------------------ the model
@dataclass
class FeelingModel:
    """Softmax weights over [sentence vector, CUE_SCALE x cue counts]."""

    weights: np.ndarray  # (dimension + len(FEELINGS), len(FEELINGS))
    bias: np.ndarray
    fingerprint: str

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """(n, feelings) probabilities for n texts and their unit vectors."""
        cues = np.stack([cue_counts(t) for t in texts]) if len(texts) else \
            np.zeros((0, len(FEELINGS)), dtype=np.float32)
        features = np.hstack([np.asarray(vectors, dtype=np.float32), CUE_SCALE * cues])
        logits = features @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, weights=self.weights, bias=self.bias,
                     fingerprint=np.array(self.fingerprint), feelings=np.array(FEELINGS))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> FeelingModel:
        """Read a saved model (ValueError if damaged or for other feelings)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                model = cls(np.asarray(data["weights"], dtype=np.float32),
                            np.asarray(data["bias"], dtype=np.float32), str(data["fingerprint"]))
                feelings = tuple(str(f) for f in data["feelings"])
        except (OSError, KeyError, ValueError, EOFError) as exc:
            raise ValueError(f"feeling model {path} is unreadable: {exc}") from exc
        if feelings != FEELINGS or model.weights.shape[1] != len(FEELINGS):
            raise ValueError(f"feeling model {path} is for other feelings")
        return model


def fit(embedder, directory: Path | None = None) -> FeelingModel:
    """Train on every example (deterministic: full-batch Adam from zero weights)."""
    from companion.retrieval.topicmodel import train_topic_model

    examples = weighted_examples(directory)
    texts = [t for t, _, _ in examples]
    labels = [f for _, f, _ in examples]
    weights = [w for _, _, w in examples]
    if SENTENCE_TRAIN_WEIGHT:
        for text, feeling, weight in examples:
            parts = sentences(text)
            if len(parts) > 1:
                texts += parts
                labels += [feeling] * len(parts)
                weights += [weight * SENTENCE_TRAIN_WEIGHT / len(parts)] * len(parts)
    vectors = embedder.encode(texts)
    cues = np.stack([cue_counts(t) for t in texts])
    features = np.hstack([vectors, CUE_SCALE * cues])
    trained = train_topic_model(features, labels, FEELINGS, sample_weights=weights,
                                l2=1e-3, steps=400, learning_rate=0.03)
    return FeelingModel(trained.weights, trained.bias,
                        training_fingerprint(embedder.fingerprint, directory))


def shipped_staleness(embedder_fingerprint: str) -> str | None:
    """Why the shipped model does not fit today's training files and model, or None."""
    path = SHIPPED_DIR / MODEL_FILE
    if not path.is_file():
        return f"{path} is missing; run {BUILD_COMMAND}"
    try:
        model = FeelingModel.load(path)
    except ValueError as exc:
        return f"{exc}; run {BUILD_COMMAND}"
    if model.fingerprint != training_fingerprint(embedder_fingerprint):
        return f"{path} was trained on other data or another model; run {BUILD_COMMAND}"
    return None


def load_model(embedder) -> FeelingModel:
    """The shipped model when it fits, else a cached refit, else a fresh fit (cached)."""
    expected = training_fingerprint(embedder.fingerprint)
    cached = paths.data_dir() / "cache" / MODEL_FILE
    for path in (SHIPPED_DIR / MODEL_FILE, cached):
        if path.is_file():
            try:
                model = FeelingModel.load(path)
            except ValueError as exc:
                log.warning("%s", exc)
                continue
            if model.fingerprint == expected:
                return model
    started = time.perf_counter()
    model = fit(embedder)
    log.info("feeling model refitted in %.1f s (shipped one is stale: %s)",
             time.perf_counter() - started, BUILD_COMMAND)
    try:
        model.save(cached)
    except OSError as exc:  # a read-only data folder only costs the next start-up a refit
        log.warning("could not cache the feeling model: %s", exc)
    return model


# ------------------------------------------------------------------ reading one turn
@dataclass(frozen=True)
class FeelingReading:
    """The feeling of one message, how sure, and the runner-up."""

    feeling: str
    score: float
    second: str
    second_score: float
    probabilities: np.ndarray
    own: np.ndarray  # the message's own probabilities, before the context leaned on them


class FeelingReader:
    """Reads the feeling of a message in the context of the conversation."""

    def __init__(self, embedder, model: FeelingModel | None = None):
        self._embedder = embedder
        self.model = model or load_model(embedder)

    def probabilities(self, text: str) -> np.ndarray:
        """The message's own probabilities: the whole message, mixed with its sentences
        pooled by attention toward the ones that carry a feeling (a long turn that is
        mostly logistics with one worried sentence is read as worried, not neutral)."""
        parts = sentences(text) if SENTENCE_WEIGHT else []
        texts = [text, *parts] if len(parts) > 1 else [text]
        probs = self.model.probabilities(self._embedder.encode(texts), texts)
        whole = probs[0]
        if len(probs) == 1:
            return whole
        parts_probs = probs[1:]
        attention = np.exp(SENTENCE_SHARPNESS * (1.0 - parts_probs[:, FEELINGS.index("neutral")]))
        pooled = attention @ parts_probs / attention.sum()
        mixed = (1 - SENTENCE_WEIGHT) * whole + SENTENCE_WEIGHT * pooled
        return mixed / mixed.sum()

    def read(self, text: str, previous: np.ndarray | None = None,
             lean: Sequence[str] = ()) -> FeelingReading:
        """Feeling of ``text``; ``previous`` is the last turn's probabilities, ``lean``
        the feelings the question just asked invites (a reply to "What went well?")."""
        own = self.probabilities(text)
        probs = own
        if previous is not None:
            probs = probs + PREVIOUS_WEIGHT * previous
        if lean:
            boost = np.array([LEAN_WEIGHT if f in lean else 0.0 for f in FEELINGS])
            probs = probs + boost
        probs = probs / probs.sum()
        order = np.argsort(-probs, kind="stable")
        first, second = int(order[0]), int(order[1])
        return FeelingReading(FEELINGS[first], float(probs[first]), FEELINGS[second],
                              float(probs[second]), probs, own)


def main() -> int:
    """Refit the shipped model from today's training files (run after editing them)."""
    from companion.retrieval.embedding import get_embedder

    logging.basicConfig(level=logging.INFO)
    embedder = get_embedder()
    started = time.perf_counter()
    model = fit(embedder)
    model.save(SHIPPED_DIR / MODEL_FILE)
    print(f"feeling model: {len(weighted_examples())} examples, fitted in "
          f"{time.perf_counter() - started:.1f} s -> {SHIPPED_DIR / MODEL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
