"""Split a resident's message into sentences and clauses.

Crisis statements are often one sentence inside an otherwise ordinary reflection,
so the screen looks at every sentence on its own; negation is scoped to a clause
("I'm not going to act on it, but I'd welcome dying" negates only the first part).
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|(?<=\w)\s*;\s*")
_CLAUSE_BREAK = re.compile(r",|;|:|\s[-\u2013\u2014]+\s|\bbut\b|\bthough\b|\balthough\b|\byet\b")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, straight quotes, single spaces: what every pattern matches against."""
    text = (text.replace("\u2019", "'").replace("\u2018", "'")
            .replace("\u201c", '"').replace("\u201d", '"'))
    return _SPACE.sub(" ", text.lower()).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a message, stripped, non-empty, original casing kept."""
    parts = [part.strip() for part in _SENTENCE_END.split(text or "")]
    return [part for part in parts if part and re.search(r"\w", part)]


def clause_start(sentence: str, position: int) -> int:
    """Index where the clause holding ``position`` starts (after the last break before it)."""
    start = 0
    for match in _CLAUSE_BREAK.finditer(sentence, 0, position):
        start = match.end()
    return start
