"""Safety screen latency per message, against a plain embedding call in the same run.

The screen runs on every message before anything else, so it must be cheap:
target: it adds <= 15 ms p95 to a turn (screen minus one plain embedding of the
same message, paired), reported also as a ratio to that embedding. The
baseline is one ``embedder.encode([message])`` (what any model-backed step
pays), measured on the same messages, in the same process, interleaved with
the screen so machine load affects both alike. The sentence-vector cache is
cleared before every screen call, so repeats do not flatter the figure.

Run: ``.venv/bin/python benchmarks/bench_safety.py``
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_FILE = ROOT.parent / "shared" / "eval" / "dev_crisis.jsonl"

FALLBACK_MESSAGES = [
    "This rotation is killing me.",
    "I've been thinking everyone would be better off without me.",
    "My patient attempted suicide and I admitted her to the ICU.",
    "Reflection for this block: I presented on rounds, my notes are still slow, the family "
    "meeting went okay, and I want to work on ECG reading next block.",
    "No thoughts of hurting myself, just tired.",
]


def _messages() -> list[str]:
    if DEV_FILE.is_file():
        return [json.loads(line)["text"] for line in DEV_FILE.read_text().splitlines()
                if line.strip()]
    return FALLBACK_MESSAGES


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main(rounds: int = 5) -> dict:
    sys.path.insert(0, str(ROOT))
    from companion.models import configure_offline

    configure_offline()
    from companion.retrieval.embedding import get_embedder
    from companion.safety import SafetyScreen

    embedder = get_embedder()
    embedder = getattr(embedder, "inner", embedder)  # time real encodes, not cache hits
    started = time.perf_counter()
    screen = SafetyScreen(embedder)
    startup_ms = (time.perf_counter() - started) * 1000
    messages = _messages()
    for text in messages[:5]:  # warm up both paths
        embedder.encode([text])
        screen.screen(text)

    screen_ms: list[float] = []
    plain_ms: list[float] = []
    for _ in range(rounds):
        for text in messages:
            started = time.perf_counter()
            embedder.encode([text])
            plain_ms.append((time.perf_counter() - started) * 1000)
            screen.semantic.embedder.clear()
            started = time.perf_counter()
            screen.screen(text)
            screen_ms.append((time.perf_counter() - started) * 1000)

    rules_only = SafetyScreen(embedder=False)
    rules_ms: list[float] = []
    for text in messages:
        started = time.perf_counter()
        rules_only.screen(text)
        rules_ms.append((time.perf_counter() - started) * 1000)

    figures = {
        "messages": len(messages) * rounds,
        "startup_ms": round(startup_ms, 1),
        "screen_p50_ms": round(statistics.median(screen_ms), 2),
        "screen_p95_ms": round(_percentile(screen_ms, 0.95), 2),
        "plain_embed_p50_ms": round(statistics.median(plain_ms), 2),
        "plain_embed_p95_ms": round(_percentile(plain_ms, 0.95), 2),
        "rules_only_p95_ms": round(_percentile(rules_ms, 0.95), 3),
    }
    # Best of the rounds for each message, then p95 across messages: the warm figure
    # with bursts of load from other processes filtered out (raw p95 is kept above).
    count = len(messages)
    best_screen = [min(screen_ms[i::count]) for i in range(count)]
    best_plain = [min(plain_ms[i::count]) for i in range(count)]
    figures["screen_best_of_rounds_p95_ms"] = round(_percentile(best_screen, 0.95), 2)
    figures["plain_best_of_rounds_p95_ms"] = round(_percentile(best_plain, 0.95), 2)
    # Paired per message: what screening costs beyond one plain embedding of the message.
    extra = [screen - plain for screen, plain in zip(screen_ms, plain_ms, strict=True)]
    figures["extra_over_plain_p50_ms"] = round(statistics.median(extra), 2)
    figures["extra_over_plain_p95_ms"] = round(_percentile(extra, 0.95), 2)
    figures["screen_vs_plain_p95_ratio"] = round(
        figures["screen_p95_ms"] / max(figures["plain_embed_p95_ms"], 1e-9), 2)
    figures["extra_vs_plain_p95_ratio"] = round(
        figures["extra_over_plain_p95_ms"] / max(figures["plain_embed_p95_ms"], 1e-9), 2)
    figures["target_added_p95_ms"] = 15.0
    figures["meets_target"] = figures["extra_over_plain_p95_ms"] <= 15.0

    print(f"safety screen over {figures['messages']} messages (start-up "
          f"{figures['startup_ms']} ms, example vectors included)")
    print(f"  screen      p50 {figures['screen_p50_ms']:8.2f} ms   p95 "
          f"{figures['screen_p95_ms']:8.2f} ms")
    print(f"  plain embed p50 {figures['plain_embed_p50_ms']:8.2f} ms   p95 "
          f"{figures['plain_embed_p95_ms']:8.2f} ms   (baseline, same run)")
    print(f"  rules only  p95 {figures['rules_only_p95_ms']:8.3f} ms")
    print(f"  screen minus plain embed, same message: p50 {figures['extra_over_plain_p50_ms']} ms"
          f", p95 {figures['extra_over_plain_p95_ms']} ms")
    print(f"  best of {rounds} rounds per message, p95: screen "
          f"{figures['screen_best_of_rounds_p95_ms']} ms vs plain embed "
          f"{figures['plain_best_of_rounds_p95_ms']} ms")
    print(f"  screen / plain embed (p95): {figures['screen_vs_plain_p95_ratio']}x; "
          f"added / plain embed (p95): {figures['extra_vs_plain_p95_ratio']}x; "
          f"target added p95 <= 15 ms: {'met' if figures['meets_target'] else 'NOT met'}")
    return figures


if __name__ == "__main__":
    main()
