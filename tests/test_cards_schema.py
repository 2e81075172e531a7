"""Schema validation of knowledge cards: every error kind names the file and the field.

A program director edits cards by hand, so each way a card can be broken must give a
message that says which file, which field and what is wrong, and `companion kb check`
must report it (text or JSON) and exit non-zero.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from companion.cards import CardError, check_cards, load_cards
from companion.cli import main
from companion.taxonomy import topic_ids

REPO_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"

BODY = " ".join(
    "You can ask a senior colleague for twenty minutes and bring one clear question."
    .split()
    * 6
)  # 84 words, inside the 60-250 range

FRONT = {
    "id": "sample-card",
    "title": "A sample card",
    "now": "Write down what you need, then ask one person for it.",
    "topic": "finding-a-mentor",
    "topics": "[networking]",
    "audience": "resident",
    "sources": '\n  - "Significance of Mentorship in Medicine to Reduce Burnout Among Residents"',
    "tags": "[mentor, email]",
    "reflect": '\n  - "What do you need most right now?"',
    "ask_mentor": '\n  - "Who should I talk to next?"',
}


def card_text(body: str = BODY, drop: tuple[str, ...] = (), **fields: str) -> str:
    """A card file; keyword arguments replace front-matter values, ``drop`` removes keys."""
    values = {**FRONT, **fields}
    lines = [f"{key}: {value}" for key, value in values.items() if key not in drop]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


@pytest.fixture
def kb(tmp_path, monkeypatch) -> Path:
    """A private knowledge dir: a copy of the real taxonomy, crisis resources and safety
    data (kb check validates those too), and an empty cards dir."""
    root = tmp_path / "knowledge"
    (root / "cards").mkdir(parents=True)
    shutil.copy(REPO_KNOWLEDGE / "topics.yaml", root / "topics.yaml")
    shutil.copy(REPO_KNOWLEDGE / "resources.yaml", root / "resources.yaml")
    shutil.copytree(REPO_KNOWLEDGE / "safety", root / "safety")
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(root))
    return root / "cards"


def write(cards: Path, name: str, text: str) -> None:
    (cards / name).write_text(text, encoding="utf-8")


def only_problem(cards: Path):
    report = check_cards(cards)
    assert report.cards == []
    assert len(report.errors) == 1, [str(p) for p in report.errors]
    return report.errors[0]


def test_a_valid_card_loads_with_every_field(kb):
    write(kb, "sample-card.md", card_text())
    [card] = load_cards(kb)
    assert card.id == "sample-card"
    assert card.all_topics == ("finding-a-mentor", "networking")
    assert card.sources == (
        "Significance of Mentorship in Medicine to Reduce Burnout Among Residents",)
    assert card.reflect == ("What do you need most right now?",)
    assert card.body.startswith("You can ask")


def test_missing_front_matter_names_the_file(kb):
    write(kb, "plain.md", BODY)
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("plain.md", "(front matter)")
    assert "missing" in problem.message


def test_invalid_yaml_names_the_file(kb):
    write(kb, "broken.md", card_text(title="Mentor: coach: sponsor"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("broken.md", "(front matter)")
    assert "not valid YAML" in problem.message


def test_unknown_primary_topic(kb):
    write(kb, "bad-topic.md", card_text(topic="mentorship-basics"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("bad-topic.md", "topic")
    assert "unknown topic 'mentorship-basics'" in problem.message


def test_unknown_secondary_topic(kb):
    write(kb, "bad-secondary.md", card_text(topics="[networking, wellness]"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("bad-secondary.md", "topics")
    assert "unknown topic 'wellness'" in problem.message


def test_unknown_field(kb):
    write(kb, "extra.md", card_text(colour="blue"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("extra.md", "colour")
    assert problem.message == "is not a known field"


@pytest.mark.parametrize("missing", ["id", "title", "now", "topic", "audience", "sources",
                                     "reflect", "ask_mentor"])
def test_missing_required_field(kb, missing):
    write(kb, "incomplete.md", card_text(drop=(missing,)))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("incomplete.md", missing)
    assert problem.message == "is required"


def test_empty_sources_list_is_an_error(kb):
    write(kb, "nosource.md", card_text(sources="[]"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("nosource.md", "sources")


def test_blank_source_item_is_an_error(kb):
    write(kb, "blanksource.md", card_text(sources='["  "]'))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("blanksource.md", "sources")
    assert "non-empty" in problem.message


def test_too_many_reflection_questions(kb):
    write(kb, "chatty.md", card_text(reflect='["a?", "b?", "c?", "d?"]'))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("chatty.md", "reflect")


def test_empty_body(kb):
    write(kb, "empty.md", card_text(body=""))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("empty.md", "body")
    assert "is empty" in problem.message


@pytest.mark.parametrize("words", [59, 251])
def test_body_outside_word_range(kb, words):
    write(kb, "length.md", card_text(body=" ".join(["word"] * words)))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("length.md", "body")
    assert f"has {words} words" in problem.message
    assert "60-250" in problem.message


@pytest.mark.parametrize("words", [60, 250])
def test_body_at_word_limits_is_accepted(kb, words):
    write(kb, "edge.md", card_text(body=" ".join(["word"] * words)))
    report = check_cards(kb)
    assert report.errors == []
    assert len(report.cards) == 1


def test_duplicate_ids_across_files(kb):
    write(kb, "a-first.md", card_text())
    write(kb, "b-second.md", card_text(title="Another card"))
    report = check_cards(kb)
    assert [c.path.name for c in report.cards] == ["a-first.md"]
    [problem] = report.errors
    assert (problem.file, problem.field) == ("b-second.md", "id")
    assert "duplicate id 'sample-card'" in problem.message
    assert "a-first.md" in problem.message


def test_bad_audience(kb):
    write(kb, "audience.md", card_text(audience="attending"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("audience.md", "audience")


def test_bad_id_slug(kb):
    write(kb, "slug.md", card_text(id="Finding A Mentor"))
    problem = only_problem(kb)
    assert (problem.file, problem.field) == ("slug.md", "id")


def test_all_problems_of_one_file_are_collected_in_one_pass(kb):
    write(kb, "many.md", card_text(body="too short", audience="everyone", drop=("sources",)))
    report = check_cards(kb)
    fields = sorted(p.field for p in report.errors)
    assert fields == ["audience", "body", "sources"]
    assert {p.file for p in report.errors} == {"many.md"}


def test_strict_load_cards_raises_with_file_and_field_in_message(kb):
    write(kb, "good.md", card_text())
    write(kb, "bad.md", card_text(id="other-card", topic="nonsense"))
    with pytest.raises(CardError) as caught:
        load_cards(kb, strict=True)
    assert [(p.file, p.field) for p in caught.value.problems] == [("bad.md", "topic")]
    assert "bad.md: field 'topic': unknown topic 'nonsense'" in str(caught.value)


def test_one_bad_card_is_skipped_with_a_warning_and_the_rest_load(kb, caplog):
    write(kb, "good.md", card_text())
    write(kb, "bad.md", card_text(id="other-card", topic="nonsense"))
    with caplog.at_level("WARNING", logger="companion.cards"):
        cards = load_cards(kb)
    assert [c.id for c in cards] == ["sample-card"]
    assert "knowledge card skipped: bad.md: field 'topic': unknown topic 'nonsense'" \
        in caplog.text


def test_no_valid_card_at_all_still_raises(kb):
    write(kb, "bad.md", card_text(topic="nonsense"))
    with pytest.raises(CardError, match="bad.md: field 'topic'"):
        load_cards(kb)


def test_escape_sequences_in_a_card_are_stripped_on_load(kb):
    evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;pwned\x07"
    write(kb, "sample-card.md", card_text(title=f'"A sample{evil} card"', body=BODY + evil))
    [card] = load_cards(kb)
    assert card.title == "A sample card"
    assert not any(mark in card.body for mark in ("\x1b", "\x07", "52;c;", "pwned"))


def test_kb_check_json_reports_errors_and_exits_nonzero(kb, capsys):
    write(kb, "good.md", card_text())
    write(kb, "mentor-card.md", card_text(id="mentor-card", audience="mentor"))
    write(kb, "bad.md", card_text(id="bad-card", drop=("sources",)))
    write(kb, "dupe.md", card_text(title="Same id again"))
    code = main(["kb", "check", "--json"])
    assert code != 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"cards", "errors", "warnings", "by_topic", "by_audience", "flows",
                        "flow_errors", "flow_warnings", "safety_problems"}
    assert out["cards"] == 2
    assert out["flow_warnings"] == []  # no flows here to name cards
    assert sorted((e["file"], e["field"]) for e in out["errors"]) == [
        ("bad.md", "sources"), ("good.md", "id")]
    for error in out["errors"]:
        assert set(error) == {"file", "field", "message"}
        assert error["message"]
    assert list(out["by_topic"]) == topic_ids()
    assert out["by_topic"]["finding-a-mentor"] == 2
    assert sum(out["by_topic"].values()) == 2
    assert out["by_audience"] == {"resident": 1, "mentor": 1, "both": 0}


def test_kb_check_text_output_names_file_and_field(kb, capsys):
    write(kb, "bad.md", card_text(audience="attending"))
    assert main(["kb", "check"]) == 1
    captured = capsys.readouterr()
    assert "bad.md: field 'audience'" in captured.err
    assert "0 valid card(s), 1 error(s)" in captured.out


def test_kb_check_exits_zero_on_the_real_knowledge_base(monkeypatch, capsys):
    monkeypatch.delenv("COMPANION_KNOWLEDGE", raising=False)
    code = main(["kb", "check", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == []
    assert code == 0
    assert out["cards"] == sum(out["by_topic"].values()) == sum(out["by_audience"].values())


def test_duplicate_titles_across_files(kb):
    write(kb, "a-first.md", card_text())
    first_title = FRONT["title"].strip("'\"")
    write(kb, "b-second.md", card_text(id="other-card", title=f"  {first_title.upper()} "))
    report = check_cards(kb)
    assert [c.path.name for c in report.cards] == ["a-first.md"]
    [problem] = report.errors
    assert (problem.file, problem.field) == ("b-second.md", "title")
    assert "duplicate title" in problem.message and "a-first.md" in problem.message


@pytest.mark.parametrize("source", ["AAMC", "AMA STEPS Forward", "AAMC (CV guidance for trainees)",
                                    "Physician Support Line"])
def test_kb_check_warns_on_an_organisation_only_source(kb, capsys, source):
    shutil.copytree(REPO_KNOWLEDGE / "flows", kb.parent / "flows")  # so only cards can fail
    write(kb, "vague.md", card_text(sources=f'\n  - "{source}"'))
    report = check_cards(kb)
    assert report.errors == [] and len(report.cards) == 1  # still a working card
    [warning] = report.warnings
    assert (warning.file, warning.field) == ("vague.md", "sources")
    assert source in warning.message and "organisation" in warning.message
    assert main(["kb", "check"]) == 0  # a warning does not fail the check
    captured = capsys.readouterr()
    assert "warning: vague.md: field 'sources'" in captured.err
    assert "1 source warning(s)" in captured.out


@pytest.mark.parametrize("source", [
    "AAMC, Navigating Your Finances (2023)",
    "Shanafelt & Noseworthy 2017, Executive Leadership and Physician Well-being",
    "https://www.ecfmg.org/evsp/",
    "COPE Ethical Guidelines for Peer Reviewers",
    "Federation of State Medical Boards: Physician Wellness and Burnout policy",
])
def test_a_specific_source_gets_no_warning(kb, source):
    write(kb, "specific.md", card_text(sources=f'\n  - "{source}"'))
    report = check_cards(kb)
    assert report.errors == [] and report.warnings == []


def test_kb_check_json_lists_source_warnings(kb, capsys):
    shutil.copytree(REPO_KNOWLEDGE / "flows", kb.parent / "flows")
    write(kb, "vague.md", card_text(sources='\n  - "AAMC"\n  - "Ayyala et al. 2019"'))
    assert main(["kb", "check", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(w["file"], w["field"]) for w in out["warnings"]] == [("vague.md", "sources")]
    assert "'AAMC'" in out["warnings"][0]["message"]
