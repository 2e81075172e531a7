"""The persisted index: a FAISS file, the topic model and a manifest that says what they hold.

The FAISS file holds one row per card passage, then one row per resident utterance
(``asks.jsonl``) pointing to its card. The topic model (:mod:`topicmodel`) is trained
on those same vectors when the index is built and saved beside it. The manifest
records the format, chunker and trainer versions, the embedding model (name,
fingerprint, dimension), every card's content hash, which card each row belongs
to, the topics, and the SHA-256 of both files. An index is used only when all of that
matches the current cards and model; anything stale, missing or damaged is
rebuilt, and a stale or damaged one is logged as a warning, never used silently.

Besides the user's own index folder, indexes are looked for, read-only, in the
folder named by ``COMPANION_PREBUILT_INDEX`` (the test suite shares one build that
way) and in the copy shipped inside the package (``companion/retrieval/bundled``,
written by ``companion kb build --bundled``). So a first launch on the bundled
knowledge base loads a file instead of embedding every card; only edited cards or
another model cause a build, and that build reuses every unchanged card's vectors.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion import paths
from companion.retrieval.chunks import CHUNKER_VERSION
from companion.retrieval.contents import (
    Contents,
    _text_key,
    contents_of,
    repository_contents,
    topic_texts,
    trained_examples,
)
from companion.retrieval.dense import HNSW_THRESHOLD, DenseIndex
from companion.retrieval.embedding import Embedder
from companion.retrieval.topicmodel import TRAINER_VERSION, TopicModel, train_topic_model
from companion.shipped import (
    bundled_fingerprint,
    damaged_file,
    file_sha256,
    write_manifest,
)
from companion.shipped import read_manifest as _read_manifest

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
INDEX_FILE = "cards.faiss"
TOPIC_FILE = "topics.npz"
MANIFEST_FILE = "manifest.json"
PREBUILT_ENV = "COMPANION_PREBUILT_INDEX"
SHIPPED_DIR = Path(__file__).resolve().parent / "bundled"
BUNDLED_COMMAND = "companion kb build --bundled"
Progress = Callable[[int, int], None]


def readonly_index_dirs() -> list[Path]:
    """Folders holding prebuilt indexes that are used when fresh and never written.

    ``COMPANION_PREBUILT_INDEX`` (if set) first, then the index shipped in the package.
    """
    dirs = []
    override = os.environ.get(PREBUILT_ENV)
    if override:
        dirs.append(Path(override).expanduser())
    dirs.append(SHIPPED_DIR)
    return dirs


@dataclass
class Loaded:
    """A usable index: the FAISS rows and the topic model trained with them."""

    dense: DenseIndex
    topic_model: TopicModel


def expected_manifest(contents: Contents, model_name: str, fingerprint: str, dimension: int,
                      hnsw_threshold: int = HNSW_THRESHOLD) -> dict:
    """What the manifest of an up-to-date index must say (without file facts)."""
    rows = len(contents.chunks) + len(contents.asks)
    return {
        "format": FORMAT_VERSION,
        "chunker": CHUNKER_VERSION,
        "trainer": TRAINER_VERSION,
        "model": {"name": model_name, "fingerprint": fingerprint, "dimension": dimension},
        "index_type": "hnsw" if rows > hnsw_threshold else "flat",
        "topics": _text_key(json.dumps(contents.topics, sort_keys=False)),
        "cards": {card.id: card.content_hash for card in contents.cards},
        "chunks": [[chunk.card_id, chunk.ordinal] for chunk in contents.chunks],
        "asks": [[ask.card_id, _text_key(ask.text), ask.topic] for ask in contents.asks],
        "examples": [[_text_key(e.text), e.topic] for e in contents.examples
                     if e.topic in contents.topics],
    }


def _describe_card_changes(old: dict, new: dict) -> str:
    changed = sum(1 for cid, h in new.items() if cid in old and old[cid] != h)
    added = sum(1 for cid in new if cid not in old)
    removed = sum(1 for cid in old if cid not in new)
    return f"cards changed: {changed} edited, {added} added, {removed} removed"


def stale_reason(manifest: dict, expected: dict) -> str | None:
    """Why a manifest does not describe the expected index, or None when it does."""
    if manifest.get("format") != expected["format"]:
        return f"index format {manifest.get('format')!r} != {expected['format']}"
    if manifest.get("chunker") != expected["chunker"]:
        return "passage splitting changed"
    if manifest.get("model") != expected["model"]:
        return f"embedding model changed ({manifest.get('model')} -> {expected['model']})"
    if manifest.get("cards") != expected["cards"]:
        return _describe_card_changes(manifest.get("cards") or {}, expected["cards"])
    if manifest.get("chunks") != expected["chunks"]:
        return "passage list changed"
    if manifest.get("asks") != expected["asks"]:
        return "resident utterances (asks.jsonl) changed"
    if manifest.get("examples", []) != expected["examples"]:
        return "topic-labelled utterances (topics_*.jsonl) changed"
    if manifest.get("topics") != expected["topics"] or \
            manifest.get("trainer") != expected["trainer"]:
        return "topics or topic-model training changed"
    if manifest.get("index_type") != expected["index_type"]:
        return f"index type should be {expected['index_type']}"
    return None


def read_manifest(directory: Path) -> dict | None:
    """The manifest, None if absent; raises ValueError when unreadable."""
    return _read_manifest(directory / MANIFEST_FILE)


def _files_intact(directory: Path, manifest: dict) -> str | None:
    """Why the files in ``directory`` do not match their manifest, or None."""
    damaged = damaged_file(directory, manifest, {INDEX_FILE: "faiss_sha256",
                                                 TOPIC_FILE: "topic_model_sha256"})
    if damaged is None:
        return None
    path, how = damaged
    what = "index" if path.name == INDEX_FILE else "topic model"
    return f"{what} file {path} is {'missing' if how == 'missing' else 'corrupt (' + how + ')'}"


def load_if_fresh(directory: Path, expected: dict) -> tuple[Loaded | None, str | None]:
    """Load the persisted index and topic model if they match ``expected``.

    Returns:
        (loaded, None) when fresh; (None, "missing") when there is none; otherwise
        (None, reason) saying what is stale or damaged.
    """
    index_path = directory / INDEX_FILE
    try:
        manifest = read_manifest(directory)
    except ValueError as exc:
        return None, str(exc)
    if manifest is None:
        return None, "missing" if not index_path.exists() else "manifest is missing"
    reason = stale_reason(manifest, expected) or _files_intact(directory, manifest)
    if reason:
        return None, reason
    try:
        index = DenseIndex.load(index_path)
    except Exception as exc:  # faiss raises RuntimeError subclasses on bad files
        return None, f"index file {index_path} is corrupt ({exc})"
    rows = len(expected["chunks"]) + len(expected["asks"])
    if index.count != rows or index.dimension != expected["model"]["dimension"]:
        return None, f"index file {index_path} holds {index.count} rows of {index.dimension} dims"
    try:
        model = TopicModel.load(directory / TOPIC_FILE)
    except ValueError as exc:
        return None, str(exc)
    if model.weights.shape[0] != index.dimension:
        return None, f"topic model in {directory} does not fit the index"
    return Loaded(index, model), None


def encode_passages(texts: Sequence[str], embedder: Embedder, progress: Progress | None = None,
                    batch_size: int = 16, done: int = 0, total: int | None = None
                    ) -> np.ndarray:
    """Embed passages in batches, reporting (done, total) after each batch.

    Passages are batched shortest first so a batch pads to similar lengths (the
    model's cost grows with the longest text in a batch); rows come back in input order.
    Batches of 16 built the knowledge base in 14.1-14.5 s cold against 15.1 s with 64
    on the 2-core machine (same run conditions).
    """
    total = len(texts) if total is None else total
    out = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    order = np.argsort([len(text) for text in texts], kind="stable")
    for start in range(0, len(texts), batch_size):
        rows = order[start:start + batch_size]
        out[rows] = embedder.encode([texts[i] for i in rows])
        if progress is not None:
            progress(done + start + len(rows), total)
    return out


def reusable_vectors(directory: Path, expected: dict) -> dict[tuple, np.ndarray]:
    """Vectors of an intact older index (same model) for rows whose text is unchanged.

    When a program director edits one card, only that card's passages need the
    model again. Anything doubtful (other model, damaged file) reuses nothing.
    """
    try:
        manifest = read_manifest(directory)
        if manifest is None or any(manifest.get(key) != expected[key]
                                   for key in ("format", "chunker", "model")):
            return {}
        path = directory / INDEX_FILE
        if file_sha256(path) != manifest.get("faiss_sha256"):
            return {}
        old = DenseIndex.load(path)
        chunks, asks = manifest["chunks"], manifest.get("asks", [])
        if old.count != len(chunks) + len(asks):
            return {}
        old_cards, new_cards = manifest["cards"], expected["cards"]
        keep: list[tuple[int, tuple[str, str, int | str]]] = [
            (row, ("passage", str(cid), int(ordinal)))
                for row, (cid, ordinal) in enumerate(chunks)
                if cid in new_cards and old_cards.get(cid) == new_cards[cid]]
        keep += [(len(chunks) + row, ("ask", str(cid), str(key)))
                 for row, (cid, key, *_) in enumerate(asks)]
        vectors = old.vectors(np.array([row for row, _ in keep], dtype=np.int64))
        reuse = {key: vector for (_, key), vector in zip(keep, vectors, strict=True)}
        reuse.update(_reusable_topic_vectors(directory, manifest))
        return reuse
    except Exception as exc:  # reuse is an optimisation: never let it break a rebuild
        logger.info("not reusing vectors from %s: %s", directory, exc)
        return {}


def _reusable_topic_vectors(directory: Path, manifest: dict) -> dict[tuple, np.ndarray]:
    """The topic-description vectors of an intact topic model file, keyed by text."""
    path = directory / TOPIC_FILE
    try:
        if not path.is_file() or file_sha256(path) != manifest.get("topic_model_sha256"):
            return {}
        model = TopicModel.load(path)
    except (OSError, ValueError):
        return {}
    reuse: dict[tuple, np.ndarray] = {}
    keys = manifest.get("topic_texts", [])
    if model.descriptions is not None and len(model.descriptions) == len(keys):
        reuse.update(zip([("topic", str(key)) for key in keys], model.descriptions,
                         strict=True))
    examples = [("example", str(key)) for key, *_ in manifest.get("examples", [])]
    if model.examples is not None and len(model.examples) == len(examples):
        reuse.update(zip(examples, model.examples, strict=True))
    return reuse


def train_for(contents: Contents, vectors: np.ndarray, topic_vectors: np.ndarray,
              example_vectors: np.ndarray | None = None, **options) -> TopicModel:
    """The topic model for an index: its rows, the topic descriptions and the examples.

    ``example_vectors`` are those of :func:`trained_examples`, in order (none: no
    examples). ``options`` go to :func:`train_topic_model` (the tuning script varies them).
    """
    topic_ids = list(contents.topics)
    examples = trained_examples(contents) if example_vectors is not None else []
    parts = [vectors, topic_vectors]
    if examples and example_vectors is not None:
        parts.append(example_vectors)
    model = train_topic_model(np.vstack(parts),
                              contents.labels() + topic_ids + [e.topic for e in examples],
                              topic_ids, **options)
    model.descriptions = np.asarray(topic_vectors, dtype=np.float32)
    if examples:
        model.examples = np.asarray(example_vectors, dtype=np.float32)
    return model


def build_and_save(expected: dict, contents: Contents, embedder: Embedder,
                   directory: Path, progress: Progress | None = None,
                   hnsw_threshold: int = HNSW_THRESHOLD,
                   reuse: dict[tuple, np.ndarray] | None = None) -> Loaded:
    """Embed the rows (except those in ``reuse``), train the topic model, write both
    files and then the manifest."""
    reuse = reuse or {}
    keys, texts = contents.row_keys(), contents.texts
    todo = [i for i, key in enumerate(keys) if key not in reuse]
    vectors = np.zeros((len(keys), embedder.dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in reuse:
            vectors[i] = reuse[key]
    described = topic_texts(contents.topics) + [e.text for e in trained_examples(contents)]
    topic_keys = [("topic", _text_key(text)) for text in topic_texts(contents.topics)] + \
                 [("example", _text_key(e.text)) for e in trained_examples(contents)]
    topic_todo = [i for i, key in enumerate(topic_keys) if key not in reuse]
    total = len(todo) + len(topic_todo)
    vectors[todo] = encode_passages([texts[i] for i in todo], embedder, progress, total=total)
    topic_vectors = np.zeros((len(described), embedder.dimension), dtype=np.float32)
    for i, key in enumerate(topic_keys):
        if key in reuse:
            topic_vectors[i] = reuse[key]
    topic_vectors[topic_todo] = encode_passages([described[i] for i in topic_todo], embedder,
                                                progress, done=len(todo), total=total)
    logger.info("embedded %d rows, reused %d", total, len(keys) + len(described) - total)
    index = DenseIndex.build(vectors, embedder.dimension, hnsw_threshold)
    described_count = len(contents.topics)
    model = train_for(contents, vectors, topic_vectors[:described_count],
                      topic_vectors[described_count:])
    directory.mkdir(parents=True, exist_ok=True)
    digest = index.save(directory / INDEX_FILE)
    model.save(directory / TOPIC_FILE)
    manifest = {**expected, "faiss_sha256": digest,
                "topic_model_sha256": file_sha256(directory / TOPIC_FILE),
                "topic_texts": [key for kind, key in topic_keys if kind == "topic"],
                "count": index.count, "passages": len(contents.chunks),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_manifest(directory / MANIFEST_FILE, manifest)
    logger.info("built %s index of %d rows in %s", index.kind, index.count, directory)
    return Loaded(index, model)


def open_index(contents: Contents, embedder: Embedder, directory: Path | None = None, *,
               rebuild: bool = False, progress: Progress | None = None,
               hnsw_threshold: int = HNSW_THRESHOLD,
               readonly: Sequence[Path] | None = None) -> tuple[Loaded, str]:
    """The index for these contents: loaded when fresh, else (re)built and saved.

    Args:
        directory: the user's index folder (written when a build is needed).
        readonly: prebuilt folders tried after ``directory``, never written;
            :func:`readonly_index_dirs` when omitted.

    Returns:
        (loaded, origin) where origin is "loaded" (the user's folder), "shipped" (a
        read-only prebuilt folder), "built" (none existed) or "rebuilt".
    """
    directory = Path(directory) if directory is not None else paths.index_dir()
    readonly = [Path(d) for d in (readonly_index_dirs() if readonly is None else readonly)
                if Path(d) != directory]
    expected = expected_manifest(contents, embedder.name, embedder.fingerprint,
                                 embedder.dimension, hnsw_threshold)
    origin = "rebuilt"
    reuse: dict[tuple, np.ndarray] = {}
    if not rebuild:
        loaded, reason = load_if_fresh(directory, expected)
        if loaded is not None:
            return loaded, "loaded"
        for prebuilt in readonly:
            shipped, _ = load_if_fresh(prebuilt, expected)
            if shipped is not None:
                logger.info("using the prebuilt search index in %s", prebuilt)
                return shipped, "shipped"
        if reason == "missing":
            logger.info("no search index in %s yet; building it", directory)
            origin = "built"
        else:
            logger.warning("search index in %s is stale or damaged (%s); rebuilding it",
                           directory, reason)
            reuse = reusable_vectors(directory, expected)
        for prebuilt in readonly:  # unchanged rows keep the vectors computed before
            reuse = {**reusable_vectors(prebuilt, expected), **reuse}
    loaded = build_and_save(expected, contents, embedder, directory, progress, hnsw_threshold,
                            reuse)
    return loaded, origin


def shipped_staleness(contents: Contents, model_name: str, fingerprint: str,
                      dimension: int | None = None, directory: Path = SHIPPED_DIR
                      ) -> str | None:
    """Why the index shipped in the package does not fit these contents, or None.

    ``dimension`` defaults to the manifest's own (it cannot change without the
    fingerprint changing), so the check needs no model load.
    """
    try:
        manifest = read_manifest(directory)
    except ValueError as exc:
        return str(exc)
    if manifest is None:
        return f"no shipped index in {directory}"
    if dimension is None:
        dimension = int(manifest.get("model", {}).get("dimension", 0))
    expected = expected_manifest(contents, model_name, fingerprint, dimension)
    return stale_reason(manifest, expected) or _files_intact(directory, manifest)


def bundled_staleness(directory: Path = SHIPPED_DIR) -> str | None:
    """:func:`shipped_staleness` for the checkout's own knowledge base and bundled model."""
    from companion import models

    return shipped_staleness(repository_contents(), models.EMBEDDING_MODEL_NAME,
                             bundled_fingerprint(), directory=directory)


def _summary(manifest: dict) -> str:
    asks = len(manifest.get("asks", []))
    passages = manifest.get("passages", manifest.get("count", "?"))
    return (f"{passages} passages and {asks} resident utterances from "
            f"{len(manifest.get('cards', {}))} cards, {manifest.get('index_type', '?')} index, "
            f"{manifest.get('model', {}).get('name', '?')}, built {manifest.get('built_at')}")


def _freshness(directory: Path, manifest: dict, contents: Contents, fingerprint: str
               ) -> str | None:
    """Why the index in ``directory`` does not fit the contents and bundled model, or None."""
    from companion import models

    expected = expected_manifest(contents, models.EMBEDDING_MODEL_NAME, fingerprint,
                                 int(manifest.get("model", {}).get("dimension", 0)))
    return stale_reason(manifest, expected) or _files_intact(directory, manifest)


def index_status(directory: Path | None = None) -> str:
    """One line for `companion doctor`: is the index built, fresh, and what does it hold?

    A fresh prebuilt index (shipped in the package or named by ``COMPANION_PREBUILT_INDEX``)
    counts as fresh when the user's own folder holds none that fits.
    """
    from companion import models
    from companion.cards import CardError, load_cards
    from companion.retrieval.asks import AsksError, load_asks, load_topic_examples
    from companion.taxonomy import TaxonomyError, load_topics

    directory = Path(directory) if directory is not None else paths.index_dir()
    contents: Contents | None = None
    try:
        contents = contents_of(load_cards(), load_asks(), load_topics(), load_topic_examples())
        fingerprint = models.model_fingerprint(models.embedding_model_path())
    except (CardError, AsksError, TaxonomyError, models.ModelMissingError) as exc:
        contents, fingerprint, problem = None, "", str(exc).splitlines()[0]
    damaged: str | None = None
    try:
        manifest = read_manifest(directory)
    except ValueError as exc:
        manifest, damaged = None, str(exc)
    if contents is not None and (manifest is None
                                 or _freshness(directory, manifest, contents, fingerprint)):
        for prebuilt in readonly_index_dirs():
            try:
                shipped = read_manifest(prebuilt)
            except ValueError:
                continue
            if shipped is not None and _freshness(prebuilt, shipped, contents,
                                                  fingerprint) is None:
                return f"fresh: {_summary(shipped)} (prebuilt, read from {prebuilt})"
    if damaged:
        return f"damaged ({damaged}); it will be rebuilt on next use or by `companion kb build`"
    if manifest is None:
        return f"not built yet in {directory} (it is built on first use or by `companion kb build`)"
    summary = _summary(manifest)
    if contents is None:
        return f"{summary}; freshness unknown: {problem}"
    reason = _freshness(directory, manifest, contents, fingerprint)
    if reason:
        return f"stale ({reason}); {summary}; rebuilt on next use or by `companion kb build`"
    return f"fresh: {summary}"
