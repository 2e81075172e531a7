"""Run every recogniser over a text and resolve overlapping candidates into spans.

Resolution, in two steps:
1. candidates of the same kind that overlap are merged into their union
   ("Mrs. Maria" from the title rule + "Maria Lopez" from "... was admitted"
   become "Mrs. Maria Lopez"), keeping the highest score;
2. across kinds, the highest score wins, then the longest span, then the
   earliest; a losing candidate that overlaps a winner is dropped, so the spans
   returned never overlap ("MRN 447-18-2345" is an MRN, not also an SSN).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from companion.privacy.addresses import ADDRESS_RECOGNIZERS
from companion.privacy.names import NAME_RECOGNIZERS
from companion.privacy.patterns import RECOGNIZERS
from companion.privacy.recognizer import Recognizer
from companion.privacy.spans import Span

log = logging.getLogger(__name__)

ALL_RECOGNIZERS: tuple[Recognizer, ...] = RECOGNIZERS + ADDRESS_RECOGNIZERS + NAME_RECOGNIZERS


def scan(text: str, recognizers: Iterable[Recognizer] = ALL_RECOGNIZERS) -> list[Span]:
    """Find patient identifiers in ``text``.

    Returns:
        Non-overlapping spans sorted by position; ``span.text == text[span.start:span.end]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"scan() expects text as str, got {type(text).__name__}")
    if not text.strip():
        return []
    candidates = [span for recognizer in recognizers for span in recognizer.find(text)]
    spans = resolve_overlaps(merge_same_kind(candidates, text))
    if spans:
        log.debug("privacy scan: %d span(s): %s", len(spans), [s.kind for s in spans])
    return spans


def merge_same_kind(spans: Iterable[Span], text: str) -> list[Span]:
    """Union overlapping (or touching-inside-a-word) spans of one kind."""
    by_kind: dict[str, list[Span]] = {}
    for span in spans:
        by_kind.setdefault(span.kind, []).append(span)
    merged: list[Span] = []
    for kind, group in by_kind.items():
        group.sort(key=lambda s: (s.start, -s.end))
        current = group[0]
        for span in group[1:]:
            if span.start < current.end:
                start, end = current.start, max(current.end, span.end)
                best = current if current.score >= span.score else span
                current = Span(start, end, kind, text[start:end], score=best.score,
                               source=best.source)
            else:
                merged.append(current)
                current = span
        merged.append(current)
    return merged


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep the best of overlapping spans: higher score, then longer, then earlier."""
    ranked = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in ranked:
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def has_identifiers(text: str) -> bool:
    """True when ``scan(text)`` finds at least one identifier."""
    return bool(scan(text))
