"""Which advice cards a guided flow shows: its own first, then retrieved ones that fit.

The flow data declares what each step (``topics``, ``cards``) and each branch may draw
on; the engine honours it in every flow. A scripted retriever over the real cards
returns deliberately tempting hits (high scores, off the branch or off the step's
topics) so each test can see what is kept out.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_dialogue_behaviour import Feelings, KeywordTopics, Screener

from companion.cards import load_cards
from companion.dialogue.reply_parts import GUIDED_FLOOR
from companion.retrieval.retriever import Hit

ADVERSE = Path(__file__).resolve().parents[1] / "knowledge" / "flows" / "after-adverse-event.yaml"

BRANCH_CARDS = {  # what each branch of the adverse-event flow lists as fitting it
    "died": {"emotional-support-patient-death", "emotional-support-second-victim-support",
             "knowledge-transfer-preparing-for-m-and-m",
             "emotional-support-the-days-after-an-adverse-event"},
    "near_miss": {"knowledge-transfer-reporting-a-safety-event",
                  "emotional-support-second-victim-support",
                  "knowledge-transfer-preparing-for-m-and-m",
                  "emotional-support-the-days-after-an-adverse-event"},
    "harm": {"emotional-support-after-a-mistake", "knowledge-transfer-reporting-a-safety-event",
             "skill-development-disclosure-after-an-error",
             "emotional-support-second-victim-support",
             "knowledge-transfer-preparing-for-m-and-m",
             "emotional-support-the-days-after-an-adverse-event"},
}
# Tempting hits: about something else (conflict, nights, leadership) yet each names
# emotional support among its topics, so only the flow's declarations keep them out.
OFF_BRANCH = ["conflict-resolution-angry-family-and-unsupported",
              "motivation-confidence-before-a-hard-day", "leadership-leading-through-a-hard-day"]


class ScriptedRetriever:
    """The real cards; every search returns ``hits`` (card id, score), best first."""

    topic_model = None

    def __init__(self, hits=(), extra=()):
        self.cards = {card.id: card for card in [*load_cards(), *extra]}
        self.hits = list(hits)
        self.audiences: list[str | None] = []

    def search(self, conversation, k=5, topic=None, audience=None, **kwargs):
        self.audiences.append(audience)
        return [Hit(card=self.cards[cid], score=score, text=self.cards[cid].body)
                for cid, score in self.hits][:k]

    def card(self, card_id):
        return self.cards[card_id]


def make_engine(retriever, flows=None):
    from companion.dialogue.engine import Engine
    from companion.retrieval.embedding import HashingEmbedder

    engine = Engine(retriever=retriever, embedder=HashingEmbedder(128), screener=Screener(),
                    flows=flows)
    engine.understanding.feelings = Feelings()
    engine.sentence_topics = KeywordTopics()
    return engine


def play(engine, flow_id, texts):
    start = engine.start(flow_id)
    shown: list[dict] = []
    for text in texts:
        result = engine.turn(start.session_id, text)
        shown += result.cards
        if result.state == "closed":
            break
    return shown


# Each branch in the resident's own words, then the same answers to the practical
# questions; the retriever pushes emotional-support first, then the off-branch cards.
BRANCH_OPENINGS = {
    "died": "Mrs K died on my shift last night, I was the one who called it.",
    "near_miss": "Near miss: the nurse caught the potassium rate I wrote before it ran.",
    "harm": "I missed the rising lactate and she went to the unit intubated.",
}
ANSWERS = ["Yes, my senior knows and she is settled now.", "Not yet, I don't know how.",
           "Not yet.", "Shaky and sad, I keep replaying it.", "I don't know if we have one.",
           "What I should have noticed earlier.", "My sister, and a long shower.", "Thanks."]


@pytest.mark.parametrize("event", sorted(BRANCH_OPENINGS))
def test_each_adverse_event_branch_shows_its_own_cards_and_no_unrelated_ones(event):
    hits = [("emotional-support-when-a-colleague-dies-by-suicide", GUIDED_FLOOR - 0.05),
            *[(cid, 0.95) for cid in OFF_BRANCH]]
    engine = make_engine(ScriptedRetriever(hits))
    shown = [c["id"] for c in play(engine, "after-adverse-event",
                                   [BRANCH_OPENINGS[event], *ANSWERS])]
    assert shown, "the branch shows cards"
    assert set(shown) <= BRANCH_CARDS[event], set(shown) - BRANCH_CARDS[event]
    assert "emotional-support-second-victim-support" in shown
    assert len(shown) == len(set(shown))


def test_a_death_is_not_met_with_cards_that_assume_an_error():
    engine = make_engine(ScriptedRetriever())
    shown = [c["id"] for c in play(engine, "after-adverse-event",
                                   [BRANCH_OPENINGS["died"], *ANSWERS])]
    assert shown[0] == "emotional-support-patient-death"
    assert "skill-development-disclosure-after-an-error" not in shown
    assert "emotional-support-after-a-mistake" not in shown


def test_a_retrieved_card_on_the_branch_topic_above_the_floor_is_shown_after_the_own_card():
    engine = make_engine(ScriptedRetriever([("emotional-support-tears-and-hard-days", 0.9)]))
    start = engine.start("after-adverse-event")
    result = engine.turn(start.session_id, BRANCH_OPENINGS["died"])
    assert [c["id"] for c in result.cards] == ["emotional-support-patient-death",
                                               "emotional-support-tears-and-hard-days"]


TINY_FLOW = """\
id: tiny
title: Tiny flow
description: A guided flow whose one question draws on conflict only.
topics: [feedback-evaluation]
start: talk
steps:
  talk:
    ask: "What happened with your attending?"
    topics: [conflict-resolution]
    next: talk2
  talk2:
    ask: "And then?"
    topics: [conflict-resolution]
    next: done
  done:
    kind: closing
    say: "Thank you."
"""

OPEN_FLOW = TINY_FLOW.replace("topics: [feedback-evaluation]\n", "").replace(
    "    topics: [conflict-resolution]\n", "").replace("id: tiny", "id: open")


@pytest.fixture
def tiny_flows(tmp_path):
    from companion.dialogue.flows import load_flow

    (tmp_path / "tiny.yaml").write_text(TINY_FLOW, encoding="utf-8")
    (tmp_path / "open.yaml").write_text(OPEN_FLOW, encoding="utf-8")
    return {f.id: f for f in (load_flow(tmp_path / "tiny.yaml"), load_flow(tmp_path / "open.yaml"))}


# Every card here names conflict-resolution among its topics; only the first is about it.
CONFLICT_HITS = [
    ("conflict-resolution-difficult-pharmacist-or-consultant", 0.9),
    ("work-life-balance-protecting-days-off", 0.95),  # conflict secondary, main topic off-step
    ("conflict-resolution-angry-family-and-unsupported", GUIDED_FLOOR - 0.02),  # weak
]


def test_a_flow_steps_topics_restrict_retrieved_cards(tiny_flows):
    retriever = ScriptedRetriever(CONFLICT_HITS)
    engine = make_engine(retriever, tiny_flows)
    shown = [c["id"] for c in play(engine, "tiny", ["The attending and I clashed again.",
                                                    "Still the same conflict, honestly."])]
    assert shown == ["conflict-resolution-difficult-pharmacist-or-consultant"]
    assert set(retriever.audiences) == {"resident"}


def test_an_open_flow_has_no_topic_restriction_and_only_the_retriever_floor(tiny_flows):
    engine = make_engine(ScriptedRetriever(CONFLICT_HITS), tiny_flows)
    shown = [c["id"] for c in play(engine, "open", ["The attending and I clashed again.",
                                                    "Still the same conflict, honestly."])]
    assert shown == [cid for cid, _ in CONFLICT_HITS]


def test_a_session_never_shows_two_cards_with_the_same_title_nor_a_mentor_card(tiny_flows):
    cards = {card.id: card for card in load_cards()}
    original = cards["conflict-resolution-difficult-pharmacist-or-consultant"]
    twin = dataclasses.replace(original, id="conflict-resolution-a-twin")
    mentor = next(c for c in cards.values() if c.audience == "mentor"
                  and c.topic == "conflict-resolution")
    retriever = ScriptedRetriever([(twin.id, 0.99), (mentor.id, 0.98), (original.id, 0.9),
                                   ("conflict-resolution-angry-family-and-unsupported", 0.8)],
                                  extra=[twin])
    engine = make_engine(retriever, tiny_flows)
    shown = play(engine, "open", ["The attending and I clashed again.",
                                  "Still the same conflict, honestly."])
    titles = [c["title"] for c in shown]
    assert titles.count(original.title) == 1
    assert mentor.id not in [c["id"] for c in shown]
    assert len(titles) == len(set(titles))


def test_kb_check_names_flow_cards_that_are_unknown_or_for_mentors(tmp_path):
    from companion.dialogue.flows import card_problems, load_flow, load_flows

    cards = load_cards()
    mentor = next(c for c in cards if c.audience == "mentor")
    text = TINY_FLOW.replace('    next: talk2\n', f'    cards: [no-such-card, {mentor.id}]\n'
                             '    next: talk2\n')
    (tmp_path / "tiny.yaml").write_text(text, encoding="utf-8")
    problems = card_problems({"tiny": load_flow(tmp_path / "tiny.yaml")}, cards)
    assert problems == [
        "tiny.yaml: step 'talk' field 'cards': unknown card 'no-such-card'",
        f"tiny.yaml: step 'talk' field 'cards': card '{mentor.id}' is for mentors; "
        "residents are never shown it"]
    assert card_problems(load_flows(), cards) == [], "the shipped flows name real cards"
