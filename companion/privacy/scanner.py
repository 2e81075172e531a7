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
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from companion.privacy.addresses import ADDRESS_RECOGNIZERS
from companion.privacy.dates import DATE_RECOGNIZERS
from companion.privacy.machine_ids import MACHINE_RECOGNIZERS
from companion.privacy.names import NAME_RECOGNIZERS
from companion.privacy.patterns import RECOGNIZERS
from companion.privacy.people import find_names
from companion.privacy.recognizer import KeywordIndex, Recognizer, ScanWork
from companion.privacy.spans import Span
from companion.textnorm import DIGIT_DASHES

log = logging.getLogger(__name__)

ALL_RECOGNIZERS: tuple[Recognizer, ...] = (
    RECOGNIZERS + DATE_RECOGNIZERS + MACHINE_RECOGNIZERS + ADDRESS_RECOGNIZERS + NAME_RECOGNIZERS
)

_SUSPECT = re.compile(r"[^\n\t\x20-\x7e]|([^\W\d_])\1\1")
_SPACE = re.compile(r"\s")


@lru_cache(maxsize=4096)
def _plain(char: str) -> bool:
    """Punctuation and symbols normalisation leaves as they are (’ “ • °); dashes are
    not plain, since one between digits becomes "-"."""
    return (unicodedata.category(char)[0] in "PS" and char not in DIGIT_DASHES
            and unicodedata.normalize("NFKC", char) == char
            and unicodedata.normalize("NFKD", char) == char)


def _suspect_chunks(text: str) -> list[tuple[int, int]]:
    """Whitespace-delimited chunks holding something normalisation would change."""
    chunks: list[tuple[int, int]] = []
    for match in _SUSPECT.finditer(text):
        if match.group(1) is None and _plain(match.group()):
            continue
        if chunks and match.start() < chunks[-1][1]:
            continue
        start = match.start()
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        space = _SPACE.search(text, match.end())
        end = space.start() if space else len(text)
        if chunks and start < chunks[-1][1]:
            # The suspect is itself a space (NBSP, thin space) that ended the last
            # chunk: one chunk, or the text between them would be copied twice.
            start = chunks.pop()[0]
        chunks.append((start, end))
    return chunks


def normalised(text: str) -> tuple[str, list[int] | None]:
    """The text the recognisers see and its index map (None when nothing changed).

    Only the whitespace-delimited chunks that hold a character normalisation
    changes (a zero-width space, a look-alike letter, "sooooo") go through
    ``normalise_with_map``; the rest is kept as it is, which gives the same
    result (every normalisation step works within a word) at a fraction of
    the cost for ordinary text.
    """
    chunks = _suspect_chunks(text)
    if not chunks:
        return text, None
    from companion.textnorm import normalise_with_map

    pieces: list[str] = []
    mapping: list[int] = []
    cursor = 0
    for start, end in chunks:
        pieces.append(text[cursor:start])
        mapping.extend(range(cursor, start))
        norm, local = normalise_with_map(text[start:end])
        pieces.append(norm)
        mapping.extend(start + i for i in local)
        cursor = end
    pieces.append(text[cursor:])
    mapping.extend(range(cursor, len(text)))
    result = "".join(pieces)
    if result == text:
        return text, None
    return result, mapping


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
    recognizers = tuple(recognizers)
    index = KeywordIndex(norm, (w for r in recognizers for w in r.keywords), work)
    candidates = [span for recognizer in recognizers
                  for span in recognizer.find(norm, work, index)]
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
