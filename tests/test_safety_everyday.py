"""Ordinary replies inside a reflection must never look like a crisis, and indirect
wishes to be out of life must. (Found by playing whole sessions through the engine.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.safety import screen
from companion.safety.evaluation import evaluate_safety

EVERYDAY = Path(__file__).parent / "data" / "safety_everyday.jsonl"


def test_everyday_conversation_raises_no_false_alarm():
    report = evaluate_safety(EVERYDAY)
    assert report["n"] >= 60
    assert report["false_alarms"] == []


@pytest.mark.parametrize("text", [
    "I want out. Not out of residency. Out of everything.",
    "Nobody would even notice if I didn't show up to sign-out ever again.",
    "Nobody would miss me if I was gone.",
    "Some nights I think I might as well end it all.",
])
def test_indirect_wishes_to_leave_life_are_crisis(text):
    assert screen(text).level == "crisis"


@pytest.mark.parametrize("text", [
    "Nobody would notice if I skipped the conference.",
    "Nobody would notice if I didn't show up to the lecture.",
    "I want out of this rotation.",
    "We might as well make it official and sign the lease.",
    "I keep thinking I'm not cut out for this.",
])
def test_similar_everyday_sentences_are_not_crisis(text):
    assert screen(text).level != "crisis"


def test_indirect_and_varied_crisis_statements_written_for_regression():
    """Four batches of statements written after the first rules, kept as regressions.

    Each batch was first scored untouched (recall 0.58, 0.60, 0.90, 0.70) before the
    rule families it exposed were added, so they are no longer unseen data.
    """
    report = evaluate_safety(Path(__file__).parent / "data" / "safety_regression.jsonl")
    assert report["misses_with_check"] == []
    assert report["false_alarms"] == []
