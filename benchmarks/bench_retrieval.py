"""Retrieval speed: first launch, cold index build, warm query latency, 50,000 cards.

Every figure is printed with a baseline measured in the same run:

0. First launch: the app's warm-up (model, card index, safety screen) in a fresh
   process and a fresh data directory, against the same in a directory that has
   been used before (a warm launch). The index shipped in the package makes both
   a load, so the target is first / warm <= 1.5.
1. Cold build: ``companion kb build`` in a fresh process and data directory (model
   load + embedding every passage + writing the index), against a fresh process
   that only loads the model.
2. Warm queries on the real knowledge base: hybrid search (embed + FAISS + BM25 +
   fusion + diversification) against dense-only search (embed + FAISS), p50/p95
   over the dev-set messages with the turn-embedding cache cleared before each.
3. Scale: 50,000 generated cards, whose bodies are random mixes of the real cards'
   sentences. Embedding 50,000 texts with the real model would take many minutes
   on 2 cores, so THE CARD VECTORS ARE GENERATED: the real vector of the card a
   generated card copies its metadata from, plus seeded Gaussian noise (norm about
   0.8), renormalised, so they cluster like real text does. Queries are still
   embedded by the real model and BM25 still indexes the real words. Above
   the threshold the same ``Retriever.open`` builds an HNSW index; it is compared
   with an exact flat index over the same vectors (search latency and recall@10).

4. A dialogue turn without the generator (safety screen, understanding, retrieval, next
   question) against one embedding of the same message.

Run: ``.venv/bin/python benchmarks/bench_retrieval.py`` (about three minutes), or name
sections: ``... bench_retrieval.py warm turn`` (about 30 s), ``... launch`` (about 40 s).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from companion.retrieval.dense import HNSW_THRESHOLD, DenseIndex  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev_topics.jsonl"
SCALE_CARDS = 50_000


def _percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {"p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2)}


def _timed_process(code_or_args: list[str], home: Path) -> float:
    env = {**os.environ, "COMPANION_HOME": str(home)}
    start = time.perf_counter()
    subprocess.run([sys.executable, *code_or_args], check=True, env=env, cwd=ROOT,
                   capture_output=True, text=True)
    return time.perf_counter() - start


def bench_cold_build(home: Path) -> dict:
    load_only = _timed_process(
        ["-c", "from companion.retrieval.embedding import get_embedder; get_embedder()"],
        home / "baseline")
    build = _timed_process(["-m", "companion", "kb", "build"], home)
    return {"cold_build_s": round(build, 2), "model_load_only_s": round(load_only, 2),
            "build_over_load": round(build / load_only, 2),
            "build_over_15s_budget": round(build / 15.0, 2)}


WARM_UP = ("from companion.service.local import LocalCompanion; "
           "r = LocalCompanion().warm_up(); assert not r['problems'], r")


def bench_first_launch(workdir: Path, rounds: int = 2) -> dict:
    """Seconds to be ready on a fresh data directory vs one used before (interleaved)."""
    first, warm = [], []
    for i in range(rounds):
        home = workdir / f"launch-{i}"
        first.append(_timed_process(["-c", WARM_UP], home))
        warm.append(_timed_process(["-c", WARM_UP], home))
    f, w = statistics.median(first), statistics.median(warm)
    return {"first_launch_s": round(f, 2), "warm_launch_s": round(w, 2),
            "first_over_warm": round(f / w, 2),
            "user_index_written": any((workdir / f"launch-{i}" / "index").exists()
                                      for i in range(rounds))}


def _queries() -> list[str]:
    lines = DEV.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _latency(retriever, queries: list[str], mode: str, embed: bool = True) -> list[float]:
    """Seconds per search; with ``embed=False`` the query vector is already cached."""
    samples = []
    for query in queries:
        if embed:
            retriever.clear_cache()
        else:
            retriever.search(query, k=5, mode=mode)
        start = time.perf_counter()
        retriever.search(query, k=5, mode=mode)
        samples.append(time.perf_counter() - start)
    return samples


def bench_warm_queries(retriever, queries: list[str]) -> dict:
    for query in queries[:10]:  # warm-up: first torch calls are slow
        retriever.search(query, mode="hybrid")
    hybrid, dense, embed = [], [], []
    for _ in range(2):  # interleave so background load hits all alike
        hybrid += _latency(retriever, queries, "hybrid")
        dense += _latency(retriever, queries, "dense")
        for query in queries:
            retriever.clear_cache()
            start = time.perf_counter()
            retriever.embedder.encode([query])
            embed.append(time.perf_counter() - start)
    h, d, e = _percentiles(hybrid), _percentiles(dense), _percentiles(embed)
    return {"hybrid": h, "dense_only": d, "one_embedding": e,
            "p95_hybrid_over_embedding": round(h["p95_ms"] / e["p95_ms"], 2),
            "p95_hybrid_over_dense": round(h["p95_ms"] / d["p95_ms"], 2),
            "hybrid_without_embedding": _percentiles(_latency(retriever, queries, "hybrid",
                                                              embed=False)),
            "dense_without_embedding": _percentiles(_latency(retriever, queries, "dense",
                                                             embed=False))}


class ScaleEmbedder:
    """Random unit vectors for the generated passages; the real model for queries."""

    name = "random-unit-vectors"
    fingerprint = "seed-7"

    def __init__(self, real, texts: list[str], vectors: np.ndarray):
        self.real = real
        self.dimension = real.dimension
        self._by_text = dict(zip(texts, vectors, strict=True))
        self.indexing = True

    def encode(self, texts):
        if not self.indexing:
            return self.real.encode(texts)
        # the topic descriptions (trained on with the rows) are not generated passages
        return np.stack([self._by_text[text] if text in self._by_text
                         else self.real.encode([text])[0] for text in texts])


def generated_cards(real_cards, n: int, seed: int = 7):
    rng = random.Random(seed)
    sentences = [s for card in real_cards
                 for s in re.split(r"(?<=[.!?])\s+", " ".join(card.body.split())) if s]
    cards = []
    for i in range(n):
        template = real_cards[i % len(real_cards)]
        body = " ".join(rng.sample(sentences, k=rng.randint(3, 6)))
        cards.append(dataclasses.replace(template, id=f"gen-{i:05d}",
                                         title=f"{template.title} ({i})", body=body))
    return cards


def generated_vectors(real, cards, seed: int = 7, noise: float = 0.8) -> np.ndarray:
    """One vector per passage of ``cards``: its template card's vector plus noise."""
    from companion.retrieval.chunks import chunk_cards

    # generated card gen-i copies real.cards[i % n] (see generated_cards); take that
    # card's first passage row in the real index
    first_rows = [int(rows[0]) for rows in real._card_passages]
    base_rows = [first_rows[int(chunk.card_id.split("-")[1]) % len(first_rows)]
                 for chunk in chunk_cards(cards)]
    base = real._dense.vectors(np.array(base_rows))
    rng = np.random.default_rng(seed)
    jitter = rng.standard_normal(base.shape).astype(np.float32)
    jitter *= noise / np.sqrt(base.shape[1])
    vectors = base + jitter
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def bench_scale(real, real_embedder, queries: list[str], workdir: Path) -> dict:
    from companion.retrieval.chunks import chunk_cards
    from companion.retrieval.index import contents_of
    from companion.retrieval.retriever import Retriever
    from companion.taxonomy import load_topics

    topics = load_topics()
    cards = generated_cards(real.cards, SCALE_CARDS)
    vectors = generated_vectors(real, cards)
    passages = len(vectors)
    texts = [chunk.text for chunk in chunk_cards(cards)]
    embedder = ScaleEmbedder(real_embedder, texts, vectors)
    start = time.perf_counter()
    approx = Retriever.open(cards=cards, embedder=embedder, index_dir=workdir / "scale",
                            asks=[], topics=topics)
    open_s = time.perf_counter() - start
    embedder.indexing = False
    # generated ids sort in creation order, so row i of both indexes is the same passage
    flat = Retriever(contents_of(approx.cards, [], topics), DenseIndex.build(
        vectors, embedder.dimension, hnsw_threshold=10**9), approx._lexical, embedder,
        approx.topic_model)
    query_vectors = real_embedder.encode(queries)
    recall, raw = [], {"hnsw": [], "flat": []}
    for vector in query_vectors:
        found = {}
        for name, retr in (("hnsw", approx), ("flat", flat)):
            t = time.perf_counter()
            found[name] = set(retr._dense.search(vector, 10)[1].tolist())
            raw[name].append(time.perf_counter() - t)
        recall.append(len(found["hnsw"] & found["flat"]) / 10)
    for query in queries[:5]:
        approx.search(query)
        flat.search(query)
    full_h = _latency(approx, queries, "hybrid")
    full_f = _latency(flat, queries, "hybrid")
    fuse_h = _latency(approx, queries, "hybrid", embed=False)
    fuse_f = _latency(flat, queries, "hybrid", embed=False)
    return {
        "cards": SCALE_CARDS, "passages": passages, "index_kind": approx.index_kind,
        "threshold": HNSW_THRESHOLD,
        "open_with_hnsw_build_s": round(open_s, 1),
        "faiss_search_hnsw": _percentiles(raw["hnsw"]),
        "faiss_search_flat": _percentiles(raw["flat"]),
        "hnsw_recall_at_10_vs_flat": round(float(np.mean(recall)), 3),
        "hybrid_query_hnsw": _percentiles(full_h),
        "hybrid_query_flat": _percentiles(full_f),
        "hybrid_without_embedding_hnsw": _percentiles(fuse_h),
        "hybrid_without_embedding_flat": _percentiles(fuse_f),
        "p95_hnsw_over_flat": round(_percentiles(full_h)["p95_ms"] /
                                    _percentiles(full_f)["p95_ms"], 2),
    }


def uncached(embedder):
    """The model under the process-wide vector cache (benchmarks time real encodes)."""
    return getattr(embedder, "inner", embedder)


ALL_SECTIONS = frozenset({"launch", "build", "warm", "turn", "scale"})


def bench_turn(retriever, queries: list[str]) -> dict:
    """A dialogue turn without the generator (screen, understand, retrieve, choose the next
    question), each message new to the caches, against one embedding of the same message."""
    from companion.dialogue.engine import Engine
    from companion.dialogue.flows import load_flows

    engine = Engine(retriever=retriever, embedder=retriever.embedder)
    flow_id = next(iter(load_flows()))
    turns, embeds = [], []
    for round_ in range(2):
        for query in queries:
            text = f"{query} ({round_})"  # new words each round: no cache answers them
            session = engine.start(flow_id).session_id
            retriever.clear_cache()
            start = time.perf_counter()
            retriever.embedder.encode([text + " once"])
            embeds.append(time.perf_counter() - start)
            start = time.perf_counter()
            engine.turn(session, text)
            turns.append(time.perf_counter() - start)
    t, e = _percentiles(turns), _percentiles(embeds)
    return {"turn": t, "one_embedding": e,
            "p95_turn_over_embedding": round(t["p95_ms"] / e["p95_ms"], 2)}


def main(sections: frozenset[str] = ALL_SECTIONS) -> dict:
    from companion.retrieval.embedding import get_embedder
    from companion.retrieval.retriever import Retriever

    queries = _queries()
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["COMPANION_HOME"] = str(home)
        if "launch" in sections:
            launch = out["launch"] = bench_first_launch(home / "launches")
            print(f"first launch ready in {launch['first_launch_s']} s vs warm launch "
                  f"{launch['warm_launch_s']} s (x{launch['first_over_warm']}; "
                  "target <= 1.5)")
        if "build" in sections:
            build = out["build"] = bench_cold_build(home)
            print(f"cold build: {build['cold_build_s']} s (model load alone "
                  f"{build['model_load_only_s']} s; x{build['build_over_load']}; "
                  f"{build['build_over_15s_budget']:.0%} of the 15 s budget)")
        if not sections & {"warm", "turn", "scale"}:
            return {"load_average": [round(x, 1) for x in os.getloadavg()], **out}
        # Measure real embedding work: the process-wide embedder caches vectors.
        retriever = Retriever.open(embedder=uncached(get_embedder()))
        assert retriever.origin in ("loaded", "shipped"), retriever.origin
        if "warm" in sections:
            warm = out["warm"] = bench_warm_queries(retriever, queries)
            print(f"warm query, {len(retriever.cards)} cards: hybrid p50 "
                  f"{warm['hybrid']['p50_ms']} / p95 {warm['hybrid']['p95_ms']} ms; dense-only "
                  f"p95 {warm['dense_only']['p95_ms']} ms; one embedding p95 "
                  f"{warm['one_embedding']['p95_ms']} ms (hybrid/embedding p95 "
                  f"x{warm['p95_hybrid_over_embedding']}; hybrid/dense "
                  f"x{warm['p95_hybrid_over_dense']})")
        if "turn" in sections:
            turn = out["turn"] = bench_turn(retriever, queries)
            print(f"turn without generator: p50 {turn['turn']['p50_ms']} / p95 "
                  f"{turn['turn']['p95_ms']} ms; one embedding p95 "
                  f"{turn['one_embedding']['p95_ms']} ms (x{turn['p95_turn_over_embedding']})")
        if "scale" in sections:
            scale = out["scale"] = bench_scale(retriever, uncached(get_embedder()), queries,
                                               home)
            print(f"{scale['cards']} generated cards (generated vectors): "
                  f"{scale['index_kind']} index built in {scale['open_with_hnsw_build_s']} s; "
                  f"hybrid query p95 {scale['hybrid_query_hnsw']['p95_ms']} ms (flat "
                  f"{scale['hybrid_query_flat']['p95_ms']} ms, x{scale['p95_hnsw_over_flat']});"
                  f" FAISS search p95 {scale['faiss_search_hnsw']['p95_ms']} ms vs flat "
                  f"{scale['faiss_search_flat']['p95_ms']} ms; recall@10 "
                  f"{scale['hnsw_recall_at_10_vs_flat']}")
    return {"load_average": [round(x, 1) for x in os.getloadavg()], **out}


if __name__ == "__main__":
    only = frozenset(sys.argv[1:]) or ALL_SECTIONS
    print(json.dumps(main(only), indent=2))
