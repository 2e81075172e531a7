"""The names gazetteer: how common a word is as a first name, as a surname, and as a word.

Read from ``data/names.tsv`` (1990 US Census name files, rebuilt by
``scripts/build_names_gazetteer.py``) and ``data/world_names.tsv`` (the romanised
names of Faker's locales, rebuilt by ``scripts/build_world_names.py``), so
"Otieno", "Oluwaseun" and "Przybylski" are names as well as "Gonzalez"; see
``data/README.md`` for sources and licences. A name only the world file lists
counts as a rare one (frequency 1 per million): enough for a full name, never
for a lone word. Loaded once, on first use, so importing the privacy guard
stays cheap.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "names.tsv"
WORLD = Path(__file__).with_name("data") / "world_names.tsv"
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
    with WORLD.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            name, first, last, word = line.rstrip("\n").split("\t")
            known = table.get(name)
            if known is None:
                table[name] = NameInfo(int(first != "0"), int(last != "0"), word == "1")
            elif not known.word:
                # A census first name that other countries use as a surname ("Otieno" is
                # both): keep the census frequency, mark the other use as rare.
                table[name] = NameInfo(known.first or int(first != "0"),
                                       known.last or int(last != "0"), False)
    return table


_FOLD = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ø": "o", "ß": "ss", "đ": "d",
                       "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "’": "'"})


def fold(word: str) -> str:
    """Plain lower case without accents, as the gazetteer files are written ("Özil" -> "ozil")."""
    low = word.lower()
    if low.isascii():
        return low
    low = low.translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))


def lookup(word: str) -> NameInfo | None:
    """The gazetteer entry for ``word`` (any case), or None when it is no known name."""
    return _table().get(fold(word))


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
def first_names_not_words() -> frozenset[str]:
    """Every listed first name that is no English word ("ngozi", "lakshmi"; not "rose")."""
    return frozenset(name for name, info in _table().items()
                     if info.is_first and not is_word(name))


@lru_cache(maxsize=1)
def common_first_names() -> frozenset[str]:
    """First names at 30 per million or more that are not also words ("maria", "delphine")."""
    return frozenset(name for name, info in _table().items()
                     if info.is_first and info.first >= 30)
