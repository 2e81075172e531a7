"""Benchmark: saving one journal message, encrypted vs unencrypted, in the same run.

Target: p95 <= 5 ms per saved message with encryption on. Each save is a real
committed transaction on a temporary journal with the store's settings (WAL,
synchronous=NORMAL: safe against the process being killed). For information it
also measures synchronous=FULL, which adds an fsync per message so that even a
power cut loses nothing committed.

Run: ``.venv/bin/python benchmarks/bench_journal.py [--messages N]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_P95_MS = 5.0
TEXT = (
    "After three nights in a row I felt like I was running on empty, and I snapped at a "
    "nurse who was only trying to help. I keep replaying it. "
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _measure(
    path: Path, passphrase: str | None, messages: int, synchronous: str | None = None
) -> dict[str, float]:
    from companion.journal import Journal

    started = time.perf_counter()
    journal = Journal.open(path, passphrase=passphrase)
    open_ms = (time.perf_counter() - started) * 1000
    if synchronous:  # benchmark-only override of the store's durability setting
        journal._conn.execute(f"PRAGMA synchronous={synchronous}")
    try:
        session = journal.start_session("benchmark")
        for i in range(20):  # warm-up: page cache, statement cache
            journal.add_message(session, "resident", f"warm-up {i} {TEXT}")
        timings = []
        for i in range(messages):
            t0 = time.perf_counter()
            journal.add_message(session, "resident", f"{i} {TEXT}")
            timings.append((time.perf_counter() - t0) * 1000)
    finally:
        journal.close()
    return {
        "open_ms": open_ms,
        "p50_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "max_ms": max(timings),
    }


def main(messages: int = 500) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
        plain = _measure(Path(tmp) / "plain.sqlite3", None, messages)
        sealed = _measure(Path(tmp) / "sealed.sqlite3", "benchmark passphrase", messages)
        durable = _measure(Path(tmp) / "full.sqlite3", "benchmark passphrase", messages, "FULL")
    result = {
        "messages": messages,
        "plain": plain,
        "encrypted": sealed,
        "encrypted_synchronous_full": durable,
        "p95_ratio_encrypted_vs_plain": sealed["p95_ms"] / plain["p95_ms"],
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": sealed["p95_ms"] <= TARGET_P95_MS,
    }
    print(f"journal message save, {messages} messages each (WAL, synchronous=NORMAL)")
    rows = (("unencrypted (baseline)", plain), ("encrypted (AES-GCM)", sealed),
            ("encrypted, sync=FULL", durable))
    for name, figures in rows:
        print(f"  {name:<24} p50 {figures['p50_ms']:.3f} ms  p95 {figures['p95_ms']:.3f} ms  "
              f"max {figures['max_ms']:.3f} ms  open {figures['open_ms']:.1f} ms")
    print(f"  encrypted p95 = {result['p95_ratio_encrypted_vs_plain']:.2f} x baseline; "
          f"sync=FULL p95 = {durable['p95_ms'] / plain['p95_ms']:.2f} x baseline; "
          f"target <= {TARGET_P95_MS} ms: {'met' if result['meets_target'] else 'MISSED'}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    main(parser.parse_args().messages)
