"""Noticing when a resident circles the same distress turn after turn.

When the last few messages are all distressed and say much the same thing, the
companion stops asking for more and offers one concrete next step instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DISTRESS = {"exhausted", "frustrated", "anxious", "sad"}
WINDOW = 3
SAME_THEME_SIMILARITY = 0.45


def is_ruminating(feelings: Sequence[str], topics: Sequence[str | None],
                  vectors: np.ndarray | None = None) -> bool:
    """True when the last WINDOW turns are distressed and about one theme.

    Args:
        feelings: the feeling of each resident turn, oldest first.
        topics: the main topic of each resident turn, oldest first.
        vectors: optional unit embeddings of those turns; high mutual similarity
            also counts as "the same theme" when the topic label wobbles.
    """
    if len(feelings) < WINDOW:
        return False
    recent_feelings = feelings[-WINDOW:]
    if not all(feeling in DISTRESS for feeling in recent_feelings):
        return False
    recent_topics = [t for t in topics[-WINDOW:] if t]
    if len(recent_topics) == WINDOW and len(set(recent_topics)) == 1:
        return True
    if vectors is not None and len(vectors) >= WINDOW:
        recent = vectors[-WINDOW:]
        similarity = recent @ recent.T
        pairs = similarity[np.triu_indices(WINDOW, k=1)]
        return bool(pairs.min() >= SAME_THEME_SIMILARITY)
    return False
