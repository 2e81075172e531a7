"""Split the P3 privacy batch by id, fixed before any tuning: odd ids tune, even ids check.

The tuning half goes to ``tests/data/privacy_P3_tune.jsonl`` (author field kept); the check
half is written outside the repository (``/tmp/privacy_P3_check.jsonl`` unless told) and is
scored once, at the end. Run: ``python scripts/split_privacy_p3.py P3.jsonl [CHECK_OUT]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def split(source: Path, check_out: Path) -> tuple[int, int]:
    """Write both halves; a row's half depends only on its numeric id (p3-NNN)."""
    tune, check = [], []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            (tune if int(row["id"].rsplit("-", 1)[1]) % 2 else check).append(line)
    (ROOT / "tests" / "data" / "privacy_P3_tune.jsonl").write_text(
        "\n".join(tune) + "\n", encoding="utf-8")
    check_out.write_text("\n".join(check) + "\n", encoding="utf-8")
    return len(tune), len(check)


if __name__ == "__main__":
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/privacy_P3_check.jsonl")
    print(split(Path(sys.argv[1]), out))
