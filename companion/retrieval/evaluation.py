"""`companion eval retrieval FILE`: hit@1, hit@3, MRR and per-topic hit@3, with baselines.

The project's hybrid retriever, the two single-signal baselines (BM25 alone, dense
alone over the passages), the trained topic model alone ("topic-model") and the
nearest topic description ("nearest-topic", 17 vectors, no cards) are measured in the
same run on the same index, so a figure is always read against its baselines. A
card result counts by its card's primary topic; the searches are the resident's
(``audience="resident"``: mentor cards are never shown to a resident) with the
relevance floor off, so the whole ranking is measured.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from companion.labelled import EvalFileError, read_jsonl

SYSTEMS = ("hybrid", "bm25", "dense", "topic-model", "nearest-topic")
CARD_SYSTEMS = ("hybrid", "bm25", "dense")
AUDIENCE = "resident"
MRR_DEPTH = 10


def load_items(path: str | Path) -> list[dict]:
    """Read ``{"id", "text", "topics": [primary, ...]}`` lines; errors name file, line, field."""
    items = []
    for where, item in read_jsonl(path, {"text": str, "topics": list}):
        if not item["topics"] or not all(isinstance(t, str) and t for t in item["topics"]):
            raise EvalFileError(f"{where}: field 'topics' must be a list of topic ids")
        items.append({"id": str(item.get("id", where)), "text": item["text"],
                      "topics": item["topics"]})
    return items


def score_rankings(items: list[dict], rankings: list[list[str]]) -> dict:
    """Metrics from each item's ranked list of result primary topics."""
    hit1 = hit3 = mrr = 0.0
    per_topic: dict[str, list[int]] = defaultdict(list)
    for item, topics in zip(items, rankings, strict=True):
        wanted = item["topics"][0]
        hit1 += bool(topics[:1] == [wanted])
        in_top3 = wanted in topics[:3]
        hit3 += in_top3
        per_topic[wanted].append(int(in_top3))
        rank = next((i for i, t in enumerate(topics[:MRR_DEPTH], start=1) if t == wanted), None)
        mrr += 1.0 / rank if rank else 0.0
    n = len(items)
    return {
        "hit@1": round(hit1 / n, 4), "hit@3": round(hit3 / n, 4), "mrr": round(mrr / n, 4),
        "per_topic": {t: round(sum(v) / len(v), 4) for t, v in sorted(per_topic.items())},
    }


def topic_rankings(retriever, texts: list[str], system: str) -> list[list[str]]:
    """Topics best first for each text, by the topic model or the nearest description."""
    model = retriever.topic_model
    vectors = retriever.embedder.encode(texts)
    if system == "topic-model":
        scores = model.probabilities(vectors)
    else:
        scores = vectors @ model.descriptions.T
    return [[model.topic_ids[i] for i in np.argsort(-row, kind="stable")] for row in scores]


def evaluate_retrieval(path: str | Path, retriever=None) -> dict:
    """Evaluate hybrid retrieval against its baselines on a labelled JSONL file.

    Returns:
        ``{"n": N, "systems": {name: {"hit@1", "hit@3", "mrr", "per_topic"}}}`` with
        systems hybrid, bm25, dense, topic-model and nearest-topic.
    """
    items = load_items(path)
    if retriever is None:
        from companion.retrieval.retriever import Retriever

        retriever = Retriever.open()
    systems = {}
    for mode in CARD_SYSTEMS:
        rankings = [[hit.card.topic for hit in retriever.search(
            item["text"], k=MRR_DEPTH, mode=mode, audience=AUDIENCE, floor=False)]
            for item in items]
        systems[mode] = score_rankings(items, rankings)
    texts = [item["text"] for item in items]
    for system in SYSTEMS[len(CARD_SYSTEMS):]:
        if system == "nearest-topic" and retriever.topic_model.descriptions is None:
            continue
        systems[system] = score_rankings(items, topic_rankings(retriever, texts, system))
    return {"n": len(items), "systems": systems}


def format_report(report: dict) -> str:
    """A terminal table: one row per system, then per-topic hit@3 side by side."""
    systems = report["systems"]
    lines = [f"retrieval on {report['n']} items (MRR over the top {MRR_DEPTH})", "",
             f"{'system':<15}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}"]
    for name, figures in systems.items():
        lines.append(f"{name:<15}{figures['hit@1']:>8.3f}{figures['hit@3']:>8.3f}"
                     f"{figures['mrr']:>8.3f}")
    short = {"topic-model": "topics", "nearest-topic": "nearest"}
    lines += ["", "hit@3 per topic:",
              f"{'topic':<24}" + "".join(f"{short.get(s, s):>8}" for s in systems)]
    topics = sorted({t for figures in systems.values() for t in figures["per_topic"]})
    for topic in topics:
        lines.append(f"{topic:<24}" + "".join(
            f"{systems[s]['per_topic'].get(topic, 0.0):>8.2f}" for s in systems))
    return "\n".join(lines)
