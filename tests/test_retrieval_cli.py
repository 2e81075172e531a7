"""`companion ask` and `companion eval retrieval`: output shapes, figures, offline end to end."""

from __future__ import annotations

import json

import pytest
from retrieval_support import sample_cards, write_knowledge

from companion.cli import main
from companion.retrieval import embedding
from companion.retrieval.evaluation import (
    EvalFileError,
    evaluate_retrieval,
    format_report,
    load_items,
    score_rankings,
)


@pytest.fixture
def knowledge(tmp_path, monkeypatch):
    directory = write_knowledge(tmp_path / "knowledge", sample_cards())
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(directory))
    return directory


@pytest.fixture
def hashing(monkeypatch):
    monkeypatch.setattr(embedding, "get_embedder", lambda: embedding.HashingEmbedder())


def test_ask_json_shape(knowledge, hashing, capsys):
    assert main(["ask", "I", "have", "to", "present", "at", "M&M", "--k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["query"] == "I have to present at M&M"
    assert len(out["results"]) == 3
    first = out["results"][0]
    assert list(first) == ["id", "title", "now", "topic", "topics", "score", "sources", "text"]
    assert first["now"].startswith("Right now, try one step")
    assert first["id"] == "mm-presenting"
    assert first["sources"] == ["Test source for mm-presenting"]
    scores = [r["score"] for r in out["results"]]
    assert scores[0] == max(scores)
    assert len({r["id"] for r in out["results"]}) == 3


def test_ask_plain_output_shows_title_and_source(knowledge, hashing, capsys):
    assert main(["ask", "my mentor stopped replying to emails", "--k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. When your mentor stops replying")
    assert "Source: Test source for mentor-silence" in out
    assert "\n2. " in out and "\n3. " not in out


def test_ask_skips_a_broken_card_naming_file_and_field(knowledge, hashing, capsys, caplog):
    (knowledge / "cards" / "broken.md").write_text("---\nid: broken\n---\n\nshort\n")
    with caplog.at_level("WARNING"):
        assert main(["ask", "present at M&M", "--json"]) == 0  # the other cards still work
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "mm-presenting"
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "broken.md" in warned and "'title'" in warned
    for card in (knowledge / "cards").glob("*.md"):
        card.write_text("---\nid: broken\n---\n\nshort\n")
    assert main(["ask", "anything"]) == 1  # nothing valid at all: a clear error
    err = capsys.readouterr().err
    assert ".md" in err and "'title'" in err


def test_ask_rejects_k_below_one(knowledge, hashing, capsys):
    assert main(["ask", "anything", "--k", "0"]) == 2
    assert "--k" in capsys.readouterr().err


def test_score_rankings_by_hand():
    items = [{"id": "1", "text": "a", "topics": ["burnout"]},
             {"id": "2", "text": "b", "topics": ["networking", "burnout"]},
             {"id": "3", "text": "c", "topics": ["burnout"]}]
    rankings = [["burnout", "networking"], ["burnout", "leadership", "networking"],
                ["leadership"] * 12]
    report = score_rankings(items, rankings)
    assert report["hit@1"] == round(1 / 3, 4)
    assert report["hit@3"] == round(2 / 3, 4)
    assert report["mrr"] == round((1 + 1 / 3 + 0) / 3, 4)
    assert report["per_topic"] == {"burnout": 0.5, "networking": 1.0}


def test_eval_json_shape_on_a_tiny_file(knowledge, hashing, tmp_path, capsys):
    path = tmp_path / "tiny.jsonl"
    path.write_text(
        '{"id": "t1", "text": "I have to present at M&M", "topics": ["emotional-support"]}\n'
        '\n'
        '{"id": "t2", "text": "my mentor never answers emails", '
        '"topics": ["mentoring-relationship", "finding-a-mentor"]}\n'
        '{"id": "t3", "text": "zebra quantum", "topics": ["leadership"]}\n')
    assert main(["eval", "retrieval", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["n", "systems"]
    assert report["n"] == 3
    assert list(report["systems"]) == ["hybrid", "bm25", "dense", "topic-model",
                                       "nearest-topic"]
    for name, figures in report["systems"].items():
        assert list(figures) == ["hit@1", "hit@3", "mrr", "per_topic"]
        assert set(figures["per_topic"]) == {"emotional-support", "mentoring-relationship",
                                             "leadership"}
        if name in ("hybrid", "bm25", "dense"):
            assert figures["per_topic"]["leadership"] == 0.0  # no leadership card exists
    # the only mentoring-relationship card is for mentors: a resident's search never shows it
    assert report["systems"]["hybrid"]["per_topic"]["mentoring-relationship"] == 0.0
    assert report["systems"]["hybrid"]["hit@1"] == round(1 / 3, 4)
    assert report["systems"]["bm25"]["per_topic"]["emotional-support"] == 1.0
    text = format_report(report)
    assert "hybrid" in text and "mentoring-relationship" in text


def test_eval_file_errors_name_line_and_field(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "fine", "topics": ["burnout"]}\n'
                    '{"id": "2", "text": "no topics", "topics": []}\n')
    with pytest.raises(EvalFileError, match=r"bad.jsonl:2: field 'topics'"):
        load_items(path)
    path.write_text("{not json\n")
    with pytest.raises(EvalFileError, match=r"bad.jsonl:1: not valid JSON"):
        evaluate_retrieval(path)
    with pytest.raises(EvalFileError, match="file not found"):
        load_items(tmp_path / "missing.jsonl")


@pytest.mark.slow
def test_ask_end_to_end_offline_with_the_real_model(knowledge, no_network, capsys,
                                                    companion_home):
    assert main(["ask", "--json", "--k", "2",
                 "third night in a row, charting till 2, I snapped at a nurse"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in out["results"]} == {"nights-recovery", "after-snapping"}
    assert (companion_home / "index" / "manifest.json").is_file()
    manifest = json.loads((companion_home / "index" / "manifest.json").read_text())
    assert manifest["model"]["name"] == "all-MiniLM-L6-v2"
    assert manifest["model"]["dimension"] == 384
    assert main(["ask", "--json", "--k", "1", "I have to present at M&M tomorrow"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["id"] == "mm-presenting"
