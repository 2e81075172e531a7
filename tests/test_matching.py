"""Mentor matching on a small roster: ranking, explanations, protected attributes."""

from __future__ import annotations

import json

import pytest

from companion.cli import main
from companion.matching import RosterError, load_roster, rank_mentors
from companion.retrieval.embedding import get_embedder

ROSTER = """name,specialty,interests,capacity,gender,research_focus
Dr. Ada Quinn,Cardiology,clinical trials research methods grant writing,2,woman,heart failure
Dr. Ben Osei,Internal Medicine,wellbeing burnout work-life balance coaching,3,man,physician wellness
Dr. Cara Lind,Hospital Medicine,quality improvement leadership chief residency,1,woman,
Dr. Dan Roy,Cardiology,research methods publishing grant writing,0,man,heart failure
"""


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text(ROSTER)
    return load_roster(path)


def test_research_topics_rank_the_researcher_first_and_explain_why(roster):
    matches = rank_mentors(roster, [("academic-research", "My research and scholarly work")],
                           goals="publish my first paper and write a grant",
                           embedder=get_embedder())
    assert matches[0].mentor.name == "Dr. Ada Quinn"
    assert "grant" in matches[0].words or "publish" in " ".join(matches[0].words)
    assert "fits your topics" in matches[0].explanation() or matches[0].words


def test_no_capacity_goes_last(roster):
    matches = rank_mentors(roster, [("academic-research", "research")], goals="grant writing",
                           embedder=get_embedder())
    assert matches[-1].mentor.name == "Dr. Dan Roy"
    assert "no capacity" in matches[-1].explanation()


def test_protected_attributes_never_count_without_a_stated_preference(roster):
    topics = [("leadership", "Growing as a leader")]
    plain = rank_mentors(roster, topics, embedder=get_embedder())
    assert all(m.preference == "" for m in plain)
    assert all("woman" not in m.profile for m in roster)
    preferred = rank_mentors(roster, topics, preference="I would like a woman mentor",
                             embedder=get_embedder())
    by_name = {m.mentor.name: m for m in preferred}
    assert by_name["Dr. Cara Lind"].preference == "gender: woman"
    assert by_name["Dr. Ben Osei"].preference == ""
    assert by_name["Dr. Cara Lind"].score > {m.mentor.name: m for m in plain}[
        "Dr. Cara Lind"].score


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,specialty\nA,B\n", "missing column"),
        ("name,specialty,interests,capacity\n,Cardio,x,1\n", "row 2: column 'name' is empty"),
        ("name,specialty,interests,capacity\nA,Cardio,x,lots\n", "'capacity' must be a whole"),
        ("", "no mentors"),
    ],
)
def test_bad_rosters_name_the_row_and_column(tmp_path, text, message):
    path = tmp_path / "m.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=message):
        load_roster(path)


def test_cli_match_json(tmp_path, capsys):
    path = tmp_path / "mentors.csv"
    path.write_text(ROSTER)
    assert main(["match", "--mentors", str(path), "--topics", "burnout,work-life-balance",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["mentors"][0]["name"] == "Dr. Ben Osei"
    assert set(data["mentors"][0]) == {"name", "specialty", "score", "capacity", "topics",
                                       "words", "why"}
    assert main(["match", "--mentors", str(path), "--topics", "astrology"]) == 1
