"""Privacy guard quality on the labelled set (a quality target, not a timing test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from companion.privacy import KINDS, scan
from companion.privacy.evaluation import PrivacySetError, evaluate, load_labelled_set

DATA = Path(__file__).parent / "data"
SET = DATA / "privacy_set.jsonl"
SAFE_HARBOR_SET = DATA / "privacy_safe_harbor.jsonl"
"""Names without a title, dates of service, beds, devices, plates, URLs, IPs, towns."""
P2_TUNE_SET = DATA / "privacy_P2_tune.jsonl"
"""The tuning half (ids p2-001..p2-160 by sorted id) of a batch written by an author who
had not seen the guard; its other half was kept unseen and scored once (README)."""


@pytest.fixture(scope="module")
def labelled():
    return load_labelled_set(SET)


@pytest.fixture(scope="module")
def safe_harbor():
    return load_labelled_set(SAFE_HARBOR_SET)


def test_sets_are_big_enough_and_cover_every_kind(labelled, safe_harbor):
    for items in (labelled, safe_harbor):
        with_ids = [item for item in items if item.identifiers]
        clean = [item for item in items if not item.identifiers]
        assert len(items) >= 160
        assert len(with_ids) >= 80 and len(clean) >= 80
    kinds = {kind for item in labelled + safe_harbor for kind, _, _ in item.identifiers}
    assert kinds == set(KINDS)


def test_targets_recall_and_clean_changed_rate(labelled):
    score = evaluate(labelled, scan)
    assert score.recall >= 0.97, score.missed
    assert score.clean_changed_rate < 0.03, score.false_alarms
    assert score.kind_accuracy >= 0.9, score.missed


def test_safe_harbor_targets(safe_harbor):
    score = evaluate(safe_harbor, scan)
    assert score.recall >= 0.97, score.missed
    assert score.clean_changed_rate < 0.03, score.false_alarms
    assert score.kind_accuracy >= 0.9, score.missed


def test_p2_tuning_half_targets():
    items = load_labelled_set(P2_TUNE_SET, strict_kinds=False)
    assert len(items) == 160
    score = evaluate(items, scan)
    assert score.recall >= 0.97, score.missed
    assert score.clean_changed_rate < 0.03, score.false_alarms


def test_kind_aliases_of_other_authors_load(tmp_path):
    rows = [{"id": "a", "text": "Samuel Otieno, serial PJN604217H, from Millbrook",
             "identifiers": [{"kind": "name", "text": "Samuel Otieno"},
                             {"kind": "serial", "text": "PJN604217H"},
                             {"kind": "town", "text": "Millbrook"}]}]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [k for k, _, _ in load_labelled_set(path)[0].identifiers] == [
        "patient", "device", "location"]


def test_evaluation_counts_misses_and_false_alarms(labelled):
    """The metric itself can fail: a scanner that finds nothing, or flags everything."""
    nothing = evaluate(labelled, lambda text: [])
    assert nothing.recall == 0.0 and nothing.clean_changed_rate == 0.0
    from companion.privacy import Span

    everything = evaluate(labelled, lambda text: [Span(0, len(text), "id", text)])
    assert everything.recall == 1.0 and everything.clean_changed_rate == 1.0
    assert everything.kind_accuracy < 0.2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", ":1: not valid JSON"),
        ('{"id": "a", "text": "x"}', "field 'identifiers' must be a list"),
        ('{"id": "a", "text": "Mr. X", "identifiers": [{"kind": "nickname", "text": "X"}]}',
         "field 'identifiers\\[0\\].kind'"),
        ('{"id": "a", "text": "Mr. X", "identifiers": [{"kind": 3, "text": "X"}]}',
         "field 'identifiers\\[0\\].kind'"),
        ('{"id": "a", "text": "Mr. X", "identifiers": [{"kind": "patient", "text": "Y"}]}',
         "'Y' does not occur in 'text'"),
    ],
)
def test_malformed_set_names_file_line_and_field(tmp_path, line, message):
    path = tmp_path / "set.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(PrivacySetError, match=message) as info:
        load_labelled_set(path)
    assert str(path) in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    row = json.dumps({"id": "a", "text": "fine", "identifiers": []})
    path = tmp_path / "set.jsonl"
    path.write_text(f"{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(PrivacySetError, match=r"set.jsonl:2: field 'id' 'a' is duplicated"):
        load_labelled_set(path)


def test_eval_privacy_command_prints_figures_but_no_lines(capsys):
    from companion.cli import main

    assert main(["eval", "privacy", str(SAFE_HARBOR_SET)]) == 0
    out = capsys.readouterr().out
    assert "identifiers caught   1.000" in out and "clean touched" in out
    assert "Arsenault" not in out  # a held-out set's lines must not be shown
    assert main(["eval", "privacy", str(SAFE_HARBOR_SET), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["identifiers"] == 111 and report["clean"] == 100


def test_other_authors_unknown_kinds_count_against_kind_only(tmp_path):
    row = {"id": "a", "text": "Mr. Jones came back", "identifiers": [
        {"kind": "honorific-name", "text": "Mr. Jones"}]}
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(PrivacySetError):
        load_labelled_set(path)
    score = evaluate(load_labelled_set(path, strict_kinds=False), scan)
    assert score.recall == 1.0 and score.kind_accuracy == 0.0


def test_p3_tuning_half_is_the_odd_ids_of_one_author():
    """P3 (author tune-P3) was split by id before any tuning (scripts/split_privacy_p3.py):
    odd ids here, even ids kept out as the check half, scored once."""
    rows = [json.loads(line) for line in
            (DATA / "privacy_P3_tune.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 120 and {r["author"] for r in rows} == {"tune-P3"}
    assert all(int(r["id"].rsplit("-", 1)[1]) % 2 == 1 for r in rows)
    assert len(load_labelled_set(DATA / "privacy_P3_tune.jsonl", strict_kinds=False)) == 120
