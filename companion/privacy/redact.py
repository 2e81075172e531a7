"""Replace identifier spans with their tags ("[PATIENT] in [ROOM], MRN [MRN]").

The app lets the resident keep some spans and redact others, so ``redact``
accepts any subset of ``scan``'s spans; spans from a different text are refused
rather than silently corrupting the message.
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.privacy.scanner import scan
from companion.privacy.spans import Span


class SpanMismatchError(ValueError):
    """A span does not describe the text it is applied to."""


def redact(text: str, spans: Iterable[Span] | None = None) -> str:
    """Return ``text`` with each span replaced by its tag.

    Args:
        text: the message as the resident typed it.
        spans: the spans to redact; ``None`` means "everything ``scan`` finds".
            Overlapping spans are merged (the longer one's tag is used).

    Raises:
        SpanMismatchError: a span lies outside ``text`` or its ``text`` differs.
    """
    chosen = scan(text) if spans is None else list(spans)
    for span in chosen:
        if span.end > len(text) or text[span.start:span.end] != span.text:
            raise SpanMismatchError(
                f"span [{span.start}:{span.end}] {span.kind} {span.text!r} does not match the "
                f"text at that position ({text[span.start:span.end]!r}); scan this text again"
            )
    pieces: list[str] = []
    cursor = 0
    for start, end, tag in _merged(chosen):
        pieces.append(text[cursor:start])
        pieces.append(tag)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _merged(spans: list[Span]) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping (start, end, tag); an overlap takes the longest span's tag."""
    out: list[tuple[int, int, str, int]] = []  # start, end, tag, length of the tag's span
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        length = span.end - span.start
        if out and span.start < out[-1][1]:
            start, end, tag, best = out[-1]
            if length > best:
                tag, best = span.tag, length
            out[-1] = (start, max(end, span.end), tag, best)
        else:
            out.append((span.start, span.end, span.tag, length))
    return [(start, end, tag) for start, end, tag, _ in out]
