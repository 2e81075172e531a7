"""Hybrid ranking on hand-made cases: rare words, diversity, recency, filters, fusion maths."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from retrieval_support import make_card, sample_cards

from companion.retrieval.embedding import HashingEmbedder
from companion.retrieval.fusion import diversify, fuse, recency_weights
from companion.retrieval.lexical import tokenize
from companion.retrieval.retriever import Retriever


class AbbreviationBlindEmbedder(HashingEmbedder):
    """Like a general sentence model, it does not see short shorthand such as "M&M"."""

    def encode(self, texts):
        return super().encode([re.sub(r"\b\w+&\w+\b|\b[A-Z]{2,4}\b", " ", t) for t in texts])


def _retriever(tmp_path, cards=None, embedder=None) -> Retriever:
    return Retriever.open(cards=cards or sample_cards(), embedder=embedder or HashingEmbedder(),
                          index_dir=tmp_path / "index")


def test_tokenizer_keeps_clinical_shorthand():
    tokens = tokenize("Dreading M&M and sign-out as a PGY-2; my PD wants an IDP.")
    for token in ("m&m", "sign-out", "pgy-2", "pd", "idp"):
        assert token in tokens
    assert {"sign", "program", "director", "morbidity", "mortality"} <= set(tokens)
    assert "and" not in tokens and "my" not in tokens
    assert tokenize("nights") == tokenize("night")
    assert tokenize("sign\u2011out") == tokenize("sign-out")  # non-breaking hyphen


def test_rare_shorthand_found_by_bm25_when_dense_misses_it(tmp_path):
    retriever = _retriever(tmp_path, embedder=AbbreviationBlindEmbedder())
    query = "dreading M&M on Friday"
    dense = [h.card.id for h in retriever.search(query, k=3, mode="dense")]
    assert dense[0] != "mm-presenting"  # the dense signal alone misses it
    assert retriever.search(query, k=1, mode="bm25")[0].card.id == "mm-presenting"
    assert retriever.search(query, k=1)[0].card.id == "mm-presenting"


def test_pd_abbreviation_matches_program_director_text(tmp_path):
    cards = sample_cards() + [make_card(
        "director-meeting", "Meeting your program director", "career-planning",
        "Before meeting the program director, write down two questions about rotations.")]
    retriever = _retriever(tmp_path, cards=cards, embedder=AbbreviationBlindEmbedder())
    ids = [h.card.id for h in retriever.search("meeting with my PD", k=2, mode="bm25")]
    assert ids[0] == "director-meeting"


def test_near_copies_do_not_fill_the_top_results(tmp_path):
    base = sample_cards()[0]
    copies = [dataclasses.replace(base, id=f"nights-copy-{i}",
                                  title=f"{base.title} ({i})") for i in range(3)]
    retriever = _retriever(tmp_path, cards=sample_cards() + copies)
    query = "exhausted after a run of night shifts, charting until two"
    dense = [h.card.id for h in retriever.search(query, k=4, mode="dense")]
    hybrid = [h.card.id for h in retriever.search(query, k=4)]
    nightly = {"nights-recovery", *(c.id for c in copies)}
    assert len(nightly & set(dense[:4])) == 4  # without diversification: four near-copies
    assert hybrid[0] in nightly
    assert len(nightly & set(hybrid)) == 1
    assert len(set(hybrid)) == 4


def test_a_long_card_appears_once_with_its_best_passage(tmp_path):
    long_body = " ".join(
        [f"General advice sentence {i} about keeping a steady routine." for i in range(30)]
        + ["When a presentation at grand rounds looms, rehearse it twice aloud."]
        + [f"More general advice {i} about routines and calendars." for i in range(12)])
    cards = sample_cards() + [make_card("long-card", "Routines", "work-life-balance",
                                        long_body)]
    retriever = _retriever(tmp_path, cards=cards)
    hits = retriever.search("rehearse presentation grand rounds", k=5)
    ids = [h.card.id for h in hits]
    assert ids.count("long-card") == 1
    assert "grand rounds" in hits[ids.index("long-card")].text


def test_recent_turns_weigh_more_but_older_ones_still_count(tmp_path):
    retriever = _retriever(tmp_path)
    tired = "I feel exhausted after so many night shifts and no sleep"
    mentor = "my mentor stopped replying to my emails"
    assert retriever.search([tired, mentor], k=1)[0].card.id == "mentor-silence"
    assert retriever.search([mentor, tired], k=1)[0].card.id == "nights-recovery"
    # an uninformative last turn leaves the earlier topic in charge
    assert retriever.search([mentor, "what should I do now?"], k=1)[0].card.id == \
        "mentor-silence"
    assert retriever.search([mentor, tired], k=1)[0].card.id != \
        retriever.search([mentor], k=1)[0].card.id


def test_topic_and_audience_filters(tmp_path):
    retriever = _retriever(tmp_path)
    hits = retriever.search("tired and snapped at a nurse", k=5, topic="burnout")
    assert {h.card.id for h in hits} == {"nights-recovery", "after-snapping"}
    mentors = retriever.search("feedback and emails", k=8, audience="mentor")
    assert {h.card.audience for h in mentors} <= {"mentor", "both"}
    assert {h.card.id for h in mentors} == {"hard-feedback", "mentor-silence"}


def test_hit_dict_and_edge_cases(tmp_path):
    retriever = _retriever(tmp_path)
    hit = retriever.search("present at M&M", k=1)[0]
    assert hit.to_dict() == {
        "id": "mm-presenting", "title": "Presenting your case at M&M",
        "now": "Right now, try one step about presenting your case at m&m.",
        "topic": "emotional-support", "topics": ["emotional-support"],
        "score": round(hit.score, 4), "sources": ["Test source for mm-presenting"],
        "text": hit.text,
    }
    assert hit.text.startswith("Being asked to present at M&M")
    assert retriever.search("   ", k=3) == []
    assert retriever.search([], k=3) == []
    assert len(retriever.search("mentor", k=50)) == len(retriever.cards)
    assert retriever.card("writing-idp").title == "Writing your individual development plan"
    with pytest.raises(KeyError, match="no-such-card"):
        retriever.card("no-such-card")
    with pytest.raises(ValueError, match="unknown search mode"):
        retriever.search("x", mode="magic")


def test_fusion_and_diversify_arithmetic():
    assert recency_weights(3) == [0.25, 0.5, 1.0]
    dense = np.array([0.5, 0.4, 0.3])
    lexical = np.array([0.0, 10.0, 5.0])
    assert np.allclose(fuse(dense, lexical, "convex", alpha=0.3), [0.5, 0.7, 0.45])
    rrf = fuse(dense, lexical, "rrf", alpha=0.5, rrf_k=60)
    assert np.allclose(rrf, [1 / 61, 1 / 62 + 1 / 61, 1 / 63 + 1 / 62])
    vectors = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    assert diversify(np.array([1.0, 0.9, 0.1]), vectors, 2) == [0, 2]
    assert diversify(np.array([1.0, 0.9, 0.1]), vectors, 3) == [0, 2, 1]
    with pytest.raises(ValueError):
        fuse(dense, lexical, "average")


def test_a_resident_never_sees_a_mentor_card(tmp_path):
    from companion.cards import visible_to

    retriever = _retriever(tmp_path)
    query = "my mentor stopped replying to my emails"
    assert retriever.search(query, k=1)[0].card.id == "mentor-silence"  # mentor audience
    shown = retriever.search(query, k=8, audience="resident")
    assert shown and "mentor-silence" not in {h.card.id for h in shown}
    assert {h.card.audience for h in shown} <= {"resident", "both"}
    card = {c.id: c for c in sample_cards()}
    assert visible_to(card["hard-feedback"], "resident") and visible_to(card["hard-feedback"],
                                                                        "mentor")
    assert not visible_to(card["mentor-silence"], "resident")
    assert not visible_to(card["writing-idp"], "mentor")


def test_cards_below_the_relevance_floor_are_not_shown(tmp_path):
    from companion.retrieval.retriever import RankingConfig

    plain = _retriever(tmp_path)
    query = "present at M&M about the complication"
    everything = plain.search(query, k=8, floor=False)
    assert len(everything) > 2
    floor = (everything[0].score + everything[1].score) / 2  # between the best and the rest
    strict = Retriever.open(cards=sample_cards(), embedder=HashingEmbedder(),
                            index_dir=tmp_path / "index",
                            config=RankingConfig(relevance_floor=floor))
    hits = strict.search(query, k=8)
    assert [h.card.id for h in hits] == [everything[0].card.id]  # one strong beats weak ones
    assert all(h.score >= floor for h in hits)
    assert strict.search("zebra quantum violin", k=3) == []
    assert len(strict.search(query, k=8, floor=False)) == len(everything)  # evaluation view
    assert plain.relevance_floor == 0.0  # measured for the bundled model only
    bundled = HashingEmbedder()
    bundled.name = "all-MiniLM-L6-v2"
    assert Retriever.open(cards=sample_cards(), embedder=bundled,
                          index_dir=tmp_path / "other").relevance_floor == 0.6
