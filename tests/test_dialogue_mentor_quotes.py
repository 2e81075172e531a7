"""Which sentence becomes a mentor topic, and under which topic (``suggestions.propose``).

A keyword scorer stands in for the topic model, so each test sets the probability a
sentence gives its topic and checks the operating point: an ask is scored on what it
asks, not its lead; a weak ask needs the turn to agree; a statement needs 0.7; a
one-sentence turn is quoted whole only when the turn is strongly about the topic.
"""

from __future__ import annotations

import numpy as np

from companion.dialogue.suggestions import propose

TOPICS = ["academic-research", "burnout", "finding-a-mentor", "work-life-balance"]


class Scorer:
    """Probability ``p`` for the topic of the first keyword in a sentence, the rest spread."""

    topic_ids = TOPICS

    def __init__(self, keywords: dict[str, tuple[str, float]]):
        self.keywords = keywords
        self.seen: list[str] = []

    def probabilities(self, sentences):
        self.seen += list(sentences)
        out = np.zeros((len(sentences), len(TOPICS)))
        for row, sentence in enumerate(sentences):
            hit = next((v for k, v in self.keywords.items() if k in sentence.lower()), None)
            topic, p = hit or ("burnout", 0.3)
            out[row] = (1 - p) / (len(TOPICS) - 1)
            out[row, TOPICS.index(topic)] = p
        return out


def test_an_ask_is_scored_on_what_it_asks_not_on_its_lead():
    scorer = Scorer({"mentor": ("finding-a-mentor", 0.9), "research": ("academic-research", 0.8)})
    text = "Long week in clinic. I'd ask my mentor whether the research year was worth it."
    [proposal] = propose(text, [("academic-research", 1.0)], scorer, 0.35)
    assert proposal.topic_id == "academic-research" and proposal.kind == "ask"
    assert proposal.sentence == "I'd ask my mentor whether the research year was worth it."
    assert "Whether the research year was worth it?" in scorer.seen


def test_a_weak_ask_needs_the_turn_to_agree():
    scorer = Scorer({"research": ("academic-research", 0.45)})
    text = "I want to know whether the research year is worth doing at all."
    agreeing = propose(text, [("burnout", 1.0), ("academic-research", 0.5)], scorer, 0.35)
    assert [p.topic_id for p in agreeing] == ["academic-research"]
    assert propose(text, [("burnout", 1.0), ("work-life-balance", 0.5)], scorer, 0.35) == []


def test_a_statement_is_quoted_only_when_it_carries_the_topic_clearly():
    text = "The research project stalled again this month. Nobody answers my emails."
    turn = [("academic-research", 1.0)]
    assert propose(text, turn, Scorer({"research": ("academic-research", 0.65)}), 0.35) == []
    [proposal] = propose(text, turn, Scorer({"research": ("academic-research", 0.75)}), 0.35)
    assert proposal.sentence == "The research project stalled again this month."
    assert proposal.kind == "topical"


def test_a_whole_turn_is_quoted_at_a_low_probability_only_when_the_turn_is_strongly_topical():
    text = "the research project stalled again this month"
    scorer = Scorer({"research": ("academic-research", 0.4)})
    assert propose(text, [("academic-research", 1.5)], scorer, 0.35) == []
    [proposal] = propose(text, [("academic-research", 2.2)], scorer, 0.35)
    assert proposal.topic_id == "academic-research"
    # ... and never for a topic the sentence itself does not rank first
    assert propose(text, [("work-life-balance", 2.2)], scorer, 0.35) == []
