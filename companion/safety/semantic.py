"""Semantic signal: how close each sentence is to labelled crisis vs. safe statements.

Phrase rules miss what people say indirectly ("I keep picturing my funeral and
would like to get there sooner"). Here every labelled example in
``knowledge/safety/*.yaml`` is embedded once with the bundled model; a sentence
is scored by its nearest neighbours in the crisis, concern and safe sets. The
decision uses the *margin* (crisis similarity minus safe similarity), so a
sentence that resembles both "I want to die" and "this rotation is killing me"
is judged by whichever it resembles more, not by a single absolute cut-off.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.paths import knowledge_dir
from companion.retrieval.embedding import caching
from companion.shipped import (
    bundled_fingerprint,
    checkout_knowledge,
    content_key,
    damaged_file,
    file_sha256,
    read_manifest,
    write_manifest,
)

log = logging.getLogger(__name__)

LABELS = ("crisis", "concern", "safe")


class ExamplesError(ValueError):
    """A labelled examples file is malformed; the message names file and field."""


@dataclass(frozen=True)
class Example:
    label: str
    kind: str
    text: str


@dataclass(frozen=True)
class SemanticScore:
    """Nearest-neighbour similarities of one unit of text (a sentence or a pair)."""

    text: str
    crisis: float
    concern: float
    safe: float
    nearest_crisis: str

    @property
    def margin(self) -> float:
        return self.crisis - self.safe


def examples_dir() -> Path:
    return knowledge_dir() / "safety"


def load_examples(directory: Path | None = None) -> list[Example]:
    """Read every ``*.yaml`` of labelled statements (``label`` + ``examples`` list)."""
    import yaml

    directory = Path(directory) if directory is not None else examples_dir()
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise ExamplesError(f"{directory}: no labelled example files (*.yaml) found")
    examples: list[Example] = []
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ExamplesError(f"{path}: (yaml): not valid YAML: {exc}") from exc
        if not isinstance(data, dict) or data.get("label") not in LABELS:
            raise ExamplesError(f"{path}: label: must be one of {', '.join(LABELS)}")
        items = data.get("examples")
        if not isinstance(items, list) or not items:
            raise ExamplesError(f"{path}: examples: must be a non-empty list")
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not str(item.get("text", "")).strip():
                raise ExamplesError(f"{path}: examples[{index}].text: missing or empty")
            examples.append(Example(data["label"], str(item.get("kind", "")),
                                    str(item["text"]).strip()))
    for label in ("crisis", "safe"):
        if not any(example.label == label for example in examples):
            raise ExamplesError(f"{directory}: no examples labelled '{label}'")
    return examples


SHIPPED_DIR = Path(__file__).resolve().parent / "bundled"
SHIPPED_VECTORS = "examples.npy"
SHIPPED_MANIFEST = "examples.json"
BUNDLED_COMMAND = "python -m companion.safety.semantic --bundled"


def examples_key(fingerprint: str, texts: Sequence[str]) -> str:
    """What the vectors depend on: the model and every example's text, in order."""
    return content_key(fingerprint, texts)


def shipped_staleness(fingerprint: str, texts: Sequence[str],
                      directory: Path | None = None) -> str | None:
    """Why the vectors shipped in ``directory`` do not fit this model and these texts, or None."""
    directory = directory or SHIPPED_DIR
    try:
        manifest = read_manifest(directory / SHIPPED_MANIFEST)
    except ValueError as exc:
        return f"shipped example vectors unreadable: {exc}"
    damaged = damaged_file(directory, manifest or {}, {SHIPPED_VECTORS: "sha256"})
    if manifest is None or (damaged and damaged[1] == "missing"):
        return f"no shipped example vectors in {directory}"
    if manifest.get("embedder") != fingerprint:
        return (f"embedding model changed (shipped for {manifest.get('embedder')!r}, "
                f"running {fingerprint!r})")
    if manifest.get("key") != examples_key(fingerprint, texts):
        return (f"labelled examples changed ({len(texts)} now, {manifest.get('count')} "
                "when shipped)")
    if damaged:
        return "shipped example vectors damaged (checksum mismatch)"
    return None


def _shipped_vectors(fingerprint: str, texts: list[str], dimension: int,
                     directory: Path | None = None) -> np.ndarray | None:
    directory = directory or SHIPPED_DIR
    if shipped_staleness(fingerprint, texts, directory) is not None:
        return None
    try:
        vectors = np.load(directory / SHIPPED_VECTORS)
    except (OSError, ValueError):
        return None
    if vectors.shape != (len(texts), dimension):
        return None
    return vectors.astype(np.float32, copy=False)


def write_shipped(embedder, texts: Sequence[str], directory: Path | None = None) -> dict:
    """Embed ``texts`` and write the vectors and their manifest into ``directory``."""
    directory = directory or SHIPPED_DIR
    texts = list(texts)
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    directory.mkdir(parents=True, exist_ok=True)
    np.save(directory / SHIPPED_VECTORS, vectors)
    manifest = {"embedder": embedder.fingerprint, "key": examples_key(embedder.fingerprint, texts),
                "count": len(texts), "dimension": int(vectors.shape[1]),
                "sha256": file_sha256(directory / SHIPPED_VECTORS)}
    write_manifest(directory / SHIPPED_MANIFEST, manifest)
    return manifest


def bundled_staleness(directory: Path | None = None) -> str | None:
    """:func:`shipped_staleness` for the checkout's own examples and the bundled model."""
    knowledge = checkout_knowledge()
    texts = [example.text for example in load_examples(knowledge / "safety" if knowledge else None)]
    return shipped_staleness(bundled_fingerprint(), texts, directory)


def _example_vectors(embedder, texts: list[str]) -> np.ndarray:
    """The labelled examples' vectors: shipped in the package, else cached, else embedded.

    The package ships them for the bundled model and knowledge base
    (``companion/safety/bundled``, rewritten by :data:`BUNDLED_COMMAND`), so a first
    launch embeds nothing here. Edited examples or another model are embedded once
    and cached in the data dir, keyed by model and texts; a missing or unreadable
    cache is simply rebuilt.
    """
    from companion.paths import data_dir

    shipped = _shipped_vectors(embedder.fingerprint, texts, embedder.dimension)
    if shipped is not None:
        return shipped
    key = examples_key(embedder.fingerprint, texts)[:16]
    path = data_dir() / "cache" / f"safety-examples-{key}.npy"
    try:
        cached = np.load(path)
        if cached.shape == (len(texts), embedder.dimension):
            return cached.astype(np.float32, copy=False)
    except (OSError, ValueError):
        pass
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, vectors)
        tmp.replace(path)
    except OSError as exc:  # a read-only data dir only costs start-up time
        log.info("could not cache safety example vectors at %s: %s", path, exc)
    return vectors


class SemanticSignal:
    """Example vectors computed once; scores sentences against them."""

    def __init__(self, embedder, examples: Sequence[Example] | None = None,
                 top_k: int = 2, cache_size: int = 2048):
        # History is re-screened every turn: the embedder remembers sentence vectors.
        self.embedder = caching(embedder, cache_size)
        self.examples = list(examples) if examples is not None else load_examples()
        self.top_k = top_k
        vectors = _example_vectors(self.embedder,
                                   [example.text for example in self.examples])
        labels = np.array([example.label for example in self.examples])
        self._sets = {label: vectors[labels == label] for label in LABELS}
        self._crisis_texts = [e.text for e in self.examples if e.label == "crisis"]
        log.debug("safety examples embedded: %s",
                  {label: len(vecs) for label, vecs in self._sets.items()})

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.encode(list(texts)) if texts else np.zeros((0, 1))

    def _nearest(self, sims: np.ndarray) -> np.ndarray:
        if sims.shape[1] == 0:
            return np.zeros(sims.shape[0], dtype=np.float32)
        k = min(self.top_k, sims.shape[1])
        return np.sort(sims, axis=1)[:, -k:].mean(axis=1)

    def score(self, texts: Sequence[str]) -> list[SemanticScore]:
        """Score each text (a sentence or a window of sentences)."""
        if not texts:
            return []
        return self._score_vectors(list(texts), self._vectors(list(texts)))

    def score_sentences(self, sentences: Sequence[str]) -> list[SemanticScore]:
        """Score each sentence, then each pair of neighbours (sentences first, in order).

        Only sentences are embedded; a pair is the normalised sum of its two
        sentence vectors (the model mean-pools tokens, so this approximates
        embedding the pair at half the cost).
        """
        sentences = list(sentences)
        if not sentences:
            return []
        vectors = self._vectors(sentences)
        pairs = vectors[:-1] + vectors[1:]
        if len(pairs):
            pairs = pairs / np.linalg.norm(pairs, axis=1, keepdims=True).clip(min=1e-9)
        texts = sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:], strict=False)]
        return self._score_vectors(texts, np.vstack([vectors, pairs]) if len(pairs) else vectors)

    def _score_vectors(self, texts: list[str], vectors: np.ndarray) -> list[SemanticScore]:
        sims = {label: vectors @ self._sets[label].T for label in LABELS}
        nearest = {label: self._nearest(sims[label]) for label in LABELS}
        best_crisis = sims["crisis"].argmax(axis=1)
        return [
            SemanticScore(text, float(nearest["crisis"][i]), float(nearest["concern"][i]),
                          float(nearest["safe"][i]), self._crisis_texts[int(best_crisis[i])])
            for i, text in enumerate(texts)
        ]


def main(argv: list[str] | None = None) -> int:
    """``python -m companion.safety.semantic --bundled``: rewrite the shipped example vectors."""
    parser = argparse.ArgumentParser(prog="python -m companion.safety.semantic",
                                     description="Embed knowledge/safety/*.yaml for the package.")
    parser.add_argument("--bundled", action="store_true",
                        help=f"write {SHIPPED_DIR} from the checkout's examples (commit it)")
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    args = parser.parse_args(argv)
    if args.check or not args.bundled:
        reason = bundled_staleness()
        print(reason or "shipped safety example vectors are fresh")
        return 1 if reason else 0
    from companion.retrieval.embedding import get_embedder

    knowledge = Path(__file__).resolve().parents[2] / "knowledge" / "safety"
    texts = [example.text for example in load_examples(knowledge)]
    manifest = write_shipped(get_embedder(), texts)
    print(f"wrote {manifest['count']} example vectors -> {SHIPPED_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
