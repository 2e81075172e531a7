"""What a resident is shown across a real session: distinct titles, never a mentor card."""

from __future__ import annotations

from collections import Counter

import pytest

from companion.cards import load_cards

TURNS = [
    "I'm trying to decide whether to take a research year before applying to derm.",
    "Also need letters for fellowship, the attending who knows me best is junior faculty.",
    "And should I even be on LinkedIn or twitter as a resident? what's safe to post",
    "Nobody ever puts my name forward for things, how do people get sponsors?",
    "I want an academic mentor to help me with my first project and reading papers.",
    "Back to the research year question, would it really help for derm?",
    "And who should write the letters, the big name or the junior attending?",
]


def test_the_repository_has_no_two_cards_with_one_title():
    titles = Counter(" ".join(c.title.casefold().split()) for c in load_cards(strict=True))
    assert [t for t, n in titles.items() if n > 1] == []


@pytest.mark.slow
def test_a_session_never_shows_two_cards_with_one_title_or_a_mentor_card(real_retriever):
    from companion.dialogue.engine import Engine
    from companion.dialogue.flows import load_flows

    engine = Engine(retriever=real_retriever)
    # free reflection: no flow topics hold retrieval back, so any turn can show cards
    flow_id = "free-reflection"
    assert flow_id in load_flows()
    result = engine.start(flow_id)
    shown: dict[str, str] = {}
    for text in TURNS:
        result = engine.turn(result.session_id, text)
        for card in result.cards:
            shown.setdefault(card["id"], card["title"])
        if result.state != "active":
            break
    assert len(shown) >= 3
    titles = [" ".join(t.casefold().split()) for t in shown.values()]
    assert len(set(titles)) == len(titles), titles
    audience = {card_id: real_retriever.card(card_id).audience for card_id in shown}
    assert "mentor" not in audience.values(), audience
