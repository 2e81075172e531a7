"""Noticing, while it happens, that a resident is circling the same worry.

The third time the same worry comes back in different words (the message is close in
meaning to two earlier distressed ones), the companion stops asking for more of it
and offers one concrete step and a mentor topic instead. Repetition alone never
raises a safety screen: that is the safety screen's job, on each message's content.
Words that name the loop ("I keep replaying it", "can't stop thinking") lower the
bar for "close in meaning", because they say out loud that it is the same worry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

DISTRESS = {"exhausted", "frustrated", "anxious", "sad", "guilty", "overwhelmed", "numb",
            "lonely"}
WINDOW = 3
"""The worry counts as circling on its third appearance."""
SAME_WORRY = 0.5
"""Cosine similarity at which two messages say much the same thing."""
SAME_WORRY_NAMED = 0.35
"""The same, when a message names the loop itself."""
_LOOP = re.compile(r"\b(?:keep (?:thinking|replaying|going over|coming back|checking|"
                   r"rereading|seeing)|can'?t stop (?:thinking|replaying)|on (?:a )?loop|"
                   r"over and over|again and again|round and round|still (?:thinking|stuck) "
                   r"(?:about|on)|spiral\w*|reread|replay\w*)", re.IGNORECASE)


def names_the_loop(text: str) -> bool:
    return bool(_LOOP.search(text))


def is_ruminating(feelings: Sequence[str], vectors: np.ndarray,
                  texts: Sequence[str] = ()) -> bool:
    """True when the latest message is distressed and close to two earlier distressed ones.

    Args:
        feelings: the feeling of each resident turn, oldest first.
        vectors: unit embeddings of the same turns.
        texts: the turns themselves (for words that name the loop), same order.
    """
    if len(feelings) < WINDOW or len(vectors) < WINDOW or feelings[-1] not in DISTRESS:
        return False
    named = bool(texts) and (names_the_loop(texts[-1])
                             or any(names_the_loop(t) for t in texts[:-1]))
    bar = SAME_WORRY_NAMED if named else SAME_WORRY
    similarity = vectors[:-1] @ vectors[-1]
    repeats = [i for i, sim in enumerate(similarity)
               if feelings[i] in DISTRESS and float(sim) >= bar]
    return len(repeats) >= WINDOW - 1
