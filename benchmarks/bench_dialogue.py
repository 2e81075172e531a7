"""Dialogue turn latency: screen + understand + retrieve + choose the next question.

Baseline, measured in the same run: one hybrid retrieval search (embedding included) of a
message of the same kind. Every message is new to the caches, as in real use.
Run: `companion bench dialogue` (or `python benchmarks/bench_dialogue.py`).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

MESSAGES = [
    "Third night in a row, charting till 2, and I snapped at a nurse.",
    "I'm worried my evaluations will say I'm behind my co-residents.",
    "My attending criticised my presentation in front of the team.",
    "I want to find a research mentor outside my department.",
    "I haven't seen my kids awake all week and I feel guilty.",
    "Thinking about chief residency but not sure I'm a leader.",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(rounds: int = 5) -> dict:
    import os

    os.environ.setdefault("COMPANION_HOME", tempfile.mkdtemp(prefix="bench-dialogue-"))
    from companion.dialogue.engine import Engine
    from companion.journal import Journal

    journal = Journal.open(Path(os.environ["COMPANION_HOME"]) / "journal.sqlite3")
    engine = Engine(journal=journal)
    turn_ms, search_ms = [], []
    # Each round words the messages differently so no vector cache can answer them.
    for round_no in range(rounds):
        session = engine.start("free-reflection").session_id
        for text in MESSAGES[:3]:
            text = f"{text} (week {round_no + 1})"
            started = time.perf_counter()
            result = engine.turn(session, text)
            turn_ms.append((time.perf_counter() - started) * 1000)
            if result.state == "closed":
                session = engine.start("free-reflection").session_id
        for text in MESSAGES:
            text = f"{text} (day {round_no + 1})"
            started = time.perf_counter()
            engine.retriever.search(text, k=10)
            search_ms.append((time.perf_counter() - started) * 1000)
    figures = {
        "turn_p50_ms": statistics.median(turn_ms), "turn_p95_ms": percentile(turn_ms, 0.95),
        "search_p50_ms": statistics.median(search_ms),
        "search_p95_ms": percentile(search_ms, 0.95),
    }
    figures["turn_vs_search_p95"] = figures["turn_p95_ms"] / figures["search_p95_ms"]
    print(f"turn (no generator): p50 {figures['turn_p50_ms']:.1f} ms, "
          f"p95 {figures['turn_p95_ms']:.1f} ms (target <= 60 ms)")
    print(f"baseline search:     p50 {figures['search_p50_ms']:.1f} ms, "
          f"p95 {figures['search_p95_ms']:.1f} ms")
    print(f"a turn costs {figures['turn_vs_search_p95']:.1f}x one search at p95")
    journal.close()
    return figures


if __name__ == "__main__":
    main()
