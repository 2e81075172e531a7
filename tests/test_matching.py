"""Mentor matching on a small roster: ranking, explanations, protected attributes."""

from __future__ import annotations

import json
from pathlib import Path

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
        ("", "is empty"),
        ("name,specialty,interests,capacity\n", "no mentors"),
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


# -- rosters as Excel and coordinators really save them (real bytes in tests/data/rosters) --
ROSTERS = Path(__file__).parent / "data" / "rosters"
NAMES = ["Dr. Renée Côté", "Dr. José Peña", "Dr. Zoë Müller"]


@pytest.mark.parametrize(
    ("file", "starts_with"),
    [
        ("excel_cp1252.csv", b"name,specialty"),           # Excel "CSV" on Windows
        ("excel_utf8_bom.csv", b"\xef\xbb\xbfname,"),       # Excel "CSV UTF-8"
        ("excel_unicode_text.txt", b"\xff\xfen\x00a\x00"),  # Excel "Unicode Text": UTF-16 LE, tabs
        ("excel_semicolon.csv", b"name;specialty"),        # Excel with a comma decimal mark
    ],
)
def test_excel_rosters_load_in_every_encoding_and_delimiter(file, starts_with):
    path = ROSTERS / file
    assert path.read_bytes().startswith(starts_with)  # the fixture is what it claims to be
    mentors = load_roster(path)
    assert [m.name for m in mentors] == NAMES
    assert mentors[0].interests == "clinical trials – grant writing"
    assert mentors[1].interests == "wellbeing, burnout and coaching"
    assert mentors[2].interests == "quality improvement; leadership (€ budgets)"
    assert [m.capacity for m in mentors] == [2, 3, 1]
    assert mentors[0].protected == {"gender": "woman"} and mentors[0].extra == {}


def test_a_file_in_no_known_encoding_is_named(tmp_path, capsys):
    path = ROSTERS / "undecodable.csv"
    with pytest.raises(RosterError, match=r"undecodable.csv: is not readable as UTF-8, "
                                          r"UTF-16 or cp1252 text \(byte 40 is 0x81\)"):
        load_roster(path)
    assert main(["match", "--mentors", str(path), "--topics", "burnout"]) == 1
    err = capsys.readouterr().err
    assert "undecodable.csv" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d, "is a folder, not a roster"),
        (lambda d: _write(d / "empty.csv", b""), "empty.csv: is empty"),
        (lambda d: _write(d / "blank.csv", b"\r\n  \r\n"), "blank.csv: is empty"),
        (lambda d: _write(d / "book.xlsx", b"PK\x03\x04\x14\x00rest"), "Excel workbook"),
        (lambda d: d / "missing.csv", "missing.csv: file not found"),
        (lambda d: _write(d / "wide.csv", b"name,specialty,interests,capacity\nA,B,C,1,oops\n"),
         "row 2: has more cells than the header row"),
    ],
)
def test_folder_empty_and_other_wrong_files_are_named(tmp_path, make, message, capsys):
    path = make(tmp_path)
    with pytest.raises(RosterError, match=message):
        load_roster(path)
    assert main(["match", "--mentors", str(path), "--topics", "burnout"]) == 1
    assert message.split(": ")[-1] in capsys.readouterr().err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_trailing_empty_cells_from_excel_are_fine(tmp_path):
    path = _write(tmp_path / "m.csv", b"name;specialty;interests;capacity\r\nA;B;C;1;;\r\n")
    assert [m.name for m in load_roster(path)] == ["A"]


def test_escape_sequences_in_a_roster_never_reach_the_terminal(tmp_path, capsys, monkeypatch):
    from companion.retrieval import embedding

    monkeypatch.setattr(embedding, "get_embedder", lambda: embedding.HashingEmbedder(64))
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;pwned\x07\x9b31m"
    path = tmp_path / "mentors.csv"
    path.write_text("name,specialty,interests,capacity\n"
                    f"Dr. A{evil},Cardio{evil},burnout{evil} coaching,2\n", encoding="utf-8")
    [mentor] = load_roster(path)
    assert (mentor.name, mentor.specialty) == ("Dr. A", "Cardio")
    assert main(["match", "--mentors", str(path), "--topics", "burnout"]) == 0
    out = capsys.readouterr().out
    assert "Dr. A (Cardio)" in out
    for mark in ("\x1b", "\x07", "\x9b", "52;c;", "pwned"):
        assert mark not in out
