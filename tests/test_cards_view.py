"""The card view shows the "right now" line first and every source of a card, in order.

A program director checks a card against its citations, so the screen must list them all.
"""

from __future__ import annotations

from companion.cards import load_cards
from companion.tui.screens.card import card_markdown, card_view


def sources_section(markdown: str) -> list[str]:
    section = markdown.split("## Sources\n", 1)[1].split("\n\n", 1)[0]
    return [line.removeprefix("- ") for line in section.splitlines()]


def test_every_source_of_a_real_card_is_shown_in_order():
    cards = [card for card in load_cards() if len(card.sources) >= 3]
    assert cards, "the knowledge base has cards with three or more sources"
    for card in cards:
        assert sources_section(card_markdown(card_view(card))) == list(card.sources)


def test_a_card_with_one_source_still_shows_it():
    card = next(card for card in load_cards() if len(card.sources) == 1)
    assert sources_section(card_markdown(card_view(card))) == [card.sources[0]]


def test_the_right_now_line_comes_first_after_the_title():
    for card in load_cards():
        assert card.now, card.id  # required: kb check fails on a card without one
        view = card_markdown(card_view(card))
        assert view.startswith(f"# {card.title}\n\n**Right now:** {card.now}\n\n{card.body}")
