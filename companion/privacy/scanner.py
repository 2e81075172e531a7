"""Run every recogniser over a text and resolve overlapping candidates into spans.

The text is normalised first (``companion.textnorm.normalise_with_map``: zero-width
characters, look-alike letters, fullwidth digits) so "MRN 447\\u200b1823" is still
an MRN; every span is mapped back to the original text, so redaction removes
exactly what the resident typed, hidden characters included.

Resolution, in two steps:
1. candidates of the same kind that overlap are merged into their union
   ("Mrs. Maria" from the title rule + "Maria Lopez" from "... was admitted"
   become "Mrs. Maria Lopez"), keeping the highest score;
2. across kinds, the highest score wins, then the longest span, then the
   earliest; a losing candidate that overlaps a winner is dropped, so the spans
   returned never overlap ("MRN 447-18-2345" is an MRN, not also an SSN).

Both steps are linear in the number of candidates and their lengths (a sort,
then one sweep, and an occupancy array instead of comparing every pair), so a
long journal entry costs what its length says.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

from companion.privacy.addresses import ADDRESS_RECOGNIZERS
from companion.privacy.dates import DATE_RECOGNIZERS
from companion.privacy.machine_ids import MACHINE_RECOGNIZERS
from companion.privacy.names import NAME_RECOGNIZERS
from companion.privacy.patterns import RECOGNIZERS
from companion.privacy.people import find_names
from companion.privacy.recognizer import Recognizer, ScanWork
from companion.privacy.spans import Span

log = logging.getLogger(__name__)

ALL_RECOGNIZERS: tuple[Recognizer, ...] = (
    RECOGNIZERS + DATE_RECOGNIZERS + MACHINE_RECOGNIZERS + ADDRESS_RECOGNIZERS + NAME_RECOGNIZERS
)

_NEEDS_NORMALISING = re.compile(r"[^\n\t\x20-\x7e]|([A-Za-z])\1\1")


def normalised(text: str) -> tuple[str, list[int] | None]:
    """The text the recognisers see and its index map (None when nothing changed)."""
    if not _NEEDS_NORMALISING.search(text):
        return text, None
    from companion.textnorm import normalise_with_map

    norm, mapping = normalise_with_map(text)
    if norm == text:
        return text, None
    return norm, mapping


def scan(text: str, recognizers: Iterable[Recognizer] = ALL_RECOGNIZERS, *,
         colleagues: Iterable[str] = (), names: bool = True,
         work: ScanWork | None = None) -> list[Span]:
    """Find patient identifiers in ``text``.

    Args:
        colleagues: names the resident has said are colleagues, never flagged on their own.
        names: also run the gazetteer names finder (``people.py``).
        work: counts the scanner's steps (for the linearity test).

    Returns:
        Non-overlapping spans sorted by position; ``span.text == text[span.start:span.end]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"scan() expects text as str, got {type(text).__name__}")
    if not text.strip():
        return []
    norm, mapping = normalised(text)
    candidates = [span for recognizer in recognizers for span in recognizer.find(norm, work)]
    if names:
        candidates += find_names(norm, candidates, colleagues, work)
    spans = resolve_overlaps(merge_same_kind(candidates, norm, work), len(norm), work)
    if mapping is not None:
        spans = [_to_original(span, text, mapping) for span in spans]
    if spans:
        log.debug("privacy scan: %d span(s): %s", len(spans), [s.kind for s in spans])
    return spans


def _to_original(span: Span, text: str, mapping: Sequence[int]) -> Span:
    """The span over the original characters its normalised characters came from."""
    start = mapping[span.start]
    end = mapping[span.end - 1] + 1
    return Span(start, end, span.kind, text[start:end], score=span.score, source=span.source)


def merge_same_kind(spans: Iterable[Span], text: str,
                    work: ScanWork | None = None) -> list[Span]:
    """Union overlapping spans of one kind (one sort and one sweep per kind)."""
    by_kind: dict[str, list[Span]] = {}
    for span in spans:
        by_kind.setdefault(span.kind, []).append(span)
    merged: list[Span] = []
    for kind, group in by_kind.items():
        group.sort(key=lambda s: (s.start, -s.end))
        if work is not None:
            work.overlap += len(group)
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


def resolve_overlaps(spans: Iterable[Span], length: int | None = None,
                     work: ScanWork | None = None) -> list[Span]:
    """Keep the best of overlapping spans: higher score, then longer, then earlier.

    Each candidate checks and marks only its own characters in an occupancy
    array, so the cost is the total length of the candidates, not their
    number squared.
    """
    ranked = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start))
    if not ranked:
        return []
    size = length if length is not None else max(s.end for s in ranked)
    taken = bytearray(size)
    kept: list[Span] = []
    for span in ranked:
        if work is not None:
            work.overlap += span.end - span.start
        if taken.find(1, span.start, span.end) < 0:
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def has_identifiers(text: str) -> bool:
    """True when ``scan(text)`` finds at least one identifier."""
    return bool(scan(text))
