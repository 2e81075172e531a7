"""A Presidio-style pattern recogniser: regex, base score, context words, validator.

A candidate found by ``pattern`` starts at ``score``. If one of ``context``
words occurs near it (``window`` characters either side) the score rises by
``context_boost``. The scanner keeps candidates whose final score reaches
``THRESHOLD``; so a recogniser whose base score is below the threshold fires
*only* in context (e.g. a full calendar date only near "admitted", "died").
A ``validate`` callable can veto a candidate (e.g. a name that is a weekday).

Linear by construction: each recogniser makes at most one regex pass (patterns
use bounded repetition only), and every look around a candidate reads a
bounded window. A recogniser anchored on a label ("MRN", "bed", "pt") declares
its ``keywords``: the scanner indexes the words of the text once
(``KeywordIndex``) and the pattern is only tried where a keyword stands (at the
keyword, or in a bounded window around it), which is what keeps a 2,000
character message within a few milliseconds. ``ScanWork`` counts those steps
so a test can check that doubling the input doubles the work, without timing
anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

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


_WORD = re.compile(r"[A-Za-z]+|\d+")

DIGITS = "<digits>"
"""A keyword standing for the start of every run of digits."""
OLD_AGE = "<old>"
"""A keyword standing for every number from 90 to 120 (an age Safe Harbor removes)."""


class KeywordIndex:
    """Where each keyword of any recogniser occurs in a text (one pass over its words).

    Besides lower-case words, the index knows ``DIGITS`` (every run of digits)
    and ``OLD_AGE`` (every stand-alone number from 90 to 120), so recognisers
    of numbers are tried only where numbers stand.
    """

    def __init__(self, text: str, keywords: Iterable[str], work: ScanWork | None = None):
        wanted = frozenset(keywords)
        self.starts: dict[str, list[int]] = {}
        self.ends: dict[int, int] = {}
        digits = DIGITS in wanted
        for match in _WORD.finditer(text):
            word = match.group()
            start = match.start()
            if word[0].isdigit():
                if not digits:
                    continue
                self.starts.setdefault(DIGITS, []).append(start)
                if len(word) <= 3 and 90 <= int(word) <= 120:
                    self.starts.setdefault(OLD_AGE, []).append(start)
                self.ends[start] = match.end()
                continue
            low = word.lower()
            if low in wanted:
                self.starts.setdefault(low, []).append(start)
                self.ends[start] = match.end()
        if work is not None:
            work.characters += len(text)

    def positions(self, keywords: frozenset[str]) -> list[int]:
        found = [pos for word in keywords & self.starts.keys() for pos in self.starts[word]]
        found.sort()
        return found


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
    trigger: re.Pattern[str] | str | None = None
    """A cheap search (or substring) that must succeed before the full pass runs."""
    keywords: frozenset[str] = field(default_factory=frozenset)
    """Lower-case words the pattern needs; with them it is only tried where they stand."""
    before: int = -1
    """-1: the pattern starts at the keyword. N: it is searched from N characters before it."""
    after: int = 120
    """How far past the keyword a windowed search may reach."""
    anchor: re.Pattern[str] | None = None
    """Instead of keywords: a fast pattern (a literal such as "@") whose matches are the
    keyword positions; the pattern is searched in the window around each."""

    def find(self, text: str, work: ScanWork | None = None,
             index: KeywordIndex | None = None) -> Iterator[Span]:
        if self.trigger is not None:
            if isinstance(self.trigger, str):
                if self.trigger not in text:
                    return
            elif not self.trigger.search(text):
                return
        for match in self._matches(text, work, index):
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

    def _matches(self, text: str, work: ScanWork | None,
                 index: KeywordIndex | None) -> Iterator[re.Match[str]]:
        if self.anchor is not None:
            spots = [(m.start(), m.end()) for m in self.anchor.finditer(text)]
            if work is not None:
                work.characters += len(text)
            yield from self._windows(text, spots, work)
            return
        if not self.keywords:
            if work is not None:
                work.characters += len(text)
            yield from self.pattern.finditer(text)
            return
        if index is None:
            index = KeywordIndex(text, self.keywords, work)
        positions = index.positions(self.keywords)
        if self.before < 0:
            for pos in positions:
                if work is not None:
                    work.characters += self.after
                match = self.pattern.match(text, pos)
                if match is not None:
                    yield match
            return
        yield from self._windows(text, [(pos, index.ends.get(pos, pos)) for pos in positions],
                                 work)

    def _windows(self, text: str, spots: list[tuple[int, int]],
                 work: ScanWork | None) -> Iterator[re.Match[str]]:
        """Matches in the bounded window around each (start, end) spot, each match once."""
        last_end = -1
        for start, end in spots:
            lo = max(0, start - self.before)
            hi = min(len(text), end + self.after)
            if work is not None:
                work.characters += hi - lo
            for match in self.pattern.finditer(text, lo, hi):
                if match.end() > last_end:  # windows overlap: each match once
                    last_end = match.end()
                    yield match

    def _has_context(self, text: str, start: int, end: int) -> bool:
        assert self.context is not None
        before = text[max(0, start - self.window):start]
        after = text[end:end + self.window]
        return bool(self.context.search(before) or self.context.search(after))


def anchored(recognizers: Iterable[Recognizer],
             anchors: dict[str, tuple[str, int] | tuple[str, int, int]],
             triggers: dict[str, re.Pattern[str] | str] | None = None) -> tuple[Recognizer, ...]:
    """The recognisers with their keywords ("word word", before[, after]) and triggers set."""
    from dataclasses import replace

    triggers = triggers or {}
    out = []
    for recognizer in recognizers:
        if recognizer.name in anchors:
            words, before, *after = anchors[recognizer.name]
            recognizer = replace(recognizer, keywords=frozenset(words.split()), before=before,
                                 after=after[0] if after else recognizer.after)
        if recognizer.name in triggers:
            recognizer = replace(recognizer, trigger=triggers[recognizer.name])
        out.append(recognizer)
    return tuple(out)
