"""The stance classifier: a logistic head over MiniLM vectors plus stance features.

Why a trained head and not nearest neighbours: neighbours vote by topic ("the
roof", "a knife"); the head learns from ~4,000 labelled units, a third of them
ordinary text that shares crisis vocabulary, and from the stance features in
``stance.py`` (first person, own death or harm, intent, time, negation, frame).
Its probability alone only ever asks the `check` question; rules decide crisis.

The weights live in ``knowledge/safety/stance_model.npz`` with a JSON manifest
(model fingerprint, feature version, lexicon hash, the npz's sha256). Nothing is
trained at start-up: ``python -m companion.safety.train`` rebuilds the file, and
a stale or damaged file is reported (``kb check``, ``doctor``) and never used.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.paths import knowledge_dir

log = logging.getLogger(__name__)


class StanceModelError(ValueError):
    """The stance model file is missing, damaged or built for other features or model."""


def model_path() -> Path:
    return knowledge_dir() / "safety" / "stance_model.npz"


def manifest_path(path: Path | None = None) -> Path:
    return (path or model_path()).with_suffix(".json")


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class StanceModel:
    """Weights and the decision threshold of the trained head."""

    weights: np.ndarray  # (dimension + hand features,)
    bias: float
    hand_mean: np.ndarray
    hand_scale: np.ndarray
    dimension: int
    check_threshold: float
    manifest: dict

    def probabilities(self, vectors: np.ndarray, hand: np.ndarray) -> np.ndarray:
        """P(crisis stance) for each unit: its sentence vector and its hand features."""
        if len(vectors) == 0:
            return np.zeros(0, dtype=np.float32)
        x = np.hstack([np.asarray(vectors, dtype=np.float32),
                       (np.asarray(hand, dtype=np.float32) - self.hand_mean) / self.hand_scale])
        z = x @ self.weights + self.bias
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def expected_manifest(fingerprint: str) -> dict:
    """What the manifest must say for the running code, model and lexicon."""
    from companion.safety.stance import FEATURE_VERSION, feature_names, lexicon_hash

    return {"embedder": fingerprint, "feature_version": FEATURE_VERSION,
            "lexicon": lexicon_hash(), "features": len(feature_names())}


def verify_model_file(path: Path | None = None) -> dict:
    """Check file, hash, feature version and lexicon without loading the embedder."""
    path = Path(path) if path is not None else model_path()
    manifest = _read_manifest(path)
    fingerprint = manifest.get("embedder", "")
    load_model(fingerprint, path)
    return manifest


def _read_manifest(path: Path) -> dict:
    manifest_file = manifest_path(path)
    try:
        return json.loads(manifest_file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StanceModelError(f"{manifest_file}: not found (run python -m "
                               "companion.safety.train)") from exc
    except (OSError, ValueError) as exc:
        raise StanceModelError(f"{manifest_file}: unreadable: {exc}") from exc


def load_model(fingerprint: str, path: Path | None = None) -> StanceModel:
    """Load and verify the head for this embedder; raises StanceModelError naming the problem."""
    path = Path(path) if path is not None else model_path()
    manifest = _read_manifest(path)
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise StanceModelError(f"{path}: cannot be read: {exc}") from exc
    if manifest.get("sha256") != digest:
        raise StanceModelError(f"{path}: does not match its manifest (damaged or replaced)")
    expected = expected_manifest(fingerprint)
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise StanceModelError(f"{path}: built for {key}={manifest.get(key)!r}, the running "
                                   f"code needs {value!r}; retrain it")
    try:
        with np.load(path) as data:
            model = StanceModel(
                weights=data["weights"].astype(np.float32), bias=float(data["bias"]),
                hand_mean=data["hand_mean"].astype(np.float32),
                hand_scale=data["hand_scale"].astype(np.float32),
                dimension=int(data["dimension"]), check_threshold=float(data["check_threshold"]),
                manifest=manifest)
    except (OSError, KeyError, ValueError) as exc:
        raise StanceModelError(f"{path}: not a stance model file: {exc}") from exc
    if model.weights.shape != (model.dimension + len(model.hand_mean),):
        raise StanceModelError(f"{path}: weights have the wrong shape {model.weights.shape}")
    return model


def save_model(path: Path, *, weights: np.ndarray, bias: float, hand_mean: np.ndarray,
               hand_scale: np.ndarray, dimension: int, check_threshold: float,
               fingerprint: str, extra: dict) -> dict:
    """Write the npz and its manifest (with the npz's hash); returns the manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, weights=weights.astype(np.float32), bias=np.float32(bias),
             hand_mean=hand_mean.astype(np.float32), hand_scale=hand_scale.astype(np.float32),
             dimension=np.int32(dimension), check_threshold=np.float32(check_threshold))
    manifest = {**expected_manifest(fingerprint), "sha256": file_sha256(path),
                "check_threshold": round(float(check_threshold), 4), **extra}
    manifest_path(path).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
