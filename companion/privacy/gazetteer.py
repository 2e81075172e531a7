"""The names gazetteer: how common a word is as a first name, as a surname, and as a word.

Read from ``data/names.tsv`` (1990 US Census name files, see
``data/README.md`` for sources and licences; rebuilt by
``scripts/build_names_gazetteer.py``). Loaded once, on first use, so importing
the privacy guard stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "names.tsv"
WORDS = Path(__file__).with_name("data") / "words.txt"


@dataclass(frozen=True)
class NameInfo:
    """How a lower-case word is used as a name (frequencies in parts per million)."""

    first: int
    last: int
    word: bool
    """Also an ordinary English word ("will", "hope", "brown"): weak evidence of a name."""

    @property
    def is_first(self) -> bool:
        return self.first > 0 and not self.word

    @property
    def is_last(self) -> bool:
        return self.last > 0 and not self.word


@lru_cache(maxsize=1)
def _table() -> dict[str, NameInfo]:
    table: dict[str, NameInfo] = {}
    with DATA.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            name, first, last, word = line.rstrip("\n").split("\t")
            table[name] = NameInfo(int(first), int(last), word == "1")
    return table


def lookup(word: str) -> NameInfo | None:
    """The gazetteer entry for ``word`` (any case), or None when it is no known name."""
    return _table().get(word.lower())


def size() -> int:
    """How many names the gazetteer holds."""
    return len(_table())


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    with WORDS.open(encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if not line.startswith("#"))


def is_word(word: str) -> bool:
    """True when ``word`` (any case) is an ordinary English word ("refused", "states")."""
    low = word.lower()
    return low in _words() or (low.endswith("s") and low[:-1] in _words())


@lru_cache(maxsize=1)
def common_first_names() -> frozenset[str]:
    """First names at 30 per million or more that are not also words ("maria", "delphine")."""
    return frozenset(name for name, info in _table().items()
                     if info.is_first and info.first >= 30)
