"""A Presidio-style pattern recogniser: regex, base score, context words, validator.

A candidate found by ``pattern`` starts at ``score``. If one of ``context``
words occurs near it (``window`` characters either side) the score rises by
``context_boost``. The scanner keeps candidates whose final score reaches
``THRESHOLD``; so a recogniser whose base score is below the threshold fires
*only* in context (e.g. a full calendar date only near "admitted", "died").
A ``validate`` callable can veto a candidate (e.g. a name that is a weekday).

Linear by construction: each recogniser makes one regex pass (patterns use
bounded repetition only), and every look around a candidate reads a bounded
window. ``ScanWork`` counts those steps so a test can check that doubling the
input doubles the work, without timing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from companion.privacy.spans import Span

THRESHOLD = 0.5
"""Minimum final score for a candidate to be reported."""

VALIDATOR_WINDOW = 80
"""How far a validator may look either side of a match (characters), counted as work."""


@dataclass
class ScanWork:
    """Steps the scanner took, so tests can prove the scan is linear in its input."""

    characters: int = 0
    """Characters fed to a regex pass (one pass per recogniser that is triggered)."""
    matches: int = 0
    """Regex matches examined, each with its bounded context and validator windows."""
    context: int = 0
    """Characters read around candidates (context windows, validator windows)."""
    tokens: int = 0
    """Word tokens the name finder looked at."""
    overlap: int = 0
    """Character cells visited while merging and resolving overlapping spans."""

    @property
    def total(self) -> int:
        return self.characters + self.matches + self.context + self.tokens + self.overlap


def words_pattern(words: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """A case-insensitive whole-word alternation, longest words first."""
    ordered = sorted({w for w in words}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Recognizer:
    """One way of finding one kind of identifier."""

    name: str
    kind: str
    pattern: re.Pattern[str]
    score: float
    group: int | str = 0
    """Which regex group is the identifier (the rest of the match is its anchor)."""
    context: re.Pattern[str] | None = None
    context_boost: float = 0.35
    window: int = 60
    validate: Callable[[re.Match[str], str], bool] | None = None
    trigger: re.Pattern[str] | None = None
    """A cheap search that must succeed somewhere in the text before the full pass runs."""

    def find(self, text: str, work: ScanWork | None = None) -> Iterator[Span]:
        if self.trigger is not None and not self.trigger.search(text):
            return
        if work is not None:
            work.characters += len(text)
        for match in self.pattern.finditer(text):
            if work is not None:
                work.matches += 1
            start, end = match.span(self.group)
            if start < 0 or start == end:
                continue
            if self.validate is not None:
                if work is not None:
                    work.context += 2 * VALIDATOR_WINDOW
                if not self.validate(match, text):
                    continue
            score = self.score
            if self.context is not None:
                if work is not None:
                    work.context += 2 * self.window
                if self._has_context(text, start, end):
                    score = min(1.0, score + self.context_boost)
            if score < THRESHOLD:
                continue
            yield Span(start, end, self.kind, text[start:end], score=score, source=self.name)

    def _has_context(self, text: str, start: int, end: int) -> bool:
        assert self.context is not None
        before = text[max(0, start - self.window):start]
        after = text[end:end + self.window]
        return bool(self.context.search(before) or self.context.search(after))
