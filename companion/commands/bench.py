"""`companion bench [NAME ...]`: run the benchmark scripts in ``benchmarks/``.

Each script prints its figures as ratios against a baseline measured in the same
run. They live in the source checkout, not in the installed package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def benchmarks_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "benchmarks"


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="run the benchmarks (figures vs. baselines)")
    parser.add_argument("names", nargs="*", help="e.g. retrieval safety journal (default: all)")
    parser.set_defaults(handler=bench_command)


def bench_command(args) -> int:
    directory = benchmarks_dir()
    scripts = sorted(directory.glob("bench_*.py")) if directory.is_dir() else []
    if not scripts:
        print("companion bench: no benchmarks found; they ship with the source checkout "
              f"({directory})", file=sys.stderr)
        return 2
    available = {p.stem.removeprefix("bench_"): p for p in scripts}
    wanted = args.names or list(available)
    unknown = [n for n in wanted if n not in available]
    if unknown:
        print(f"companion bench: unknown benchmark(s) {', '.join(unknown)}; "
              f"choose from {', '.join(available)}", file=sys.stderr)
        return 2
    failed = []
    for name in wanted:
        print(f"== {name} ==", flush=True)
        # A separate process each, so one benchmark's warm caches don't flatter another.
        result = subprocess.run([sys.executable, str(available[name])],
                                env={**os.environ, "PYTHONPATH": str(directory.parent)})
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"companion bench: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
