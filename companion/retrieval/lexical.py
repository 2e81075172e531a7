"""Lexical matching: a tokenizer that respects clinical shorthand, and BM25 over passages.

Dense embeddings blur rare words: "M&M", "sign-out", "PD" or "PGY-2" mean a lot to
a resident and little to a general sentence model. BM25 (the ``bm25s`` library)
gives those exact words their weight back. The tokenizer keeps compounds whole
("m&m", "sign-out", "pgy-2") and also emits their parts, spells out a few
abbreviations, and strips common English endings so "nights" matches "night".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:[&/\-][a-z0-9]+)*")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": " ", "\u2019": "'", "\u2018": "'"})

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing dont down during each even ever
few for from further get got had has have having he her here hers herself him himself his
how i id if im in into is it its itself ive just like me more most my myself no nor not now
of off on once only or other our ours ourselves out over own really same she should so some
such than that thats the their theirs them themselves then there these they this those
through to too under until up us very was we were what when where which while who whom why
will with would you your yours yourself yourselves youre ill lot much one thing things
""".split())

# Shorthand residents write, spelled out on both sides (cards and queries) so either
# form matches the other.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "pd": ("program", "director"),
    "apd": ("associate", "program", "director"),
    "idp": ("individual", "development", "plan"),
    "m&m": ("morbidity", "mortality"),
    "ccc": ("clinical", "competency", "committee"),
    "ite": ("in-training", "exam"),
    "pgy": ("resident", "year"),
    "eval": ("evaluation",),
    "evals": ("evaluation",),
    "urm": ("under-represented",),
    "dei": ("diversity", "equity", "inclusion"),
    "icu": ("intensive", "care"),
}


def stem(word: str) -> str:
    """A deliberately light English stemmer: plurals, -ing, -ed, -ly."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("ly", ""),
                                ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            if suffix == "es" and not word.endswith(("ches", "shes", "sses", "xes")):
                continue
            return word[: len(word) - len(suffix)] + replacement
    return word


def tokenize(text: str) -> list[str]:
    """Lower-case lexical tokens, keeping clinical compounds such as "m&m" and "pgy-2"."""
    text = text.lower().translate(_DASHES).replace("'s ", " ").replace("'", "")
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        if raw in STOPWORDS:
            continue
        tokens.append(stem(raw))
        parts = re.split(r"[&/\-]", raw)
        if len(parts) > 1:
            for part in parts:
                if len(part) > 1 and part not in STOPWORDS and not part.isdigit():
                    tokens.append(stem(part))
        for key in (raw, parts[0]):
            if key in ABBREVIATIONS:
                tokens.extend(ABBREVIATIONS[key])
                break
    return tokens


class LexicalIndex:
    """BM25 scores of every passage for a query; rebuilt in memory in milliseconds."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75):
        import bm25s

        self.count = len(texts)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if texts:
            self._bm25.index([tokenize(text) for text in texts], show_progress=False)

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of each passage (0 when no query word occurs in it)."""
        tokens = tokenize(text)
        if not tokens or self.count == 0:
            return np.zeros(self.count, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def weighted_scores(self, texts: Sequence[str], weights: Sequence[float]) -> np.ndarray:
        """Scores of several conversation turns, summed with the given weights."""
        total = np.zeros(self.count, dtype=np.float32)
        for text, weight in zip(texts, weights, strict=True):
            if weight:
                total += np.float32(weight) * self.scores(text)
        return total
