"""The real knowledge base: enough reviewed cards, and none copying the seed article.

Cards may carry facts from the source article over, never its sentences: no run of
eight consecutive (normalised) words from the article may appear in any card file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from companion.cards import Card, load_cards
from companion.taxonomy import topic_ids

ROOT = Path(__file__).resolve().parent.parent
CARDS_DIR = ROOT / "knowledge" / "cards"
SOURCE = ROOT.parent / "shared" / "sources" / "mentorship-in-medicine.txt"
SEED_TITLE = "Significance of Mentorship in Medicine to Reduce Burnout Among Residents"
RUN = 8


def words(text: str) -> list[str]:
    """Lower-case word tokens; apostrophes dropped so "mentor's" == "mentors"."""
    text = text.lower().replace("\u2019", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def runs(tokens: list[str], n: int = RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def copied_runs(text: str, source_runs: set[tuple[str, ...]]) -> list[str]:
    """Every 8-word run of ``text`` that also occurs in the source."""
    tokens = words(text)
    return [" ".join(tokens[i:i + RUN]) for i in range(len(tokens) - RUN + 1)
            if tuple(tokens[i:i + RUN]) in source_runs]


@pytest.fixture(scope="module")
def source_runs() -> set[tuple[str, ...]]:
    if not SOURCE.is_file():
        pytest.skip(f"source article not found at {SOURCE}")
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    # The first line is the article's title; citing it by name in `sources` is required.
    assert words(lines[0]) == words(SEED_TITLE)
    return runs(words("\n".join(lines[1:])))


@pytest.fixture(scope="module")
def cards() -> list[Card]:
    mp = pytest.MonkeyPatch()
    mp.delenv("COMPANION_KNOWLEDGE", raising=False)
    try:
        return load_cards(CARDS_DIR)
    finally:
        mp.undo()


def test_at_least_150_cards(cards):
    assert len(cards) >= 150


def test_every_topic_has_at_least_six_cards(cards):
    counts = Counter(card.topic for card in cards)
    thin = {topic: counts[topic] for topic in topic_ids() if counts[topic] < 6}
    assert thin == {}


def test_at_least_25_cards_for_mentors(cards):
    assert sum(card.audience == "mentor" for card in cards) >= 25


def test_every_card_names_a_source(cards):
    unsourced = [card.id for card in cards if not any(s.strip() for s in card.sources)]
    assert unsourced == []


def test_seed_article_is_cited_by_its_exact_name(cards):
    variants = {s for card in cards for s in card.sources
                if "significance of mentorship" in s.lower() and s != SEED_TITLE}
    assert variants == set()


def test_file_name_is_the_card_id(cards):
    mismatched = [card.path.name for card in cards if card.path.name != f"{card.id}.md"]
    assert mismatched == []


def test_copy_detector_finds_a_planted_sentence(source_runs):
    planted = ("Good advice here. Mentors often share their own experiences, knowledge, "
               "and wisdom with the mentee, and more.")
    assert copied_runs(planted, source_runs) != []
    assert copied_runs("Mentors pass on what they have lived through.", source_runs) == []


def test_no_card_copies_eight_words_from_the_source(source_runs):
    copies = {}
    for path in sorted(CARDS_DIR.glob("*.md")):
        found = copied_runs(path.read_text(encoding="utf-8"), source_runs)
        if found:
            copies[path.name] = found[:3]
    assert copies == {}


def test_cards_for_topic_filters_audience_and_puts_primary_topic_first():
    from companion.cards import cards_for_topic

    cards = cards_for_topic("burnout", "mentor")
    assert cards and all(c.audience in {"mentor", "both"} for c in cards)
    residents = cards_for_topic("burnout", "resident")
    assert residents and all(c.audience in {"resident", "both"} for c in residents)
    assert all("burnout" in c.all_topics for c in cards)
    primary = [c.topic == "burnout" for c in cards]
    assert primary == sorted(primary, reverse=True)  # every primary card before secondaries
