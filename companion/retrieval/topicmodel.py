"""A trained topic model: multinomial logistic regression on frozen sentence vectors.

Text -> probability of each of the taxonomy's topics. It is trained, not tuned: on
the vectors the index already holds (every card passage labelled with its card's
topic, every resident utterance from ``asks.jsonl`` with its topic) plus the topic
descriptions, with classes weighted equally whatever their card count. Training
takes about a second in numpy (no extra dependency), happens only when the index is
built, and the weights are saved beside the FAISS file under the same manifest, so
nothing is retrained at start-up.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRAINER_VERSION = 2
L2 = 1e-4
"""Weight decay. 1e-3 ranked a little better on T4 half A and asks.jsonl with T2 left
out (README) but flattened the probabilities (a clear sentence fell from >0.6 to 0.18), and
the mentor-topic thresholds read probabilities, so 1e-4 stays."""
STEPS = 300
LEARNING_RATE = 0.01


@dataclass
class TopicModel:
    """Weights of a linear softmax head over unit sentence vectors."""

    topic_ids: list[str]
    weights: np.ndarray
    """(dimension, topics)"""
    bias: np.ndarray
    """(topics,)"""
    descriptions: np.ndarray | None = None
    """(topics, dimension) unit vectors of the topic descriptions it was trained with."""
    examples: np.ndarray | None = None
    """(n, dimension) vectors of the topic-labelled utterances it was trained with (kept so
    a rebuild after a card edit embeds none of them again)."""

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(n, topics) probabilities for (n, dimension) vectors (or one vector -> (topics,))."""
        vectors = np.asarray(vectors, dtype=np.float32)
        logits = vectors @ self.weights + self.bias
        logits = logits - logits.max(axis=-1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=-1, keepdims=True)

    def rank(self, vector: np.ndarray) -> list[tuple[str, float]]:
        """Topics best first with their probabilities."""
        probs = self.probabilities(vector)
        order = np.argsort(-probs, kind="stable")
        return [(self.topic_ids[i], float(probs[i])) for i in order]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        descriptions = (self.descriptions if self.descriptions is not None
                        else np.zeros((0, self.weights.shape[0])))
        examples = (self.examples if self.examples is not None
                    else np.zeros((0, self.weights.shape[0])))
        np.savez(buffer, weights=self.weights.astype(np.float32),
                 bias=self.bias.astype(np.float32), topic_ids=np.array(self.topic_ids),
                 descriptions=descriptions.astype(np.float32),
                 examples=examples.astype(np.float32),
                 version=np.array(TRAINER_VERSION))
        return buffer.getvalue()

    def save(self, path: Path) -> None:
        """Write atomically (the manifest records the file's SHA-256)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(self.to_bytes())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        """Read a file written by :meth:`save` (raises ValueError on a damaged file)."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                descriptions = np.asarray(data["descriptions"], dtype=np.float32)
                examples = (np.asarray(data["examples"], dtype=np.float32)
                            if "examples" in data.files else np.zeros((0, 0)))
                model = cls([str(t) for t in data["topic_ids"]],
                            np.asarray(data["weights"], dtype=np.float32),
                            np.asarray(data["bias"], dtype=np.float32),
                            descriptions if len(descriptions) else None,
                            examples if len(examples) else None)
        except (OSError, KeyError, ValueError, EOFError) as exc:
            raise ValueError(f"topic model {path} is unreadable: {exc}") from exc
        if model.weights.shape != (model.weights.shape[0], len(model.topic_ids)) \
                or model.bias.shape != (len(model.topic_ids),):
            raise ValueError(f"topic model {path} has inconsistent shapes")
        return model


def train_topic_model(vectors: np.ndarray, labels: Sequence[str], topic_ids: Sequence[str],
                      sample_weights: Sequence[float] | None = None, l2: float = L2,
                      steps: int = STEPS, learning_rate: float = LEARNING_RATE) -> TopicModel:
    """Fit softmax regression by full-batch Adam from zero weights (deterministic).

    Args:
        labels: one topic id per row of ``vectors``; every id must be in ``topic_ids``.
        sample_weights: relative weight of each row; each class's weights are then
            scaled to the same total, so a topic with few cards is not drowned out.
    """
    topic_ids = list(topic_ids)
    position = {topic: i for i, topic in enumerate(topic_ids)}
    unknown = sorted({label for label in labels if label not in position})
    if unknown:
        raise ValueError(f"training labels outside the taxonomy: {', '.join(unknown)}")
    x = np.asarray(vectors, dtype=np.float64)
    n, dimension = x.shape
    k = len(topic_ids)
    y = np.array([position[label] for label in labels], dtype=np.int64)
    w = np.ones(n) if sample_weights is None else np.asarray(sample_weights, dtype=np.float64)
    totals = np.bincount(y, weights=w, minlength=k)
    present = totals > 0
    w = w / totals[y] / present.sum()  # every present class weighs the same in total
    target = np.eye(k)[y]
    weights = np.zeros((dimension, k))
    bias = np.zeros(k)
    moments = [[np.zeros_like(weights), np.zeros_like(weights)],
               [np.zeros_like(bias), np.zeros_like(bias)]]
    beta1, beta2 = 0.9, 0.999
    for step in range(1, steps + 1):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        residual = (probs - target) * w[:, None]
        grads = (x.T @ residual + l2 * weights, residual.sum(axis=0))
        for param, grad, moment in zip((weights, bias), grads, moments, strict=True):
            assert isinstance(moment, list)
            moment[0] = beta1 * moment[0] + (1 - beta1) * grad
            moment[1] = beta2 * moment[1] + (1 - beta2) * grad * grad
            m_hat = moment[0] / (1 - beta1 ** step)
            v_hat = moment[1] / (1 - beta2 ** step)
            param -= learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return TopicModel(topic_ids, weights.astype(np.float32), bias.astype(np.float32))
