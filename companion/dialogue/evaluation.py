"""`companion eval suggest`: how often the item's first topic is among the suggestions."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from companion.retrieval.evaluation import load_items


def evaluate_suggest(path: str | Path, engine=None) -> dict:
    """Top-1 and top-3 accuracy of suggested topics against each item's first topic."""
    if engine is None:
        from companion.dialogue.engine import Engine

        engine = Engine()
    items = load_items(path)
    top1 = top3 = 0
    per_topic: dict[str, list[int]] = defaultdict(list)
    for item in items:
        suggested = [t.topic_id for t in engine.suggest(item["text"], k=3)]
        gold = item["topics"][0]
        top1 += bool(suggested[:1] == [gold])
        hit = gold in suggested[:3]
        top3 += hit
        per_topic[gold].append(int(hit))
    n = len(items)
    return {
        "n": n,
        "top1": round(top1 / n, 4) if n else 0.0,
        "top3": round(top3 / n, 4) if n else 0.0,
        "per_topic": {t: round(sum(v) / len(v), 4) for t, v in sorted(per_topic.items())},
    }


def format_report(report: dict) -> str:
    lines = [f"{report['n']} items: top-1 {report['top1']:.2f}, top-3 {report['top3']:.2f}",
             "top-3 per topic:"]
    lines += [f"  {topic:<24} {value:.2f}" for topic, value in report["per_topic"].items()]
    return "\n".join(lines)
